import Foundation

/// What one pass over a workspace's posts learns about a topic (the posts a query or a watch
/// matches): per account, how many of its own posts are on topic, its recent engagement, its
/// best on-topic posts; and the ids of the on-topic posts, to tell on-topic engagement apart.
///
/// Reposts are not counted as an account's own posts: reposting is engaging, and it shows up
/// as an edge of the graph instead.
public struct TopicSignals: Sendable {
    public struct TopPost: Sendable, Hashable, Codable {
        public var id: String
        public var createdAt: Date
        public var engagement: Int
        public var text: String
    }

    public let nodeCount: Int
    /// Posts matched (reposts included) and their distinct authors.
    public private(set) var matchedPosts = 0
    /// Per node: own posts (reposts excluded) and those on topic.
    public private(set) var ownPosts: [Int32]
    public private(set) var onTopicPosts: [Int32]
    /// Ids (current and original) of every on-topic post, reposts included.
    public private(set) var onTopicPostIDs: Set<String> = []
    /// Per node, its best on-topic posts by engagement received.
    public private(set) var topPosts: [Int32: [TopPost]] = [:]
    /// How many recent posts the engagement rate averages over (HypeAuditor uses 12).
    public let recentPostCount: Int
    public let topPostCount: Int
    // Per node, a ring of its latest posts' (time, engagement), flat: node * recentPostCount + i.
    private var recentTimes: [Int64]
    private var recentEngagement: [Int32]

    public init(nodeCount: Int, recentPostCount: Int = 12, topPostCount: Int = 3) {
        self.nodeCount = nodeCount
        self.recentPostCount = recentPostCount
        self.topPostCount = topPostCount
        ownPosts = Array(repeating: 0, count: nodeCount)
        onTopicPosts = Array(repeating: 0, count: nodeCount)
        recentTimes = Array(repeating: Int64.min, count: nodeCount * recentPostCount)
        recentEngagement = Array(repeating: 0, count: nodeCount * recentPostCount)
    }

    /// Likes, replies and reposts a post received, as its metrics say; `nil` without metrics.
    public static func engagement(of post: Post) -> Int? {
        guard let metrics = post.metrics,
              metrics.likes != nil || metrics.replies != nil || metrics.reposts != nil else { return nil }
        return (metrics.likes ?? 0) + (metrics.replies ?? 0) + (metrics.reposts ?? 0)
    }

    /// Records one post by `node`; `onTopic` says whether the topic's query matched it.
    /// The same as ``add(activity:)`` for every post and ``addMatch(_:node:)`` for on-topic ones.
    public mutating func add(_ post: Post, node: Int32, onTopic: Bool) {
        add(activity: PostActivity(post, author: node))
        if onTopic { addMatch(post, node: node) }
    }

    /// What any post says of its author: own posts and recent engagement (reposts count for
    /// neither). Called for every post of the period, in storage order.
    public mutating func add(activity: PostActivity) {
        guard !activity.isRepost else { return }
        let v = Int(activity.author)
        ownPosts[v] += 1
        if let engagement = activity.engagement { remember(node: v, at: activity.createdAt, engagement: engagement) }
    }

    /// An on-topic post (its activity is recorded apart, by ``add(activity:)``). Called for the
    /// topic's posts in storage order, so that ties keep the same top posts.
    public mutating func addMatch(_ post: Post, node: Int32) {
        matchedPosts += 1
        onTopicPostIDs.insert(post.platformID)
        if let original = post.editOf { onTopicPostIDs.insert(original) }
        guard post.repostOfID == nil else { return }
        onTopicPosts[Int(node)] += 1
        let candidate = TopPost(id: post.platformID, createdAt: post.createdAt, engagement: Self.engagement(of: post) ?? 0,
                                text: String(post.text.prefix(280)))
        var best = topPosts[node] ?? []
        if best.count < topPostCount {
            best.append(candidate)
        } else if let worst = best.indices.min(by: { best[$0].engagement < best[$1].engagement }),
                  best[worst].engagement < candidate.engagement {
            best[worst] = candidate
        } else {
            return
        }
        topPosts[node] = best
    }

    private mutating func remember(node v: Int, at millis: Int64, engagement: Int) {
        let start = v * recentPostCount
        var oldest = start
        for slot in start..<(start + recentPostCount) where recentTimes[slot] < recentTimes[oldest] { oldest = slot }
        guard recentTimes[oldest] < millis else { return }
        recentTimes[oldest] = millis
        recentEngagement[oldest] = Int32(clamping: engagement)
    }

    /// Mean engagement of the node's latest posts, and how many posts it averages.
    public func recentEngagement(of node: Int32) -> (mean: Double, posts: Int)? {
        let start = Int(node) * recentPostCount
        var sum = 0.0
        var count = 0
        for slot in start..<(start + recentPostCount) where recentTimes[slot] != Int64.min {
            sum += Double(recentEngagement[slot])
            count += 1
        }
        return count == 0 ? nil : (sum / Double(count), count)
    }

    /// Whether an interaction is on topic: it targets an on-topic post, or it is carried by one
    /// (an on-topic reply or mention).
    public func isOnTopic(_ edge: GraphEdgeRecord) -> Bool {
        if let target = edge.targetPostID, onTopicPostIDs.contains(target) { return true }
        if let via = edge.viaID, onTopicPostIDs.contains(via) { return true }
        return false
    }

    /// Accounts with at least one own on-topic post.
    public var onTopicAuthors: Int { onTopicPosts.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
}
