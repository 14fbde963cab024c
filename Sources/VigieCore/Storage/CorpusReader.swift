import Foundation

/// What a store answers about its corpus: counts, rejected records, search, accounts, listening
/// queries, and the post scans that analyses read in bulk.
public protocol CorpusReader: Sendable {
    /// Names of the workspaces that hold data, sorted.
    func workspaces() async throws -> [String]
    func stats(workspace: String) async throws -> StoreStats
    /// Posts, accounts and rejects of a workspace, for gauges that are refreshed all day: read
    /// from the narrowest indexes where the store has them (`stats` also counts versions and
    /// interactions per platform, which reads most of a large store).
    func totals(workspace: String) async throws -> StoreTotals
    /// Rejected records, newest first.
    func rejects(workspace: String, limit: Int) async throws -> [Reject]
    /// The last checkpoint recorded for a file, to tell an interrupted import from a finished one.
    func checkpoint(workspace: String, file: String) async throws -> ImportCheckpoint?

    /// Full-text search over post text: posts holding every word of `text`, best match first;
    /// case and accents are folded (`reseau` finds `réseau`), punctuation is never syntax.
    func searchPosts(workspace: String, text: String, limit: Int) async throws -> [Post]
    /// Accounts whose handle (without `@`, any case) or platform id is `handle`, with what the
    /// store knows around them.
    func accountDetails(workspace: String, handle: String) async throws -> [AccountDetail]

    /// Runs a listening query: every match is counted (exactly ``Query/matches(_:)``), the newest
    /// `limit` are returned, newest first (at equal dates, the last stored first). `since` and
    /// `until` narrow by creation date (`until` excluded).
    func query(_ query: Query, workspace: String, since: Date?, until: Date?, limit: Int) async throws -> QueryResultPage

    /// Every post of the workspace, in storage order (the order they were first stored).
    func posts(workspace: String) -> PagedScan<Post>
    /// The posts as ``TrendRecord``s (only what weak signals read), in storage order; reposts
    /// left out unless `includeReposts`. A record's `author` is a number that tells authors apart
    /// within this scan.
    func trendRecords(workspace: String, includeReposts: Bool) -> PagedScan<TrendRecord>
    /// The creation time (milliseconds since 1970) of every post, reposts included, in storage
    /// order: what volume series and spikes count.
    func postTimes(workspace: String) async throws -> [Int64]
}

extension CorpusReader {
    public func query(_ query: Query, workspace: String, limit: Int) async throws -> QueryResultPage {
        try await self.query(query, workspace: workspace, since: nil, until: nil, limit: limit)
    }
}

/// A page of a query's results with the totals.
public struct QueryResultPage: Sendable, Hashable {
    /// Matching posts in the workspace (and the date range), all of them.
    public var matched: Int
    /// Distinct authors of the matching posts.
    public var authors: Int
    /// The newest matches, newest first, at most the page size.
    public var posts: [Post]
    /// Posts that the index and field filters let through to the exact matcher.
    public var candidates: Int
    /// How the backend's index narrowed the candidates, for display; `nil` when it scanned.
    public var indexFilter: String?
    /// Whether the index answered alone (no candidate was loaded and tested).
    public var exact: Bool

    public init(matched: Int = 0, authors: Int = 0, posts: [Post] = [], candidates: Int = 0,
                indexFilter: String? = nil, exact: Bool = false) {
        self.matched = matched
        self.authors = authors
        self.posts = posts
        self.candidates = candidates
        self.indexFilter = indexFilter
        self.exact = exact
    }
}

extension CorpusReader {
    public func totals(workspace: String) async throws -> StoreTotals {
        let stats = try await stats(workspace: workspace)
        return StoreTotals(posts: stats.total.posts, accounts: stats.total.accounts, rejects: stats.rejects)
    }
}

/// What ``CorpusReader/totals(workspace:)`` counts.
public struct StoreTotals: Sendable, Hashable {
    public var posts: Int
    public var accounts: Int
    public var rejects: Int

    public init(posts: Int = 0, accounts: Int = 0, rejects: Int = 0) {
        self.posts = posts
        self.accounts = accounts
        self.rejects = rejects
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
