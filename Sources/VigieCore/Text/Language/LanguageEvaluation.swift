import Foundation

/// Accuracy of a ``LanguageIdentifier`` on texts whose language is known: per language, overall,
/// and the most frequent confusions.
///
/// ```swift
/// var evaluation = LanguageEvaluation()
/// evaluation.add(truth: "fr", predicted: identifier.identify(text).language)
/// evaluation.accuracy   // share of texts whose language was found
/// ```
public struct LanguageEvaluation: Sendable, Codable {
    public struct Row: Sendable, Codable, Hashable {
        public var language: String
        public var texts: Int
        public var correct: Int
        public var undetermined: Int
        public var accuracy: Double { texts == 0 ? 0 : Double(correct) / Double(texts) }
    }

    public struct Confusion: Sendable, Codable, Hashable {
        public var truth: String
        public var predicted: String
        public var count: Int
    }

    /// truth → predicted → count.
    public private(set) var counts: [String: [String: Int]] = [:]

    public init() {}

    public mutating func add(truth: String, predicted: String) {
        counts[truth, default: [:]][predicted, default: 0] += 1
    }

    public var rows: [Row] {
        counts.keys.sorted().map { truth in
            let predicted = counts[truth] ?? [:]
            return Row(language: truth, texts: predicted.values.reduce(0, +), correct: predicted[truth] ?? 0,
                       undetermined: predicted[LanguageIdentifier.undetermined] ?? 0)
        }
    }

    public var texts: Int { rows.reduce(0) { $0 + $1.texts } }
    public var correct: Int { rows.reduce(0) { $0 + $1.correct } }
    public var accuracy: Double { texts == 0 ? 0 : Double(correct) / Double(texts) }

    /// Accuracy over the texts of `languages` only.
    public func accuracy(over languages: Set<String>) -> Double {
        let kept = rows.filter { languages.contains($0.language) }
        let total = kept.reduce(0) { $0 + $1.texts }
        return total == 0 ? 0 : Double(kept.reduce(0) { $0 + $1.correct }) / Double(total)
    }

    /// The wrong answers, most frequent first ("und" included).
    public func confusions(limit: Int = 10) -> [Confusion] {
        var all: [Confusion] = []
        for (truth, predicted) in counts {
            for (language, count) in predicted where language != truth {
                all.append(Confusion(truth: truth, predicted: language, count: count))
            }
        }
        return Array(all.sorted { ($0.count, $1.truth, $1.predicted) > ($1.count, $0.truth, $0.predicted) }.prefix(limit))
    }
}
