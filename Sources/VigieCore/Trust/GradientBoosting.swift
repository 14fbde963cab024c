import Foundation

/// Small gradient-boosted regression trees for a logistic loss (Newton steps, shrinkage, L2 on
/// the leaves), written for the few-thousand-row, few-dozen-feature trust data: deterministic,
/// with exact per-feature explanations.
///
/// ```swift
/// let trees = GradientBoosting(depth: 2, rounds: 150).fit(rows, targets)   // rows: [[Double?]], nil = unknown
/// let (logit, contributions) = trees.explain(row)   // logit == trees.bias + contributions.values.sum()
/// ```
///
/// **Unknown values** never count as zero or as any made-up value. In training, an example whose
/// split feature is unknown goes down both branches, weighted by the share of the known examples
/// each branch took (C4.5's rule). In prediction the same happens: the output is the
/// cover-weighted mean of the leaves the account could reach. With the node values defined as the
/// cover-weighted mean of their leaves, the prediction is the root's value plus, for each split on
/// a *known* feature along the way, the change from the node's value to the child's — so the
/// per-feature contributions sum exactly to the logit, and an unknown feature contributes exactly 0.
public struct GradientBoosting: Sendable, Hashable, Codable {
    public var depth: Int
    public var rounds: Int
    /// Each tree's step is multiplied by this.
    public var shrinkage: Double
    /// L2 penalty on the leaf values (Newton step −G / (H + l2)).
    public var l2: Double
    /// A child needs at least this much example weight (missing-value shares included).
    public var minimumChildWeight: Double
    /// Candidate thresholds per feature: quantiles of its known training values.
    public var bins: Int

    public init(depth: Int = 2, rounds: Int = 150, shrinkage: Double = 0.05, l2: Double = 1,
                minimumChildWeight: Double = 10, bins: Int = 32) {
        self.depth = depth
        self.rounds = rounds
        self.shrinkage = shrinkage
        self.l2 = l2
        self.minimumChildWeight = minimumChildWeight
        self.bins = bins
    }

    /// A short name for reports: `trees d2×150 η0.05`.
    public var name: String { String(format: "trees d%d×%d η%.2g", depth, rounds, shrinkage) }

    /// Fits soft or hard `targets` in [0, 1]; `rows[i][j]` is feature j of example i, `nil` when unknown.
    ///
    /// `directions[j]` (optional) constrains feature j: `+1` the output may only rise with it,
    /// `-1` only fall, `0` free (monotonic constraints: a split that would break the direction
    /// is not made, and the children of a constrained split are bounded by their midpoint).
    public func fit(_ rows: [[Double?]], _ targets: [Double], sampleWeights: [Double]? = nil,
                    directions: [Int]? = nil) -> BoostedTrees {
        let n = rows.count
        let width = rows.first?.count ?? 0
        // Weights are rescaled to mean 1, so that `minimumChildWeight` and `l2` mean the same
        // whatever scale the caller's weights have.
        let given = sampleWeights ?? [Double](repeating: 1, count: n)
        let meanWeight = given.reduce(0, +) / Double(max(n, 1))
        let weights = meanWeight > 0 ? given.map { $0 / meanWeight } : given
        // Candidate thresholds per feature, and each example's bin (0 ..< thresholds.count + 1; -1 unknown).
        var thresholds: [[Double]] = []
        var binOf = [[Int]](repeating: [Int](repeating: -1, count: n), count: width)
        for j in 0..<width {
            let values = rows.compactMap { $0[j] }.sorted()
            var cuts: [Double] = []
            var distinct: [Double] = []
            for v in values where distinct.last != v { distinct.append(v) }
            if distinct.count > 1 {
                if distinct.count <= bins {
                    for k in 1..<distinct.count { cuts.append((distinct[k - 1] + distinct[k]) / 2) }
                } else {
                    for q in 1..<bins {
                        let position = Double(q) * Double(values.count - 1) / Double(bins)
                        let lower = values[Int(position)]
                        // The cut between the quantile value and the next larger distinct value.
                        guard let upper = values.first(where: { $0 > lower }) else { continue }
                        let cut = (lower + upper) / 2
                        if cuts.last != cut { cuts.append(cut) }
                    }
                }
            }
            thresholds.append(cuts)
            for i in 0..<n {
                guard let v = rows[i][j] else { continue }
                // Bin b holds values in (cuts[b-1], cuts[b]].
                var lo = 0, hi = cuts.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if v <= cuts[mid] { hi = mid } else { lo = mid + 1 }
                }
                binOf[j][i] = lo
            }
        }
        let totalWeight = weights.reduce(0, +)
        let rate = min(max(zip(targets, weights).reduce(0) { $0 + $1.0 * $1.1 } / max(totalWeight, 1e-12), 1e-6), 1 - 1e-6)
        let base = log(rate / (1 - rate))
        var logits = [Double](repeating: base, count: n)
        var trees: [BoostedTrees.Tree] = []
        for _ in 0..<rounds {
            var gradient = [Double](repeating: 0, count: n), hessian = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let p = sigmoid(logits[i])
                gradient[i] = (p - targets[i]) * weights[i]
                hessian[i] = max(p * (1 - p), 1e-12) * weights[i]
            }
            var builder = TreeBuilder(settings: self, thresholds: thresholds, binOf: binOf, gradient: gradient,
                                      hessian: hessian, weights: weights,
                                      directions: directions ?? [Int](repeating: 0, count: width))
            let tree = builder.build(examples: (0..<n).map { ($0, 1.0) })
            for i in 0..<n { logits[i] += tree.predict(rows[i]) }
            trees.append(tree)
        }
        return BoostedTrees(base: base, trees: trees)
    }
}

/// Grows one tree on the binned data.
private struct TreeBuilder {
    let settings: GradientBoosting
    let thresholds: [[Double]]
    let binOf: [[Int]]
    let gradient: [Double]
    let hessian: [Double]
    let weights: [Double]
    let directions: [Int]
    var nodes: [BoostedTrees.Node] = []

    init(settings: GradientBoosting, thresholds: [[Double]], binOf: [[Int]], gradient: [Double], hessian: [Double],
         weights: [Double], directions: [Int]) {
        self.directions = directions
        self.settings = settings
        self.thresholds = thresholds
        self.binOf = binOf
        self.gradient = gradient
        self.hessian = hessian
        self.weights = weights
    }

    mutating func build(examples: [(Int, Double)]) -> BoostedTrees.Tree {
        nodes = []
        _ = grow(examples, level: 0, lower: -.infinity, upper: .infinity)
        // Node values: cover-weighted mean of the leaves below (children come after their parent).
        for index in nodes.indices.reversed() where nodes[index].feature >= 0 {
            let left = nodes[nodes[index].left], right = nodes[nodes[index].right]
            nodes[index].value = (left.cover * left.value + right.cover * right.value) / nodes[index].cover
        }
        return BoostedTrees.Tree(nodes: nodes)
    }

    /// Adds the node for `examples` (index, share) and its subtree; returns its index.
    private mutating func grow(_ examples: [(Int, Double)], level: Int, lower: Double, upper: Double) -> Int {
        var g = 0.0, h = 0.0, cover = 0.0
        for (i, share) in examples {
            g += gradient[i] * share
            h += hessian[i] * share
            cover += weights[i] * share
        }
        let index = nodes.count
        nodes.append(.init(feature: -1, threshold: 0, left: -1, right: -1,
                           value: min(max(-g / (h + settings.l2), lower), upper) * settings.shrinkage, cover: cover))
        guard level < settings.depth, let split = bestSplit(examples, g: g, h: h, lower: lower, upper: upper) else { return index }
        var left: [(Int, Double)] = [], right: [(Int, Double)] = []
        for (i, share) in examples {
            let bin = binOf[split.feature][i]
            if bin < 0 {
                left.append((i, share * split.leftShare))
                right.append((i, share * (1 - split.leftShare)))
            } else if bin <= split.bin {
                left.append((i, share))
            } else {
                right.append((i, share))
            }
        }
        nodes[index].feature = split.feature
        nodes[index].threshold = thresholds[split.feature][split.bin]
        // Under a constraint, each side stays on its side of the midpoint of the two children.
        var leftBounds = (lower, upper), rightBounds = (lower, upper)
        switch directions[split.feature] {
        case 1: leftBounds.1 = split.middle; rightBounds.0 = split.middle
        case -1: leftBounds.0 = split.middle; rightBounds.1 = split.middle
        default: break
        }
        let leftIndex = grow(left, level: level + 1, lower: leftBounds.0, upper: leftBounds.1)
        let rightIndex = grow(right, level: level + 1, lower: rightBounds.0, upper: rightBounds.1)
        nodes[index].left = leftIndex
        nodes[index].right = rightIndex
        return index
    }

    private struct Split {
        var feature: Int
        var bin: Int
        var leftShare: Double
        var gain: Double
        /// Midpoint of the two children's (unshrunk) values, the bound a constraint passes down.
        var middle: Double
    }

    private func bestSplit(_ examples: [(Int, Double)], g: Double, h: Double, lower: Double, upper: Double) -> Split? {
        let lambda = settings.l2
        let parentScore = g * g / (h + lambda)
        var best: Split?
        for j in thresholds.indices where !thresholds[j].isEmpty {
            let count = thresholds[j].count + 1
            var gs = [Double](repeating: 0, count: count), hs = gs, ws = gs
            var missingG = 0.0, missingH = 0.0, missingW = 0.0
            for (i, share) in examples {
                let bin = binOf[j][i]
                if bin < 0 {
                    missingG += gradient[i] * share
                    missingH += hessian[i] * share
                    missingW += weights[i] * share
                } else {
                    gs[bin] += gradient[i] * share
                    hs[bin] += hessian[i] * share
                    ws[bin] += weights[i] * share
                }
            }
            let knownW = ws.reduce(0, +)
            guard knownW > 0 else { continue }
            var lg = 0.0, lh = 0.0, lw = 0.0
            let kg = gs.reduce(0, +), kh = hs.reduce(0, +)
            for b in 0..<(count - 1) {
                lg += gs[b]; lh += hs[b]; lw += ws[b]
                let share = lw / knownW
                // Unknown examples follow the known ones' proportions.
                let leftG = lg + share * missingG, leftH = lh + share * missingH, leftW = lw + share * missingW
                let rightG = (kg - lg) + (1 - share) * missingG, rightH = (kh - lh) + (1 - share) * missingH
                let rightW = (knownW - lw) + (1 - share) * missingW
                guard leftW >= settings.minimumChildWeight && rightW >= settings.minimumChildWeight else { continue }
                let leftValue = min(max(-leftG / (leftH + lambda), lower), upper)
                let rightValue = min(max(-rightG / (rightH + lambda), lower), upper)
                if directions[j] != 0 && Double(directions[j]) * (rightValue - leftValue) < 0 { continue }
                let gain = leftG * leftG / (leftH + lambda) + rightG * rightG / (rightH + lambda) - parentScore
                if gain > 1e-12 && gain > (best?.gain ?? 0) {
                    best = Split(feature: j, bin: b, leftShare: share, gain: gain, middle: (leftValue + rightValue) / 2)
                }
            }
        }
        return best
    }
}

/// A fitted ensemble: `logit = base + Σ trees`. Kept in the model file.
public struct BoostedTrees: Sendable, Hashable, Codable {
    public struct Node: Sendable, Hashable, Codable {
        /// Index of the split feature; -1 for a leaf.
        public var feature: Int
        /// Known values ≤ threshold go left.
        public var threshold: Double
        public var left: Int
        public var right: Int
        /// The leaf's output, or for a split the cover-weighted mean of its leaves.
        public var value: Double
        /// Training weight that reached the node (unknown values' shares included).
        public var cover: Double

        enum CodingKeys: String, CodingKey { case feature = "f", threshold = "t", left = "l", right = "r", value = "v", cover = "c" }

        public init(feature: Int, threshold: Double, left: Int, right: Int, value: Double, cover: Double) {
            self.feature = feature
            self.threshold = threshold
            self.left = left
            self.right = right
            self.value = value
            self.cover = cover
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            feature = try c.decodeIfPresent(Int.self, forKey: .feature) ?? -1
            threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? 0
            left = try c.decodeIfPresent(Int.self, forKey: .left) ?? -1
            right = try c.decodeIfPresent(Int.self, forKey: .right) ?? -1
            value = try c.decode(Double.self, forKey: .value)
            cover = try c.decode(Double.self, forKey: .cover)
        }

        /// Leaves are written without the split fields.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if feature >= 0 {
                try c.encode(feature, forKey: .feature)
                try c.encode(threshold, forKey: .threshold)
                try c.encode(left, forKey: .left)
                try c.encode(right, forKey: .right)
            }
            try c.encode(value, forKey: .value)
            try c.encode(cover, forKey: .cover)
        }
    }

    public struct Tree: Sendable, Hashable, Codable {
        /// Node 0 is the root.
        public var nodes: [Node]

        public func predict(_ row: [Double?]) -> Double { predict(row, from: 0) }

        private func predict(_ row: [Double?], from index: Int) -> Double {
            let node = nodes[index]
            guard node.feature >= 0 else { return node.value }
            if let value = row[node.feature] {
                return predict(row, from: value <= node.threshold ? node.left : node.right)
            }
            let left = nodes[node.left], right = nodes[node.right]
            let total = left.cover + right.cover
            let leftShare = total > 0 ? left.cover / total : 0.5
            return leftShare * predict(row, from: node.left) + (1 - leftShare) * predict(row, from: node.right)
        }

        /// The output for `row`, adding each known split feature's share to `contributions`;
        /// returns root value + Σ added (exactly, up to rounding).
        @discardableResult
        public func explain(_ row: [Double?], into contributions: inout [Int: Double]) -> Double {
            var output = 0.0
            var stack: [(Int, Double)] = [(0, 1)]
            while let (index, share) = stack.popLast() {
                let node = nodes[index]
                guard node.feature >= 0 else {
                    output += share * node.value
                    continue
                }
                if let value = row[node.feature] {
                    let child = value <= node.threshold ? node.left : node.right
                    contributions[node.feature, default: 0] += share * (nodes[child].value - node.value)
                    stack.append((child, share))
                } else {
                    let left = nodes[node.left], right = nodes[node.right]
                    let total = left.cover + right.cover
                    let leftShare = total > 0 ? left.cover / total : 0.5
                    stack.append((node.right, share * (1 - leftShare)))
                    stack.append((node.left, share * leftShare))
                }
            }
            return output
        }
    }

    public var base: Double
    public var trees: [Tree]

    public init(base: Double, trees: [Tree]) {
        self.base = base
        self.trees = trees
    }

    /// The logit for `row`.
    public func logit(_ row: [Double?]) -> Double {
        trees.reduce(base) { $0 + $1.predict(row) }
    }

    /// The value with nothing known: base plus every root's value. Contributions are measured from it.
    public var bias: Double { trees.reduce(base) { $0 + ($1.nodes.first?.value ?? 0) } }

    /// The logit and each feature's contribution (index → logit units); `bias + Σ contributions == logit`.
    public func explain(_ row: [Double?]) -> (logit: Double, contributions: [Int: Double]) {
        var contributions: [Int: Double] = [:]
        var logit = base
        for tree in trees { logit += tree.explain(row, into: &contributions) }
        return (logit, contributions)
    }

    /// The same ensemble with every output multiplied by `a` and `b` added to the base (Platt
    /// scaling folded in): `logit' = a · logit + b`, contributions scaled by `a`.
    public func scaled(a: Double, b: Double) -> BoostedTrees {
        BoostedTrees(base: a * base + b, trees: trees.map { tree in
            Tree(nodes: tree.nodes.map { node in
                var node = node
                node.value *= a
                return node
            })
        })
    }
}
