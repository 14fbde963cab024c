import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieEngine
@testable import VigieStore

/// A campaign end to end through the engine: two influencers and their links, a scripted load of
/// clicks (browsers with and without referrers, messaging apps' preview fetchers, bots) and
/// conversions, and a report that must match the script's truth figure by figure.
@Suite("Campaigns")
struct CampaignUseCaseTests {
    static let browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    static let desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    static let instagramApp = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.28.111"
    static let previews = ["WhatsApp/2.23.20.0 A", "TelegramBot (like TwitterBot)", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
                           "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"]
    static let bots = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.4.0", "python-requests/2.31.0"]

    struct World {
        let engine: Engine
        let marieLink: LinkView
        let paulLink: LinkView
        let newsletterLink: LinkView
    }

    static func world() async throws -> World {
        let store = try SQLiteStore.inMemory()
        try await store.write(Fixture.batch([
            .account(Fixture.account("a1", handle: "marie", followers: 42_000)),
            .account(Fixture.account("b2", handle: "paul", followers: 8_000, platform: .instagram)),
        ]), workspace: "brand")
        let engine = Engine(store: store, configuration: EngineConfiguration(workspace: "brand"))
        _ = try await engine.addCampaign(AddCampaignRequest(name: "spring", objective: .conversions, startsAt: Fixture.at(0),
                                                            budget: "5000", currency: "EUR", influencers: ["@marie=800", "@paul=1200.50"],
                                                            linkBase: "https://go.brand.example/"), now: Fixture.at(0))
        let marie = try await engine.addLink(AddLinkRequest(campaign: "spring", target: "https://brand.example/shop?ref=a",
                                                            influencer: "@marie", channel: "instagram"))
        let paul = try await engine.addLink(AddLinkRequest(campaign: "spring", target: "https://brand.example/shop",
                                                           influencer: "paul", channel: "tiktok"))
        let newsletter = try await engine.addLink(AddLinkRequest(campaign: "spring", target: "https://brand.example/",
                                                                 channel: "newsletter", utm: UTMParameters(medium: "email")))
        return World(engine: engine, marieLink: marie, paulLink: paul, newsletterLink: newsletter)
    }

    @Test func campaignsAndLinksAreCreatedWithTheirDefaults() async throws {
        let world = try await Self.world()
        let detail = try await world.engine.campaign(named: "spring")
        #expect(detail.campaign.influencers.map(\.handle) == ["@marie", "@paul"])
        #expect(detail.campaign.spend == Money(minorUnits: 200_050, currency: Currency(code: "EUR")!))
        #expect(detail.links.count == 3)
        let marie = world.marieLink
        #expect(marie.shortURL == "https://go.brand.example/" + marie.link.code)
        #expect(marie.influencer == "@marie")
        #expect(marie.destination == "https://brand.example/shop?ref=a&utm_source=instagram&utm_medium=influencer&utm_campaign=spring&utm_content=marie")
        #expect(world.newsletterLink.destination == "https://brand.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring")
        #expect(ShortCode.isWellFormed(Substring(marie.link.code)))
        #expect(Set(detail.links.map(\.link.code)).count == 3)
    }

    @Test func badRequestsNameTheirField() async throws {
        let world = try await Self.world()
        let engine = world.engine
        func field(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch let error as EngineError {
                return error.field
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(await field { _ = try await engine.addCampaign(AddCampaignRequest(name: "x", currency: "EURO")) } == "currency")
        #expect(await field { _ = try await engine.addCampaign(AddCampaignRequest(name: "x", budget: "-5")) } == "budget")
        #expect(await field { _ = try await engine.addCampaign(AddCampaignRequest(name: "x", budget: "12.345")) } == "budget")
        #expect(await field { _ = try await engine.addCampaign(AddCampaignRequest(name: "x", budget: "99999999999999")) } == "budget")
        #expect(await field { _ = try await engine.addCampaign(AddCampaignRequest(name: "bad name")) } == "name")
        #expect(await field { _ = try await engine.addCampaign(AddCampaignRequest(name: "x", influencers: ["@nobody"])) } == "influencers[0]")
        #expect(await field { _ = try await engine.addCampaign(AddCampaignRequest(name: "x", influencers: ["@marie=abc"])) } == "influencers[0]")
        for target in ["javascript:alert(1)", "https://user:pw@brand.example/", "https://brand.example/\r\nSet-Cookie: a=b",
                       "brand.example/x", "ftp://brand.example/", "https://brand.example/" + String(repeating: "a", count: 3000),
                       "https:///nohost"] {
            #expect(await field { _ = try await engine.addLink(AddLinkRequest(campaign: "spring", target: target)) } == "target",
                    "\(target.prefix(40)) must be refused")
        }
        #expect(await field { _ = try await engine.addLink(AddLinkRequest(campaign: "nope", target: "https://a.example/")) } == "campaign")
        #expect(await field {
            _ = try await engine.addLink(AddLinkRequest(campaign: "spring", target: "https://a.example/",
                                                        utm: UTMParameters(source: "a\nb")))
        } == "utm")
        #expect(await field {
            _ = try await engine.recordConversion(RecordConversionRequest(idempotencyKey: "k", value: -1, currency: "EUR"))
        } == "value")
        #expect(await field {
            _ = try await engine.recordConversion(RecordConversionRequest(idempotencyKey: "k", value: 1e15, currency: "EUR"))
        } == "value")
        #expect(await field {
            _ = try await engine.recordConversion(RecordConversionRequest(idempotencyKey: "k", value: 10, currency: "XYZ"))
        } == "currency")
        #expect(await field {
            _ = try await engine.recordConversion(RecordConversionRequest(idempotencyKey: "", value: 10, currency: "EUR"))
        } == "idempotencyKey")
        #expect(await field {
            _ = try await engine.recordConversion(RecordConversionRequest(idempotencyKey: "k", value: 10, currency: "JPY", clickID: "x"))
        } == "clickID")
        // Nothing of the refused requests was stored.
        #expect(try await engine.campaigns().map(\.name) == ["spring"])
        #expect(try await engine.links().count == 3)
    }

    /// The scripted truth of one link: what the report must show.
    struct Truth {
        var clicks = 0, uniques = 0, previews = 0, bots = 0, dark = 0, social = 0, conversions = 0
        var revenueCents: Int64 = 0
    }

    @Test func theReportMatchesAScriptedLoad() async throws {
        let world = try await Self.world()
        let store = world.engine.store
        let redirector = LinkRedirector(store: store)
        var generator = CampaignLoadGenerator(seed: 15)
        var truths: [String: Truth] = [:]
        var clickIDs: [String: [String]] = [:]
        var whatsAppPreviews = 0
        let now = Date()
        for (linkIndex, link) in [world.marieLink, world.paulLink, world.newsletterLink].enumerated() {
            var truth = Truth()
            let code = link.link.code
            let visitors = 20 + linkIndex * 7
            for visitor in 0..<visitors {
                let address = "198.51.\(linkIndex).\(visitor)"
                // Each visitor clicks 1 to 3 times the same day: one unique per (address, user agent),
                // as the visitor key is defined (a person's browser and their Instagram app are two).
                let times = 1 + Int(generator.next() % 3)
                var agentsSeen = Set<String>()
                for _ in 0..<times {
                    let kindRoll = generator.next() % 3
                    let agent = kindRoll == 2 ? Self.instagramApp : (visitor % 2 == 0 ? Self.browser : Self.desktop)
                    if agentsSeen.insert(agent).inserted { truth.uniques += 1 }
                    let referrer: String? = kindRoll == 1 ? "https://t.co/abc" : nil
                    let answer = try await redirector.redirect(ClickRequest(code: Substring(code), address: address, userAgent: agent,
                                                                           referrer: referrer, at: now))
                    guard case .redirect(let location, false) = answer else {
                        Issue.record("no redirect for \(code): \(answer)")
                        continue
                    }
                    truth.clicks += 1
                    if kindRoll == 0 { truth.dark += 1 } else { truth.social += 1 }
                    let clickID = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "vgclid" }?.value)
                    clickIDs[code, default: []].append(clickID)
                }
            }
            for index in 0..<(5 + linkIndex) {
                let agent = Self.previews[index % Self.previews.count]
                _ = try await redirector.redirect(ClickRequest(code: Substring(code), address: "10.0.0.\(index)",
                                                               userAgent: agent, referrer: nil, at: now))
                truth.previews += 1
                if agent.hasPrefix("WhatsApp") { whatsAppPreviews += 1 }
            }
            for index in 0..<(3 + linkIndex) {
                _ = try await redirector.redirect(ClickRequest(code: Substring(code), address: "10.1.0.\(index)",
                                                               userAgent: Self.bots[index % Self.bots.count], referrer: nil, at: now))
                truth.bots += 1
            }
            // Conversions on the first clicks of the link; one replayed, one outside the window.
            for (index, clickID) in clickIDs[code, default: []].prefix(4 + linkIndex).enumerated() {
                let cents = Int64(1_990 + 1_000 * index + 100 * linkIndex)
                let result = try await world.engine.recordConversion(RecordConversionRequest(
                    idempotencyKey: "order-\(code)-\(index)", value: Double(cents) / 100, currency: "EUR", clickID: clickID), now: now)
                #expect(result.recorded && result.code == code)
                truth.conversions += 1
                truth.revenueCents += cents
                let replay = try await world.engine.recordConversion(RecordConversionRequest(
                    idempotencyKey: "order-\(code)-\(index)", value: 1, currency: "EUR", clickID: clickID), now: now)
                #expect(!replay.recorded)
            }
            let late = try await world.engine.recordConversion(RecordConversionRequest(
                idempotencyKey: "late-\(code)", value: 99, currency: "EUR", clickID: clickIDs[code]![0],
                at: now.addingTimeInterval(8 * 86_400)), now: now.addingTimeInterval(8 * 86_400))
            #expect(late.recorded && late.code == nil)
            truths[code] = truth
        }
        // A conversion in another currency is counted apart.
        let dollars = try await world.engine.recordConversion(RecordConversionRequest(
            idempotencyKey: "usd-1", value: 10, currency: "USD", clickID: clickIDs[world.marieLink.link.code]![1]), now: now)
        #expect(dollars.code == world.marieLink.link.code)

        let report = try await world.engine.campaignReport(CampaignReportRequest(campaign: "spring", audience: false))
        for line in report.links {
            let truth = try #require(truths[line.code])
            let figures = line.figures
            #expect(figures.clicks == truth.clicks)
            #expect(figures.uniqueVisitors == truth.uniques)
            #expect(figures.privateShares == truth.previews)
            #expect(figures.bots == truth.bots)
            #expect(figures.dark == truth.dark)
            #expect(figures.social == truth.social)
            #expect(figures.conversions == truth.conversions)
            #expect(abs(figures.revenue - Double(truth.revenueCents) / 100) < 1e-9)
            #expect(abs((figures.darkShare ?? -1) - Double(truth.dark) / Double(truth.clicks)) < 1e-12)
        }
        let all = truths.values
        #expect(report.totals.clicks == all.reduce(0) { $0 + $1.clicks })
        #expect(report.totals.privateShares == all.reduce(0) { $0 + $1.previews })
        #expect(report.totals.otherCurrencyConversions == 1)
        #expect(report.notes.contains { $0.contains("another currency") })
        // Spend is the fees; ROI = (revenue − spend) / spend.
        let revenue = Double(all.reduce(0) { $0 + $1.revenueCents }) / 100
        #expect(report.totals.spend == 2_000.50)
        #expect(abs((report.totals.roi ?? 0) - (revenue - 2_000.50) / 2_000.50) < 1e-12)
        #expect(abs((report.totals.costPerClick ?? 0) - 2_000.50 / Double(report.totals.clicks)) < 1e-12)

        let marie = try #require(report.influencers.first { $0.handle == "@marie" })
        let marieTruth = truths[world.marieLink.link.code]!
        #expect(marie.figures.clicks == marieTruth.clicks)
        #expect(marie.figures.spend == 800)
        #expect(abs((marie.figures.roi ?? 0) - (Double(marieTruth.revenueCents) / 100 - 800) / 800) < 1e-12)
        #expect(abs((marie.figures.costPerConversion ?? 0) - 800 / Double(marieTruth.conversions)) < 1e-12)
        #expect(Set(report.channels.map(\.channel)) == ["instagram", "tiktok", "newsletter"])
        #expect(whatsAppPreviews == 6)
        #expect(report.privateSharesByApp["whatsapp"] == whatsAppPreviews)
        #expect(report.socialByNetwork["instagram"]! + report.socialByNetwork["x"]! == report.totals.social)
        #expect(report.explanations["darkShare"] != nil && report.explanations["roi"] != nil)

        // The CSV has the campaign, both influencers, three channels and three links.
        let csv = CampaignReportCSV.text(report).split(separator: "\n")
        let expectedRows: Int = 1 + 1 + 2 + 3 + 3  // header, campaign, influencers, channels, links
        #expect(csv.count == expectedRows)
        #expect(csv[1].hasPrefix("campaign,spring,\(report.totals.clicks),"))
    }

    @Test func unknownCodesAreRateLimitedPerAddress() async throws {
        let world = try await Self.world()
        let redirector = LinkRedirector(store: world.engine.store, settings: RedirectorSettings(unknownCodeLimit: 3))
        var answers: [RedirectAnswer] = []
        for index in 0..<5 {
            // Changing the user agent does not reset the count.
            answers.append(try await redirector.redirect(ClickRequest(code: "AAAAAAAA\(index)x", address: "192.0.2.1",
                                                                     userAgent: "agent \(index)", referrer: nil)))
        }
        #expect(answers.prefix(3).allSatisfy { $0 == .notFound })
        guard case .tooManyUnknownCodes = answers[4] else {
            Issue.record("the fifth unknown code should be refused: \(answers[4])")
            return
        }
        // Another address is not limited; a known code still redirects.
        #expect(try await redirector.redirect(ClickRequest(code: "zzz", address: "192.0.2.2", userAgent: nil, referrer: nil)) == .notFound)
        let known = try await redirector.redirect(ClickRequest(code: Substring(world.marieLink.link.code), address: "192.0.2.2",
                                                               userAgent: Self.browser, referrer: nil))
        guard case .redirect = known else {
            Issue.record("a known code must redirect")
            return
        }
    }

    @Test func visitorKeysChangeWithTheDayAndOldSaltsAreDropped() {
        let keys = VisitorKeys()
        let day = Fixture.at(0)
        let key = keys.key(address: "203.0.113.5", userAgent: "ua", code: "AAAAAAAAA1", at: day)
        #expect(key.count == 32)
        #expect(keys.key(address: "203.0.113.5", userAgent: "ua", code: "AAAAAAAAA1", at: day.addingTimeInterval(60)) == key)
        #expect(keys.key(address: "203.0.113.6", userAgent: "ua", code: "AAAAAAAAA1", at: day) != key)
        #expect(keys.key(address: "203.0.113.5", userAgent: "ua", code: "AAAAAAAAA2", at: day) != key)
        #expect(keys.key(address: "203.0.113.5", userAgent: "ua", code: "AAAAAAAAA1", at: day.addingTimeInterval(86_400)) != key)
        #expect(keys.saltCount == 2)
        _ = keys.key(address: "x", userAgent: "ua", code: "c", at: day.addingTimeInterval(3 * 86_400))
        #expect(keys.saltCount == 1)
        // Without any click, the sweep alone forgets a salt once its day is two days old.
        let quiet = VisitorKeys()
        _ = quiet.key(address: "203.0.113.5", userAgent: "ua", code: "AAAAAAAAA1", at: day)
        quiet.dropExpired(now: day.addingTimeInterval(86_400 + 3_600))
        #expect(quiet.saltCount == 1)
        quiet.dropExpired(now: day.addingTimeInterval(2 * 86_400))
        #expect(quiet.saltCount == 0)
        // Another process (or a restart) has other salts: yesterday's keys cannot be recomputed.
        #expect(VisitorKeys().key(address: "203.0.113.5", userAgent: "ua", code: "AAAAAAAAA1", at: day) != key)
    }

    @Test func retentionFoldsClicksAndTheReportIsUnchanged() async throws {
        let world = try await Self.world()
        let redirector = LinkRedirector(store: world.engine.store)
        let old = Date().addingTimeInterval(-500 * 86_400)
        for index in 0..<12 {
            _ = try await redirector.redirect(ClickRequest(code: Substring(world.paulLink.link.code), address: "192.0.2.\(index % 5)",
                                                           userAgent: index % 4 == 0 ? Self.previews[0] : Self.browser, referrer: nil,
                                                           at: old.addingTimeInterval(Double(index))))
        }
        let before = try await world.engine.campaignReport(CampaignReportRequest(campaign: "spring", audience: false))
        let folded = try await world.engine.compactClicks()
        #expect(folded == 12)
        let after = try await world.engine.campaignReport(CampaignReportRequest(campaign: "spring", audience: false))
        #expect(after.totals == before.totals)
        #expect(before.totals.privateShares == 3 && before.totals.clicks == 9)
    }
}


extension CampaignUseCaseTests {
    /// The report reads counters kept at write time; on generated clicks (three links, ten days,
    /// every class, visitors returning within and across days, replayed click ids) each of its
    /// figures must be what the raw clicks give, before and after retention deletes them.
    @Test func reportFromCountersEqualsTheRawClicks() async throws {
        let world = try await Self.world()
        let links = [world.marieLink, world.paulLink, world.newsletterLink].map(\.link.code)
        let planted = PlantedClicks(codes: links, days: 10, perDay: 250, start: Fixture.at(0), seed: 3)
        for batch in planted.batches(largest: 80, seed: 4) {
            _ = try await world.engine.store.recordClicks(batch)
        }
        let truth = PlantedClicks.traffic(of: planted.clicks, codes: links)
        func expected(_ traffic: [LinkTraffic]) -> [Int] {
            func sum(_ kinds: ClickClass...) -> Int {
                traffic.flatMap(\.counts).filter { kinds.contains($0.kind) }.map(\.clicks).reduce(0, +)
            }
            return [sum(.dark, .social, .search, .web), traffic.map(\.uniqueVisitors).reduce(0, +), sum(.privatePreview),
                    sum(.publicPreview), sum(.bot), sum(.dark), sum(.social), sum(.search), sum(.web)]
        }
        func figures(_ figures: CampaignFigures) -> [Int] {
            [figures.clicks, figures.uniqueVisitors, figures.privateShares, figures.publicPreviews, figures.bots, figures.dark,
             figures.social, figures.search, figures.web]
        }
        let at = Fixture.at(30 * 86_400)
        let report = try await world.engine.campaignReport(CampaignReportRequest(campaign: "spring", audience: false), now: at)
        #expect(report.links.map(\.code) == links)
        for (line, traffic) in zip(report.links, truth) {
            #expect(figures(line.figures) == expected([traffic]))
        }
        #expect(report.influencers.map { figures($0.figures) } == [expected([truth[0]]), expected([truth[1]])])
        #expect(figures(report.totals) == expected(truth))
        var apps: [String: Int] = [:]
        var networks: [String: Int] = [:]
        for count in truth.flatMap(\.counts) {
            if count.kind == .privatePreview { apps[count.source ?? "other", default: 0] += count.clicks }
            if count.kind == .social { networks[count.source ?? "other", default: 0] += count.clicks }
        }
        #expect(report.privateSharesByApp == apps)
        #expect(report.socialByNetwork == networks)
        #expect(report.totals.uniqueVisitors < report.totals.clicks)

        // Retention deletes every click (all older than a day at `now`): the report does not move.
        let deleted = try await world.engine.compactClicks(retentionDays: 1, now: at)
        #expect(deleted > 0)
        let after = try await world.engine.campaignReport(CampaignReportRequest(campaign: "spring", audience: false), now: at)
        #expect(after.totals == report.totals)
        #expect(after.influencers == report.influencers)
        #expect(after.channels == report.channels)
        #expect(after.links == report.links)
        #expect(after.privateSharesByApp == report.privateSharesByApp && after.socialByNetwork == report.socialByNetwork)
    }
}

/// A small deterministic generator, so the scripted load is the same on every run.
struct CampaignLoadGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
