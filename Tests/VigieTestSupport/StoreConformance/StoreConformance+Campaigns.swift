import Foundation
import Testing
import VigieCore

/// Campaigns, links, clicks, conversions and retention, as every backend must keep them.
extension StoreConformance {
    static let campaignChecks: [Check] = [
        Check("campaigns", "campaigns round-trip with influencers, and names are unique per workspace") {
            try await $0.campaignsRoundTrip()
        },
        Check("campaigns", "links resolve across workspaces and codes are unique everywhere") {
            try await $0.linksResolveAndCodesAreUnique()
        },
        Check("campaigns", "clicks count by class and source, uniques per day, and unknown codes are dropped") {
            try await $0.clicksAreCounted()
        },
        Check("campaigns", "conversions are idempotent and attributed through links") {
            try await $0.conversionsAreIdempotent()
        },
        Check("campaigns", "retention folds old clicks into daily counts without changing the totals") {
            try await $0.retentionKeepsTotals()
        },
    ]

    static let euro = Currency(code: "EUR")!

    static func campaignFixture(_ name: String = "spring") -> Campaign {
        Campaign(name: name, objective: .conversions, startsAt: Fixture.at(0), endsAt: Fixture.at(86_400 * 30),
                 budget: Money(minorUnits: 500_000, currency: euro), currency: euro,
                 influencers: [CampaignInfluencer(account: AccountKey(platform: .twitter, platformID: "a1"), handle: "@marie",
                                                  fee: Money(minorUnits: 80_000, currency: euro)),
                               CampaignInfluencer(account: AccountKey(platform: .instagram, platformID: "b2"), handle: "@paul")],
                 watch: "spring-talk", linkBase: "https://go.brand.example", createdAt: Fixture.at(0))
    }

    static func click(_ code: String, at seconds: Double, visitor: String, kind: ClickClass = .dark, source: String? = nil,
                      clickID: String? = nil) -> LinkClick {
        LinkClick(code: code, at: Fixture.at(seconds), visitor: visitor, clickID: clickID, kind: kind, source: source,
                  referrerDomain: kind == .social ? "t.co" : nil, device: kind.isHuman ? .mobile : .bot, country: "FR")
    }

    func campaignsRoundTrip() async throws {
        let store = try await makeStore()
        let campaign = Self.campaignFixture()
        try await store.addCampaign(campaign, workspace: Self.ws)
        #expect(try await store.campaign(named: "spring", workspace: Self.ws) == campaign)
        #expect(try await store.campaigns(workspace: Self.ws) == [campaign])
        #expect(try await store.campaigns(workspace: "other").isEmpty)
        await #expect(throws: StoreError.self) { try await store.addCampaign(campaign, workspace: Self.ws) }
        // The same name in another workspace is another campaign.
        try await store.addCampaign(campaign, workspace: "other")

        var changed = campaign
        changed.influencers.removeFirst()
        changed.budget = nil
        changed.endsAt = nil
        #expect(try await store.updateCampaign(changed, workspace: Self.ws))
        #expect(try await store.campaign(named: "spring", workspace: Self.ws) == changed)
        #expect(try await store.campaign(named: "spring", workspace: "other") == campaign)
        #expect(try await !store.updateCampaign(Self.campaignFixture("nope"), workspace: Self.ws))
    }

    func linksResolveAndCodesAreUnique() async throws {
        let store = try await makeStore()
        try await store.addCampaign(Self.campaignFixture(), workspace: Self.ws)
        try await store.addCampaign(Self.campaignFixture("autumn"), workspace: "other")
        let link = ShortLink(code: "AAAAAAAAA1", campaign: "spring", influencer: AccountKey(platform: .twitter, platformID: "a1"),
                             channel: "instagram", target: "https://brand.example/p?x=1",
                             utm: UTMParameters(source: "instagram", medium: "influencer", campaign: "spring"), permanent: true,
                             appendsClickID: false, createdAt: Fixture.at(5))
        try await store.addLink(link, workspace: Self.ws)
        let other = ShortLink(code: "BBBBBBBBB2", campaign: "autumn", target: "https://brand.example/", createdAt: Fixture.at(6))
        try await store.addLink(other, workspace: "other")

        #expect(try await store.resolveLink(code: "AAAAAAAAA1") == ResolvedLink(workspace: Self.ws, link: link))
        #expect(try await store.resolveLink(code: "BBBBBBBBB2") == ResolvedLink(workspace: "other", link: other))
        #expect(try await store.resolveLink(code: "CCCCCCCCC3") == nil)
        #expect(try await store.links(workspace: Self.ws, campaign: nil) == [link])
        #expect(try await store.links(workspace: Self.ws, campaign: "autumn").isEmpty)
        #expect(try await store.links(workspace: "other", campaign: "autumn") == [other])

        // A code is unique across workspaces; a link needs its campaign.
        var taken = other
        taken.campaign = "spring"
        taken.code = "AAAAAAAAA1"
        await #expect(throws: StoreError.self) { try await store.addLink(taken, workspace: Self.ws) }
        var orphan = other
        orphan.code = "DDDDDDDDD4"
        orphan.campaign = "missing"
        let error = await #expect(throws: StoreError.self) { try await store.addLink(orphan, workspace: Self.ws) }
        #expect(error?.code == .notFound)
    }

    func clicksAreCounted() async throws {
        let store = try await makeStore()
        try await store.addCampaign(Self.campaignFixture(), workspace: Self.ws)
        for code in ["AAAAAAAAA1", "BBBBBBBBB2"] {
            try await store.addLink(ShortLink(code: code, campaign: "spring", target: "https://brand.example/"), workspace: Self.ws)
        }
        let day = 86_400.0
        let clicks = [
            Self.click("AAAAAAAAA1", at: 10, visitor: "v1", clickID: "c1"),
            Self.click("AAAAAAAAA1", at: 20, visitor: "v1"),                         // same visitor, same day
            Self.click("AAAAAAAAA1", at: day + 5, visitor: "v1"),                    // same key another day counts again
            Self.click("AAAAAAAAA1", at: 30, visitor: "v2", kind: .social, source: "x"),
            Self.click("AAAAAAAAA1", at: 31, visitor: "p1", kind: .privatePreview, source: "whatsapp"),
            Self.click("AAAAAAAAA1", at: 32, visitor: "p2", kind: .privatePreview, source: "whatsapp"),
            Self.click("AAAAAAAAA1", at: 33, visitor: "b1", kind: .bot),
            Self.click("BBBBBBBBB2", at: 40, visitor: "v3", kind: .search, source: "google"),
            Self.click("ZZZZZZZZZ9", at: 50, visitor: "v4"),                         // no such link
        ]
        #expect(try await store.recordClicks(clicks) == 8)
        #expect(try await store.recordClicks([]) == 0)

        let traffic = try await store.linkTraffic(workspace: Self.ws, campaign: "spring")
        #expect(traffic.map(\.code) == ["AAAAAAAAA1", "BBBBBBBBB2"])
        let first = traffic[0]
        #expect(first.uniqueVisitors == 3)   // v1 on two days, v2
        #expect(Set(first.counts) == [
            TrafficCount(code: "AAAAAAAAA1", kind: .dark, source: nil, clicks: 3),
            TrafficCount(code: "AAAAAAAAA1", kind: .social, source: "x", clicks: 1),
            TrafficCount(code: "AAAAAAAAA1", kind: .privatePreview, source: "whatsapp", clicks: 2),
            TrafficCount(code: "AAAAAAAAA1", kind: .bot, source: nil, clicks: 1),
        ])
        #expect(traffic[1].uniqueVisitors == 1)
        #expect(try await store.linkTraffic(workspace: "other", campaign: "spring").isEmpty)

        #expect(try await store.click(id: "c1") == ClickReference(workspace: Self.ws, code: "AAAAAAAAA1", at: Fixture.at(10), visitor: "v1"))
        #expect(try await store.click(id: "nope") == nil)
        #expect(try await store.lastClick(code: "AAAAAAAAA1", visitor: "v1", notBefore: Fixture.at(0))?.at == Fixture.at(day + 5))
        #expect(try await store.lastClick(code: "AAAAAAAAA1", visitor: "v1", notBefore: Fixture.at(2 * day)) == nil)
        // Previews and bots are not visits.
        #expect(try await store.lastClick(code: "AAAAAAAAA1", visitor: "p1", notBefore: Fixture.at(0)) == nil)
    }

    func conversionsAreIdempotent() async throws {
        let store = try await makeStore()
        try await store.addCampaign(Self.campaignFixture(), workspace: Self.ws)
        try await store.addLink(ShortLink(code: "AAAAAAAAA1", campaign: "spring", target: "https://brand.example/"), workspace: Self.ws)
        let sale = Conversion(idempotencyKey: "order-1", at: Fixture.at(100), value: Money(minorUnits: 4_990, currency: Self.euro),
                              code: "AAAAAAAAA1", clickAt: Fixture.at(10))
        #expect(try await store.recordConversion(sale, workspace: Self.ws))
        var replay = sale
        replay.value.minorUnits = 1
        #expect(try await !store.recordConversion(replay, workspace: Self.ws))
        let unattributed = Conversion(idempotencyKey: "order-2", at: Fixture.at(200), value: Money(minorUnits: 100, currency: Self.euro))
        #expect(try await store.recordConversion(unattributed, workspace: Self.ws))
        // The same key in another workspace is another conversion.
        #expect(try await store.recordConversion(unattributed, workspace: "other"))
        #expect(try await store.conversions(workspace: Self.ws, campaign: "spring") == [sale])
        #expect(try await store.conversions(workspace: Self.ws, campaign: "nope").isEmpty)
        var foreign = sale
        foreign.idempotencyKey = "order-3"
        let error = await #expect(throws: StoreError.self) { try await store.recordConversion(foreign, workspace: "other") }
        #expect(error?.code == .notFound)
    }

    func retentionKeepsTotals() async throws {
        let store = try await makeStore()
        try await store.addCampaign(Self.campaignFixture(), workspace: Self.ws)
        try await store.addLink(ShortLink(code: "AAAAAAAAA1", campaign: "spring", target: "https://brand.example/"), workspace: Self.ws)
        let day = 86_400.0
        var clicks: [LinkClick] = []
        for index in 0..<30 {
            clicks.append(Self.click("AAAAAAAAA1", at: Double(index / 10) * day + Double(index), visitor: "v\(index % 4)",
                                     kind: index % 5 == 0 ? .privatePreview : .dark, source: index % 5 == 0 ? "telegram" : nil))
        }
        try await store.recordClicks(clicks)
        let before = try await store.linkTraffic(workspace: Self.ws, campaign: "spring")
        // Days 0 and 1 are folded; day 2 stays raw (the limit is inside it).
        let folded = try await store.compactClicks(before: Fixture.at(2 * day + 3_600), workspace: Self.ws)
        #expect(folded > 0 && folded < 30)
        let after = try await store.linkTraffic(workspace: Self.ws, campaign: "spring")
        #expect(Set(after[0].counts) == Set(before[0].counts))
        #expect(after[0].uniqueVisitors == before[0].uniqueVisitors)
        // Folding again changes nothing; other workspaces are untouched.
        #expect(try await store.compactClicks(before: Fixture.at(2 * day + 3_600), workspace: Self.ws) == 0)
        #expect(try await store.compactClicks(before: Fixture.at(10 * day), workspace: "other") == 0)
        #expect(try await store.linkTraffic(workspace: Self.ws, campaign: "spring") == after)
    }
}
