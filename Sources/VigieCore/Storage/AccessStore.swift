import Foundation

/// Who may use a Vigie server: users, their role in each workspace, their sign-in sessions and
/// API tokens, and the audit log of what they did. Secrets never reach the store in clear: it
/// keeps password hashes (bcrypt) and the SHA-256 of session ids and tokens, computed by the
/// server, so a stolen database file signs nobody in.
///
/// Users are named by their login (case-insensitive), workspaces by their name, tokens by their
/// public id; the audit log numbers its own events.
///
/// ```swift
/// try await store.addUser(UserAccount(name: "alice"), passwordHash: hash)
/// try await store.grant(.owner, user: "alice", workspace: "client-a", at: Date())
/// let roles = try await store.memberships(user: "alice")   // [client-a: owner]
/// ```
///
/// Errors are ``StoreError``s: `alreadyExists` for a user or token that exists, `notFound` for
/// a user that does not, `invalidWorkspace` for a malformed workspace name.
public protocol AccessStore: Sendable {
    // MARK: Users

    /// Adds a user; throws `alreadyExists` when the name is taken (in any case). The caller has
    /// checked the name (``UserAccount/isValidName(_:)``).
    func addUser(_ user: UserAccount, passwordHash: String) async throws
    func user(named name: String) async throws -> UserAccount?
    /// Every user, by name.
    func users() async throws -> [UserAccount]
    /// The stored bcrypt hash of a user's password, `nil` for an unknown user.
    func passwordHash(user: String) async throws -> String?
    /// Replaces a user's password hash and signs them out everywhere (their sessions end).
    func setPasswordHash(_ hash: String, user: String) async throws
    /// Removes a user with their memberships, sessions and tokens (the audit log keeps their
    /// name); `false` when there was none.
    @discardableResult
    func removeUser(named name: String) async throws -> Bool

    // MARK: Roles

    /// Gives `user` `role` in `workspace` (creating the workspace when it is new), replacing the
    /// role they had there. Throws `notFound` for an unknown user.
    func grant(_ role: WorkspaceRole, user: String, workspace: String, at date: Date) async throws
    /// Takes a user out of a workspace; `false` when they were not in it.
    @discardableResult
    func revokeMembership(user: String, workspace: String) async throws -> Bool
    /// The workspaces a user belongs to, by workspace name.
    func memberships(user: String) async throws -> [Membership]
    /// The members of a workspace, by user name.
    func members(workspace: String) async throws -> [Membership]

    // MARK: Sessions

    func addSession(_ session: SessionRecord) async throws
    /// The session whose id hashes to `idHash`, expired or not (the caller checks).
    func session(idHash: String) async throws -> SessionRecord?
    /// Slides a session's expiry after a use.
    func extendSession(idHash: String, lastSeenAt: Date, expiresAt: Date) async throws
    func removeSession(idHash: String) async throws
    /// Removes the sessions that expired before `date`; returns how many.
    @discardableResult
    func removeExpiredSessions(before date: Date) async throws -> Int

    // MARK: API tokens

    /// Stores a new token; throws `alreadyExists` for a public id or hash already stored.
    func addToken(_ token: APITokenRecord) async throws
    /// The token whose secret hashes to `hash`, revoked or not (the caller checks).
    func token(hash: String) async throws -> APITokenRecord?
    /// A user's tokens, newest first, revoked ones included.
    func tokens(user: String) async throws -> [APITokenRecord]
    /// Revokes a token by its public id; `false` when there is none or it was already revoked.
    @discardableResult
    func revokeToken(id: String, at date: Date) async throws -> Bool
    func recordTokenUse(id: String, at date: Date) async throws

    // MARK: Audit

    /// Appends an event; returns its sequence number.
    @discardableResult
    func appendAudit(_ event: AuditEvent) async throws -> Int64
    /// Events newest first, before sequence `before` when given. For a workspace: its own events
    /// and the account events (sign-ins, token changes) of its current members; `nil`: all.
    func auditEvents(workspace: String?, before: Int64?, limit: Int) async throws -> [AuditEvent]
}

/// A person who signs in to a Vigie server.
public struct UserAccount: Sendable, Hashable, Codable {
    /// The login: unique whatever the case, 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
    public var name: String
    public var displayName: String?
    public var createdAt: Date

    public init(name: String, displayName: String? = nil, createdAt: Date = Date()) {
        self.name = name
        self.displayName = displayName
        self.createdAt = createdAt
    }

    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { c in
            c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-" || c == "@")
        }
    }
}

/// What a member may do in a workspace. Each role can do what the roles below it can.
public enum WorkspaceRole: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Reads dashboards, queries and accounts: what a client gets.
    case viewer
    /// Also changes watches and alerts, and imports data.
    case analyst
    /// Also manages members and reads the audit log.
    case owner

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .analyst: 1
        case .owner: 2
        }
    }

    public static func < (lhs: WorkspaceRole, rhs: WorkspaceRole) -> Bool { lhs.rank < rhs.rank }
}

/// A user's role in one workspace.
public struct Membership: Sendable, Hashable, Codable {
    public var user: String
    public var workspace: String
    public var role: WorkspaceRole
    public var grantedAt: Date

    public init(user: String, workspace: String, role: WorkspaceRole, grantedAt: Date) {
        self.user = user
        self.workspace = workspace
        self.role = role
        self.grantedAt = grantedAt
    }
}

/// A signed-in browser. The session id itself lives only in the browser's cookie.
public struct SessionRecord: Sendable, Hashable {
    /// SHA-256 of the session id, hexadecimal.
    public var idHash: String
    public var user: String
    /// The token forms of this session must send back (synchroniser token against CSRF).
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date

    public init(idHash: String, user: String, csrfToken: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.user = user
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

/// A token for scripts, acting as its user (in one workspace only when `workspace` is set). The
/// secret is shown once, at creation; the store keeps its hash.
public struct APITokenRecord: Sendable, Hashable, Codable {
    /// The public part, to list and revoke the token by (`tok_…`).
    public var id: String
    /// What the user called it (`nightly export`).
    public var name: String
    public var user: String
    public var workspace: String?
    /// SHA-256 of the whole token, hexadecimal.
    public var hash: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: String, name: String, user: String, workspace: String? = nil, hash: String, createdAt: Date,
                expiresAt: Date? = nil, lastUsedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.user = user
        self.workspace = workspace
        self.hash = hash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    /// Whether the token may be used at `date`.
    public func isUsable(at date: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { date < $0 } ?? true)
    }
}

/// One entry of the audit log: who did what, when, where.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// The store's number for the event (increasing); 0 before it is stored.
    public var sequence: Int64
    public var at: Date
    /// The user who acted (or tried to: a failed sign-in names the login tried), or `cli`.
    public var actor: String
    /// The workspace acted on; `nil` for account events (sign-in, tokens).
    public var workspace: String?
    /// What happened, as a dotted verb: `session.signIn`, `watch.add`, `member.grant`, `export.query`.
    public var action: String
    /// What it was done to (a watch name, a user, a token id).
    public var target: String?
    /// A short free-text detail (the failure reason, the role granted).
    public var detail: String?

    public init(sequence: Int64 = 0, at: Date = Date(), actor: String, workspace: String? = nil, action: String,
                target: String? = nil, detail: String? = nil) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.workspace = workspace
        self.action = action
        self.target = target
        self.detail = detail
    }
}
