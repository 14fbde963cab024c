import Foundation

/// Three-class multinomial logistic regression over standardised dense features and binary
/// sparse features, fitted by L-BFGS on the class-weighted cross-entropy plus an L2 penalty
/// (`l2 / 2 · Σ w²`, the biases unpenalised). Deterministic: same data, same weights.
///
/// ```swift
/// let rows = [SoftmaxRegression.Row(dense: [0.5], sparse: [0, 3], label: 2), …]
/// let fit = SoftmaxRegression.fit(rows, denseCount: 1, sparseCount: 4, l2: 0.01)
/// fit.probabilities(dense: [0.5], sparse: [0, 3])
/// ```
public struct SoftmaxRegression: Sendable, Hashable {
    public static let classes = 3

    public struct Row: Sendable, Hashable {
        public var dense: [Double]
        public var sparse: [Int32]
        public var label: Int

        public init(dense: [Double], sparse: [Int32], label: Int) {
            self.dense = dense
            self.sparse = sparse
            self.label = label
        }
    }

    public let denseCount: Int
    public let sparseCount: Int
    /// Class-major: for each class, `denseCount` dense weights, `sparseCount` sparse weights, the bias.
    public private(set) var parameters: [Double]
    public private(set) var iterations = 0
    public private(set) var loss = 0.0

    var stride: Int { denseCount + sparseCount + 1 }

    public func denseWeight(_ feature: Int, _ label: Int) -> Double { parameters[label * stride + feature] }
    public func sparseWeight(_ feature: Int, _ label: Int) -> Double { parameters[label * stride + denseCount + feature] }
    public func bias(_ label: Int) -> Double { parameters[label * stride + stride - 1] }

    public func logits(dense: [Double], sparse: [Int32]) -> [Double] {
        (0..<Self.classes).map { k in
            let base = k * stride
            var sum = parameters[base + stride - 1]
            for j in 0..<denseCount { sum += parameters[base + j] * dense[j] }
            for index in sparse { sum += parameters[base + denseCount + Int(index)] }
            return sum
        }
    }

    public func probabilities(dense: [Double], sparse: [Int32]) -> [Double] {
        Self.softmax(logits(dense: dense, sparse: sparse))
    }

    static func softmax(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - top) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// Fits the model. Class weights balance the labels (`n / (3 · count)`).
    public static func fit(_ rows: [Row], denseCount: Int, sparseCount: Int, l2: Double,
                           maxIterations: Int = 300, memory: Int = 10) -> SoftmaxRegression {
        var model = SoftmaxRegression(denseCount: denseCount, sparseCount: sparseCount,
                                      parameters: [Double](repeating: 0, count: classes * (denseCount + sparseCount + 1)))
        guard !rows.isEmpty else { return model }
        var counts = [Double](repeating: 0, count: classes)
        for row in rows { counts[row.label] += 1 }
        let classWeights = counts.map { $0 > 0 ? Double(rows.count) / (Double(classes) * $0) : 0 }
        let objective = Objective(rows: rows, denseCount: denseCount, sparseCount: sparseCount, l2: l2, classWeights: classWeights)
        let result = LBFGS.minimize(start: model.parameters, maxIterations: maxIterations, memory: memory) { x, gradient in
            objective.evaluate(x, gradient: &gradient)
        }
        model.parameters = result.x
        model.iterations = result.iterations
        model.loss = result.value
        return model
    }

    private init(denseCount: Int, sparseCount: Int, parameters: [Double]) {
        self.denseCount = denseCount
        self.sparseCount = sparseCount
        self.parameters = parameters
    }

    private struct Objective {
        let rows: [Row]
        let denseCount: Int
        let sparseCount: Int
        let l2: Double
        let classWeights: [Double]

        func evaluate(_ x: [Double], gradient: inout [Double]) -> Double {
            let stride = denseCount + sparseCount + 1
            for index in gradient.indices { gradient[index] = 0 }
            var loss = 0.0
            var logits = [Double](repeating: 0, count: classes)
            let scale = 1 / Double(rows.count)
            x.withUnsafeBufferPointer { w in
                gradient.withUnsafeMutableBufferPointer { g in
                    for row in rows {
                        for k in 0..<classes {
                            let base = k * stride
                            var sum = w[base + stride - 1]
                            for j in 0..<denseCount { sum += w[base + j] * row.dense[j] }
                            for index in row.sparse { sum += w[base + denseCount + Int(index)] }
                            logits[k] = sum
                        }
                        let top = logits.max() ?? 0
                        var total = 0.0
                        for k in 0..<classes {
                            logits[k] = exp(logits[k] - top)
                            total += logits[k]
                        }
                        let weight = classWeights[row.label] * scale
                        loss -= weight * log(max(1e-300, logits[row.label] / total))
                        for k in 0..<classes {
                            let error = (logits[k] / total - (k == row.label ? 1 : 0)) * weight
                            let base = k * stride
                            g[base + stride - 1] += error
                            for j in 0..<denseCount { g[base + j] += error * row.dense[j] }
                            for index in row.sparse { g[base + denseCount + Int(index)] += error }
                        }
                    }
                    for k in 0..<classes {
                        let base = k * stride
                        for j in 0..<(stride - 1) {
                            loss += 0.5 * l2 * w[base + j] * w[base + j]
                            g[base + j] += l2 * w[base + j]
                        }
                    }
                }
            }
            return loss
        }
    }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search, for smooth convex objectives.
enum LBFGS {
    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
    }

    static func minimize(start: [Double], maxIterations: Int, memory: Int, tolerance: Double = 1e-9,
                         _ evaluate: (_ x: [Double], _ gradient: inout [Double]) -> Double) -> Result {
        var x = start
        var gradient = [Double](repeating: 0, count: x.count)
        var value = evaluate(x, &gradient)
        var steps: [[Double]] = []
        var changes: [[Double]] = []
        var rhos: [Double] = []
        var iteration = 0
        var nextGradient = gradient
        while iteration < maxIterations {
            iteration += 1
            var direction = twoLoop(gradient, steps: steps, changes: changes, rhos: rhos)
            var slope = dot(gradient, direction)
            if slope >= 0 {
                steps.removeAll(); changes.removeAll(); rhos.removeAll()
                direction = gradient.map { -$0 }
                slope = -dot(gradient, gradient)
            }
            if steps.isEmpty {
                // First step (or after a reset): a unit-length move.
                let norm = dot(direction, direction).squareRoot()
                if norm > 1 {
                    for index in direction.indices { direction[index] /= norm }
                    slope /= norm
                }
            }
            var step = 1.0
            var candidate = x
            var candidateValue = value
            var accepted = false
            while step > 1e-12 {
                for index in x.indices { candidate[index] = x[index] + step * direction[index] }
                candidateValue = evaluate(candidate, &nextGradient)
                if candidateValue <= value + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            if !accepted { break }
            var s = [Double](repeating: 0, count: x.count)
            var y = [Double](repeating: 0, count: x.count)
            for index in x.indices {
                s[index] = candidate[index] - x[index]
                y[index] = nextGradient[index] - gradient[index]
            }
            let sy = dot(s, y)
            if sy > 1e-12 {
                steps.append(s); changes.append(y); rhos.append(1 / sy)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); rhos.removeFirst() }
            }
            let improvement = value - candidateValue
            x = candidate
            value = candidateValue
            swap(&gradient, &nextGradient)
            if improvement <= tolerance * max(1, abs(value)) || dot(gradient, gradient).squareRoot() < 1e-7 { break }
        }
        return Result(x: x, value: value, iterations: iteration)
    }

    private static func twoLoop(_ gradient: [Double], steps: [[Double]], changes: [[Double]], rhos: [Double]) -> [Double] {
        var q = gradient
        var alphas = [Double](repeating: 0, count: steps.count)
        for i in stride(from: steps.count - 1, through: 0, by: -1) {
            alphas[i] = rhos[i] * dot(steps[i], q)
            for index in q.indices { q[index] -= alphas[i] * changes[i][index] }
        }
        if let s = steps.last, let y = changes.last {
            let gamma = dot(s, y) / max(1e-300, dot(y, y))
            for index in q.indices { q[index] *= gamma }
        }
        for i in steps.indices {
            let beta = rhos[i] * dot(changes[i], q)
            for index in q.indices { q[index] += steps[i][index] * (alphas[i] - beta) }
        }
        return q.map { -$0 }
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for index in a.indices { sum += a[index] * b[index] }
        return sum
    }
}
