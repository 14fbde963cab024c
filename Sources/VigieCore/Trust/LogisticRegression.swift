import Foundation

/// L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
/// squares): exact, deterministic, and fast for the few dozen features trust scoring uses.
///
/// ```swift
/// let fit = LogisticRegression(l2: 1).fit(rows, labels)
/// let p = fit.probability(row)
/// ```
/// The intercept is not penalised. An optional per-row offset is added to the linear predictor
/// (used to learn behaviour weights on top of a frozen profile model).
public struct LogisticRegression: Sendable {
    public var l2: Double
    public var maxIterations: Int
    public var tolerance: Double
    /// When false the intercept stays 0 (the offset carries the base rate).
    public var fitIntercept: Bool

    public init(l2: Double = 1, maxIterations: Int = 100, tolerance: Double = 1e-9, fitIntercept: Bool = true) {
        self.l2 = l2
        self.fitIntercept = fitIntercept
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    public struct Fit: Sendable, Hashable, Codable {
        public var intercept: Double
        public var weights: [Double]
        public var iterations: Int

        public func logit(_ row: [Double], offset: Double = 0) -> Double {
            var z = intercept + offset
            for (w, x) in zip(weights, row) { z += w * x }
            return z
        }

        public func probability(_ row: [Double], offset: Double = 0) -> Double { sigmoid(logit(row, offset: offset)) }
    }

    /// Fits `labels` (0 or 1) on `rows` (each of the same width). `offsets`, if given, has one value per row.
    public func fit(_ rows: [[Double]], _ labels: [Double], offsets: [Double]? = nil,
                    sampleWeights: [Double]? = nil) -> Fit {
        let width = rows.first?.count ?? 0
        let size = width + 1 // index 0 is the intercept
        var beta = [Double](repeating: 0, count: size)
        // Starting from the base rate makes the first step gentle on very unbalanced data.
        let rate = min(max(labels.reduce(0, +) / Double(max(labels.count, 1)), 1e-6), 1 - 1e-6)
        if offsets == nil && fitIntercept { beta[0] = log(rate / (1 - rate)) }
        var iterations = 0
        for iteration in 1...maxIterations {
            iterations = iteration
            var gradient = [Double](repeating: 0, count: size)
            var hessian = [Double](repeating: 0, count: size * size)
            for (index, row) in rows.enumerated() {
                var z = beta[0] + (offsets?[index] ?? 0)
                for j in 0..<width { z += beta[j + 1] * row[j] }
                let p = sigmoid(z)
                let weight = sampleWeights?[index] ?? 1
                let residual = (labels[index] - p) * weight
                let curvature = max(p * (1 - p), 1e-10) * weight
                gradient[0] += residual
                hessian[0] += curvature
                for j in 0..<width {
                    let xj = row[j]
                    gradient[j + 1] += residual * xj
                    hessian[j + 1] += curvature * xj
                    hessian[(j + 1) * size] += curvature * xj
                    for k in 0...j {
                        hessian[(j + 1) * size + k + 1] += curvature * xj * row[k]
                    }
                }
            }
            for j in 1..<size {
                for k in 1..<j { hessian[k * size + j] = hessian[j * size + k] }
                gradient[j] -= l2 * beta[j]
                hessian[j * size + j] += l2
            }
            hessian[0] += 1e-9
            if !fitIntercept {
                gradient[0] = 0
                for j in 0..<size { hessian[j] = 0; hessian[j * size] = 0 }
                hessian[0] = 1
            }
            guard let step = Self.solve(hessian, gradient, size: size) else { break }
            var largest = 0.0
            for j in 0..<size {
                beta[j] += step[j]
                largest = max(largest, abs(step[j]))
            }
            if largest < tolerance { break }
        }
        return Fit(intercept: beta[0], weights: Array(beta.dropFirst()), iterations: iterations)
    }

    /// Solves the symmetric positive definite system `a x = b` (Cholesky); `nil` if singular.
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}

@inline(__always)
public func sigmoid(_ z: Double) -> Double {
    z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
}

/// Platt scaling: `p = sigmoid(a·z + b)` fitted on held-out scores `z`, so that probabilities
/// match observed frequencies.
public struct PlattScaling: Sendable, Hashable, Codable {
    public var a: Double
    public var b: Double

    public init(a: Double = 1, b: Double = 0) {
        self.a = a
        self.b = b
    }

    /// Fits on held-out logits and their labels (a tiny ridge keeps separable data finite).
    public static func fit(logits: [Double], labels: [Double]) -> PlattScaling {
        let fit = LogisticRegression(l2: 1e-3).fit(logits.map { [$0] }, labels)
        return PlattScaling(a: fit.weights.first ?? 1, b: fit.intercept)
    }

    public func calibrated(_ logit: Double) -> Double { a * logit + b }
}

/// Stratified k-fold assignment: each fold gets its share of positives and negatives,
/// deterministic for a seed.
public func stratifiedFolds(labels: [Double], folds k: Int, seed: UInt64) -> [Int] {
    var generator = SeededRandom(seed: seed)
    var assignment = [Int](repeating: 0, count: labels.count)
    for positive in [true, false] {
        var indices = labels.indices.filter { (labels[$0] >= 0.5) == positive }
        indices.shuffle(using: &generator)
        for (rank, index) in indices.enumerated() { assignment[index] = rank % k }
    }
    return assignment
}
