import Foundation

/// An account of the network.
public struct CoordinationAccount: Sendable, Hashable {
    public var id: String
    public var handle: String?

    /// The handle where known, else the id.
    public var label: String { handle ?? id }
}

/// Two posts that tie two accounts: the user can open both and check.
public struct CoordinationEvidence: Sendable, Hashable {
    /// The post of the edge's `source` account and its time.
    public var sourcePostID: String
    public var sourceTime: Date
    /// The post of the edge's `target` account and its time.
    public var targetPostID: String
    public var targetTime: Date
    /// What they shared: the reposted id, the normalised text or link, the hashtag set, the
    /// replied-to id; for co-similar, the earlier post's id.
    public var key: String
    /// Jaccard similarity of the two texts' shingles (co-similar only).
    public var similarity: Double?
}

/// What a pair of accounts shared, and how often.
public struct SharedKey: Sendable, Hashable {
    public var type: CoordinationType
    public var key: String
    /// Co-occurring post pairs on this key.
    public var pairs: Int
}

/// Two accounts that showed one behaviour together within the window, often enough.
///
/// `weight` follows the coordination-network-toolkit: the toolkit's directed weight from A to
/// B is the number of A's posts matched by at least one post of B (same key, within the
/// window, bounds included); ``sourceWeight`` and ``targetWeight`` are those two directed
/// weights, and ``weight`` is the larger, so an edge is kept exactly when the toolkit keeps an
/// edge in at least one direction. ``pairs`` counts distinct co-occurring post pairs.
public struct CoordinationEdge: Sendable, Hashable {
    public var type: CoordinationType
    /// Account indexes into ``CoordinationNetwork/accounts``; `source < target`.
    public var source: Int
    public var target: Int
    public var weight: Int
    public var sourceWeight: Int
    public var targetWeight: Int
    public var pairs: Int
    /// Earliest and latest time of the posts in the co-occurring pairs.
    public var first: Date
    public var last: Date
    /// Where the edge's evidence and shared keys are: ask the network,
    /// ``CoordinationNetwork/evidence(of:)`` and ``CoordinationNetwork/sharedKeys(of:)``.
    var detail: Int32
}

/// Accounts tied by kept edges of any type, with what they shared.
public struct CoordinationCluster: Sendable, Hashable {
    /// Account indexes, ascending.
    public var members: [Int]
    /// Edges inside the cluster (one per type and pair of accounts).
    public var edgeCount: Int
    /// Distinct pairs of members tied by at least one edge.
    public var tiedPairs: Int
    public var types: [CoordinationType]
    public var totalWeight: Int
    public var first: Date
    public var last: Date
    /// Tied pairs over possible pairs (1 when every member is tied to every other).
    public var density: Double
    /// What the members shared most, by co-occurring post pairs.
    public var topKeys: [SharedKey]
}

/// The result of ``CoordinationDetector/detect(in:)``: accounts, kept edges, clusters, exports.
public struct CoordinationNetwork: Sendable {
    public var options: CoordinationDetector.Options
    /// Every account of the input (edges and clusters index into it).
    public var accounts: [CoordinationAccount]
    /// Sorted by type, then source, then target.
    public var edges: [CoordinationEdge]
    /// Per type, the keys left out as stock phrases (``CoordinationDetector/Options/chanceFactor``).
    public var commonKeysIgnored: [CoordinationType: Int] = [:]

    /// Evidence and shared keys of the edges, and the posts and keys they point to.
    private let details: EdgeDetails
    private let input: CoordinationInput

    init(options: CoordinationDetector.Options, accounts: [CoordinationAccount], edges: [CoordinationEdge],
         details: EdgeDetails, input: CoordinationInput) {
        self.options = options
        self.accounts = accounts
        self.edges = edges
        self.details = details
        self.input = input
    }

    /// Up to ``CoordinationDetector/Options/evidencePerEdge`` post pairs that tie the edge's
    /// two accounts, earliest first (none when the option is 0).
    public func evidence(of edge: CoordinationEdge) -> [CoordinationEvidence] {
        let detail = Int(edge.detail)
        return (details.evidenceStart[detail]..<details.evidenceStart[detail + 1]).map { index in
            var p = details.evidenceFirst[index]
            var q = details.evidenceSecond[index]
            if Int(input.postAuthor[Int(p)]) != edge.source { swap(&p, &q) }
            return CoordinationEvidence(
                sourcePostID: input.postID(p), sourceTime: Date(timeIntervalSince1970: input.postTime[Int(p)]),
                targetPostID: input.postID(q), targetTime: Date(timeIntervalSince1970: input.postTime[Int(q)]),
                key: keyName(edge.type, details.evidenceKey[index]),
                similarity: edge.type == .coSimilar ? Double(details.evidenceSimilarity[index]) : nil)
        }
    }

    /// The keys the edge's two accounts shared most (at most
    /// ``CoordinationDetector/Options/keysPerEdge``), with their post pairs.
    public func sharedKeys(of edge: CoordinationEdge) -> [SharedKey] {
        let detail = Int(edge.detail)
        return (details.keysStart[detail]..<details.keysStart[detail + 1]).map { index in
            SharedKey(type: edge.type, key: keyName(edge.type, details.sharedKey[index]), pairs: Int(details.sharedPairs[index]))
        }
    }

    /// A key's text: the reposted id, the text, the link…; for co-similar, the earlier post's id.
    private func keyName(_ type: CoordinationType, _ key: Int32) -> String {
        type == .coSimilar ? input.postID(key) : input.keyName(type, key)
    }

    /// Connected components of the kept edges (all types together) with at least `minimumSize`
    /// members, largest first.
    public func clusters(minimumSize: Int = 2, topKeys: Int = 5) -> [CoordinationCluster] {
        var components = UnionFind(count: accounts.count)
        for edge in edges { components.union(edge.source, edge.target) }
        let groups = (0..<accounts.count).map { components.find($0) }
        return summarize(groups: groups, minimumSize: minimumSize, topKeys: topKeys)
    }

    /// Communities inside the components: weighted label propagation over the kept edges (all
    /// types, weights summed), so that two tight groups joined by a stray edge come apart.
    /// Deterministic: accounts are visited in index order and ties go to the smallest label;
    /// at most `iterations` rounds.
    public func communities(minimumSize: Int = 2, topKeys: Int = 5, iterations: Int = 20) -> [CoordinationCluster] {
        var neighbours = [[(account: Int, weight: Int)]](repeating: [], count: accounts.count)
        for edge in edges {
            neighbours[edge.source].append((edge.target, edge.weight))
            neighbours[edge.target].append((edge.source, edge.weight))
        }
        var label = Array(0..<accounts.count)
        var score: [Int: Int] = [:]
        for _ in 0..<iterations {
            var changed = false
            for account in 0..<accounts.count where !neighbours[account].isEmpty {
                score.removeAll(keepingCapacity: true)
                for neighbour in neighbours[account] { score[label[neighbour.account], default: 0] += neighbour.weight }
                guard let best = score.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { continue }
                if best != label[account], score[best] ?? 0 > score[label[account]] ?? 0 {
                    label[account] = best
                    changed = true
                }
            }
            if !changed { break }
        }
        return summarize(groups: label, minimumSize: minimumSize, topKeys: topKeys)
    }

    /// Clusters from a group id per account; accounts without edges are left out.
    private func summarize(groups: [Int], minimumSize: Int, topKeys: Int) -> [CoordinationCluster] {
        var connected = [Bool](repeating: false, count: accounts.count)
        for edge in edges {
            connected[edge.source] = true
            connected[edge.target] = true
        }
        var clusterOfGroup: [Int: Int] = [:]
        var members: [[Int]] = []
        for account in 0..<accounts.count where connected[account] {
            if let cluster = clusterOfGroup[groups[account]] {
                members[cluster].append(account)
            } else {
                clusterOfGroup[groups[account]] = members.count
                members.append([account])
            }
        }
        var edgesOf = [[Int]](repeating: [], count: members.count)
        for (index, edge) in edges.enumerated() where groups[edge.source] == groups[edge.target] {
            if let cluster = clusterOfGroup[groups[edge.source]] { edgesOf[cluster].append(index) }
        }

        var clusters: [CoordinationCluster] = []
        for (cluster, memberList) in members.enumerated() where memberList.count >= minimumSize {
            let clusterEdges = edgesOf[cluster].map { edges[$0] }
            var pairs = Set<Int>()
            var types = Set<CoordinationType>()
            var keyPairs: [SharedKeyName: Int] = [:]
            var first = Date.distantFuture
            var last = Date.distantPast
            for edge in clusterEdges {
                pairs.insert(edge.source * accounts.count + edge.target)
                types.insert(edge.type)
                first = min(first, edge.first)
                last = max(last, edge.last)
                for shared in sharedKeys(of: edge) {
                    keyPairs[SharedKeyName(type: shared.type, key: shared.key), default: 0] += shared.pairs
                }
            }
            let possible = memberList.count * (memberList.count - 1) / 2
            let top = keyPairs.sorted { ($0.value, $1.key.key) > ($1.value, $0.key.key) }.prefix(topKeys)
            clusters.append(CoordinationCluster(
                members: memberList, edgeCount: clusterEdges.count, tiedPairs: pairs.count,
                types: CoordinationType.allCases.filter(types.contains),
                totalWeight: clusterEdges.reduce(0) { $0 + $1.weight }, first: first, last: last,
                density: possible == 0 ? 0 : Double(pairs.count) / Double(possible),
                topKeys: top.map { SharedKey(type: $0.key.type, key: $0.key.key, pairs: $0.value) }))
        }
        clusters.sort { ($0.members.count, $1.members.first ?? 0) > ($1.members.count, $0.members.first ?? 0) }
        return clusters
    }
}

private struct SharedKeyName: Hashable {
    var type: CoordinationType
    var key: String
}

/// Disjoint sets over `0..<count` with union by size and path halving.
struct UnionFind {
    private var parent: [Int32]
    private var sizes: [Int32]

    init(count: Int) {
        parent = (0..<count).map { Int32($0) }
        sizes = Array(repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var current = element
        while Int(parent[current]) != current {
            let grandparent = parent[Int(parent[current])]
            parent[current] = grandparent
            current = Int(grandparent)
        }
        return current
    }

    mutating func union(_ first: Int, _ second: Int) {
        var a = find(first)
        var b = find(second)
        guard a != b else { return }
        if sizes[a] < sizes[b] { swap(&a, &b) }
        parent[b] = Int32(a)
        sizes[a] += sizes[b]
    }

}
