import Foundation

/// Tail probabilities of the Poisson law, in log space so that very small ones stay exact.
public enum PoissonTail {
    /// `-log10 P(X ≥ k)` for `X ~ Poisson(lambda)`: 0 when `k` is 0, large when `k` far exceeds `lambda`.
    public static func upperTailScore(_ k: Int, lambda: Double) -> Double {
        guard k > 0 else { return 0 }
        guard lambda > 0 else { return .infinity }
        let ln10 = log(10.0)
        if Double(k) > lambda {
            // P(X ≥ k) = pmf(k) · (1 + λ/(k+1) + λ²/((k+1)(k+2)) + …); the terms shrink since k > λ.
            let logPMF = Double(k) * log(lambda) - lambda - lgamma(Double(k) + 1)
            var term = 1.0, sum = 1.0, i = Double(k)
            while term > 1e-16 * sum, i < Double(k) + 10_000 {
                i += 1
                term *= lambda / i
                sum += term
            }
            return max(0, -(logPMF + log(sum)) / ln10)
        }
        // k ≤ λ: the tail is large; 1 − P(X < k) is exact enough.
        var below = 0.0
        var logTerm = -lambda
        for i in 0..<k {
            if i > 0 { logTerm += log(lambda) - log(Double(i)) }
            below += exp(logTerm)
        }
        return max(0, -log10(max(1e-300, 1 - below)))
    }
}
