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
    /// The label the model chose (the most probable).
    public var label: SentimentLabel
    /// In -1…1: P(positive) − P(negative) from the model (or the calibration); the compound
    /// itself when the label comes from VADER's thresholds.
    public var score: Double
    /// VADER-style compound score in -1…1 from the lexicon and rules alone.
    public var compound: Double
    /// The model's probability of each label (negative, neutral, positive); sums to 1.
    public var probabilities: [SentimentLabel: Double]
    /// The language whose lexicon was used (`en` or `fr`).
    public var language: String
    /// What chose the label: `model sentiment-v3.json (fr)`, `lexicon calibration v2 (fr)`, `VADER thresholds`.
    public var labeller: String
    /// Every word, emoji or emoticon that carried sentiment, in text order, with its final
    /// valence and the rules that changed it.
    public var evidence: [SentimentEvidence]
    /// Rules applied to the whole text (contrast, exclamation, question marks).
    public var rules: [String]
    /// The model's features that moved the chosen label's logit, strongest first (positive:
    /// toward the label); empty without a model.
    public var contributions: [SentimentContribution]

    public init(label: SentimentLabel, score: Double, compound: Double, probabilities: [SentimentLabel: Double], language: String,
                labeller: String, evidence: [SentimentEvidence], rules: [String], contributions: [SentimentContribution]) {
        self.label = label
        self.score = score
        self.compound = compound
        self.probabilities = probabilities
        self.language = language
        self.labeller = labeller
        self.evidence = evidence
        self.rules = rules
        self.contributions = contributions
    }

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
