import Foundation

/// What trust scoring reads: every account with its posting behaviour and interactions in one
/// pass (a report over a workspace), or a few accounts and their neighbourhood only (scoring one
/// account), and the engagement an account received.
public protocol TrustStore: Sendable {
    /// Every account of the workspace with its posts' behaviour (`activity`), its interactions
    /// (`graph`) and how many accounts share its bio. One pass over posts and interactions.
    func trustSubjects(workspace: String) async throws -> [TrustSubject]

    /// The subjects of these accounts only: profile, posting behaviour from their own posts,
    /// reciprocity from their own interactions, and how many accounts share their bio. Each is
    /// exactly what ``trustSubjects(workspace:)`` computes for the same account.
    func trustSubjects(workspace: String, accounts: [AccountKey]) async throws -> [TrustSubject]

    /// The accounts whose handle (without `@`, any case) or platform id is `handle`.
    func accountKeys(workspace: String, handle: String) async throws -> [AccountKey]

    /// Interactions other accounts made towards `account`: likes, reposts, replies, quotes and
    /// follows, each with its source account and target post.
    func engagements(workspace: String, account: AccountKey) async throws -> [Engagement]

    /// The account's counts each time an import saw them change, oldest first.
    func metricSnapshots(workspace: String, account: AccountKey) async throws -> [MetricSnapshot]

    /// The posting activity (only its recent engagement counts) of every account of `tier`
    /// with at least one original post with counts: enough for the tier's median likes per reply
    /// (`AudienceAnalyzer.tierMedian`).
    func recentEngagement(workspace: String, tier: InfluenceTier) async throws -> [PostingActivity]

    /// The share of fake accounts the workspace expects in the population it watches (the trust
    /// score's prior); `nil` when it set none and the model's default applies.
    func trustPrior(workspace: String) async throws -> Double?

    /// Sets the workspace's prior (the caller checks 0 < share < 1), or removes it with `nil`.
    func setTrustPrior(_ share: Double?, workspace: String) async throws
}

/// An account's counts as observed at one time.
public struct MetricSnapshot: Sendable, Hashable, Codable {
    public var at: Date
    public var followers: Int?
    public var following: Int?
    public var postsCount: Int?

    public init(at: Date, followers: Int?, following: Int?, postsCount: Int?) {
        self.at = at
        self.followers = followers
        self.following = following
        self.postsCount = postsCount
    }
}

/// One interaction received by an account.
public struct Engagement: Sendable, Hashable {
    public var source: AccountKey
    public var kind: Interaction.Kind
    /// The post acted upon (liked, reposted, replied to), where there is one.
    public var postID: String?
    public var at: Date

    public init(source: AccountKey, kind: Interaction.Kind, postID: String?, at: Date) {
        self.source = source
        self.kind = kind
        self.postID = postID
        self.at = at
    }
}
