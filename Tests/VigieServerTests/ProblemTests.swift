import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigieCore
import VigieEngine
@testable import VigieServer

/// Bad input gets a problem-details answer naming what is wrong, never a crash: the server keeps
/// answering after each one.
@Suite("Problem details")
struct ProblemTests {
    @Test("an invalid query answers 400 with the column of the error")
    func invalidQueryHasItsColumn() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "viv")
        let app = try await world.application()
        try await app.test(.router) { client in
            let response = try await client.request("/api/v1/workspaces/acme/query?query=velo%20AND%20(cyclisme", token: token)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try response.json()
            #expect(problem["type"] as? String == "urn:vigie:problem:invalid-query")
            #expect(problem["status"] as? Int == 400)
            #expect(problem["field"] as? String == "query")
            #expect(problem["column"] as? Int == 19)
            #expect(problem["instance"] as? String == "/api/v1/workspaces/acme/query")
            #expect((problem["requestId"] as? String)?.isEmpty == false)
        }
    }

    @Test("malformed JSON, a non-object, an unknown member and a wrong type each name their problem")
    func jsonBodies() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let cases: [(body: String, code: String, field: String?)] = [
                (#"{"name": "x""#, "malformed-json", nil),
                (#"["name"]"#, "malformed-json", nil),
                (#"{"name": "x", "expiresInDay": 3}"#, "unknown-field", "expiresInDay"),
                (#"{"name": 3}"#, "invalid-argument", "name"),
                (#"{}"#, "invalid-argument", "name"),
                (#"{"name": "x", "expiresInDays": 0}"#, "invalid-argument", "expiresInDays"),
            ]
            for (body, code, field) in cases {
                let response = try await client.request("/api/v1/tokens", .post, token: token, json: body)
                #expect(response.status == .badRequest, "\(body): \(response.status)")
                let problem = try response.json()
                #expect(problem["code"] as? String == code, "\(body): \(problem)")
                #expect(problem["field"] as? String == field, "\(body): \(problem)")
            }
            let wrongType = try await client.request("/api/v1/tokens", .post, token: token, json: "{}",
                                                     headers: [.contentType: "text/plain"])
            #expect(wrongType.status == .unsupportedMediaType)
            let members = try await client.request("/api/v1/workspaces/acme/members/ana", .put, token: token,
                                                   json: #"{"role": "admin"}"#)
            #expect(members.status == .badRequest)
            #expect(try members.json()["field"] as? String == "role")
            // Still serving.
            #expect(try await client.request("/api/v1/me", token: token).status == .ok)
        }
    }

    @Test("a body over the limit answers 413, by its declared length and by what arrives")
    func oversizedBodies() async throws {
        let world = try await TestWorld { $0.maximumJSONBytes = 2048; $0.maximumUploadBytes = 4096 }
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let big = #"{"name": ""# + String(repeating: "x", count: 5000) + #""}"#
            let json = try await client.request("/api/v1/tokens", .post, token: token, json: big)
            #expect(json.status == .contentTooLarge)
            #expect(try json.json()["code"] as? String == "body-too-large")
            let upload = try await client.request("/api/v1/workspaces/acme/imports?filename=big.jsonl", .post, token: token,
                                                  json: String(repeating: "{}\n", count: 3000))
            #expect(upload.status == .contentTooLarge)
            #expect(try await client.request("/api/v1/me", token: token).status == .ok)
        }
    }

    @Test("no credentials, a bad token, an expired session: 401; a viewer importing, an analyst listing members: 403")
    func authenticationAndRoles() async throws {
        let world = try await TestWorld()
        let viewer = try await world.token(for: "viv")
        let analyst = try await world.token(for: "ana")
        let app = try await world.application()
        try await app.test(.router) { client in
            let anonymous = try await client.execute(uri: "/api/v1/workspaces/acme", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] != nil)
            #expect(try anonymous.json()["code"] as? String == "unauthenticated")
            let forged = try await client.request("/api/v1/me", token: "vigie_forged_secret")
            #expect(forged.status == .unauthorized)

            let session = try await client.signIn("viv")
            world.clock.advance(by: world.configuration.sessionIdleTimeout.timeInterval + 60)
            let expired = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: session.cookie])
            #expect(expired.status == .unauthorized)
            #expect((try expired.json()["detail"] as? String)?.contains("expired") == true)
            let page = try await client.execute(uri: "/w/acme", method: .get, headers: [.cookie: session.cookie])
            #expect(page.status == .found)
            #expect(page.headers[.location]?.hasPrefix("/sign-in?next=") == true)

            let importing = try await client.request("/api/v1/workspaces/acme/imports?filename=a.jsonl", .post, token: viewer, json: "{}")
            #expect(importing.status == .forbidden)
            #expect((try importing.json()["detail"] as? String)?.contains("viewer") == true)
            let members = try await client.request("/api/v1/workspaces/acme/members", token: analyst)
            #expect(members.status == .forbidden)
            #expect(try await client.request("/api/v1/workspaces/acme/watches", token: viewer).status == .ok)
        }
    }

    @Test("cookie-authenticated API changes need the session's X-CSRF-Token")
    func csrfOnCookieRequests() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("alice")
            let body = ByteBuffer(string: #"{"name": "from the browser"}"#)
            let without = try await client.execute(uri: "/api/v1/tokens", method: .post,
                                                   headers: [.cookie: session.cookie, .contentType: "application/json"], body: body)
            #expect(without.status == .forbidden)
            #expect(try without.json()["code"] as? String == "csrf")
            let with = try await client.execute(uri: "/api/v1/tokens", method: .post,
                                                headers: [.cookie: session.cookie, .contentType: "application/json",
                                                          .csrfToken: session.csrf], body: body)
            #expect(with.status == .created)
            // Reads need no token.
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: session.cookie]).status == .ok)
        }
    }

    @Test("unknown routes, forged cursors and unknown parameters answer problems too")
    func otherProblems() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let missing = try await client.request("/api/v1/nothing-here", token: token)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            let cursor = try await client.request("/api/v1/workspaces?cursor=not-a-cursor", token: token)
            #expect(cursor.status == .badRequest)
            #expect(try cursor.json()["field"] as? String == "cursor")
            let limit = try await client.request("/api/v1/workspaces?limit=100000", token: token)
            #expect(try limit.json()["field"] as? String == "limit")
            let watch = try await client.request("/api/v1/workspaces/acme/watches/none", token: token)
            #expect(watch.status == .notFound)
            #expect(try watch.json()["field"] as? String == "watch")
            let account = try await client.request("/api/v1/workspaces/acme/accounts/nobody_here", token: token)
            #expect(account.status == .notFound)
        }
    }

    @Test("engine, store and watch errors map to their statuses")
    func errorMapping() {
        #expect(Problem(error: EngineError(.invalidArgument, field: "since", "bad")).statusCode == 400)
        #expect(Problem(error: EngineError(.invalidArgument, field: "since", "bad")).field == "since")
        #expect(Problem(error: EngineError(.notFound, "x")).statusCode == 404)
        #expect(Problem(error: EngineError(.noData, "x")).statusCode == 409)
        #expect(Problem(error: EngineError(.unreadableInput, "x")).statusCode == 422)
        #expect(Problem(error: EngineError(.resourceMissing, "x")).statusCode == 503)
        #expect(Problem(error: WatchError.alreadyExists("v")).statusCode == 409)
        #expect(Problem(error: StoreError(code: .locked, location: "/srv/x.sqlite", message: "m")).retryAfter == 5)
        let unexpected = Problem(error: StoreError(code: .corrupt, location: "/srv/secret/path.sqlite", message: "damaged"))
        #expect(unexpected.statusCode == 500)
        #expect(!unexpected.detail.contains("/srv/secret"))
        struct Unexpected: Error {}
        #expect(Problem(error: Unexpected()).code == "internal")
    }
}
