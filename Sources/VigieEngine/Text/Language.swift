import Foundation
import VigieCore

/// How languages are identified (langdetect's profiles, character n-grams).
public struct LanguageSettings: Sendable, Hashable {
    /// Candidate languages; `nil`: every profile in the language data.
    public var languages: [String]?
    /// Below this confidence the answer is `und`.
    public var minimumConfidence: Double
    /// N-grams counted as independent evidence for the confidence.
    public var effectiveNGrams: Double

    public init(languages: [String]? = LanguageIdentifier.defaultLanguages, minimumConfidence: Double = 0.5,
                effectiveNGrams: Double = 25) {
        self.languages = languages
        self.minimumConfidence = minimumConfidence
        self.effectiveNGrams = effectiveNGrams
    }

    public func validate() throws(EngineError) {
        guard (0...1).contains(minimumConfidence) else {
            throw EngineError(.invalidArgument, field: "minConfidence", "the minimum confidence must be in 0…1")
        }
        guard effectiveNGrams > 0 else {
            throw EngineError(.invalidArgument, field: "effectiveNgrams", "the effective n-grams must be positive")
        }
    }

    /// The identifier these settings describe, on the configured language data.
    func identifier(_ resources: Resources) throws -> LanguageIdentifier {
        try validate()
        let lexicons = try resources.lexicons()
        do {
            return try LanguageIdentifier(lexicons: lexicons, languages: languages, minimumConfidence: minimumConfidence,
                                          effectiveNGrams: effectiveNGrams)
        } catch {
            throw EngineError(.invalidArgument, field: "languages", "\(error)")
        }
    }
}

/// A text's language, with the runners-up.
public struct LanguageIdentification: Sendable, Hashable, Codable {
    public struct Candidate: Sendable, Hashable, Codable {
        public var language: String
        public var probability: Double
    }

    /// A code such as `fr`, or `und` when the text is too short or unclear.
    public var language: String
    public var confidence: Double
    public var letters: Int
    public var ngrams: Int
    /// Every candidate, most probable first.
    public var candidates: [Candidate]
}

/// Labelled tweets to measure identification on (one folder per language, like tweets-sentiment-xlmt).
public struct LanguageEvaluationRequest: Sendable, Hashable {
    public var data: String
    public var split: LabelledTweets.Split
    public var settings: LanguageSettings
    /// Identifies every text this many times (for throughput); accuracy counts the first pass.
    public var repeats: Int

    public init(data: String, split: LabelledTweets.Split = .validation, settings: LanguageSettings = LanguageSettings(),
                repeats: Int = 1) {
        self.data = data
        self.split = split
        self.settings = settings
        self.repeats = repeats
    }
}

/// Accuracy per language, the confusions, and throughput.
public struct LanguageEvaluationResult: Sendable {
    public var evaluation: LanguageEvaluation
    /// Texts identified (every pass) and the time it took.
    public var identified: Int
    public var seconds: Double
    /// Time to load the language profiles.
    public var loadSeconds: Double
}

extension Engine {
    /// Identifies the language of a text.
    ///
    /// ```swift
    /// let answer = try Engine.identifyLanguage("Ceci est un texte en français", resources: engine.resources)
    /// print(answer.language, answer.confidence)   // fr 0.99…
    /// ```
    public static func identifyLanguage(_ text: String, settings: LanguageSettings = LanguageSettings(),
                                        resources: Resources) throws -> LanguageIdentification {
        let identifier = try settings.identifier(resources)
        let answer = identifier.identify(text)
        let ranking = identifier.rank(text)
        return LanguageIdentification(
            language: answer.language, confidence: answer.confidence, letters: ranking.letters, ngrams: ranking.ngrams,
            candidates: ranking.candidates.map { .init(language: $0.language, probability: $0.probability) })
    }

    /// Measures identification on labelled tweets: accuracy per language, the worst confusions,
    /// and the time per text.
    ///
    /// ```swift
    /// let result = try await Engine.evaluateLanguage(LanguageEvaluationRequest(data: "../shared/data/tweets-sentiment-xlmt"),
    ///                                                resources: engine.resources)
    /// print(result.evaluation.accuracy)
    /// ```
    public static func evaluateLanguage(_ request: LanguageEvaluationRequest,
                                        resources: Resources) async throws -> LanguageEvaluationResult {
        guard request.repeats >= 1 else {
            throw EngineError(.invalidArgument, field: "repeat", "the number of passes must be at least 1")
        }
        let loading = ContinuousClock.now
        let identifier = try request.settings.identifier(resources)
        let loadSeconds = (ContinuousClock.now - loading).seconds
        let root = URL(fileURLWithPath: request.data)
        var sets: [(truth: String, texts: [String])] = []
        do {
            for folder in try LabelledTweets.folders(root: root, split: request.split) {
                guard let truth = LabelledTweets.folderLanguages[folder] else { continue }
                sets.append((truth, try LabelledTweets.load(root: root, language: folder, split: request.split).examples.map(\.text)))
            }
        } catch {
            throw EngineError(.unreadableInput, field: "data", "\(error)")
        }
        return try await Offload.run { [sets] in
            var evaluation = LanguageEvaluation()
            var identified = 0
            let started = ContinuousClock.now
            for pass in 0..<request.repeats {
                for set in sets {
                    for text in set.texts {
                        let language = identifier.identify(text).language
                        identified += 1
                        if pass == 0 { evaluation.add(truth: set.truth, predicted: language) }
                    }
                }
            }
            return LanguageEvaluationResult(evaluation: evaluation, identified: identified,
                                            seconds: (ContinuousClock.now - started).seconds, loadSeconds: loadSeconds)
        }
    }
}
