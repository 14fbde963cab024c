import Foundation

/// The hook for the trust model: an inauthenticity (bot / fake) score per account, 0 to 1,
/// `nil` when the model has no opinion. Legitimacy multiplies by `1 − score` and prints it.
public protocol InauthenticityScoring: Sendable {
    func inauthenticity(of account: GraphAccount) -> Double?
}

/// Ranks accounts by their legitimacy on a topic — not by follower count.
///
/// Four signals, each normalised to 0…1 over the candidates; score = (0.5 authority +
/// 0.35 engagers + 0.15 peer engagement) × √focus (`Weights`):
/// - **authority**: PageRank personalised on the topic's authors (teleport ∝ √ own on-topic
///   posts) over the *on-topic* interaction graph only (engagement with on-topic posts), so
///   popularity earned elsewhere does not flow in;
/// - **engagers**: how many independent accounts engage with the account on topic — the
///   effective number (exp of the Shannon entropy) of its on-topic engagers, each counted by
///   log(1 + weight), so one heavy engager or one small clique weighs little;
/// - **focus**: the share of the account's own posts that are on topic, smoothed (on / (own + 2));
/// - **peer engagement**: the share of that engagement coming from accounts that post on topic
///   themselves.
/// Followers only decide the tier and the engagement-rate benchmark.
public struct TopicalLegitimacy: Sendable {
    public struct Weights: Sendable, Hashable, Codable {
        public var authority: Double
        public var engagers: Double
        public var peerEngagement: Double
        /// The mix above is multiplied by focus^focusExponent: an account that rarely posts on
        /// topic cannot rank high on the engagement its few on-topic posts draw.
        public var focusExponent: Double

        public init(authority: Double = 0.5, engagers: Double = 0.35, peerEngagement: Double = 0.15, focusExponent: Double = 0.5) {
            self.authority = authority
            self.engagers = engagers
            self.peerEngagement = peerEngagement
            self.focusExponent = focusExponent
        }
    }

    public struct Engager: Sendable, Hashable, Codable {
        public var account: String
        public var weight: Double
    }

    public struct CommunityShare: Sendable, Hashable, Codable {
        public var community: Int
        /// Share of the on-topic engagement received from this community.
        public var share: Double
    }

    /// One ranked account and the evidence behind its score.
    public struct RankedAccount: Sendable, Hashable, Codable {
        public var rank: Int
        public var account: String
        public var platformID: String
        public var platform: String
        public var followers: Int?
        public var tier: InfluenceTier?
        public var score: Double
        /// PageRank on the on-topic graph, personalised on the topic's authors.
        public var authority: Double
        public var ownPosts: Int
        public var onTopicPosts: Int
        public var topicShare: Double
        /// Distinct accounts that engaged with it on topic, and their effective number.
        public var onTopicEngagers: Int
        public var engagerDiversity: Double
        /// Weighted on-topic engagement received, and the share from accounts that post on topic.
        public var onTopicEngagement: Double
        public var peerEngagementShare: Double
        /// (likes + replies + reposts) / followers, averaged over the latest posts.
        public var engagementRate: Double?
        public var engagementRatePosts: Int
        public var benchmarkEngagementRate: Double?
        /// The follower band of that benchmark (`5k–20k`).
        public var benchmarkBand: String?
        /// `engagementRate / benchmarkEngagementRate`.
        public var engagementRateRatio: Double?
        public var inauthenticity: Double?
        public var topPosts: [TopicSignals.TopPost]
        public var topEngagers: [Engager]
        public var communities: [CommunityShare]
    }

    public var weights: Weights
    public var pageRank: PageRank
    public var topEngagerCount: Int

    public init(weights: Weights = Weights(), pageRank: PageRank = PageRank(tolerance: 1e-8), topEngagerCount: Int = 5) {
        self.weights = weights
        self.pageRank = pageRank
        self.topEngagerCount = topEngagerCount
    }

    /// Ranks every account that posts on topic or receives on-topic engagement.
    /// `topicGraph` holds the on-topic interactions only (engager → engaged).
    public func rank(nodes: NodeIndex, topicGraph: CompressedAdjacency, signals: TopicSignals,
                     communities: [Int32]? = nil, inauthenticity: (any InauthenticityScoring)? = nil) -> [RankedAccount] {
        let n = nodes.count
        precondition(topicGraph.nodeCount == n && signals.nodeCount == n)
        let teleport = signals.onTopicPosts.map { Double($0).squareRoot() }
        let authority = pageRank.run(topicGraph, personalisation: teleport).ranks
        let incoming = topicGraph.transposed()

        struct Raw { var node: Int; var authority: Double; var diversity: Double; var engagers: Int
                     var engagement: Double; var peer: Double; var focus: Double }
        var raws: [Raw] = []
        for v in 0..<n {
            let start = incoming.offsets[v], end = incoming.offsets[v + 1]
            guard signals.onTopicPosts[v] > 0 || end > start else { continue }
            var total = 0.0, peer = 0.0, damped = 0.0
            for slot in start..<end {
                let w = Double(incoming.weights[slot])
                total += w
                if signals.onTopicPosts[Int(incoming.targets[slot])] > 0 { peer += w }
                damped += log1p(w)
            }
            var entropy = 0.0
            if damped > 0 {
                for slot in start..<end {
                    let p = log1p(Double(incoming.weights[slot])) / damped
                    entropy -= p * log(p)
                }
            }
            let own = Double(signals.ownPosts[v])
            raws.append(Raw(node: v, authority: authority[v], diversity: damped > 0 ? exp(entropy) : 0,
                            engagers: end - start, engagement: total, peer: total > 0 ? peer / total : 0,
                            focus: Double(signals.onTopicPosts[v]) / (own + 2)))
        }
        let maxAuthority = raws.map(\.authority).max() ?? 0
        let maxDiversity = raws.map(\.diversity).max() ?? 0
        let maxFocus = raws.map(\.focus).max() ?? 0
        var ranked: [RankedAccount] = raws.map { raw in
            let account = nodes.accounts[raw.node]
            let a = maxAuthority > 0 ? raw.authority / maxAuthority : 0
            let d = maxDiversity > 0 ? log1p(raw.diversity) / log1p(maxDiversity) : 0
            let f = maxFocus > 0 ? raw.focus / maxFocus : 0
            let reach = weights.authority * a + weights.engagers * d + weights.peerEngagement * raw.peer
            var score = reach * pow(f, weights.focusExponent)
            let fake = inauthenticity?.inauthenticity(of: account)
            if let fake { score *= 1 - min(1, max(0, fake)) }
            let followers = account.followers
            let recent = signals.recentEngagement(of: Int32(raw.node))
            let rate: Double? = followers.flatMap { f in f > 0 ? recent.map { $0.mean / Double(f) } : nil }
            let band = followers.flatMap { EngagementBenchmark.band(followers: $0) }
            let benchmark = band?.meanRate
            return RankedAccount(
                rank: 0, account: account.label, platformID: account.platformID, platform: account.platform,
                followers: followers, tier: followers.map(InfluenceTier.init(followers:)), score: score,
                authority: raw.authority, ownPosts: Int(signals.ownPosts[raw.node]),
                onTopicPosts: Int(signals.onTopicPosts[raw.node]),
                topicShare: signals.ownPosts[raw.node] > 0 ? Double(signals.onTopicPosts[raw.node]) / Double(signals.ownPosts[raw.node]) : 0,
                onTopicEngagers: raw.engagers, engagerDiversity: raw.diversity, onTopicEngagement: raw.engagement,
                peerEngagementShare: raw.peer, engagementRate: rate, engagementRatePosts: recent?.posts ?? 0,
                benchmarkEngagementRate: benchmark, benchmarkBand: band?.label,
                engagementRateRatio: rate.flatMap { r in benchmark.map { r / $0 } },
                inauthenticity: fake, topPosts: [], topEngagers: [], communities: [])
        }
        // Ties (no signal at all) fall back to the store order, never to followers.
        var order = Array(ranked.indices)
        order.sort { ranked[$0].score != ranked[$1].score ? ranked[$0].score > ranked[$1].score : raws[$0].node < raws[$1].node }
        ranked = order.enumerated().map { position, index in
            var account = ranked[index]
            account.rank = position + 1
            return account
        }
        // Evidence lists for the accounts shown first is cheap; do it for all for simplicity.
        let nodeOf = order.map { raws[$0].node }
        for (i, v) in nodeOf.enumerated() {
            ranked[i].topPosts = (signals.topPosts[Int32(v)] ?? []).sorted { $0.engagement > $1.engagement }
            var engagers: [(Int, Double)] = []
            var byCommunity: [Int32: Double] = [:]
            var total = 0.0
            for slot in incoming.offsets[v]..<incoming.offsets[v + 1] {
                let source = Int(incoming.targets[slot])
                let w = Double(incoming.weights[slot])
                engagers.append((source, w))
                total += w
                if let communities { byCommunity[communities[source], default: 0] += w }
            }
            engagers.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            ranked[i].topEngagers = engagers.prefix(topEngagerCount).map {
                Engager(account: nodes.accounts[$0.0].label, weight: $0.1)
            }
            ranked[i].communities = byCommunity.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(3).map { CommunityShare(community: Int($0.key), share: total > 0 ? $0.value / total : 0) }
        }
        return ranked
    }
}
