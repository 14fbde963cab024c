import Foundation

/// xoshiro256** seeded through SplitMix64: fast, good statistical quality, and the same
/// sequence on every platform for a seed (unlike `SystemRandomNumberGenerator`).
struct SeededGenerator: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64) {
        var mixer = seed
        s0 = SeededGenerator.splitMix(&mixer)
        s1 = SeededGenerator.splitMix(&mixer)
        s2 = SeededGenerator.splitMix(&mixer)
        s3 = SeededGenerator.splitMix(&mixer)
    }

    /// An independent stream for one part of the generator, so that changing how one part
    /// draws numbers does not shift every other part.
    init(seed: UInt64, stream: UInt64) {
        var mixer = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: SeededGenerator.splitMix(&mixer))
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A well-mixed hash of a few numbers (ids, content addresses).
    static func hash(_ a: UInt64, _ b: UInt64 = 0) -> UInt64 {
        var state = a ^ (b &* 0xD6E8_FEB8_6659_FD93)
        _ = splitMix(&state)
        return splitMix(&state)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Uniform integer in [0, upperBound); 0 when the bound is not positive.
    @inline(__always)
    mutating func below(_ upperBound: Int) -> Int {
        guard upperBound > 1 else { return 0 }
        return Int(next().multipliedFullWidth(by: UInt64(upperBound)).high)
    }

    mutating func between(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Log-uniform between two positive bounds (spreads values over orders of magnitude).
    mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        exp(log(low) + unit() * (log(high) - log(low)))
    }

    /// Pareto with minimum `scale` and tail index `alpha`: the power law of follower counts.
    mutating func pareto(scale: Double, alpha: Double) -> Double {
        scale / pow(1 - unit(), 1 / alpha)
    }

    mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }

    /// Standard normal (Box–Muller; one value per call is enough here).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12)
        return sqrt(-2 * log(u)) * cos(2 * Double.pi * unit())
    }

    /// Poisson by inversion; fine for the small means used here.
    mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let limit = exp(-min(mean, 30))
        var product = unit()
        var count = 0
        while product > limit {
            product *= unit()
            count += 1
        }
        return count
    }
}

/// Walker's alias method: O(1) draws from a fixed discrete distribution (who posts next).
struct AliasTable {
    private var probability: [Double]
    private var alias: [Int32]
    /// The values drawn (account indices), parallel to the weights given.
    let values: [Int32]

    init(values: [Int32], weights: [Double]) {
        let n = weights.count
        self.values = values
        probability = [Double](repeating: 1, count: n)
        alias = [Int32](repeating: 0, count: n)
        guard n > 0 else { return }
        let total = weights.reduce(0, +)
        var scaled = weights.map { total > 0 ? $0 * Double(n) / total : 1 }
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.last else { break }
            probability[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { large.removeLast(); small.append(l) }
        }
        for l in large { probability[l] = 1 }
    }

    var isEmpty: Bool { values.isEmpty }

    @inline(__always)
    func draw(_ random: inout SeededGenerator) -> Int32 {
        let column = random.below(values.count)
        let index = random.unit() < probability[column] ? column : Int(alias[column])
        return values[index]
    }
}
