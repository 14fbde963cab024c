import Foundation

/// Storage of a Vigie corpus. The SQLite store implements it; a PostgreSQL store can adopt it
/// without the core changing.
///
/// Write semantics every implementation keeps:
/// - Records are keyed by workspace, platform and platform id; writing the same record twice
///   changes nothing (idempotent import).
/// - Accounts merge field by field: a `nil` field never erases a known value; a newer
///   observation (`observedAt`) of a count replaces an older one.
/// - Posts: the newest version wins (by `editedAt`, else `createdAt`, else arrival) and every
///   version's text is kept in the post's history. An edit with a new id (`editOf`) updates the
///   original's row.
/// - A tombstone hides its post for good: a later import of that post is ignored, and the
///   post's derived data (interactions, full-text entry) is removed.
/// - Interactions implied by a post (reply, repost, quote, mention) are derived by the store.
public protocol Store: Sendable {
    /// Writes one batch atomically.
    @discardableResult
    func write(_ batch: IngestBatch, workspace: String) throws -> WriteSummary

    func stats(workspace: String) throws -> StoreStats
    func rejects(workspace: String, limit: Int) throws -> [Reject]
    /// Full-text search over post text; case and accents are folded (`reseau` finds `réseau`).
    func searchPosts(workspace: String, text: String, limit: Int) throws -> [Post]
    /// Accounts whose handle (without `@`, any case) or platform id matches.
    func accounts(workspace: String, handle: String) throws -> [AccountDetail]
    /// The last checkpoint recorded for a file, to tell an interrupted import from a finished one.
    func checkpoint(workspace: String, file: String) throws -> ImportCheckpoint?

    /// Prepares for importing about `inputBytes` of data; a store may suspend the upkeep of
    /// indexes that writes do not need. Returns whether it did.
    @discardableResult
    func beginBulkLoad(inputBytes: Int) throws -> Bool
    /// Ends a bulk load: whatever `beginBulkLoad` suspended is rebuilt.
    func endBulkLoad() throws
}

extension Store {
    /// By default a store has nothing to suspend.
    @discardableResult
    public func beginBulkLoad(inputBytes: Int) throws -> Bool { false }

    public func endBulkLoad() throws {}
}

/// What one `write` changed.
public struct WriteSummary: Sendable, Hashable, Codable {
    public var accountsInserted = 0
    public var accountsUpdated = 0
    public var postsInserted = 0
    public var postsUpdated = 0
    public var postsUnchanged = 0
    /// Posts ignored because a tombstone already hides them.
    public var postsSuppressed = 0
    public var interactionsInserted = 0
    public var tombstonesInserted = 0
    public var rejectsInserted = 0

    public init() {}

    public static func += (lhs: inout WriteSummary, rhs: WriteSummary) {
        lhs.accountsInserted += rhs.accountsInserted
        lhs.accountsUpdated += rhs.accountsUpdated
        lhs.postsInserted += rhs.postsInserted
        lhs.postsUpdated += rhs.postsUpdated
        lhs.postsUnchanged += rhs.postsUnchanged
        lhs.postsSuppressed += rhs.postsSuppressed
        lhs.interactionsInserted += rhs.interactionsInserted
        lhs.tombstonesInserted += rhs.tombstonesInserted
        lhs.rejectsInserted += rhs.rejectsInserted
    }
}

/// Counts per platform, for `vigie stats`.
public struct StoreStats: Sendable, Hashable, Codable {
    public struct Counts: Sendable, Hashable, Codable {
        public var accounts = 0
        public var posts = 0
        public var postVersions = 0
        public var interactions = 0
        public var tombstones = 0
        public init() {}
    }

    public var workspace: String
    public var byPlatform: [String: Counts]
    public var rejects: Int

    public init(workspace: String, byPlatform: [String: Counts] = [:], rejects: Int = 0) {
        self.workspace = workspace
        self.byPlatform = byPlatform
        self.rejects = rejects
    }

    public var total: Counts {
        byPlatform.values.reduce(into: Counts()) { sum, c in
            sum.accounts += c.accounts
            sum.posts += c.posts
            sum.postVersions += c.postVersions
            sum.interactions += c.interactions
            sum.tombstones += c.tombstones
        }
    }
}

/// An account with what the store knows around it.
public struct AccountDetail: Sendable, Hashable, Codable {
    public var account: Account
    public var postCount: Int
    public var firstPostAt: Date?
    public var lastPostAt: Date?
    /// Interactions this account made, by kind.
    public var interactionsOut: [String: Int]
    /// Interactions this account received, by kind.
    public var interactionsIn: [String: Int]
    public var recentPosts: [Post]

    public init(account: Account, postCount: Int, firstPostAt: Date?, lastPostAt: Date?,
                interactionsOut: [String: Int], interactionsIn: [String: Int], recentPosts: [Post]) {
        self.account = account
        self.postCount = postCount
        self.firstPostAt = firstPostAt
        self.lastPostAt = lastPostAt
        self.interactionsOut = interactionsOut
        self.interactionsIn = interactionsIn
        self.recentPosts = recentPosts
    }
}
