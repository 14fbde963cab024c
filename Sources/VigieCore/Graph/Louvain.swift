import Foundation

/// Louvain community detection (Blondel et al. 2008) with a resolution parameter.
///
/// Works on an undirected graph given as symmetric compressed rows (`CompressedAdjacency.symmetrised()`).
/// Each level moves single nodes to the neighbouring community with the best modularity gain
/// until no move helps, then merges communities into nodes and starts again. `resolution` above
/// 1 gives more, smaller communities; below 1 fewer, larger ones (the same meaning as networkx).
public struct Louvain: Sendable {
    public var resolution: Double
    /// A level stops when a full pass improves modularity by less than this.
    public var threshold: Double
    public var maxLevels: Int
    /// Seed of the node visiting order (deterministic for a seed).
    public var seed: UInt64

    public init(resolution: Double = 1, threshold: Double = 1e-7, maxLevels: Int = 20, seed: UInt64 = 1) {
        self.resolution = resolution
        self.threshold = threshold
        self.maxLevels = maxLevels
        self.seed = seed
    }

    public struct Partition: Sendable {
        /// Community of each node, numbered from 0 by decreasing size.
        public var community: [Int32]
        public var communityCount: Int
        public var modularity: Double
        public var levels: Int
    }

    public func run(_ graph: CompressedAdjacency) -> Partition {
        let n = graph.nodeCount
        var membership = (0..<n).map { Int32($0) }
        var level = graph
        var levels = 0
        var generator = SeededRandom(seed: seed)
        while levels < maxLevels {
            let (assignment, moved) = moveNodes(level, generator: &generator)
            if !moved { break }
            levels += 1
            let (renumbered, count) = Self.renumber(assignment)
            for v in 0..<n { membership[v] = renumbered[Int(membership[v])] }
            if count == level.nodeCount { break }
            level = Self.aggregate(level, community: renumbered, count: count)
        }
        let (ordered, count) = Self.orderBySize(membership)
        return Partition(community: ordered, communityCount: count,
                         modularity: Self.modularity(graph, community: ordered, resolution: resolution),
                         levels: levels)
    }

    /// Modularity of a partition of a symmetric graph: Σ_c in_c/2m − γ (tot_c/2m)².
    public static func modularity(_ graph: CompressedAdjacency, community: [Int32], resolution: Double = 1) -> Double {
        let n = graph.nodeCount
        let count = Int(community.max().map { $0 + 1 } ?? 0)
        var inside = [Double](repeating: 0, count: count)
        var total = [Double](repeating: 0, count: count)
        var twiceM = 0.0
        for v in 0..<n {
            let c = Int(community[v])
            for slot in graph.offsets[v]..<graph.offsets[v + 1] {
                let w = Double(graph.weights[slot])
                twiceM += w
                total[c] += w
                if community[Int(graph.targets[slot])] == community[v] { inside[c] += w }
            }
        }
        guard twiceM > 0 else { return 0 }
        var q = 0.0
        for c in 0..<count { q += inside[c] / twiceM - resolution * (total[c] / twiceM) * (total[c] / twiceM) }
        return q
    }

    // MARK: - One level

    private func moveNodes(_ graph: CompressedAdjacency, generator: inout SeededRandom) -> ([Int32], Bool) {
        let n = graph.nodeCount
        let degree = graph.rowSums()
        let twiceM = degree.reduce(0, +)
        var community = (0..<n).map { Int32($0) }
        guard twiceM > 0 else { return (community, false) }
        var total = degree
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        var linkWeight = [Double](repeating: 0, count: n)
        var touched: [Int32] = []
        var movedAny = false
        let offsets = graph.offsets
        let targets = graph.targets
        let weights = graph.weights
        while true {
            var moves = 0
            var gainSum = 0.0
            for v in order {
                let own = Int(community[v])
                let k = degree[v]
                // Weights from v to each neighbouring community (self-loops excluded).
                touched.removeAll(keepingCapacity: true)
                linkWeight[own] = 0
                touched.append(Int32(own))
                for slot in offsets[v]..<offsets[v + 1] {
                    let u = Int(targets[slot])
                    if u == v { continue }
                    let c = Int(community[u])
                    if linkWeight[c] == 0 && c != own { touched.append(Int32(c)) }
                    linkWeight[c] += Double(weights[slot])
                }
                total[own] -= k
                let scale = resolution * k / twiceM
                let stayGain = linkWeight[own] - scale * total[own]
                var best = own
                var bestGain = stayGain
                for c in touched {
                    let gain = linkWeight[Int(c)] - scale * total[Int(c)]
                    if gain > bestGain + 1e-12 {
                        bestGain = gain
                        best = Int(c)
                    }
                }
                total[best] += k
                if best != own {
                    community[v] = Int32(best)
                    moves += 1
                    gainSum += (bestGain - stayGain) / twiceM * 2
                }
                for c in touched { linkWeight[Int(c)] = 0 }
            }
            if moves > 0 { movedAny = true }
            if moves == 0 || gainSum < threshold { break }
        }
        return (community, movedAny)
    }

    // MARK: - Helpers

    private static func renumber(_ assignment: [Int32]) -> ([Int32], Int) {
        var map = [Int32](repeating: -1, count: assignment.count)
        var next: Int32 = 0
        var result = [Int32](repeating: 0, count: assignment.count)
        for (v, c) in assignment.enumerated() {
            if map[Int(c)] < 0 { map[Int(c)] = next; next += 1 }
            result[v] = map[Int(c)]
        }
        return (result, Int(next))
    }

    private static func orderBySize(_ membership: [Int32]) -> ([Int32], Int) {
        let count = Int(membership.max().map { $0 + 1 } ?? 0)
        var sizes = [Int](repeating: 0, count: count)
        for c in membership { sizes[Int(c)] += 1 }
        let order = (0..<count).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var rank = [Int32](repeating: 0, count: count)
        for (position, c) in order.enumerated() { rank[c] = Int32(position) }
        return (membership.map { rank[Int($0)] }, count)
    }

    /// Communities become nodes; edges between them add up; edges inside become self-loops.
    private static func aggregate(_ graph: CompressedAdjacency, community: [Int32], count: Int) -> CompressedAdjacency {
        var from: [Int32] = []
        var to: [Int32] = []
        var weight: [Float] = []
        from.reserveCapacity(graph.edgeCount)
        to.reserveCapacity(graph.edgeCount)
        weight.reserveCapacity(graph.edgeCount)
        for v in 0..<graph.nodeCount {
            for slot in graph.offsets[v]..<graph.offsets[v + 1] {
                from.append(community[v])
                to.append(community[Int(graph.targets[slot])])
                weight.append(graph.weights[slot])
            }
        }
        return CompressedAdjacency(nodeCount: count, from: from, to: to, weight: weight)
    }
}
