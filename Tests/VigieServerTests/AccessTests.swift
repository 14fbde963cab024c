import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigieCore
import VigieStore
@testable import VigieServer

@Suite("Users, sessions, tokens and the audit log")
struct AccessTests {
    @Test("user names and passwords are checked before anything is stored")
    func userPolicy() async throws {
        let store = try SQLiteStore.inMemory()
        let access = AccessControl(store: store, passwordCost: 4)
        await #expect(throws: AccessError.self) { try await access.addUser(name: "no spaces", password: "long enough pass", actor: "t") }
        await #expect(throws: AccessError.self) { try await access.addUser(name: "carol", password: "short", actor: "t") }
        await #expect(throws: AccessError.self) { try await access.addUser(name: "carol", password: "carol", actor: "t") }
        try await access.addUser(name: "Carol", password: "long enough pass", actor: "t")
        do {
            try await access.addUser(name: "carol", password: "another long one", actor: "t")
            Issue.record("a user name differing only in case was accepted")
        } catch let error as AccessError {
            #expect(error.code == .alreadyExists)
        }
        #expect(try await store.users().map(\.name) == ["Carol"])
        let hash = try #require(try await store.passwordHash(user: "carol"))
        #expect(hash.hasPrefix("$2"), "not a bcrypt hash: \(hash)")
        #expect(!hash.contains("long enough pass"))
    }

    @Test("sessions and tokens are stored as hashes; a revoked or expired token stops working")
    func secretsAreHashed() async throws {
        let store = try SQLiteStore.inMemory()
        let clock = TestClock()
        let access = AccessControl(store: store, passwordCost: 4, now: { clock.now })
        try await access.addUser(name: "dana", password: "long enough pass", actor: "t")
        try await access.grant(.analyst, user: "dana", workspace: "acme", actor: "t")
        let session = try await access.signIn(name: "dana", password: "long enough pass", client: "10.0.0.1")
        #expect(try await store.session(idHash: session.id) == nil, "the session id itself must not be a key")
        #expect(try await access.session(id: session.id)?.user == "dana")

        let created = try await access.createToken(user: "dana", name: "nightly", lifetime: .seconds(3600), actor: "dana")
        #expect(created.secret.hasPrefix("vigie_"))
        #expect(created.token.hash != created.secret)
        #expect(try await store.tokens(user: "dana").allSatisfy { $0.hash == Secrets.sha256(created.secret) })
        #expect(try await access.token(secret: created.secret)?.user == "dana")
        clock.advance(by: 3601)
        #expect(try await access.token(secret: created.secret) == nil, "an expired token still works")

        let second = try await access.createToken(user: "dana", name: "ci", actor: "dana")
        #expect(try await access.token(secret: second.secret) != nil)
        try await access.revokeToken(id: second.token.id, owner: "dana", actor: "dana")
        #expect(try await access.token(secret: second.secret) == nil, "a revoked token still works")
        await #expect(throws: AccessError.self) { try await access.revokeToken(id: second.token.id, owner: "someone-else", actor: "x") }
    }

    @Test("the sign-in form: wrong password, throttling after repeated failures, cookie flags")
    func signInForm() async throws {
        let world = try await TestWorld { $0.signInAttempts = 3 }
        let app = try await world.application()
        try await app.test(.router) { client in
            func attempt(_ password: String) async throws -> TestResponse {
                let form = try await client.execute(uri: "/sign-in", method: .get)
                let token = try #require(Web.hiddenField("_csrf", in: form.text))
                let cookie = try #require(Web.cookie(named: "__Host-vigie_signin", in: form.headers))
                return try await client.execute(
                    uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: ByteBuffer(string: "_csrf=\(token)&name=alice&password=\(password)"))
            }
            for _ in 0..<3 {
                let wrong = try await attempt("wrong+password")
                #expect(wrong.status == .unauthorized)
                #expect(wrong.text.contains("role=\"alert\""))
            }
            let throttled = try await attempt("correct+horse+battery+staple")
            #expect(throttled.status == .tooManyRequests, "the right password is refused while throttled")
            #expect(throttled.headers[.retryAfter] != nil)

            // Another user signs in; their cookie is Secure, HttpOnly, SameSite=Lax, host-only.
            let form = try await client.execute(uri: "/sign-in", method: .get)
            let token = try #require(Web.hiddenField("_csrf", in: form.text))
            let cookie = try #require(Web.cookie(named: "__Host-vigie_signin", in: form.headers))
            let signedIn = try await client.execute(
                uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: ByteBuffer(string: "_csrf=\(token)&name=viv&password=correct+horse+battery+staple&next=%2Fw%2Facme"))
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/w/acme")
            let setCookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("__Host-vigie_session=") })
            for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
                #expect(setCookie.contains(flag), "session cookie lacks \(flag): \(setCookie)")
            }
            #expect(!setCookie.contains("Domain"))

            // Without the form's token: refused.
            let forged = try await client.execute(
                uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "name=viv&password=correct+horse+battery+staple"))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("__Host-vigie_session=") })
            // An open redirect through `next` is refused.
            let form2 = try await client.execute(uri: "/sign-in?next=%2F%2Fevil.example", method: .get)
            #expect(Web.hiddenField("next", in: form2.text) == "/workspaces")
        }
    }

    @Test("owners read the audit log: sign-ins, failures, token and member changes, exports; others may not")
    func auditLog() async throws {
        let world = try await TestWorld()
        let ownerToken = try await world.token(for: "alice")
        let viewerToken = try await world.token(for: "viv")
        let bobToken = try await world.token(for: "bob")
        let app = try await world.application()
        try await app.test(.router) { client in
            _ = try await client.signIn("viv")
            #expect(try await client.signInAttempt("ana", password: "wrong password here").status == .unauthorized)
            _ = try await client.request("/api/v1/workspaces/acme/query?query=velo&format=csv", token: ownerToken)
            _ = try await client.request("/api/v1/workspaces/acme/members/viv", .put, token: ownerToken, json: #"{"role":"analyst"}"#)
            _ = try await client.signIn("bob")
            let page = try await client.request("/api/v1/workspaces/acme/audit?limit=100", token: ownerToken)
            #expect(page.status == .ok)
            let events = try #require(try page.json()["items"] as? [[String: Any]])
            let actions = events.map { "\($0["actor"] ?? "") \($0["action"] ?? "")" }
            for expected in ["viv session.signIn", "ana session.signInFailed", "alice export.query", "alice member.grant"] {
                #expect(actions.contains(expected), "missing \(expected) in \(actions)")
            }
            #expect(!actions.contains("bob session.signIn"), "acme's log shows a globex member's sign-in")
            #expect(try await client.request("/api/v1/workspaces/acme/audit", token: viewerToken).status == .forbidden)
            #expect(try await client.request("/api/v1/workspaces/acme/audit", token: bobToken).status == .notFound)
            // Keyset pages: two events at a time, no repeats.
            var seen: [Int] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/workspaces/acme/audit?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let json = try await client.request(uri, token: ownerToken).json()
                seen += (json["items"] as? [[String: Any]] ?? []).compactMap { $0["sequence"] as? Int }
                cursor = json["nextCursor"] as? String
            } while cursor != nil
            #expect(seen == seen.sorted(by: >))
            #expect(Set(seen).count == seen.count)
            #expect(seen.count == events.count)
        }
    }

    @Test("the last owner cannot step down or leave")
    func lastOwner() async throws {
        let world = try await TestWorld()
        let owner = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let stepDown = try await client.request("/api/v1/workspaces/acme/members/alice", .put, token: owner, json: #"{"role":"viewer"}"#)
            #expect(stepDown.status == .conflict)
            #expect(try await client.request("/api/v1/workspaces/acme/members/alice", .delete, token: owner).status == .conflict)
            #expect(try await client.request("/api/v1/workspaces/acme/members/ana", .put, token: owner, json: #"{"role":"owner"}"#).status == .ok)
            #expect(try await client.request("/api/v1/workspaces/acme/members/alice", .delete, token: owner).status == .noContent)
            #expect(try await client.request("/api/v1/workspaces/acme", token: owner).status == .notFound)
        }
    }

    @Test("removing a user removes their memberships, sessions and tokens, and keeps their audit trail")
    func removingUsers() async throws {
        let store = try SQLiteStore.inMemory()
        let access = AccessControl(store: store, passwordCost: 4)
        try await access.addUser(name: "erin", password: "long enough pass", actor: "cli")
        try await access.grant(.owner, user: "erin", workspace: "w1", actor: "cli")
        let session = try await access.signIn(name: "erin", password: "long enough pass", client: "local")
        let token = try await access.createToken(user: "erin", name: "t", actor: "erin")
        #expect(try await access.removeUser(name: "ERIN", actor: "cli"))
        #expect(try await store.memberships(user: "erin").isEmpty)
        #expect(try await store.members(workspace: "w1").isEmpty)
        #expect(try await access.session(id: session.id) == nil)
        #expect(try await access.token(secret: token.secret) == nil)
        let trail = try await store.auditEvents(workspace: nil, before: nil, limit: 50)
        #expect(trail.contains { $0.actor == "erin" && $0.action == "session.signIn" })
        #expect(trail.contains { $0.action == "user.remove" && $0.target == "ERIN" })
    }
}
