import Foundation

/// The trainable layer on top of the lexicon rules: a multinomial logistic regression from a
/// ``SentimentScore``'s features to the three labels. Its weights are small and versioned in the
/// repository (`SentimentCalibration+Trained.swift`, written by `vigie sentiment train --calibration`); the
/// lexicon words that drove a result are still its evidence, since every feature is a sum or
/// count of that evidence.
///
/// ```swift
/// let model = SentimentCalibration.train(language: "fr", features: rows, labels: classes)
/// model.probabilities(analyzer.score(text, language: "fr").features)   // [neg, neu, pos]
/// ```
public struct SentimentCalibration: Sendable, Codable, Hashable {
    /// Bumped when the features or the training change, so stale weights are noticed.
    public static let currentVersion = 2

    public var version: Int
    public var language: String
    public var featureNames: [String]
    /// Standardisation of each feature before the weights apply.
    public var means: [Double]
    public var scales: [Double]
    /// One row per label (negative, neutral, positive): a weight per feature, then the bias.
    public var weights: [[Double]]
    /// What it was trained on, for the record.
    public var trainedOn: String

    public init(version: Int = SentimentCalibration.currentVersion, language: String, featureNames: [String], means: [Double],
                scales: [Double], weights: [[Double]], trainedOn: String) {
        self.version = version
        self.language = language
        self.featureNames = featureNames
        self.means = means
        self.scales = scales
        self.weights = weights
        self.trainedOn = trainedOn
    }

    /// Probability of negative, neutral and positive.
    public func probabilities(_ features: [Double]) -> [Double] {
        let logits = weights.map { row -> Double in
            var sum = row[row.count - 1]
            for index in 0..<min(features.count, row.count - 1) {
                sum += row[index] * (features[index] - means[index]) / scales[index]
            }
            return sum
        }
        return Self.softmax(logits)
    }

    /// Fits the weights by full-batch gradient descent on the cross-entropy with L2 penalty
    /// `l2`, and class weights that balance the labels. Deterministic.
    public static func train(
        language: String, features: [[Double]], labels: [Int], l2: Double = 0.01,
        iterations: Int = 3000, learningRate: Double = 0.5, trainedOn: String = ""
    ) -> SentimentCalibration {
        let count = features.count
        let width = features.first?.count ?? 0
        var means = [Double](repeating: 0, count: width)
        var scales = [Double](repeating: 1, count: width)
        for column in 0..<width {
            let values = features.map { $0[column] }
            let mean = values.reduce(0, +) / Double(max(1, count))
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, count))
            means[column] = mean
            scales[column] = variance > 1e-12 ? variance.squareRoot() : 1
        }
        let stride = width + 1
        var rows = [Double](repeating: 1, count: count * stride)
        for (r, row) in features.enumerated() {
            for column in 0..<width { rows[r * stride + column] = (row[column] - means[column]) / scales[column] }
        }
        var classCounts = [Double](repeating: 0, count: 3)
        for label in labels { classCounts[label] += 1 }
        let classWeights = classCounts.map { $0 > 0 ? Double(count) / (3 * $0) : 0 }
        var flat = [Double](repeating: 0, count: 3 * stride)
        var gradient = [Double](repeating: 0, count: 3 * stride)
        var logits = [Double](repeating: 0, count: 3)
        for _ in 0..<iterations {
            for index in gradient.indices { gradient[index] = 0 }
            for r in 0..<count {
                let base = r * stride
                for k in 0..<3 {
                    var sum = 0.0
                    for j in 0..<stride { sum += flat[k * stride + j] * rows[base + j] }
                    logits[k] = sum
                }
                let probabilities = softmax(logits)
                let label = labels[r]
                let weight = classWeights[label]
                for k in 0..<3 {
                    let error = (probabilities[k] - (k == label ? 1 : 0)) * weight
                    for j in 0..<stride { gradient[k * stride + j] += error * rows[base + j] }
                }
            }
            for k in 0..<3 {
                for j in 0..<stride {
                    let penalty = j < width ? l2 * flat[k * stride + j] : 0
                    flat[k * stride + j] -= learningRate * (gradient[k * stride + j] / Double(max(1, count)) + penalty)
                }
            }
        }
        let weights = (0..<3).map { k in Array(flat[k * stride..<(k + 1) * stride]) }
        return SentimentCalibration(language: language, featureNames: SentimentScore.featureNames, means: means,
                                    scales: scales, weights: weights, trainedOn: trainedOn)
    }

    static func softmax(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - top) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// Swift source declaring `trained`, for `SentimentCalibration+Trained.swift`.
    public static func swiftSource(_ calibrations: [SentimentCalibration], command: String) -> String {
        func list(_ values: [Double]) -> String {
            "[" + values.map { String(format: "%.6g", $0) }.joined(separator: ", ") + "]"
        }
        var out = """
            // Generated by `\(command)`; do not edit by hand.
            // The calibrated layer of SentimentAnalyzer, trained on the training split only.

            extension SentimentCalibration {
                /// The calibrations shipped with Vigie, by language.
                public static let trained: [String: SentimentCalibration] = [

            """
        for calibration in calibrations.sorted(by: { $0.language < $1.language }) {
            out += """
                        "\(calibration.language)": SentimentCalibration(
                            version: \(calibration.version), language: "\(calibration.language)",
                            featureNames: [\(calibration.featureNames.map { "\"\($0)\"" }.joined(separator: ", "))],
                            means: \(list(calibration.means)),
                            scales: \(list(calibration.scales)),
                            weights: [
                                \(calibration.weights.map(list).joined(separator: ",\n                    ")),
                            ],
                            trainedOn: "\(calibration.trainedOn)"),

                """
        }
        out += "    ]\n}\n"
        return out
    }
}
