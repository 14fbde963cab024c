import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import VigieCore
import VigieEngine
import VigieStore
import VigieTestSupport
@testable import VigieServer

/// Every log line a logger wrote, with its metadata, so a test can search it.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func logger(_ label: String) -> Logger {
        Logger(label: label) { label in CapturingHandler(label: label, log: self) }
    }

    struct CapturingHandler: LogHandler {
        let label: String
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.lines.withLock { $0.append("\(event.level) \(label) \(event.message) \(all)") }
        }
    }
}

@Suite("Campaign links and API")
struct CampaignServerTests {
    static let browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
    static let testAddress = "203.0.113.77"

    /// A file store with a campaign of two links (one of them permanent), for the redirector.
    static func campaignStore(_ directory: URL) async throws -> (SQLiteStore, Engine, [LinkView]) {
        let store = try SQLiteStore(path: directory.appendingPathComponent("links.sqlite").path)
        try await store.write(Fixture.batch([.account(Fixture.account("a1", handle: "marie", followers: 42_000))]), workspace: "brand")
        let engine = Engine(store: store, configuration: EngineConfiguration(workspace: "brand"))
        _ = try await engine.addCampaign(AddCampaignRequest(name: "spring", currency: "EUR", influencers: ["@marie=800"]))
        let normal = try await engine.addLink(AddLinkRequest(campaign: "spring", target: "https://brand.example/shop",
                                                             influencer: "@marie", channel: "instagram"))
        let permanent = try await engine.addLink(AddLinkRequest(campaign: "spring", target: "https://brand.example/",
                                                                channel: "bio", permanent: true, appendsClickID: false))
        return (store, engine, [normal, permanent])
    }

    @Test("the redirector answers 302/301 with UTM, a 404 page, 429 on enumeration — and the address reaches neither the store nor the logs")
    func redirectorKeepsNoAddress() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, engine, links) = try await Self.campaignStore(directory)
        let log = CapturedLog()
        let app = buildLinkApplication(configuration: LinkServerConfiguration(trustForwardedFor: true, countryHeader: "CF-IPCountry",
                                                                              redirector: RedirectorSettings(unknownCodeLimit: 5)),
                                       store: store, logger: log.logger("links"))
        let forwarded: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: Self.testAddress + ", 10.0.0.1", .userAgent: Self.browser,
                                     HTTPField.Name("CF-IPCountry")!: "fr", .referer: "https://t.co/xyz?secret=1"]
        try await app.test(.router) { client in
            let found = try await client.execute(uri: "/" + links[0].link.code, method: .get, headers: forwarded)
            #expect(found.status == .found)
            let location = try #require(found.headers[.location])
            #expect(location.hasPrefix("https://brand.example/shop?utm_source=instagram&utm_medium=influencer&utm_campaign=spring&utm_content=marie&vgclid="))
            #expect(found.headers[.cacheControl] == "private, no-store")

            var preview = forwarded
            preview[.userAgent] = "WhatsApp/2.23.20.0 A"
            #expect(try await client.execute(uri: "/" + links[0].link.code, method: .get, headers: preview).status == .found)

            let moved = try await client.execute(uri: "/" + links[1].link.code, method: .get, headers: forwarded)
            #expect(moved.status == .movedPermanently)
            #expect(moved.headers[.location] == "https://brand.example/?utm_source=bio&utm_campaign=spring")

            for attempt in 0..<5 {
                let missing = try await client.execute(uri: "/Zz\(attempt)Zz\(attempt)Zz\(attempt)Z", method: .get, headers: forwarded)
                #expect(missing.status == .notFound)
                #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: missing.body).contains("Link not found"))
            }
            let refused = try await client.execute(uri: "/anything", method: .get, headers: forwarded)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            // Read while the application runs: it closes the store when it stops.
            let report = try await engine.campaignReport(CampaignReportRequest(campaign: "spring", audience: false))
            #expect(report.totals.clicks == 2)
            #expect(report.totals.social == 2)
            #expect(report.totals.privateShares == 1)
        }
        try await store.close()

        // The grep: the database, its WAL and shared memory, and every log line.
        var files = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
            files += 1
            #expect(bytes.range(of: Data(Self.testAddress.utf8)) == nil, "\(name) holds the client's address")
            #expect(bytes.range(of: Data("secret=1".utf8)) == nil, "\(name) holds the referrer's query")
        }
        #expect(files >= 1)
        #expect(!log.text.contains(Self.testAddress))
        #expect(!log.text.contains("203.0.113"))
    }

    @Test("campaigns, links, reports and conversions over the API, with roles, replays and bad bodies")
    func campaignAPI() async throws {
        let world = try await TestWorld()
        try await world.store.write(Fixture.batch([.account(Fixture.account("a1", handle: "marie", followers: 42_000))]), workspace: "acme")
        let analyst = try await world.token(for: "ana")
        let viewer = try await world.token(for: "viv")
        let outsider = try await world.token(for: "bob")
        let app = try await world.application()
        try await app.test(.router) { client in
            let created = try await client.request("/api/v1/workspaces/acme/campaigns", .post, token: analyst, json: """
                {"name":"spring","currency":"EUR","budget":"5000","influencers":["@marie=800"],"linkBase":"https://go.acme.example"}
                """)
            #expect(created.status == .created, "\(created.text)")
            #expect(try await client.request("/api/v1/workspaces/acme/campaigns", .post, token: viewer,
                                             json: #"{"name":"x","currency":"EUR"}"#).status == .forbidden)
            let badCurrency = try await client.request("/api/v1/workspaces/acme/campaigns", .post, token: analyst,
                                                       json: #"{"name":"x","currency":"EURO"}"#)
            #expect(badCurrency.status == .badRequest || badCurrency.status == .unprocessableContent, "\(badCurrency.text)")
            #expect(badCurrency.text.contains("currency"))

            let link = try await client.request("/api/v1/workspaces/acme/campaigns/spring/links", .post, token: analyst,
                                                json: #"{"target":"https://acme.example/shop","influencer":"@marie","channel":"instagram"}"#)
            #expect(link.status == .created, "\(link.text)")
            let linkJSON = try #require(try link.json()["link"] as? [String: Any])
            let shortURL = try #require(linkJSON["shortURL"] as? String)
            #expect(shortURL.hasPrefix("https://go.acme.example/"))
            let code = String(shortURL.dropFirst("https://go.acme.example/".count))
            let injected = try await client.request("/api/v1/workspaces/acme/campaigns/spring/links", .post, token: analyst,
                                                    json: #"{"target":"https://acme.example/\r\nLocation: https://evil.example"}"#)
            #expect(injected.status == .badRequest, "\(injected.text)")

            // A click through the redirector, then its conversion with an API token.
            let redirector = LinkRedirector(store: world.store)
            guard case .redirect(let location, _) = try await redirector.redirect(ClickRequest(
                code: Substring(code), address: "198.51.100.1", userAgent: Self.browser, referrer: nil)) else {
                Issue.record("no redirect")
                return
            }
            let clickID = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "vgclid" }?.value)
            let body = #"{"idempotencyKey":"order-1","value":49.90,"currency":"EUR","clickId":"\#(clickID)"}"#
            let conversion = try await client.request("/api/v1/conversions", .post, token: analyst, json: body)
            #expect(conversion.status == .created, "\(conversion.text)")
            #expect(try conversion.json()["attributedTo"] as? String == code)
            let replay = try await client.request("/api/v1/conversions", .post, token: analyst, json: body)
            #expect(replay.status == .ok)
            #expect(try replay.json()["recorded"] as? Bool == false)
            #expect(try await client.request("/api/v1/conversions", .post, token: viewer, json: body).status == .forbidden)
            #expect(try await client.request("/api/v1/conversions", .post, token: outsider, json: body).status == .notFound)
            #expect(try await client.request("/api/v1/conversions", .post, json: body).status == .unauthorized)
            for bad in [#"{"idempotencyKey":"o2","value":-3,"currency":"EUR","clickId":"\#(clickID)"}"#,
                        #"{"idempotencyKey":"o2","value":3,"currency":"ZZZ","clickId":"\#(clickID)"}"#,
                        #"{"idempotencyKey":"o2","value":"3","currency":"EUR","clickId":"\#(clickID)"}"#,
                        #"{"idempotencyKey":"o2","value":3,"currency":"EUR","clickId":"\#(clickID)","extra":1}"#,
                        #"{"idempotencyKey":"o2","value":3,"#] {
                let answer = try await client.request("/api/v1/conversions", .post, token: analyst, json: bad)
                #expect(answer.status == .badRequest, "\(bad) → \(answer.status) \(answer.text)")
            }

            let report = try await client.request("/api/v1/workspaces/acme/campaigns/spring/report", token: viewer)
            #expect(report.status == .ok, "\(report.text)")
            let totals = try #require((try report.json()["report"] as? [String: Any])?["totals"] as? [String: Any])
            #expect(totals["clicks"] as? Int == 1)
            #expect(totals["conversions"] as? Int == 1)
            #expect(totals["revenue"] as? Double == 49.9)
            let csv = try await client.request("/api/v1/workspaces/acme/campaigns/spring/report?format=csv", token: viewer)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.split(separator: "\n").count == 5)
            #expect(try await client.request("/api/v1/workspaces/acme/campaigns/spring", token: outsider).status == .notFound)
            let list = try await client.request("/api/v1/workspaces/acme/campaigns", token: viewer)
            #expect((try list.json()["items"] as? [[String: Any]])?.count == 1)

            // The dashboard's pages: the list links the report, which shows the figures.
            let session = try await client.signIn("viv")
            let pages = try await client.execute(uri: "/w/acme/campaigns", method: .get,
                                                 headers: [.cookie: session.cookie, .acceptLanguage: "en"])
            #expect(pages.status == .ok)
            #expect(pages.text.contains("href=\"/w/acme/campaigns/spring\""), "\(pages.text)")
            let page = try await client.execute(uri: "/w/acme/campaigns/spring", method: .get,
                                                headers: [.cookie: session.cookie, .acceptLanguage: "en"])
            #expect(page.status == .ok)
            #expect(page.text.contains("@marie") && page.text.contains("49.90"), "\(page.text)")
            let missing = try await client.execute(uri: "/w/acme/campaigns/nope", method: .get,
                                                   headers: [.cookie: session.cookie, .acceptLanguage: "en"])
            #expect(missing.status == .notFound)
        }
    }
}
