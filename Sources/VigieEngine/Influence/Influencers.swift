import Foundation
import VigieCore
import VigieSynth

/// Whose legitimacy on a topic to rank, and how.
public struct InfluencersRequest: Sendable, Hashable {
    /// The topic: the posts a query or a saved watch matches.
    public var topic: Topic
    public var period: GraphPeriod
    /// Score accounts with the trust model (inauthenticity in the evidence; the score is
    /// multiplied by 1 − inauthenticity). Without a model file the ranking runs with a note.
    public var scoreTrust: Bool
    /// Louvain resolution for the communities reached.
    public var resolution: Double
    /// Only accounts of this tier are listed.
    public var tier: InfluenceTier?
    /// How many accounts to list.
    public var limit: Int

    public init(topic: Topic, period: GraphPeriod = GraphPeriod(), scoreTrust: Bool = true, resolution: Double = 1,
                tier: InfluenceTier? = nil, limit: Int = 50) {
        self.topic = topic
        self.period = period
        self.scoreTrust = scoreTrust
        self.resolution = resolution
        self.tier = tier
        self.limit = limit
    }

    public func validate() throws(EngineError) {
        try period.validate()
        guard resolution > 0 else { throw EngineError(.invalidArgument, field: "resolution", "the resolution must be positive") }
        guard limit >= 0 else { throw EngineError(.invalidArgument, field: "limit", "the limit must not be negative") }
    }
}

/// A topic's ranking: what the topic holds, where it lives, and the accounts listed.
public struct InfluencersResult: Sendable {
    /// The topic's query as understood.
    public var query: Query
    public var matchedPosts: Int
    public var onTopicAuthors: Int
    public var onTopicInteractions: Int
    /// Accounts ranked (all of them, before the tier filter and the limit).
    public var rankedCount: Int
    /// The communities holding most of the topic's authors, largest first (at most 5).
    public var topicCommunities: [CommunityCount]
    /// The accounts listed, best first.
    public var accounts: [TopicalLegitimacy.RankedAccount]
    public var notes: [String]
    public var timings: [StepTiming]

    public struct CommunityCount: Sendable, Hashable, Codable {
        public var community: Int32
        public var onTopicAuthors: Int
    }
}

/// One account's evidence on a topic, with the quality of its audience.
public struct InfluencerExplanation: Sendable {
    public var query: Query
    public var account: TopicalLegitimacy.RankedAccount
    public var rankedCount: Int
    /// The trust model's audience analysis; `nil` without trust scoring.
    public var audience: AudienceQuality?
    public var notes: [String]
    public var timings: [StepTiming]
}

/// A ranking measured against generated data's planted experts.
public struct InfluenceEvaluation: Sendable, Hashable, Codable {
    public var topic: String
    public var query: String
    public var ranked: Int
    public var relevantAccounts: Int
    public var ndcgAt20: Double
    public var followersNdcgAt20: Double
    public var popularInTop20: Int
    public var followersPopularInTop20: Int
}

/// The full ranking behind the three use cases.
struct TopicRanking: Sendable {
    var query: Query
    var nodes: NodeIndex
    var topic: GraphLoader.Topic
    var partition: Louvain.Partition
    var ranked: [TopicalLegitimacy.RankedAccount]
    var notes: [String]
    var timings: [StepTiming]
    var trusted: Bool
}

extension Engine {
    /// Ranks accounts by topical legitimacy, with the evidence: personalised PageRank over
    /// on-topic engagement, independent on-topic engagers, focus and peer engagement. Follower
    /// count gives only the tier and the engagement benchmark (docs/influence.md).
    ///
    /// ```swift
    /// let result = try await engine.influencers(InfluencersRequest(topic: .watch("velo"), tier: .micro, limit: 20))
    /// for account in result.accounts { print(account.rank, account.account, account.score) }
    /// ```
    public func influencers(_ request: InfluencersRequest) async throws -> InfluencersResult {
        let ranking = try await rankTopic(request)
        let shown = Array(ranking.ranked.filter { request.tier == nil || $0.tier == request.tier }.prefix(request.limit))
        // Where the topic lives: on-topic authors by community.
        var authorsByCommunity: [Int32: Int] = [:]
        let signals = ranking.topic.signals
        for v in 0..<ranking.nodes.count where signals.onTopicPosts[v] > 0 {
            authorsByCommunity[ranking.partition.community[v], default: 0] += 1
        }
        let communities = authorsByCommunity.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
        return InfluencersResult(query: ranking.query, matchedPosts: signals.matchedPosts, onTopicAuthors: signals.onTopicAuthors,
                                 onTopicInteractions: ranking.topic.onTopicInteractions, rankedCount: ranking.ranked.count,
                                 topicCommunities: communities.map { .init(community: $0.key, onTopicAuthors: $0.value) },
                                 accounts: shown, notes: ranking.notes, timings: ranking.timings)
    }

    /// All the evidence for one account of a topic's ranking, and its audience quality.
    ///
    /// ```swift
    /// let explanation = try await engine.explainInfluencer(InfluencersRequest(topic: .query("velo")), handle: "@marie_velo")
    /// print(explanation.account.topPosts, explanation.audience?.findings ?? [])
    /// ```
    public func explainInfluencer(_ request: InfluencersRequest, handle: String) async throws -> InfluencerExplanation {
        let ranking = try await rankTopic(request)
        let wanted = Set(ranking.nodes.nodes(named: handle).map { ranking.nodes.accounts[Int($0)].platformID })
        guard !wanted.isEmpty else {
            throw EngineError(.notFound, field: "explain", "no account '\(handle)' in workspace '\(workspace)'")
        }
        guard let account = ranking.ranked.first(where: { wanted.contains($0.platformID) }) else {
            throw EngineError(.noData, field: "explain",
                              "\(handle) neither posts on this topic nor receives on-topic engagement: it is not ranked for \(ranking.query.description)")
        }
        var audience: AudienceQuality?
        if ranking.trusted {
            // How real its audience is: the trust model's audience analysis of this one account.
            let key = AccountKey(platform: Platform(rawValue: account.platform) ?? .other, platformID: account.platformID)
            audience = try await scoreAccounts([key], model: resources.trustModel(), reasons: 0).first?.audience
        }
        return InfluencerExplanation(query: ranking.query, account: account, rankedCount: ranking.ranked.count,
                                     audience: audience, notes: ranking.notes, timings: ranking.timings)
    }

    /// Measures a topic's ranking against generated data's ground truth: NDCG@20 of Vigie's
    /// ranking and of follower count against the planted experts, and popular off-topic
    /// accounts in each top 20.
    ///
    /// ```swift
    /// let evaluation = try await engine.evaluateInfluencers(InfluencersRequest(topic: .query("velo OR vélo")),
    ///                                                       truth: "synth/ground-truth.json", topicName: "cycling")
    /// ```
    public func evaluateInfluencers(_ request: InfluencersRequest, truth path: String,
                                    topicName: String) async throws -> InfluenceEvaluation {
        let truth = try GroundTruthFile.load(path, field: "evaluate")
        guard let entry = truth.topics.first(where: { $0.name == topicName }) else {
            throw EngineError(.invalidArgument, field: "topic",
                              "topic '\(topicName)' is not in \(path): topics are \(truth.topics.map(\.name).joined(separator: ", "))")
        }
        let ranked = try await rankTopic(request).ranked
        let grades = Dictionary(entry.relevantAccounts.map { ($0.id, $0.relevance) }, uniquingKeysWith: max)
        let popular = Set(truth.popularAccounts.map(\.id))
        let vigie = ranked.map(\.platformID)
        let byFollowers = ranked.sorted {
            ($0.followers ?? -1) != ($1.followers ?? -1) ? ($0.followers ?? -1) > ($1.followers ?? -1) : $0.rank < $1.rank
        }.map(\.platformID)
        var queryText = ""
        if case .query(let text, _) = request.topic { queryText = text }
        return InfluenceEvaluation(
            topic: topicName, query: queryText, ranked: ranked.count, relevantAccounts: grades.count,
            ndcgAt20: RankingEvaluation.ndcg(ranking: vigie, grades: grades, k: 20),
            followersNdcgAt20: RankingEvaluation.ndcg(ranking: byFollowers, grades: grades, k: 20),
            popularInTop20: vigie.prefix(20).filter(popular.contains).count,
            followersPopularInTop20: byFollowers.prefix(20).filter(popular.contains).count)
    }

    /// The topic's posts and graphs, its communities and every account ranked. The workspace's
    /// trust scores are read first, not while the graph loads: both at once would add their
    /// memory peaks for little gain on two cores.
    func rankTopic(_ request: InfluencersRequest) async throws -> TopicRanking {
        try request.validate()
        let query = try await topicQuery(request.topic)
        let (trust, note) = request.scoreTrust ? try await optionallyScoredWorkspace() : (nil, nil)
        var loader = GraphLoader(engine: self, period: request.period)
        let nodes = try await loader.nodes()
        let topic = try await loader.topic(nodes: nodes, query: query)
        try Task.checkCancellation()
        let partition = try await loader.communities(topic.graph, resolution: request.resolution)
        let ranked = try await loader.time("rank") {
            try await Offload.run {
                TopicalLegitimacy().rank(nodes: nodes, topicGraph: topic.topicGraph, signals: topic.signals,
                                         communities: partition.community, inauthenticity: trust)
            }
        }
        return TopicRanking(query: query, nodes: nodes, topic: topic, partition: partition, ranked: ranked,
                            notes: note.map { [$0] } ?? [], timings: loader.timings, trusted: trust != nil)
    }
}
