import Foundation
import VigieCore

/// How to find and label the communities of the interaction graph.
public struct CommunitiesRequest: Sendable, Hashable {
    public var period: GraphPeriod
    /// Louvain resolution: above 1 finds more, smaller communities; below 1 fewer, larger ones.
    public var resolution: Double
    /// How many communities to profile, largest first.
    public var limit: Int
    /// A topic: each community also gets its share of the topic's posts.
    public var topic: Topic?

    public init(period: GraphPeriod = GraphPeriod(), resolution: Double = 1, limit: Int = 20, topic: Topic? = nil) {
        self.period = period
        self.resolution = resolution
        self.limit = limit
        self.topic = topic
    }

    public func validate() throws(EngineError) {
        try period.validate()
        guard resolution > 0 else { throw EngineError(.invalidArgument, field: "resolution", "the resolution must be positive (1 is classic modularity)") }
        guard limit >= 0 else { throw EngineError(.invalidArgument, field: "limit", "the limit must not be negative") }
    }
}

/// The partition and the profiles of its largest communities.
public struct CommunitiesResult: Sendable {
    public var resolution: Double
    public var communityCount: Int
    public var modularity: Double
    public var levels: Int
    /// Accounts in the graph.
    public var accounts: Int
    /// The topic's query as understood, with a topic.
    public var topicQuery: Query?
    /// With a topic: the communities holding most of its posts, largest share first (at most 10).
    public var topicCommunities: [TopicShare]?
    public var profiles: [CommunityProfiles.Profile]
    public var timings: [StepTiming]

    public struct TopicShare: Sendable, Hashable, Codable {
        public var community: Int
        public var posts: Int
        public var share: Double
    }
}

extension Engine {
    /// Finds the communities of the interaction graph (Louvain) and labels the largest by their
    /// distinctive hashtags and words and their central accounts; with a topic, tells which
    /// communities its posts live in.
    ///
    /// ```swift
    /// let result = try await engine.communities(CommunitiesRequest(resolution: 2, topic: .query("velo")))
    /// for profile in result.profiles { print(profile.community, profile.hashtags.map(\.value)) }
    /// ```
    public func communities(_ request: CommunitiesRequest) async throws -> CommunitiesResult {
        try request.validate()
        var topicQuery: Query?
        if let topic = request.topic { topicQuery = try await self.topicQuery(topic) }
        var loader = GraphLoader(engine: self, period: request.period)
        let nodes = try await loader.nodes()
        let graph = try await loader.graph(nodes: nodes)
        let partition = try await loader.communities(graph, resolution: request.resolution)
        var profiles = CommunityProfiles(community: partition.community, communityCount: partition.communityCount)
        let store = self.store, workspace = self.workspace, period = request.period, query = topicQuery
        try await loader.time("label communities") {
            // One post at a time, as discovery (see there why not on every core).
            for try await page in store.graphPosts(workspace: workspace, nodes: nodes) {
                for row in page {
                    guard row.post.repostOfID == nil, let node = row.author, period.includes(row.post) else { continue }
                    let document = QueryDocument(post: row.post)
                    profiles.add(document, node: node, onTopic: query?.matches(document) ?? false)
                }
            }
        }
        let labelled = profiles, limit = request.limit, topic = topicQuery != nil
        let shown = try await loader.time("profiles") {
            try await Offload.run { labelled.profiles(graph: graph, limit: limit, topic: topic) }
        }
        return CommunitiesResult(
            resolution: request.resolution, communityCount: partition.communityCount, modularity: partition.modularity,
            levels: partition.levels, accounts: graph.nodeCount, topicQuery: topicQuery,
            topicCommunities: topicQuery == nil ? nil : labelled.topicCommunities().prefix(10).map {
                .init(community: $0.community, posts: $0.posts, share: $0.share)
            },
            profiles: shown, timings: loader.timings)
    }
}
