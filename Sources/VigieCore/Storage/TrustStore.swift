import Foundation

/// What trust scoring reads from a store, in bulk: every account with its posting behaviour and
/// interactions in one pass, and the engagement an account received.
public protocol TrustStore: Sendable {
    /// Every account of the workspace with its posts' behaviour (`activity`), its interactions
    /// (`graph`) and how many accounts share its bio. One pass over posts and interactions.
    func trustSubjects(workspace: String) throws -> [TrustSubject]

    /// Interactions other accounts made towards `accountID` (a `TrustSubject.id`): likes,
    /// reposts, replies, quotes and follows, each with its source account and target post.
    func engagements(workspace: String, accountID: Int64) throws -> [Engagement]

    /// The account's counts each time an import saw them change, oldest first.
    func metricSnapshots(workspace: String, accountID: Int64) throws -> [MetricSnapshot]
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
    public var source: Int64
    public var kind: Interaction.Kind
    /// The post acted upon (liked, reposted, replied to), where there is one.
    public var postID: String?
    public var at: Date

    public init(source: Int64, kind: Interaction.Kind, postID: String?, at: Date) {
        self.source = source
        self.kind = kind
        self.postID = postID
        self.at = at
    }
}
