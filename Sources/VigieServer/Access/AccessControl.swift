import Foundation
import HummingbirdBcrypt
import Synchronization
import VigieCore

/// The access use cases, shared by the server and the `users`/`tokens` commands: users and their
/// passwords (bcrypt), roles per workspace, sign-in sessions, API tokens, and the audit log.
///
/// ```swift
/// let access = AccessControl(store: store)
/// try await access.addUser(name: "alice", password: "a long passphrase")
/// try await access.grant(.owner, user: "alice", workspace: "default", actor: "cli")
/// let session = try await access.signIn(name: "alice", password: "a long passphrase", client: "127.0.0.1")
/// ```
package struct AccessControl: Sendable {
    package let store: any AccessStore
    let passwordCost: UInt8
    let sessionIdleTimeout: Duration
    let sessionAbsoluteTimeout: Duration
    let throttle: LoginThrottle
    /// The current time; tests move it to expire sessions.
    let now: @Sendable () -> Date

    /// Passwords shorter than this are refused.
    package static let minimumPasswordLength = 10
    /// Sessions and tokens record their use at most this often (one write per minute, not per request).
    static let useRecordingInterval: TimeInterval = 60

    package init(store: any AccessStore, passwordCost: UInt8 = 12, sessionIdleTimeout: Duration = .seconds(8 * 3600),
                sessionAbsoluteTimeout: Duration = .seconds(7 * 24 * 3600), signInAttempts: Int = 5,
                signInWindow: Duration = .seconds(15 * 60), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.passwordCost = passwordCost
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionAbsoluteTimeout = sessionAbsoluteTimeout
        self.throttle = LoginThrottle(attempts: signInAttempts, window: signInWindow)
        self.now = now
    }

    package init(store: any AccessStore, configuration: ServerConfiguration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: store, passwordCost: configuration.passwordCost,
                  sessionIdleTimeout: configuration.sessionIdleTimeout,
                  sessionAbsoluteTimeout: configuration.sessionAbsoluteTimeout,
                  signInAttempts: configuration.signInAttempts, signInWindow: configuration.signInWindow, now: now)
    }

    // MARK: Users

    /// Creates a user with a password; the name must be a valid login and free.
    @discardableResult
    package func addUser(name: String, password: String, displayName: String? = nil, actor: String) async throws -> UserAccount {
        guard UserAccount.isValidName(name) else {
            throw AccessError(.invalidName, field: "name",
                              "user name '\(name)' is invalid: use up to 64 letters, digits, '.', '_', '-' or '@'")
        }
        try Self.checkPolicy(password: password, name: name)
        if try await store.user(named: name) != nil {
            throw AccessError(.alreadyExists, field: "name", "a user named '\(name)' already exists")
        }
        let hash = try await hashPassword(password)
        let user = UserAccount(name: name, displayName: displayName, createdAt: now())
        try await store.addUser(user, passwordHash: hash)
        try await audit(actor: actor, action: "user.add", target: name)
        return user
    }

    /// Replaces a user's password; their sessions end.
    package func setPassword(user: String, password: String, actor: String) async throws {
        guard try await store.user(named: user) != nil else { throw AccessError(.notFound, field: "name", "no user named '\(user)'") }
        try Self.checkPolicy(password: password, name: user)
        try await store.setPasswordHash(try await hashPassword(password), user: user)
        try await audit(actor: actor, action: "user.password", target: user)
    }

    @discardableResult
    package func removeUser(name: String, actor: String) async throws -> Bool {
        let removed = try await store.removeUser(named: name)
        if removed { try await audit(actor: actor, action: "user.remove", target: name) }
        return removed
    }

    /// Gives a user a role in a workspace (replacing the one they had there).
    package func grant(_ role: WorkspaceRole, user: String, workspace: String, actor: String) async throws {
        guard Workspace.isValidName(workspace) else {
            throw AccessError(.invalidName, field: "workspace",
                              "workspace '\(workspace)' is not a valid name: use letters, digits, '-' and '_' (at most 64)")
        }
        guard try await store.user(named: user) != nil else { throw AccessError(.notFound, field: "user", "no user named '\(user)'") }
        try await store.grant(role, user: user, workspace: workspace, at: now())
        try await audit(actor: actor, workspace: workspace, action: "member.grant", target: user, detail: role.rawValue)
    }

    @discardableResult
    package func revoke(user: String, workspace: String, actor: String) async throws -> Bool {
        let removed = try await store.revokeMembership(user: user, workspace: workspace)
        if removed { try await audit(actor: actor, workspace: workspace, action: "member.revoke", target: user) }
        return removed
    }

    // MARK: Sessions

    /// A new session: the id goes to the browser's cookie, the record (with its hash) to the store.
    package struct NewSession: Sendable {
        package var id: String
        package var record: SessionRecord
    }

    /// Checks a login and password, then opens a session. Failures are audited and counted:
    /// past the allowed attempts the answer is `throttled` with the seconds to wait.
    package func signIn(name: String, password: String, client: String) async throws -> NewSession {
        if let wait = await throttle.retryAfter(login: name, client: client) {
            try await audit(actor: name, action: "session.signInThrottled", detail: "from \(client)")
            throw AccessError(.throttled, "too many failed sign-ins; try again in \(wait) seconds", retryAfterSeconds: wait)
        }
        let stored = try await store.passwordHash(user: name)
        // An unknown login costs a bcrypt check too, so timing does not tell which logins exist.
        let hash: String
        if let stored { hash = stored } else { hash = try await Self.decoyHash(cost: passwordCost) }
        let verified = try await Offload.run { Bcrypt.verify(password, hash: hash) }
        guard verified, stored != nil, let user = try await store.user(named: name) else {
            await throttle.recordFailure(login: name, client: client)
            try await audit(actor: name, action: "session.signInFailed", detail: "from \(client)")
            throw AccessError(.badCredentials, "wrong user name or password")
        }
        await throttle.recordSuccess(login: name, client: client)
        let id = Secrets.random()
        let date = now()
        let record = SessionRecord(idHash: Secrets.sha256(id), user: user.name, csrfToken: Secrets.random(),
                                   createdAt: date, lastSeenAt: date,
                                   expiresAt: min(date + sessionIdleTimeout.timeInterval, date + sessionAbsoluteTimeout.timeInterval))
        try await store.addSession(record)
        try await audit(actor: user.name, action: "session.signIn", detail: "from \(client)")
        return NewSession(id: id, record: record)
    }

    /// The live session of a cookie value, its expiry slid forward; `nil` when unknown or expired.
    package func session(id: String) async throws -> SessionRecord? {
        guard !id.isEmpty, id.count <= 128 else { return nil }
        let hash = Secrets.sha256(id)
        guard var record = try await store.session(idHash: hash) else { return nil }
        let date = now()
        guard date < record.expiresAt else {
            try await store.removeSession(idHash: hash)
            return nil
        }
        if date.timeIntervalSince(record.lastSeenAt) >= Self.useRecordingInterval {
            let expiry = min(date + sessionIdleTimeout.timeInterval, record.createdAt + sessionAbsoluteTimeout.timeInterval)
            try await store.extendSession(idHash: hash, lastSeenAt: date, expiresAt: expiry)
            record.lastSeenAt = date
            record.expiresAt = expiry
        }
        return record
    }

    package func signOut(sessionID: String, user: String) async throws {
        try await store.removeSession(idHash: Secrets.sha256(sessionID))
        try await audit(actor: user, action: "session.signOut")
    }

    // MARK: API tokens

    /// A new token: `secret` is shown once and never again.
    package struct NewToken: Sendable, Codable {
        package var secret: String
        package var token: APITokenRecord
    }

    /// Creates a token acting as `user` (in `workspace` only, when given), valid for `lifetime`
    /// (`nil`: until revoked).
    package func createToken(user: String, name: String, workspace: String? = nil, lifetime: Duration? = nil,
                            actor: String) async throws -> NewToken {
        guard try await store.user(named: user) != nil else { throw AccessError(.notFound, field: "user", "no user named '\(user)'") }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw AccessError(.invalidName, field: "name", "give the token a name of 1 to 100 characters (what it is for)")
        }
        if let workspace {
            guard try await store.memberships(user: user).contains(where: { $0.workspace == workspace }) else {
                throw AccessError(.notFound, field: "workspace", "user '\(user)' is not a member of workspace '\(workspace)'")
            }
        }
        let id = "tok_" + Secrets.identifier()
        let secret = "vigie_" + id.dropFirst(4) + "_" + Secrets.random()
        let date = now()
        let record = APITokenRecord(id: id, name: trimmed, user: user, workspace: workspace, hash: Secrets.sha256(secret),
                                    createdAt: date, expiresAt: lifetime.map { date + $0.timeInterval })
        try await store.addToken(record)
        try await audit(actor: actor, workspace: workspace, action: "token.create", target: id, detail: trimmed)
        return NewToken(secret: secret, token: record)
    }

    /// The usable token of a bearer secret; `nil` when unknown, revoked or expired.
    package func token(secret: String) async throws -> APITokenRecord? {
        guard secret.hasPrefix("vigie_"), secret.count <= 128 else { return nil }
        guard var record = try await store.token(hash: Secrets.sha256(secret)) else { return nil }
        let date = now()
        guard record.isUsable(at: date) else { return nil }
        if record.lastUsedAt.map({ date.timeIntervalSince($0) >= Self.useRecordingInterval }) ?? true {
            try await store.recordTokenUse(id: record.id, at: date)
            record.lastUsedAt = date
        }
        return record
    }

    /// Revokes a token. With `owner`, only a token of that user (others answer `notFound`).
    @discardableResult
    package func revokeToken(id: String, owner: String?, actor: String) async throws -> APITokenRecord {
        let candidates: [APITokenRecord]
        if let owner {
            candidates = try await store.tokens(user: owner)
        } else {
            var all: [APITokenRecord] = []
            for user in try await store.users() { all += try await store.tokens(user: user.name) }
            candidates = all
        }
        guard var token = candidates.first(where: { $0.id == id }) else {
            throw AccessError(.notFound, field: "id", "no token '\(id)'")
        }
        let date = now()
        if try await store.revokeToken(id: id, at: date) {
            token.revokedAt = date
            try await audit(actor: actor, workspace: token.workspace, action: "token.revoke", target: id)
        }
        return token
    }

    // MARK: Audit

    /// Records who did what; the workspace is `nil` for account events.
    package func audit(actor: String, workspace: String? = nil, action: String, target: String? = nil,
                      detail: String? = nil) async throws {
        try await store.appendAudit(AuditEvent(at: now(), actor: actor, workspace: workspace, action: action,
                                               target: target, detail: detail))
    }

    // MARK: Passwords

    /// A strong random password for a new user (144 bits, URL-safe characters).
    package static func generatePassword() -> String {
        Secrets.random(byteCount: 18)
    }

    static func checkPolicy(password: String, name: String) throws(AccessError) {
        guard password.count >= minimumPasswordLength else {
            throw AccessError(.weakPassword, field: "password",
                              "the password must have at least \(minimumPasswordLength) characters (a passphrase is best)")
        }
        guard password.utf8.count <= 72 else {
            // bcrypt reads 72 bytes; more would be silently ignored.
            throw AccessError(.weakPassword, field: "password", "the password must have at most 72 bytes")
        }
        guard password.lowercased() != name.lowercased() else {
            throw AccessError(.weakPassword, field: "password", "the password must differ from the user name")
        }
    }

    func hashPassword(_ password: String) async throws -> String {
        let cost = passwordCost
        return try await Offload.run { Bcrypt.hash(password, cost: cost) }
    }

    /// A hash of a random password at `cost`, checked against when the login does not exist.
    static func decoyHash(cost: UInt8) async throws -> String {
        if let hash = decoyHashes.withLock({ $0[cost] }) { return hash }
        let hash = try await Offload.run { Bcrypt.hash(Secrets.random(), cost: cost) }
        decoyHashes.withLock { $0[cost] = hash }
        return hash
    }

    private static let decoyHashes = Mutex<[UInt8: String]>([:])
}

extension Duration {
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
