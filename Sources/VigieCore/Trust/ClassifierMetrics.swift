import Foundation

/// How well probabilities separate and match binary labels: ROC AUC, precision/recall/F1 at a
/// threshold, Brier score and a reliability table.
public struct ClassifierMetrics: Sendable, Hashable, Codable {
    /// One bin of the reliability table: predictions in [lower, upper).
    public struct ReliabilityBin: Sendable, Hashable, Codable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanPredicted: Double
        public var observedRate: Double
    }

    public var count: Int
    public var positives: Int
    public var auc: Double
    /// Average precision: the area under the precision–recall curve (mean precision at each positive's rank).
    public var averagePrecision: Double
    public var threshold: Double
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var brier: Double
    /// Brier score of always predicting the base rate, for comparison.
    public var brierBaseline: Double
    public var reliability: [ReliabilityBin]
    /// Expected calibration error: the reliability bins' |mean predicted − observed rate|,
    /// weighted by their share of the accounts.
    public var calibrationError: Double

    public init(probabilities: [Double], labels: [Double], threshold: Double, bins: Int = 10) {
        self.init(probabilities: probabilities, labels: labels,
                  thresholds: [Double](repeating: threshold, count: probabilities.count), bins: bins)
        self.threshold = threshold
    }

    /// Each prediction decided at its own threshold (the one its training folds chose);
    /// `threshold` is then their mean.
    public init(probabilities: [Double], labels: [Double], thresholds: [Double], bins: Int = 10) {
        count = labels.count
        positives = labels.filter { $0 >= 0.5 }.count
        auc = Self.rocAUC(probabilities, labels)
        averagePrecision = Self.averagePrecision(probabilities, labels)
        threshold = thresholds.isEmpty ? 0 : thresholds.reduce(0, +) / Double(thresholds.count)
        var tp = 0, fp = 0, fn = 0
        var brierSum = 0.0
        for ((p, y), t) in zip(zip(probabilities, labels), thresholds) {
            let positive = y >= 0.5
            if p >= t { if positive { tp += 1 } else { fp += 1 } } else if positive { fn += 1 }
            brierSum += (p - y) * (p - y)
        }
        truePositives = tp
        falsePositives = fp
        falseNegatives = fn
        precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0
        recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0
        f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        brier = count > 0 ? brierSum / Double(count) : 0
        let rate = count > 0 ? Double(positives) / Double(count) : 0
        brierBaseline = rate * (1 - rate)
        var table: [ReliabilityBin] = []
        for b in 0..<bins {
            let lower = Double(b) / Double(bins)
            let upper = Double(b + 1) / Double(bins)
            let members = zip(probabilities, labels).filter { p, _ in p >= lower && (p < upper || (b == bins - 1 && p <= 1)) }
            guard !members.isEmpty else { continue }
            table.append(ReliabilityBin(
                lower: lower, upper: upper, count: members.count,
                meanPredicted: members.reduce(0) { $0 + $1.0 } / Double(members.count),
                observedRate: members.reduce(0) { $0 + $1.1 } / Double(members.count)))
        }
        reliability = table
        calibrationError = count > 0
            ? table.reduce(0) { $0 + Double($1.count) * abs($1.meanPredicted - $1.observedRate) } / Double(count) : 0
    }

    /// Average precision (ties at the same score are taken together, in the worst order for none:
    /// the precision at a tied block's end is used for every positive in it).
    public static func averagePrecision(_ scores: [Double], _ labels: [Double]) -> Double {
        let positives = labels.filter { $0 >= 0.5 }.count
        guard positives > 0 else { return 0 }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var sum = 0.0, truePositives = 0, seen = 0, i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let block = order[i...j]
            let blockPositives = block.filter { labels[$0] >= 0.5 }.count
            truePositives += blockPositives
            seen += block.count
            sum += Double(blockPositives) * Double(truePositives) / Double(seen)
            i = j + 1
        }
        return sum / Double(positives)
    }

    /// ROC AUC by ranks (ties get their mean rank): the probability that a random positive
    /// scores above a random negative. 0.5 when one class is absent.
    public static func rocAUC(_ scores: [Double], _ labels: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = mean }
            i = j + 1
        }
        let positives = labels.filter { $0 >= 0.5 }.count
        let negatives = labels.count - positives
        guard positives > 0 && negatives > 0 else { return 0.5 }
        let rankSum = zip(ranks, labels).reduce(0.0) { $0 + ($1.1 >= 0.5 ? $1.0 : 0) }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// The threshold that maximises F1 on these predictions (ties: the higher threshold).
    public static func bestF1Threshold(_ probabilities: [Double], _ labels: [Double]) -> Double {
        var best = (f1: -1.0, threshold: 0.5)
        for candidate in stride(from: 0.05, through: 0.95, by: 0.01) {
            let f1 = ClassifierMetrics(probabilities: probabilities, labels: labels, threshold: candidate, bins: 1).f1
            if f1 >= best.f1 { best = (f1, candidate) }
        }
        return (best.threshold * 100).rounded() / 100
    }

    /// The figures on one line.
    public var summary: String {
        String(format: "n=%d (%d positive)  AUC %.3f  AP %.3f  at %.2f: P %.2f R %.2f F1 %.2f  Brier %.3f (base rate %.3f)  ECE %.3f",
               count, positives, auc, averagePrecision, threshold, precision, recall, f1, brier, brierBaseline, calibrationError)
    }

    /// The reliability table as text lines.
    public var reliabilityLines: [String] {
        reliability.map {
            String(format: "  %.1f–%.1f  n=%-5d predicted %.3f  observed %.3f", $0.lower, $0.upper, $0.count,
                   $0.meanPredicted, $0.observedRate)
        }
    }
}
