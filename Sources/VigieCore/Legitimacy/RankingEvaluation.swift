import Foundation

/// Ranking quality against graded relevance.
public enum RankingEvaluation {
    /// Normalised discounted cumulative gain at `k`: Σ (2^rel − 1) / log2(i + 1) over the first
    /// `k` items of `ranking`, divided by the same sum for the ideal order of `grades`.
    /// Items absent from `grades` have relevance 0. Returns 0 when nothing is relevant.
    public static func ndcg(ranking: [String], grades: [String: Int], k: Int) -> Double {
        func gain(_ grade: Int) -> Double { pow(2, Double(grade)) - 1 }
        var dcg = 0.0
        var seen = Set<String>()
        var position = 0
        for item in ranking where position < k {
            guard seen.insert(item).inserted else { continue }
            position += 1
            dcg += gain(grades[item] ?? 0) / log2(Double(position) + 1)
        }
        let ideal = grades.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
        var idcg = 0.0
        for (i, grade) in ideal.enumerated() { idcg += gain(grade) / log2(Double(i) + 2) }
        return idcg > 0 ? dcg / idcg : 0
    }

    /// Spearman rank correlation of two score vectors of the same length (average ranks for ties).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let rx = averageRanks(x), ry = averageRanks(y)
        let n = Double(x.count)
        guard n > 1 else { return 0 }
        let mx = rx.reduce(0, +) / n, my = ry.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (rx[i] - mx) * (ry[i] - my)
            sxx += (rx[i] - mx) * (rx[i] - mx)
            syy += (ry[i] - my) * (ry[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for t in i...j { ranks[order[t]] = average }
            i = j + 1
        }
        return ranks
    }
}
