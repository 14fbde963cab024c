import Foundation

/// Accounts that resemble a given one: the same people engage with them (cosine similarity of
/// their weighted engager vectors over the interaction graph), and they post about the same
/// things (cosine similarity of their hashtag and link-domain profiles).
public struct Lookalikes: Sendable {
    public struct Match: Sendable, Hashable, Codable {
        public var account: String
        public var platformID: String
        public var followers: Int?
        public var score: Double
        public var engagerSimilarity: Double
        public var sharedEngagers: Int
        public var profileSimilarity: Double?
        /// Hashtags/domains both accounts use most.
        public var sharedTopics: [String]
    }

    public var engagerWeight: Double
    public var minimumSharedEngagers: Int

    public init(engagerWeight: Double = 0.7, minimumSharedEngagers: Int = 2) {
        self.engagerWeight = engagerWeight
        self.minimumSharedEngagers = minimumSharedEngagers
    }

    /// Candidates by engager similarity alone, best first: node, cosine, shared engagers.
    public func engagerNeighbours(of node: Int32, graph: InteractionGraph, limit: Int) -> [(node: Int32, cosine: Double, shared: Int)] {
        let incoming = graph.incoming, outgoing = graph.outgoing
        let a = Int(node)
        var dot: [Int32: Double] = [:]
        var shared: [Int32: Int] = [:]
        for slot in incoming.offsets[a]..<incoming.offsets[a + 1] {
            let engager = Int(incoming.targets[slot])
            let wa = Double(incoming.weights[slot])
            for out in outgoing.offsets[engager]..<outgoing.offsets[engager + 1] {
                let b = outgoing.targets[out]
                if Int(b) == a { continue }
                dot[b, default: 0] += wa * Double(outgoing.weights[out])
                shared[b, default: 0] += 1
            }
        }
        func norm(_ v: Int) -> Double {
            var sum = 0.0
            for slot in incoming.offsets[v]..<incoming.offsets[v + 1] { sum += Double(incoming.weights[slot] * incoming.weights[slot]) }
            return sum.squareRoot()
        }
        let normA = norm(a)
        guard normA > 0 else { return [] }
        return dot.compactMap { b, value -> (node: Int32, cosine: Double, shared: Int)? in
            let count = shared[b] ?? 0
            guard count >= minimumSharedEngagers else { return nil }
            return (b, value / (normA * norm(Int(b))), count)
        }
        .sorted { $0.cosine != $1.cosine ? $0.cosine > $1.cosine : $0.node < $1.node }
        .prefix(limit).map { $0 }
    }

    /// Cosine similarity of two sparse count profiles.
    public static func cosine(_ x: [String: Double], _ y: [String: Double]) -> Double {
        var dot = 0.0
        for (key, value) in x { if let other = y[key] { dot += value * other } }
        let nx = x.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let ny = y.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return nx > 0 && ny > 0 ? dot / (nx * ny) : 0
    }

    /// Final ranking: engager similarity mixed with profile similarity where profiles are known.
    public func rank(_ candidates: [(node: Int32, cosine: Double, shared: Int)], graph: InteractionGraph,
                     profiles: [Int32: [String: Double]], target: Int32, limit: Int) -> [Match] {
        let own = profiles[target] ?? [:]
        var matches: [Match] = candidates.map { candidate in
            let account = graph.nodes.accounts[Int(candidate.node)]
            let profile = profiles[candidate.node]
            let similarity = profile.map { Self.cosine(own, $0) }
            let score = similarity.map { engagerWeight * candidate.cosine + (1 - engagerWeight) * $0 } ?? engagerWeight * candidate.cosine
            // Ties broken by name: the profiles are dictionaries, whose order changes from run to run.
            var sharedTopics: [String] = []
            if let profile {
                var shared: [(topic: String, weight: Double)] = []
                for (topic, count) in own { if let other = profile[topic] { shared.append((topic, count * other)) } }
                shared.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.topic < $1.topic }
                sharedTopics = shared.prefix(5).map(\.topic)
            }
            return Match(account: account.label, platformID: account.platformID, followers: account.followers, score: score,
                         engagerSimilarity: candidate.cosine, sharedEngagers: candidate.shared,
                         profileSimilarity: similarity, sharedTopics: sharedTopics)
        }
        matches.sort { $0.score != $1.score ? $0.score > $1.score : $0.platformID < $1.platformID }
        return Array(matches.prefix(limit))
    }

    /// The hashtag (`#tag`) and link-domain profile of one post, to add up per account.
    public static func profileFeatures(of post: Post) -> [String] {
        post.hashtags.map { "#" + TextFolding.fold($0) } + post.urls.compactMap(TopicDiscovery.Counter.domain(of:))
    }
}
