import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigieCore
import VigieEngine
@testable import VigieServer

/// The analyses through the API and the dashboard: watches, trends, alerts, influence, trust,
/// coordination. The world is `TestWorld`'s (acme: two posts on cycling by @acme_fan, the watch
/// `velo`).
@Suite("Analyses through the API and the dashboard")
struct AnalysisRouteTests {
    /// Asks `uri` until it answers 200 (a long analysis answers 202 with its job first).
    static func result(_ client: some TestClientProtocol, _ uri: String, token: String) async throws -> TestResponse {
        var response = try await client.request(uri, token: token)
        for _ in 0..<600 where response.status == .accepted {
            #expect(response.headers[.retryAfter] == "1")
            let location = try #require(response.headers[.location])
            #expect(location.contains("/jobs/"))
            _ = try await JobTests.finished(client, location, token: token)
            response = try await client.request(uri, token: token)
        }
        return response
    }

    @Test("every word a template uses exists in both languages, and no word is defined twice")
    func templateWords() {
        #expect(Set(Strings.table.keys).isDisjoint(with: Strings.analysisTable.keys))
        #expect(Strings.analysisTable.values.allSatisfy { !$0.en.isEmpty && !$0.fr.isEmpty })
        for (name, bytes) in PageRenderer.templateNames {
            let text = String(decoding: bytes, as: UTF8.self)
            for part in text.components(separatedBy: "{{t.").dropFirst() {
                let key = String(part.prefix { $0 != "}" })
                #expect(Strings.english[key] != nil && Strings.french[key] != nil, "template \(name) uses t.\(key), which has no words")
            }
        }
    }

    @Test("watches: analysts create and remove them, viewers read; names, queries and duplicates are checked")
    func watchLifecycle() async throws {
        let world = try await TestWorld()
        let analyst = try await world.token(for: "ana")
        let viewer = try await world.token(for: "viv")
        let app = try await world.application()
        try await app.test(.router) { client in
            let base = "/api/v1/workspaces/acme/watches"
            let refused = try await client.request(base, .post, token: viewer, json: #"{"name":"work","query":"work"}"#)
            #expect(refused.status == .forbidden)
            let created = try await client.request(base, .post, token: analyst, json: #"{"name":"work","query":"work OR matin"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(try created.json()["matches"] as? Int == 2)
            #expect(created.headers[.location] == base + "/work")
            let again = try await client.request(base, .post, token: analyst, json: #"{"name":"work","query":"x"}"#)
            #expect(again.status == .conflict)
            let bad = try await client.request(base, .post, token: analyst, json: #"{"name":"broken","query":"velo AND"}"#)
            #expect(bad.status == .badRequest)
            #expect(try bad.json()["code"] as? String == "invalid-query")
            #expect(try bad.json()["column"] as? Int != nil)
            let unknown = try await client.request(base, .post, token: analyst, json: #"{"name":"x","query":"y","sinse":1}"#)
            #expect(try unknown.json()["field"] as? String == "sinse")
            let dashboard = try await client.request(base + "/work/dashboard?bucket=day", token: viewer)
            #expect(dashboard.status == .ok, "\(dashboard.text)")
            #expect(((try dashboard.json()["posts"] as? [String: Any])?["current"] as? Int) == 2)
            #expect(try await client.request(base + "/work", .delete, token: viewer).status == .forbidden)
            #expect(try await client.request(base + "/work", .delete, token: analyst).status == .noContent)
            #expect(try await client.request(base + "/work/dashboard", token: viewer).status == .notFound)
            #expect(try await client.request(base + "/work", .delete, token: analyst).status == .notFound)
            // The changes are in the audit log.
            let owner = try await world.token(for: "alice")
            let audit = try await client.request("/api/v1/workspaces/acme/audit", token: owner).text
            #expect(audit.contains("watch.add") && audit.contains("watch.remove"))
        }
    }

    @Test("a watch dashboard is cached, and a change to the workspace's watches invalidates it")
    func dashboardCache() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let uri = "/api/v1/workspaces/acme/watches/velo/dashboard?top=5&bucket=day"
            let first = try await client.request(uri, token: token)
            #expect(first.status == .ok)
            let dashboard = try first.json()
            #expect(dashboard["watch"] as? String == "velo")
            #expect((dashboard["volume"] as? [Any])?.count == BucketSize.day.defaultCount)
            let hits = world.metrics.cacheHits
            // The same answer (compared as JSON: the encoder's key order may differ between calls).
            let second = try await client.request(uri, token: token)
            #expect(NSDictionary(dictionary: try second.json()).isEqual(to: dashboard))
            #expect(world.metrics.cacheHits > hits, "the second answer came from the cache")
            // Share of voice needs two watches; a new watch makes it possible and invalidates the cache.
            let sov = try await client.request("/api/v1/workspaces/acme/share-of-voice", token: token)
            #expect(sov.status == .badRequest)
            #expect(try sov.json()["field"] as? String == "watches")
            _ = try await client.request("/api/v1/workspaces/acme/watches", .post, token: token, json: #"{"name":"english","query":"lang:en"}"#)
            let after = world.metrics.cacheHits
            _ = try await client.request(uri, token: token)
            #expect(world.metrics.cacheHits == after, "the dashboard was computed again after the change")
            let shares = try await client.request("/api/v1/workspaces/acme/share-of-voice?watches=velo,english", token: token)
            #expect(shares.status == .ok, "\(shares.text)")
            let entries = try #require((try shares.json()["shareOfVoice"] as? [String: Any])?["entries"] as? [[String: Any]])
            let velo = try #require(entries.first { $0["watch"] as? String == "velo" })
            let english = try #require(entries.first { $0["watch"] as? String == "english" })
            #expect(abs((velo["share"] as? Double ?? 0) + (english["share"] as? Double ?? 0) - 1) < 1e-9)
        }
    }

    @Test("trends: spikes and weak signals answer at once; bad durations and unknown fields are named")
    func trends() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "viv")
        let app = try await world.application()
        try await app.test(.router) { client in
            let spikes = try await client.request("/api/v1/workspaces/acme/trends/spikes?watch=velo&bucket=1h", token: token)
            #expect(spikes.status == .ok, "\(spikes.text)")
            #expect(try spikes.json()["posts"] as? Int == 2)
            let signals = try await client.request("/api/v1/workspaces/acme/trends/weak-signals?query=velo", token: token)
            #expect(signals.status == .ok, "\(signals.text)")
            #expect(try signals.json()["report"] != nil)
            let short = try await client.request("/api/v1/workspaces/acme/trends/spikes?bucket=10s", token: token)
            #expect(short.status == .badRequest)
            #expect(try short.json()["field"] as? String == "bucket")
            let both = try await client.request("/api/v1/workspaces/acme/trends/spikes?watch=velo&query=velo", token: token)
            #expect(both.status == .badRequest)
            let syntax = try await client.request("/api/v1/workspaces/acme/trends/weak-signals?query=%28velo", token: token)
            #expect(try syntax.json()["code"] as? String == "invalid-query")
            let authenticity = try await Self.result(client, "/api/v1/workspaces/acme/trends/authenticity?watch=velo", token: token)
            #expect(authenticity.status == .ok, "\(authenticity.text)")
            #expect(try authenticity.json()["posts"] as? Int == 2)
        }
    }

    @Test("alert rules: created by analysts, read by viewers, removed; fired alerts and deliveries page")
    func alertRules() async throws {
        let world = try await TestWorld()
        let analyst = try await world.token(for: "ana")
        let viewer = try await world.token(for: "viv")
        let app = try await world.application()
        try await app.test(.router) { client in
            let base = "/api/v1/workspaces/acme/alerts/rules"
            let body = #"{"name":"velo-spike","kind":"spike","watch":"velo","bucket":"1h","webhookURL":"http://127.0.0.1:9/hook"}"#
            #expect(try await client.request(base, .post, token: viewer, json: body).status == .forbidden)
            let created = try await client.request(base, .post, token: analyst, json: body)
            #expect(created.status == .created, "\(created.text)")
            let rule = try created.json()
            #expect((rule["target"] as? [String: Any])?["value"] as? String == "velo")
            #expect(try await client.request(base, .post, token: analyst, json: body).status == .conflict)
            let kind = try await client.request(base, .post, token: analyst, json: #"{"name":"x","kind":"tsunami"}"#)
            #expect(try kind.json()["field"] as? String == "kind")
            let url = try await client.request(base, .post, token: analyst, json: #"{"name":"x","kind":"spike","webhookURL":"ftp://x"}"#)
            #expect(url.status == .badRequest)
            let listed = try #require(try await client.request(base, token: viewer).json()["items"] as? [[String: Any]])
            #expect(listed.map { $0["name"] as? String } == ["velo-spike"])
            #expect(try await client.request(base + "/velo-spike", token: viewer).status == .ok)
            let fired = try await client.request("/api/v1/workspaces/acme/alerts/fired?rule=velo-spike", token: viewer)
            #expect(fired.status == .ok)
            #expect((try fired.json()["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.request("/api/v1/workspaces/acme/alerts/deliveries", token: viewer).status == .ok)
            #expect(try await client.request("/api/v1/workspaces/acme/alerts/fired?rule=nope", token: viewer).status == .notFound)
            #expect(try await client.request(base + "/velo-spike", .delete, token: analyst).status == .noContent)
            #expect(try await client.request(base + "/velo-spike", token: viewer).status == .notFound)
        }
    }

    @Test("long analyses answer 202 with their job, then 200 from the cache; their job points to the result")
    func analysesAsJobs() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "viv")
        let app = try await world.application()
        try await app.test(.router) { client in
            let uri = "/api/v1/workspaces/acme/influencers?watch=velo"
            let first = try await client.request(uri, token: token)
            #expect(first.status == .accepted, "\(first.text)")
            let location = try #require(first.headers[.location])
            let job = try await JobTests.finished(client, location, token: token)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            let outcome = try #require(((job["outcome"] as? [String: Any])?["analysis"] as? [String: Any])?["outcome"] as? [String: Any])
            #expect(outcome["result"] as? String == uri)
            let ranked = try await client.request(uri, token: token)
            #expect(ranked.status == .ok, "\(ranked.text)")
            let accounts = try #require(try ranked.json()["accounts"] as? [[String: Any]])
            #expect(accounts.first?["account"] as? String == "@acme_fan")
            // The same result with the fields in another order comes from the cache too.
            #expect(try await client.request("/api/v1/workspaces/acme/influencers?watch=velo", token: token).status == .ok)
            // A required topic, a tier from the list.
            #expect(try await client.request("/api/v1/workspaces/acme/influencers", token: token).status == .badRequest)
            let tier = try await client.request("/api/v1/workspaces/acme/influencers?watch=velo&tier=giga", token: token)
            #expect(try tier.json()["field"] as? String == "tier")

            let explained = try await Self.result(client, "/api/v1/workspaces/acme/influencers/acme_fan?watch=velo", token: token)
            #expect(explained.status == .ok, "\(explained.text)")
            let clusters = try await Self.result(client, "/api/v1/workspaces/acme/coordination/clusters", token: token)
            #expect(clusters.status == .ok, "\(clusters.text)")
            #expect(try clusters.json()["clusterCount"] as? Int == 0)
            let communities = try await Self.result(client, "/api/v1/workspaces/acme/communities", token: token)
            #expect(communities.status == .ok, "\(communities.text)")
            let report = try await Self.result(client, "/api/v1/workspaces/acme/trust/report?minScore=0", token: token)
            #expect(report.status == .ok, "\(report.text)")
            #expect(try report.json()["scoredAccounts"] as? Int == 1)
            let score = try await client.request("/api/v1/workspaces/acme/trust/accounts/acme_fan", token: token)
            #expect(score.status == .ok, "\(score.text)")
            let discover = try await Self.result(client, "/api/v1/workspaces/acme/discover?seed=velo", token: token)
            #expect(discover.status == .ok, "\(discover.text)")
            let seedError = try await client.request("/api/v1/workspaces/acme/discover?seed=%28velo", token: token)
            #expect(try seedError.json()["field"] as? String == "seed")
            let graph = try await client.request("/api/v1/workspaces/acme/graph?format=graphml", token: token)
            #expect(graph.status == .ok)
            #expect(graph.text.contains("<graphml"))
            #expect(try await client.request("/api/v1/workspaces/acme/lookalikes/nobody", token: token).status == .notFound)
        }
    }

    @Test("the watch page shows volume, sentiment, top items, signals, spikes, authenticity and alerts, in French and English")
    func watchPage() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("viv")
            func page(_ uri: String, language: String) async throws -> TestResponse {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: session.cookie, .acceptLanguage: language])
            }
            var english = try await page("/w/acme/watches/velo", language: "en")
            for _ in 0..<100 where english.text.contains("http-equiv=\"refresh\"") {
                try await Task.sleep(for: .milliseconds(100))
                english = try await page("/w/acme/watches/velo", language: "en")
            }
            #expect(english.status == .ok)
            for text in ["Posts over time · velo", "<svg", "Top items", "Weak signals", "Spikes", "Likely fake accounts and coordination",
                         "Verdict", "Alerts", "/w/acme/watches/velo/influencers"] {
                #expect(english.text.contains(text), "the English watch page lacks \(text)")
            }
            let french = try await page("/w/acme/watches/velo", language: "fr-FR,fr;q=0.9")
            #expect(french.text.contains("Publications dans le temps · velo"))
            #expect(french.text.contains("Signaux faibles"))
            // The home page links the watch's page.
            #expect(try await page("/w/acme", language: "en").text.contains("href=\"/w/acme/watches/velo\""))
            let bad = try await page("/w/acme/watches/velo?bucket=year", language: "en")
            #expect(bad.status == .badRequest)
        }
    }

    @Test("analysis pages show progress while their job runs, then the result")
    func analysisPages() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("viv")
            func settled(_ uri: String) async throws -> TestResponse {
                var response = try await client.execute(uri: uri, method: .get, headers: [.cookie: session.cookie])
                var waited = 0
                while response.text.contains("http-equiv=\"refresh\""), waited < 300 {
                    #expect(response.text.contains("<progress"))
                    try await Task.sleep(for: .milliseconds(100))
                    waited += 1
                    response = try await client.execute(uri: uri, method: .get, headers: [.cookie: session.cookie])
                }
                return response
            }
            let influencers = try await settled("/w/acme/watches/velo/influencers")
            #expect(influencers.status == .ok)
            #expect(influencers.text.contains("@acme_fan"))
            let trust = try await settled("/w/acme/trust")
            #expect(trust.status == .ok)
            #expect(trust.text.contains("accounts scored"))
            let coordination = try await settled("/w/acme/coordination")
            #expect(coordination.text.contains("No coordinated cluster."))
            let alerts = try await settled("/w/acme/alerts")
            #expect(alerts.text.contains("No alert rule yet."))
        }
    }
}

extension ServerMetrics {
    /// Cache hits so far, read from the Prometheus text as a scraper would.
    var cacheHits: Int {
        let line = render().split(separator: "\n").first { $0.hasPrefix("vigie_cache_lookups_total{result=\"hit\"}") }
        return line.flatMap { Int(Double($0.split(separator: " ").last ?? "") ?? 0) } ?? 0
    }
}
