import Foundation

/// Labels for the communities of a partition: their characteristic hashtags and words (most
/// over-represented in the community's posts, by G²), their central accounts (most engaged
/// with from inside the community), and, for a topic, how much of it each community holds.
public struct CommunityProfiles: Sendable {
    public struct Label: Sendable, Hashable, Codable {
        public var value: String
        public var posts: Int
        public var lift: Double
        public var logLikelihood: Double
    }

    public struct Central: Sendable, Hashable, Codable {
        public var account: String
        /// Engagement received from members of the same community.
        public var insideEngagement: Double
    }

    public struct Profile: Sendable, Hashable, Codable {
        public var community: Int
        public var members: Int
        public var posts: Int
        /// Interactions inside the community over those touching it (0…1).
        public var cohesion: Double
        public var hashtags: [Label]
        public var terms: [Label]
        public var centralAccounts: [Central]
        /// Posts the topic query matches, and their share of all the topic's posts.
        public var topicPosts: Int?
        public var topicShare: Double?
    }

    public let community: [Int32]
    public let communityCount: Int
    private var hashtagCounts: [[String: Int32]]
    private var termCounts: [[String: Int32]]
    private var globalHashtags: [String: Int32] = [:]
    private var globalTerms: [String: Int32] = [:]
    private var postsPerCommunity: [Int]
    private var topicPostsPerCommunity: [Int]
    private var totalPosts = 0
    private var topicTotal = 0
    public let minimumTermLength: Int

    public init(community: [Int32], communityCount: Int, minimumTermLength: Int = 4) {
        self.community = community
        self.communityCount = communityCount
        self.minimumTermLength = minimumTermLength
        hashtagCounts = Array(repeating: [:], count: communityCount)
        termCounts = Array(repeating: [:], count: communityCount)
        postsPerCommunity = Array(repeating: 0, count: communityCount)
        topicPostsPerCommunity = Array(repeating: 0, count: communityCount)
    }

    /// Feeds one original post of `node`; `onTopic` when a topic query is given and matches it.
    public mutating func add(_ document: QueryDocument, node: Int32, onTopic: Bool = false) {
        let c = Int(community[Int(node)])
        totalPosts += 1
        postsPerCommunity[c] += 1
        if onTopic { topicTotal += 1; topicPostsPerCommunity[c] += 1 }
        for tag in Set(document.post.hashtags.map(TextFolding.fold)) {
            hashtagCounts[c][tag, default: 0] += 1
            globalHashtags[tag, default: 0] += 1
        }
        var words = Set<String>()
        for token in document.tokens where token.kind == .word && token.folded.count >= minimumTermLength
            && !token.folded.allSatisfy(\.isNumber) { words.insert(token.folded) }
        for word in words {
            termCounts[c][word, default: 0] += 1
            globalTerms[word, default: 0] += 1
        }
    }

    /// Profiles of the `limit` largest communities (by members), `labels` labels each.
    public func profiles(graph: InteractionGraph, limit: Int, labels: Int = 5, centralCount: Int = 5, topic: Bool = false) -> [Profile] {
        var members = [Int](repeating: 0, count: communityCount)
        for c in community { members[Int(c)] += 1 }
        var inside = [Double](repeating: 0, count: communityCount)
        var touching = [Double](repeating: 0, count: communityCount)
        var received = [Double](repeating: 0, count: graph.nodeCount)
        let rows = graph.outgoing
        for v in 0..<rows.nodeCount {
            let cv = community[v]
            for slot in rows.offsets[v]..<rows.offsets[v + 1] {
                let u = Int(rows.targets[slot])
                let w = Double(rows.weights[slot])
                touching[Int(cv)] += w
                if community[u] == cv {
                    inside[Int(cv)] += w
                    received[u] += w
                } else {
                    touching[Int(community[u])] += w
                }
            }
        }
        let chosen = (0..<communityCount).sorted { members[$0] != members[$1] ? members[$0] > members[$1] : $0 < $1 }.prefix(limit)
        var centralByCommunity: [Int: [(Int, Double)]] = [:]
        let chosenSet = Set(chosen)
        for v in 0..<graph.nodeCount where received[v] > 0 && chosenSet.contains(Int(community[v])) {
            centralByCommunity[Int(community[v]), default: []].append((v, received[v]))
        }
        return chosen.map { c in
            let central = (centralByCommunity[c] ?? []).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(centralCount)
            return Profile(
                community: c, members: members[c], posts: postsPerCommunity[c],
                cohesion: touching[c] > 0 ? inside[c] / touching[c] : 0,
                hashtags: Self.labels(hashtagCounts[c], global: globalHashtags, seed: postsPerCommunity[c], total: totalPosts, limit: labels, prefix: "#"),
                terms: Self.labels(termCounts[c], global: globalTerms, seed: postsPerCommunity[c], total: totalPosts, limit: labels, prefix: ""),
                centralAccounts: central.map { Central(account: graph.nodes.accounts[$0.0].label, insideEngagement: $0.1) },
                topicPosts: topic ? topicPostsPerCommunity[c] : nil,
                topicShare: topic ? (topicTotal > 0 ? Double(topicPostsPerCommunity[c]) / Double(topicTotal) : 0) : nil)
        }
    }

    /// Communities ordered by how many of the topic's posts they hold.
    public func topicCommunities() -> [(community: Int, posts: Int, share: Double)] {
        (0..<communityCount).filter { topicPostsPerCommunity[$0] > 0 }
            .sorted { topicPostsPerCommunity[$0] > topicPostsPerCommunity[$1] }
            .map { ($0, topicPostsPerCommunity[$0], Double(topicPostsPerCommunity[$0]) / Double(max(1, topicTotal))) }
    }

    private static func labels(_ local: [String: Int32], global: [String: Int32], seed: Int, total: Int,
                               limit: Int, prefix: String) -> [Label] {
        var result: [Label] = []
        for (value, count) in local where count >= 2 {
            let a = Int(count), b = Int(global[value] ?? 0) - a
            let lift = Association.lift(a: a, b: b, seedTotal: seed, total: total)
            guard lift > 1.5 else { continue }
            let g2 = Association.logLikelihood(a: a, b: b, seedTotal: seed, total: total)
            guard g2 >= 10.83 else { continue }
            result.append(Label(value: prefix + value, posts: a, lift: lift, logLikelihood: g2))
        }
        return Array(result.sorted { $0.logLikelihood != $1.logLikelihood ? $0.logLikelihood > $1.logLikelihood : $0.value < $1.value }.prefix(limit))
    }
}
