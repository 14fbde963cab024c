import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigieCore
@testable import VigieServer

/// Tries to reach another workspace's data through every route that takes a workspace, and
/// through the ids and query fields of the caller's own workspace. Every attempt must answer
/// 404, never the data and never 403 (which would confirm the workspace exists).
///
/// The table below has one probe per route; a test fails when a registered route that takes a
/// workspace has no probe, so a new route joins the suite when it is added.
@Suite("Workspace isolation")
struct IsolationTests {
    /// How to call one route: its path with `{workspace}` and the other parameters filled, a
    /// body when it needs one, and the ids of the *other* workspace to try inside the caller's own.
    struct Probe: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        /// The route as registered (`/api/v1/workspaces/{workspace}/watches/{watch}`).
        var route: String
        /// Values for the parameters other than `{workspace}`: real ids of the other workspace.
        var foreignIDs: [String: String] = [:]
        var query: String = ""
        var json: String?

        var description: String { "\(method) \(route)" }

        func uri(workspace: String, ids: [String: String] = [:]) -> String {
            var path = route.replacingOccurrences(of: "{workspace}", with: workspace)
            for (name, value) in foreignIDs.merging(ids, uniquingKeysWith: { $1 }) {
                path = path.replacingOccurrences(of: "{\(name)}", with: value)
            }
            return path + (query.isEmpty ? "" : "?" + query)
        }
    }

    /// Every route that takes a workspace. A globex job id is filled in by the test (jobs get
    /// random ids).
    static let probes: [Probe] = [
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/members"),
        Probe(method: .put, route: "/api/v1/workspaces/{workspace}/members/{user}", foreignIDs: ["user": "bob"],
              json: #"{"role":"viewer"}"#),
        Probe(method: .delete, route: "/api/v1/workspaces/{workspace}/members/{user}", foreignIDs: ["user": "bob"]),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/audit"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/query", query: "query=globexonly"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/search", query: "text=globexonly"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/accounts/{handle}", foreignIDs: ["handle": "globex_fan"]),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/rejects"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/watches"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/watches/{watch}", foreignIDs: ["watch": "secret-launch"]),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/imports", query: "filename=x.jsonl", json: "{}"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/jobs"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/jobs/{job}"),
        Probe(method: .get, route: "/w/{workspace}"),
        Probe(method: .get, route: "/w/{workspace}/query", query: "query=globexonly"),
        Probe(method: .get, route: "/w/{workspace}/accounts", query: "handle=globex_fan"),
        Probe(method: .get, route: "/w/{workspace}/accounts/{handle}", foreignIDs: ["handle": "globex_fan"]),
        Probe(method: .get, route: "/w/{workspace}/imports"),
        Probe(method: .post, route: "/w/{workspace}/imports"),
        Probe(method: .get, route: "/w/{workspace}/jobs/{job}"),
        Probe(method: .get, route: "/w/{workspace}/rejects"),
        Probe(method: .get, route: "/w/{workspace}/audit"),
        // The analyses.
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/watches", json: #"{"name":"stolen","query":"globexonly"}"#),
        Probe(method: .delete, route: "/api/v1/workspaces/{workspace}/watches/{watch}", foreignIDs: ["watch": "secret-launch"]),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/watches/{watch}/dashboard", foreignIDs: ["watch": "secret-launch"]),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/share-of-voice", query: "watches=secret-launch,velo"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/trends/spikes", query: "watch=secret-launch"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/trends/weak-signals", query: "watch=secret-launch"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/trends/authenticity", query: "watch=secret-launch"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/alerts/rules"),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/alerts/rules", json: #"{"name":"stolen","kind":"spike","watch":"secret-launch"}"#),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/alerts/rules/{rule}", foreignIDs: ["rule": "globex-rule"]),
        Probe(method: .delete, route: "/api/v1/workspaces/{workspace}/alerts/rules/{rule}", foreignIDs: ["rule": "globex-rule"]),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/alerts/fired", query: "rule=globex-rule"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/alerts/deliveries", query: "rule=globex-rule"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/influencers", query: "watch=secret-launch"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/influencers/{handle}", foreignIDs: ["handle": "globex_fan"], query: "query=velo"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/discover", query: "seed=globexonly"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/communities", query: "watch=secret-launch"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/lookalikes/{handle}", foreignIDs: ["handle": "globex_fan"]),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/graph"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/trust/accounts/{handle}", foreignIDs: ["handle": "globex_fan"]),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/trust/report", query: "watch=secret-launch"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/coordination/clusters"),
        Probe(method: .get, route: "/w/{workspace}/watches/{watch}", foreignIDs: ["watch": "secret-launch"]),
        Probe(method: .get, route: "/w/{workspace}/watches/{watch}/influencers", foreignIDs: ["watch": "secret-launch"]),
        Probe(method: .get, route: "/w/{workspace}/trust", query: "watch=secret-launch"),
        Probe(method: .get, route: "/w/{workspace}/coordination"),
        Probe(method: .get, route: "/w/{workspace}/alerts"),
        // Campaigns.
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/campaigns"),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/campaigns", json: #"{"name":"probe","currency":"EUR"}"#),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/campaigns/{campaign}", foreignIDs: ["campaign": "secret-campaign"]),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/campaigns/{campaign}/links", foreignIDs: ["campaign": "secret-campaign"],
              json: #"{"target":"https://brand.example/"}"#),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/campaigns/{campaign}/report", foreignIDs: ["campaign": "secret-campaign"]),
        Probe(method: .get, route: "/w/{workspace}/campaigns"),
        Probe(method: .get, route: "/w/{workspace}/campaigns/{campaign}", foreignIDs: ["campaign": "secret-campaign"]),
        // Privacy (owners).
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/subjects", query: "text=globex_fan"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/requests"),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/privacy/requests",
              json: #"{"kind":"access","subject":"@globex_fan","requester":"probe"}"#),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/requests/{request}", foreignIDs: ["request": "1"]),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/privacy/requests/{request}/verify", foreignIDs: ["request": "1"],
              json: #"{"identityCheck":"probe"}"#),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/privacy/requests/{request}/close", foreignIDs: ["request": "1"],
              json: #"{"note":"probe"}"#),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/privacy/exports", json: #"{"subject":"twitter:200","includeScores":false}"#),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/privacy/erasures", json: #"{"subject":"twitter:200","reason":"probe"}"#),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/erasures/{job}"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/receipts"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/retention"),
        Probe(method: .patch, route: "/api/v1/workspaces/{workspace}/privacy/retention", json: #"{"posts":1}"#),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/privacy/retention/apply", json: #"{"dryRun":false}"#),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/record"),
        Probe(method: .get, route: "/api/v1/workspaces/{workspace}/privacy/pseudonyms"),
        Probe(method: .put, route: "/api/v1/workspaces/{workspace}/privacy/pseudonyms", json: #"{"on":true}"#),
        Probe(method: .post, route: "/api/v1/workspaces/{workspace}/privacy/pseudonyms/reveal",
              json: #"{"pseudonym":"p-3fa9c21b07de","reason":"probe"}"#),
    ]

    /// Routes whose query fields name a watch or a rule: inside the caller's own workspace, the
    /// other workspace's names answer 404 (never its data, never a job started on it).
    static let foreignQueryFields: [(route: String, query: String)] = [
        ("/api/v1/workspaces/acme/share-of-voice", "watches=secret-launch,velo"),
        ("/api/v1/workspaces/acme/trends/spikes", "watch=secret-launch"),
        ("/api/v1/workspaces/acme/trends/weak-signals", "watch=secret-launch"),
        ("/api/v1/workspaces/acme/trends/authenticity", "watch=secret-launch"),
        ("/api/v1/workspaces/acme/alerts/fired", "rule=globex-rule"),
        ("/api/v1/workspaces/acme/alerts/deliveries", "rule=globex-rule"),
        ("/api/v1/workspaces/acme/influencers", "watch=secret-launch"),
        ("/api/v1/workspaces/acme/influencers/acme_fan", "watch=secret-launch"),
        ("/api/v1/workspaces/acme/communities", "watch=secret-launch"),
        ("/api/v1/workspaces/acme/trust/report", "watch=secret-launch"),
        ("/w/acme/trust", "watch=secret-launch"),
    ]

    @Test("watch and rule names of another workspace, in the query fields of one's own, answer 404")
    func foreignNamesInQueryFields() async throws {
        let world = try await TestWorld()
        let aliceToken = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            for (route, query) in Self.foreignQueryFields {
                let response = try await client.request(route + "?" + query, token: aliceToken)
                #expect(response.status == .notFound, "\(route)?\(query): \(response.status) \(response.text)")
                #expect(!Self.leaksGlobex(response.text))
            }
            // Nothing was started on globex's names.
            let jobs = try #require(try await client.request("/api/v1/workspaces/acme/jobs", token: aliceToken).json()["items"] as? [Any])
            #expect(jobs.isEmpty)
            // Creating a rule on globex's watch inside acme: the watch is not there.
            let rule = try await client.request("/api/v1/workspaces/acme/alerts/rules", .post, token: aliceToken,
                                                json: #"{"name":"spy","kind":"spike","watch":"secret-launch"}"#)
            #expect(rule.status == .notFound, "\(rule.text)")
        }
    }

    @Test("every route that takes a workspace has a probe")
    func everyRouteIsProbed() async throws {
        let world = try await TestWorld()
        let components = try ServerComponents(configuration: world.configuration, store: world.store,
                                              logger: .init(label: "test"), metrics: world.metrics)
        let scoped = Set(components.router.routes.filter { $0.path.description.contains("{workspace}") }
            .map { "\($0.method) \($0.path.description)" })
        let probed = Set(Self.probes.map(\.description))
        #expect(scoped.subtracting(probed).isEmpty, "routes without an isolation probe: \(scoped.subtracting(probed).sorted())")
        #expect(probed.subtracting(scoped).isEmpty, "probes of routes that do not exist: \(probed.subtracting(scoped).sorted())")
        #expect(scoped.count >= 20)
    }

    @Test("another workspace, a guessed one and a malformed one answer 404 on every route, by token and by session",
          arguments: ["globex", "initech", "..", "a%2Fb"])
    func otherWorkspacesAreInvisible(workspace: String) async throws {
        let world = try await TestWorld()
        let aliceToken = try await world.token(for: "alice")
        let bobToken = try await world.token(for: "bob")
        let app = try await world.application()
        try await app.test(.router) { client in
            let globexJob = try await Self.globexJob(client, bobToken: bobToken)
            let session = try await client.signIn("alice")
            for probe in Self.probes {
                let uri = probe.uri(workspace: workspace, ids: ["job": globexJob])
                let byToken = try await client.request(uri, probe.method, token: aliceToken, json: probe.json)
                #expect(byToken.status == .notFound, "\(probe) as alice's token on \(workspace): \(byToken.status) \(byToken.text)")
                #expect(!Self.leaksGlobex(byToken.text), "\(probe) on \(workspace) shows globex's data")
                var headers: HTTPFields = [.cookie: session.cookie, .csrfToken: session.csrf]
                if probe.json != nil { headers[.contentType] = "application/json" }
                let bySession = try await client.execute(uri: uri, method: probe.method, headers: headers,
                                                         body: probe.json.map { ByteBuffer(string: $0) })
                #expect(bySession.status == .notFound, "\(probe) as alice's session on \(workspace): \(bySession.status)")
                #expect(!Self.leaksGlobex(bySession.text), "\(probe) on \(workspace) shows globex's data")
            }
        }
    }

    @Test("the other workspace's ids, tried inside the caller's own workspace, answer 404")
    func foreignIDsInOwnWorkspace() async throws {
        let world = try await TestWorld()
        let aliceToken = try await world.token(for: "alice")
        let bobToken = try await world.token(for: "bob")
        let app = try await world.application()
        try await app.test(.router) { client in
            let globexJob = try await Self.globexJob(client, bobToken: bobToken)
            for probe in Self.probes where probe.route.contains("{job}") || probe.route.contains("{watch}")
                || probe.route.contains("{handle}") || probe.route.contains("{rule}") || probe.route.contains("{campaign}") {
                let uri = probe.uri(workspace: "acme", ids: ["job": globexJob])
                let response = try await client.request(uri, probe.method, token: aliceToken, json: probe.json)
                #expect(response.status == .notFound, "\(probe) with globex's id in acme: \(response.status) \(response.text)")
                #expect(!Self.leaksGlobex(response.text))
            }
            // Removing a user of another workspace from one's own: not a member here, 404.
            let removal = try await client.request("/api/v1/workspaces/acme/members/bob", .delete, token: aliceToken)
            #expect(removal.status == .notFound)
        }
    }

    @Test("query fields cannot reach another workspace: the query language, the search, an extra parameter")
    func queryFieldsStayInTheWorkspace() async throws {
        let world = try await TestWorld()
        let aliceToken = try await world.token(for: "alice")
        let bobToken = try await world.token(for: "bob")
        let app = try await world.application()
        try await app.test(.router) { client in
            // The leak check sees globex's data where it may be seen: by globex's owner.
            let control = try await client.request("/api/v1/workspaces/globex/query?query=globexonly", token: bobToken)
            #expect(Self.leaksGlobex(control.text), "the leak check cannot see globex's data: \(control.text)")
            for query in ["globexonly", "author:globex_fan", "velo", "platform:twitter", "*"] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
                let response = try await client.request("/api/v1/workspaces/acme/query?query=\(encoded)", token: aliceToken)
                #expect(!Self.leaksGlobex(response.text), "query \(query): \(response.text)")
            }
            let velo = try await client.request("/api/v1/workspaces/acme/query?query=velo", token: aliceToken).json()
            #expect(velo["matched"] as? Int == 2, "acme has two posts on velo (globex has a third)")
            let search = try await client.request("/api/v1/workspaces/acme/search?text=globexonly", token: aliceToken).json()
            #expect((search["posts"] as? [Any])?.isEmpty == true)
            // A `workspace` parameter is not a way in: unknown parameters are refused.
            let smuggled = try await client.request("/api/v1/workspaces/acme/query?query=velo&workspace=globex", token: aliceToken)
            #expect(smuggled.status == .badRequest)
            #expect(try smuggled.json()["field"] as? String == "workspace")
            // The workspace list names only the caller's.
            let listed = try await client.request("/api/v1/workspaces", token: aliceToken).text
            #expect(listed.contains("acme") && !listed.contains("globex"))
        }
    }

    @Test("a token limited to one workspace cannot open another of its user's")
    func limitedTokenStaysInItsWorkspace() async throws {
        let world = try await TestWorld()
        let access = AccessControl(store: world.store, passwordCost: 4)
        try await access.grant(.viewer, user: "alice", workspace: "globex", actor: "test")
        let limited = try await world.token(for: "alice", workspace: "acme")
        let unlimited = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            #expect(try await client.request("/api/v1/workspaces/globex", token: unlimited).status == .ok)
            #expect(try await client.request("/api/v1/workspaces/globex", token: limited).status == .notFound)
            #expect(try await client.request("/api/v1/workspaces/acme", token: limited).status == .ok)
            let listed = try await client.request("/api/v1/workspaces", token: limited).text
            #expect(!listed.contains("globex"))
        }
    }

    /// Whether an answer holds globex's data: words of its post, its account's display name, its
    /// rejected file. (Not the words of the request itself, which a problem may echo.)
    static func leaksGlobex(_ text: String) -> Bool {
        ["secret launch", "Globex Fan", "globex-export"].contains { text.contains($0) }
    }

    /// A job of globex, started through the API by bob.
    static func globexJob(_ client: some TestClientProtocol, bobToken: String) async throws -> String {
        let response = try await client.request("/api/v1/workspaces/globex/imports?filename=more.jsonl", .post, token: bobToken,
                                                json: #"{"id":"1","text":"x"}"#)
        #expect(response.status == .accepted, "globex import: \(response.text)")
        let job = try #require(try response.json()["job"] as? [String: Any])
        return try #require(job["id"] as? String)
    }
}
