import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import VigieCore
import VigieStore
@testable import VigieServer

/// Two client workspaces with their own people and data, the way an agency holds them:
/// - `acme`: alice (owner), ana (analyst), viv (viewer); posts by @acme_fan, the watch `velo`;
/// - `globex`: bob (owner); posts by @globex_fan with the word "globexonly", the watch `secret-launch`,
///   a rejected record in `globex-export.jsonl`, the campaign `secret-campaign`.
/// Nobody of one is a member of the other, so every read of the other must answer 404.
struct TestWorld: Sendable {
    static let password = "correct horse battery staple"

    let store: SQLiteStore
    let configuration: ServerConfiguration
    let clock: TestClock
    let metrics: ServerMetrics

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        store = try SQLiteStore.inMemory()
        var configuration = ServerConfiguration(passwordCost: 4, storeMetricsInterval: .seconds(3600))
        // A folder per world: tests run in parallel and check what their uploads leave behind.
        configuration.uploadFolder = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-test-uploads/" + UUID().uuidString).path
        configure(&configuration)
        self.configuration = configuration
        clock = TestClock()
        metrics = ServerMetrics()
        let access = AccessControl(store: store, passwordCost: 4)
        for (user, workspace, role) in [("alice", "acme", WorkspaceRole.owner), ("ana", "acme", .analyst), ("viv", "acme", .viewer),
                                         ("bob", "globex", .owner)] {
            try await access.addUser(name: user, password: Self.password, actor: "test")
            try await access.grant(role, user: user, workspace: workspace, actor: "test")
        }
        let start = Date(timeIntervalSince1970: 1_740_000_000)
        try await store.write(IngestBatch(items: [
            .account(Account(platform: .twitter, platformID: "100", handle: "acme_fan", displayName: "Acme Fan", followers: 1200)),
            .post(Post(platform: .twitter, platformID: "a1", authorID: "100", authorHandle: "acme_fan", createdAt: start,
                       text: "J'adore mon vélo du matin", language: "fr")),
            .post(Post(platform: .twitter, platformID: "a2", authorID: "100", authorHandle: "acme_fan",
                       createdAt: start.addingTimeInterval(86_400), text: "Cycling to work again, velo love", language: "en")),
        ]), workspace: "acme")
        try await store.write(IngestBatch(items: [
            .account(Account(platform: .twitter, platformID: "200", handle: "globex_fan", displayName: "Globex Fan")),
            .post(Post(platform: .twitter, platformID: "g1", authorID: "200", authorHandle: "globex_fan", createdAt: start,
                       text: "globexonly secret launch velo", language: "en")),
        ], rejects: [Reject(file: "globex-export.jsonl", line: 7, format: "twitter-v2", reason: "missing id", excerpt: "{}")]),
                              workspace: "globex")
        try await store.addWatch(Watch(name: "velo", query: "velo OR vélo"), workspace: "acme")
        try await store.addWatch(Watch(name: "secret-launch", query: "globexonly"), workspace: "globex")
        try await store.addAlertRule(AlertRule(name: "globex-rule", target: .watch("secret-launch"), kind: .spike), workspace: "globex")
        try await store.addCampaign(Campaign(name: "secret-campaign", startsAt: start, currency: Currency(code: "EUR")!), workspace: "globex")
    }

    /// The application over this world, as `vigie serve` builds it.
    func application() async throws -> some ApplicationProtocol {
        let clock = self.clock
        return try await buildApplication(configuration: configuration, store: store, logger: Logger(label: "test"),
                                          metrics: metrics, now: { clock.now })
    }

    /// An API token for `user` (optionally limited to a workspace).
    func token(for user: String, workspace: String? = nil) async throws -> String {
        try await AccessControl(store: store, passwordCost: 4)
            .createToken(user: user, name: "test", workspace: workspace, actor: "test").secret
    }
}

/// A clock the tests move forward (session expiry) without waiting.
final class TestClock: Sendable {
    private let current = Mutex(Date())

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

extension TestClientProtocol {
    /// A request with a bearer token, and a JSON body when given.
    func request(_ uri: String, _ method: HTTPRequest.Method = .get, token: String? = nil, json: String? = nil,
                 headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer " + token }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Posts the dashboard's sign-in form (with its anti-forgery token and cookie).
    func signInAttempt(_ user: String, password: String, next: String = "/workspaces") async throws -> TestResponse {
        let form = try await execute(uri: "/sign-in", method: .get)
        let formToken = try #require(Web.hiddenField("_csrf", in: String(buffer: form.body)))
        let formCookie = try #require(Web.cookie(named: "__Host-vigie_signin", in: form.headers))
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        let body = "_csrf=\(formToken)&name=\(user)&password=\(encoded)&next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? next)"
        return try await execute(uri: "/sign-in", method: .post,
                                 headers: [.contentType: "application/x-www-form-urlencoded", .cookie: formCookie],
                                 body: ByteBuffer(string: body))
    }

    /// Signs in through the dashboard's form; returns the session cookie (`name=value`) and the
    /// session's anti-forgery token.
    func signIn(_ user: String, password: String = TestWorld.password) async throws -> (cookie: String, csrf: String) {
        let response = try await signInAttempt(user, password: password)
        #expect(response.status == .seeOther, "sign-in of \(user) answered \(response.status)")
        let session = try #require(Web.cookie(named: "__Host-vigie_session", in: response.headers))
        let page = try await execute(uri: "/workspaces", method: .get, headers: [.cookie: session])
        let csrf = try #require(Web.hiddenField("_csrf", in: String(buffer: page.body)))
        return (session, csrf)
    }
}

/// Reading what pages and responses hold.
enum Web {
    /// `name=value` of a cookie set by a response.
    static func cookie(named name: String, in headers: HTTPFields) -> String? {
        headers[values: .setCookie].first { $0.hasPrefix(name + "=") }.map { String($0.prefix { $0 != ";" }) }
    }

    static func hiddenField(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any], "not a JSON object: \(text)")
    }
}
