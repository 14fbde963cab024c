import Foundation
import VigieCore

/// A text whose sentiment to explain.
public struct SentimentRequest: Sendable, Hashable {
    public var text: String
    /// `fr` or `en`; `nil`: identified from the text.
    public var language: String?

    public init(text: String, language: String? = nil) {
        self.text = text
        self.language = language
    }
}

/// A language identified from a text.
public struct IdentifiedLanguage: Sendable, Hashable, Codable {
    public var language: String
    public var confidence: Double
}

/// A sentiment with everything behind it.
public struct SentimentAnalysis: Sendable, Codable {
    public var result: SentimentResult
    /// Set when the request gave no language.
    public var identified: IdentifiedLanguage?
    public var notes: [String]
}

/// Labelled tweets to measure sentiment on (a folder laid out like tweets-sentiment-xlmt).
public struct SentimentEvaluationRequest: Sendable, Hashable {
    /// What labels the tweets.
    public enum Labeller: String, Sendable, Hashable, Codable {
        /// The supervised models (the shipped file), as dashboards use them.
        case model
        /// The lexicon-only calibration: the fallback without a model file.
        case calibration
        /// VADER's ±0.05 thresholds on the compound score.
        case uncalibrated
    }

    /// The folder holding `english/` and `french/`.
    public var data: String
    public var split: LabelledTweets.Split
    public var labeller: Labeller
    /// Labels every text this many times (for throughput); accuracy counts the first pass.
    public var repeats: Int

    public init(data: String, split: LabelledTweets.Split = .validation, labeller: Labeller = .model, repeats: Int = 1) {
        self.data = data
        self.split = split
        self.labeller = labeller
        self.repeats = repeats
    }

    public func validate() throws(EngineError) {
        guard repeats >= 1 else { throw EngineError(.invalidArgument, field: "repeat", "the number of passes must be at least 1") }
    }
}

/// Accuracy per language, and throughput.
public struct SentimentEvaluationResult: Sendable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var language: String
        public var split: String
        public var evaluation: SentimentEvaluation
        /// What labelled the tweets (the model file and language, the calibration, VADER).
        public var labeller: String
    }

    public var rows: [Row]
    /// Texts labelled (every pass) and the time it took.
    public var analysed: Int
    public var seconds: Double
    /// Time to load the lexicons and the models.
    public var loadSeconds: Double
    public var notes: [String]
}

extension Engine {
    /// Labels one French or English text and explains it: probabilities, the model's features
    /// that drove the label, the lexicon words, emoji and rules.
    ///
    /// ```swift
    /// let analysis = try engine.analyzeSentiment(SentimentRequest(text: "Franchement pas mal !", language: "fr"))
    /// print(analysis.result.label, analysis.result.score)
    /// ```
    public func analyzeSentiment(_ request: SentimentRequest) throws -> SentimentAnalysis {
        try Self.analyzeSentiment(request, resources: resources)
    }

    /// The same without a store: text analyses need only the language data.
    public static func analyzeSentiment(_ request: SentimentRequest, resources: Resources) throws -> SentimentAnalysis {
        let (analyzer, notes) = try resources.sentimentAnalyzer()
        var language = request.language
        var identified: IdentifiedLanguage?
        if language == nil {
            let identifier: LanguageIdentifier
            do {
                identifier = try LanguageIdentifier(lexicons: try resources.lexicons())
            } catch let error as EngineError {
                throw error
            } catch {
                throw EngineError(.resourceMissing, field: "lexicons", "\(error)")
            }
            let answer = identifier.identify(request.text)
            identified = IdentifiedLanguage(language: answer.language, confidence: answer.confidence)
            if answer.language != LanguageIdentifier.undetermined { language = answer.language }
        }
        return SentimentAnalysis(result: analyzer.analyze(request.text, language: language), identified: identified, notes: notes)
    }

    /// Measures sentiment on labelled tweets: accuracy, macro-F1 and F1 per label for English
    /// and French, and the time per text (labels as dashboards get them, without explanations).
    ///
    /// ```swift
    /// let result = try await engine.evaluateSentiment(SentimentEvaluationRequest(data: "../shared/data/tweets-sentiment-xlmt"))
    /// ```
    public func evaluateSentiment(_ request: SentimentEvaluationRequest) async throws -> SentimentEvaluationResult {
        try await Self.evaluateSentiment(request, resources: resources)
    }

    /// The same without a store.
    public static func evaluateSentiment(_ request: SentimentEvaluationRequest,
                                         resources: Resources) async throws -> SentimentEvaluationResult {
        try request.validate()
        let loading = ContinuousClock.now
        var (analyzer, notes) = try resources.sentimentAnalyzer()
        let loadSeconds = (ContinuousClock.now - loading).seconds
        if request.labeller != .model {
            analyzer.models = [:]
            notes = []  // the model file, found or not, is not used
        }
        if request.labeller == .uncalibrated { analyzer.calibrations = [:] }
        var sets: [(language: String, tweets: LabelledTweets)] = []
        for (folder, language) in [("english", "en"), ("french", "fr")] {
            sets.append((language, try Self.labelledTweets(request.data, folder: folder, split: request.split)))
        }
        let labeller = analyzer
        return try await Offload.run { [sets, notes] in
            var rows: [SentimentEvaluationResult.Row] = []
            var analysed = 0
            var seconds = 0.0
            for (language, set) in sets {
                var evaluation = SentimentEvaluation()
                // The labeller's name from one full analysis; the labels from `classify`, as dashboards get them.
                let name = set.examples.first.map { labeller.analyze($0.text, language: language).labeller } ?? ""
                let started = ContinuousClock.now
                for pass in 0..<request.repeats {
                    for example in set.examples {
                        let label = labeller.classify(example.text, language: language).label
                        analysed += 1
                        if pass == 0 { evaluation.add(truth: example.label, predicted: label) }
                    }
                }
                seconds += (ContinuousClock.now - started).seconds
                rows.append(.init(language: language, split: request.split.rawValue, evaluation: evaluation, labeller: name))
            }
            return SentimentEvaluationResult(rows: rows, analysed: analysed, seconds: seconds, loadSeconds: loadSeconds,
                                             notes: notes)
        }
    }

    /// One language folder of a labelled set; errors name the file and line.
    static func labelledTweets(_ root: String, folder: String, split: LabelledTweets.Split) throws -> LabelledTweets {
        do {
            return try LabelledTweets.load(root: URL(fileURLWithPath: root), language: folder, split: split)
        } catch {
            throw EngineError(.unreadableInput, field: "data", "\(error)")
        }
    }
}
