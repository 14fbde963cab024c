import Foundation

/// PageRank by power iteration over compressed rows, optionally personalised.
///
/// Authority flows along edges (engager → engaged). A node with no outgoing edge (dangling) gives
/// its rank back through the teleport vector, as networkx does, so ranks always sum to 1.
public struct PageRank: Sendable {
    public var damping: Double
    /// Stop when the L1 change between two iterations falls below this.
    public var tolerance: Double
    public var maxIterations: Int

    public init(damping: Double = 0.85, tolerance: Double = 1e-9, maxIterations: Int = 100) {
        self.damping = damping
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    public struct Result: Sendable {
        public var ranks: [Double]
        public var iterations: Int
        /// Final L1 change; below `tolerance` when it converged.
        public var residual: Double
    }

    /// Ranks of every node of `graph` (rows are outgoing edges). `personalisation`, when given,
    /// is the teleport distribution (any non-negative weights, normalised here); uniform otherwise.
    public func run(_ graph: CompressedAdjacency, personalisation: [Double]? = nil) -> Result {
        let n = graph.nodeCount
        guard n > 0 else { return Result(ranks: [], iterations: 0, residual: 0) }
        var teleport: [Double]
        if let personalisation {
            precondition(personalisation.count == n, "one personalisation weight per node")
            let total = personalisation.reduce(0) { $0 + max(0, $1) }
            teleport = total > 0 ? personalisation.map { max(0, $0) / total } : [Double](repeating: 1 / Double(n), count: n)
        } else {
            teleport = [Double](repeating: 1 / Double(n), count: n)
        }
        let outWeight = graph.rowSums()
        var inverse = [Double](repeating: 0, count: n)
        for v in 0..<n where outWeight[v] > 0 { inverse[v] = 1 / outWeight[v] }
        // Two buffers of our own, swapped by pointer: no copy-on-write on the hot path (a
        // release build once shared the teleport vector's storage with the rank vector here).
        var rank = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        var next = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { rank.deallocate(); next.deallocate() }
        for v in 0..<n { rank[v] = teleport[v]; next[v] = 0 }
        var iterations = 0
        var residual = Double.infinity
        let offsets = graph.offsets
        let targets = graph.targets
        let weights = graph.weights
        while iterations < maxIterations && residual > tolerance {
            iterations += 1
            var dangling = 0.0
            for v in 0..<n where outWeight[v] == 0 { dangling += rank[v] }
            let base = (1 - damping) + damping * dangling
            for v in 0..<n { next[v] = base * teleport[v] }
            for v in 0..<n {
                let share = damping * rank[v] * inverse[v]
                if share == 0 { continue }
                for slot in offsets[v]..<offsets[v + 1] {
                    next[Int(targets[slot])] += share * Double(weights[slot])
                }
            }
            residual = 0
            for v in 0..<n { residual += abs(next[v] - rank[v]) }
            let finished = next
            next = rank
            rank = finished
        }
        return Result(ranks: Array(rank), iterations: iterations, residual: residual)
    }
}
