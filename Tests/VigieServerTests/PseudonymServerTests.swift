import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigieCore
@testable import VigieServer

/// While a workspace shows people by pseudonym, no API answer and no dashboard page shows the
/// handle or the name of anyone in it: routes that can pseudonymise do (query, search, accounts),
/// the others refuse (409), and the owners' privacy routes stay open. The check is the workspace
/// gate's, so a route added later is covered too.
@Suite("Pseudonyms in the server")
struct PseudonymServerTests {
    /// Query strings that find acme's people, where the isolation probes look for globex's.
    static let acmeQueries: [String: String] = [
        "/api/v1/workspaces/{workspace}/query": "query=velo%20OR%20v%C3%A9lo",
        "/api/v1/workspaces/{workspace}/search": "text=velo",
        "/api/v1/workspaces/{workspace}/share-of-voice": "watches=velo,velo2",
        "/api/v1/workspaces/{workspace}/trends/spikes": "watch=velo",
        "/api/v1/workspaces/{workspace}/trends/weak-signals": "watch=velo",
        "/api/v1/workspaces/{workspace}/trends/authenticity": "watch=velo",
        "/api/v1/workspaces/{workspace}/influencers": "watch=velo",
        "/api/v1/workspaces/{workspace}/influencers/{handle}": "query=velo",
        "/api/v1/workspaces/{workspace}/discover": "seed=velo",
        "/api/v1/workspaces/{workspace}/communities": "watch=velo",
        "/api/v1/workspaces/{workspace}/trust/report": "watch=velo",
        "/api/v1/workspaces/{workspace}/privacy/subjects": "text=globex_fan",
        "/w/{workspace}/query": "query=velo",
        "/w/{workspace}/accounts": "handle=acme_fan",
        "/w/{workspace}/trust": "watch=velo",
    ]

    static func leaksAcmeFan(_ text: String) -> Bool {
        text.localizedCaseInsensitiveContains("acme_fan") || text.localizedCaseInsensitiveContains("Acme Fan")
    }

    /// The answer without the echoes of the caller's own request (a problem's `instance`, a page's
    /// language links): a route named by the caller with the handle may repeat the caller's words,
    /// never add the person's.
    static func withoutEcho(_ text: String, of uri: String) -> String {
        let path = String(uri.prefix { $0 != "?" })
        let encoded = uri.replacingOccurrences(of: "?", with: "%3F").replacingOccurrences(of: "=", with: "%3D")
            .replacingOccurrences(of: "&", with: "%26")
        return [encoded, uri, path].reduce(text) { $0.replacingOccurrences(of: $1, with: "") }
    }

    @Test("with the mode on, no route shows the planted handle or name, by token or by session")
    func noRouteShowsThePerson() async throws {
        let world = try await TestWorld()
        try await world.store.addWatch(Watch(name: "velo2", query: "cycling"), workspace: "acme")
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            // Before: the person is there to be shown.
            let before = try await client.request("/api/v1/workspaces/acme/search?text=velo", token: token)
            #expect(Self.leaksAcmeFan(before.text), "\(before.text)")
            let imported = try await client.request("/api/v1/workspaces/acme/imports?filename=more.jsonl", .post, token: token,
                                                    json: #"{"id":"9","text":"x"}"#)
            let job = try #require((try imported.json()["job"] as? [String: Any])?["id"] as? String)

            let on = try await client.request("/api/v1/workspaces/acme/privacy/pseudonyms", .put, token: token,
                                              json: #"{"on":true,"reason":"client asked"}"#)
            #expect(on.status == .ok, "\(on.text)")

            // Query and search show the person by pseudonym.
            let search = try await client.request("/api/v1/workspaces/acme/search?text=velo", token: token)
            #expect(search.status == .ok && search.text.contains("p-") && !Self.leaksAcmeFan(search.text), "\(search.text)")
            let query = try await client.request("/api/v1/workspaces/acme/query?query=velo&format=csv", token: token)
            #expect(query.status == .ok && query.text.contains("p-") && !Self.leaksAcmeFan(query.text), "\(query.text)")
            // An account asked for by its handle: counts and posts, by pseudonym.
            let accountPath = "/api/v1/workspaces/acme/accounts/acme_fan"
            let account = try await client.request(accountPath, token: token)
            #expect(account.status == .ok && account.text.contains("p-") && account.text.contains("1200")
                    && !Self.leaksAcmeFan(Self.withoutEcho(account.text, of: accountPath)), "\(account.text)")
            // The dashboard's query page too, its authors not linked (a pseudonym names no page).
            let pageSession = try await client.signIn("alice")
            let page = try await client.execute(uri: "/w/acme/query?query=velo", method: .get, headers: [.cookie: pageSession.cookie])
            #expect(page.status == .ok && page.text.contains("@p-") && !Self.leaksAcmeFan(page.text)
                    && !page.text.contains("/w/acme/accounts/p-"), "\(page.text)")
            // A refusal says why and what to do.
            let watches = try await client.request("/api/v1/workspaces/acme/watches", token: token)
            #expect(watches.status == .conflict && watches.text.contains("privacy/pseudonyms"), "\(watches.text)")
            // The other workspace is not affected.
            let bob = try await world.token(for: "bob")
            #expect(try await client.request("/api/v1/workspaces/globex/watches", token: bob).status == .ok)

            // Every route, as the isolation suite lists them (the privacy probes last: they purge).

            let session = try await client.signIn("alice")
            var refused = 0
            var answered = 0
            for probe in IsolationTests.probes {
                var probe = probe
                probe.foreignIDs = ["handle": "acme_fan", "watch": "velo", "user": "viv", "request": "1", "rule": "none",
                                    "campaign": "none"]
                if let query = Self.acmeQueries[probe.route] { probe.query = query }
                let uri = probe.uri(workspace: "acme", ids: ["job": job])
                let byToken = try await client.request(uri, probe.method, token: token, json: probe.json)
                #expect(!Self.leaksAcmeFan(Self.withoutEcho(byToken.text, of: uri)),
                        "\(probe) shows the person: \(byToken.status) \(byToken.text.prefix(500))")
                var headers: HTTPFields = [.cookie: session.cookie, .csrfToken: session.csrf]
                if probe.json != nil { headers[.contentType] = "application/json" }
                let bySession = try await client.execute(uri: uri, method: probe.method, headers: headers,
                                                         body: probe.json.map { ByteBuffer(string: $0) })
                #expect(!Self.leaksAcmeFan(Self.withoutEcho(bySession.text, of: uri)), "\(probe) by session shows the person: \(bySession.status)")
                if byToken.status == .conflict { refused += 1 }
                if byToken.status == .ok || byToken.status == .created { answered += 1 }
            }
            // Most routes refuse; query, search, the workspace, its members and privacy answer.
            #expect(refused >= 30, "refused \(refused)")
            #expect(answered >= 8, "answered \(answered)")

            // Off again: the routes answer as before.
            let off = try await client.request("/api/v1/workspaces/acme/privacy/pseudonyms", .put, token: token, json: #"{"on":false}"#)
            #expect(off.status == .ok)
            #expect(try await client.request("/api/v1/workspaces/acme/watches", token: token).status == .ok)
        }
    }

    @Test("a route added without saying how it hides people is refused while the mode is on")
    func newRoutesAreCoveredByConstruction() async throws {
        let world = try await TestWorld()
        let components = try ServerComponents(configuration: world.configuration, store: world.store,
                                              logger: Logger(label: "test"), metrics: world.metrics)
        // A careless new route that shows a handle.
        APIController(dependencies: components.dependencies)
            .workspaceRoute(components.router.group(RouterPath(APIController.prefix)), .get, "workspaces/{workspace}/careless") { _, _, _ in
                "acme_fan"
            }
        let token = try await world.token(for: "viv")
        let app = Application(router: components.router)
        try await app.test(.router) { client in
            #expect(try await client.request("/api/v1/workspaces/acme/careless", token: token).text == "acme_fan")
            try await world.store.setPseudonymising(true, workspace: "acme")
            let refused = try await client.request("/api/v1/workspaces/acme/careless", token: token)
            #expect(refused.status == .conflict && !refused.text.contains("acme_fan"), "\(refused.text)")
        }
    }
}
