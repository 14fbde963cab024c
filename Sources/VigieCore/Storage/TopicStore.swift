import Foundation

/// What a topic's influence ranking reads without scanning every post (issue 19): the topic's
/// own posts found through the store's query index, and, for every post, only the few numbers
/// that per-account signals need (``PostActivity``).
///
/// The default implementations scan ``GraphStore/graphPosts(workspace:nodes:)`` and test each
/// post, so a backend is correct before it is fast; the SQLite store answers both from indexes
/// and narrow columns. The conformance suite checks that a backend's answers equal the defaults'.
public protocol TopicStore: GraphStore {
    /// Posts created in `timeRange` (ms since the epoch; all when `nil`) that ``Query/matches(_:)``,
    /// with their author's node (posts whose author is outside `nodes` are left out), in
    /// storage order.
    func topicPosts(_ query: Query, workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?) -> PagedScan<NodePost>

    /// One ``PostActivity`` per post created in `timeRange` whose author is in `nodes`, in
    /// storage order.
    func postActivity(workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?) -> PagedScan<PostActivity>
}

/// What per-account topic signals need of any post: its author, time, whether it is a repost,
/// and the engagement it received (``TopicSignals/engagement(of:)``).
public struct PostActivity: Sendable, Hashable {
    public var author: Int32
    public var createdAt: Int64
    public var isRepost: Bool
    public var engagement: Int?

    public init(author: Int32, createdAt: Int64, isRepost: Bool, engagement: Int?) {
        self.author = author
        self.createdAt = createdAt
        self.isRepost = isRepost
        self.engagement = engagement
    }

    public init(_ post: Post, author: Int32) {
        self.init(author: author, createdAt: post.createdAt.millisSinceEpoch, isRepost: post.repostOfID != nil,
                  engagement: TopicSignals.engagement(of: post))
    }
}

extension Date {
    /// Milliseconds since the epoch, truncated as ``TopicStore`` time ranges compare them.
    public var millisSinceEpoch: Int64 { Int64(timeIntervalSince1970 * 1000) }
}

extension TopicStore {
    public func topicPosts(_ query: Query, workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?) -> PagedScan<NodePost> {
        graphPosts(workspace: workspace, nodes: nodes).compactMap { row -> NodePost? in
            row.author != nil && Self.includes(timeRange, row.post) && query.matches(row.post) ? row : nil
        }
    }

    public func postActivity(workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?) -> PagedScan<PostActivity> {
        graphPosts(workspace: workspace, nodes: nodes).compactMap { row -> PostActivity? in
            guard let author = row.author, Self.includes(timeRange, row.post) else { return nil }
            return PostActivity(row.post, author: author)
        }
    }

    static func includes(_ range: Range<Int64>?, _ post: Post) -> Bool {
        range.map { $0.contains(post.createdAt.millisSinceEpoch) } ?? true
    }
}
