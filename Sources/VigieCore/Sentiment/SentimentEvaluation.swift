import Foundation

/// Accuracy and macro-F1 of sentiment labels against the truth, with the confusion matrix.
///
/// ```swift
/// var evaluation = SentimentEvaluation()
/// evaluation.add(truth: .negative, predicted: analyzer.analyze(text, language: "fr").label)
/// evaluation.macroF1
/// ```
public struct SentimentEvaluation: Sendable, Codable, Hashable {
    /// `matrix[truth][predicted]`, indexed by ``SentimentLabel/classIndex``.
    public private(set) var matrix: [[Int]] = Array(repeating: Array(repeating: 0, count: 3), count: 3)

    public init() {}

    public mutating func add(truth: SentimentLabel, predicted: SentimentLabel) {
        matrix[truth.classIndex][predicted.classIndex] += 1
    }

    public var count: Int { matrix.joined().reduce(0, +) }
    public var accuracy: Double {
        count == 0 ? 0 : Double((0..<3).reduce(0) { $0 + matrix[$1][$1] }) / Double(count)
    }

    public func precision(_ label: SentimentLabel) -> Double {
        let k = label.classIndex
        let predicted = (0..<3).reduce(0) { $0 + matrix[$1][k] }
        return predicted == 0 ? 0 : Double(matrix[k][k]) / Double(predicted)
    }

    public func recall(_ label: SentimentLabel) -> Double {
        let k = label.classIndex
        let actual = matrix[k].reduce(0, +)
        return actual == 0 ? 0 : Double(matrix[k][k]) / Double(actual)
    }

    public func f1(_ label: SentimentLabel) -> Double {
        let p = precision(label)
        let r = recall(label)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// The unweighted mean of the three labels' F1.
    public var macroF1: Double { SentimentLabel.allCases.reduce(0) { $0 + f1($1) } / 3 }
}
