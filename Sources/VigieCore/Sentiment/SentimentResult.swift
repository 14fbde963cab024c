import Foundation

public enum SentimentLabel: String, Sendable, Codable, CaseIterable, Hashable {
    case negative
    case neutral
    case positive

    /// The class index of labelled data sets (xlm-t, SemEval): 0 negative, 1 neutral, 2 positive.
    public init?(classIndex: Int) {
        switch classIndex {
        case 0: self = .negative
        case 1: self = .neutral
        case 2: self = .positive
        default: return nil
        }
    }

    public var classIndex: Int {
        switch self {
        case .negative: return 0
        case .neutral: return 1
        case .positive: return 2
        }
    }
}

/// What ``SentimentAnalyzer`` says about one text, with the evidence behind it.
public struct SentimentResult: Sendable, Codable, Hashable {
    /// The label the calibrated model chose.
    public var label: SentimentLabel
    /// VADER-style compound score in -1…1 from the lexicon and rules (before calibration).
    public var score: Double
    /// The calibrated model's probability of each label (negative, neutral, positive); sums to 1.
    public var probabilities: [SentimentLabel: Double]
    /// The language whose lexicon was used (`en` or `fr`).
    public var language: String
    /// Every word, emoji or emoticon that carried sentiment, in text order, with its final
    /// valence and the rules that changed it.
    public var evidence: [SentimentEvidence]
    /// Rules applied to the whole text (contrast, exclamation, question marks).
    public var rules: [String]

    /// The evidence whose valence moved the score the most, strongest first.
    public func drivers(limit: Int = 5) -> [SentimentEvidence] {
        Array(evidence.sorted { abs($0.valence) > abs($1.valence) }.prefix(limit))
    }
}

/// One sentiment-bearing item of the text.
public struct SentimentEvidence: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case word
        case emoji
        case emoticon
        case idiom
    }

    public var kind: Kind
    /// As written in the text (an idiom: its words).
    public var text: String
    /// Its valence in the lexicon (-4…4).
    public var lexiconValence: Double
    /// Its valence after the rules (negation, boosters, capitals, contrast).
    public var valence: Double
    /// What changed it, in order: "negated by 'pas'", "boosted by 'très'", "capitals", "after 'mais' ×1.5".
    public var rules: [String]
}
