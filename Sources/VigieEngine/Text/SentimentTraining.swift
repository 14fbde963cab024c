import Foundation
import VigieCore

/// Training of the sentiment models on the train split of labelled tweets.
public struct SentimentTrainingRequest: Sendable, Hashable {
    /// The folder holding `english/` and `french/` (only their train split is read).
    public var data: String
    /// Cross-validation folds.
    public var folds: Int
    public var grid: SentimentTrainingGrid
    /// How many of the best grid points to keep per language in the result.
    public var show: Int
    /// Also refit the lexicon-only calibration (the fallback without a model file).
    public var calibration: Bool

    public init(data: String, folds: Int = 5, grid: SentimentTrainingGrid = SentimentTrainingGrid(), show: Int = 8,
                calibration: Bool = false) {
        self.data = data
        self.folds = folds
        self.grid = grid
        self.show = show
        self.calibration = calibration
    }

    public func validate() throws(EngineError) {
        guard folds >= 2 else { throw EngineError(.invalidArgument, field: "folds", "cross-validation needs at least 2 folds") }
        guard !grid.l2.isEmpty, grid.l2.allSatisfy({ $0 > 0 }) else {
            throw EngineError(.invalidArgument, field: "l2", "the L2 penalties must be positive values")
        }
        guard !grid.minimumCounts.isEmpty, grid.minimumCounts.allSatisfy({ $0 >= 1 }) else {
            throw EngineError(.invalidArgument, field: "minCount", "the minimum counts must be values of at least 1")
        }
        guard !grid.bigrams.isEmpty, !grid.stemming.isEmpty else {
            throw EngineError(.invalidArgument, field: "bigrams", "the bigram and stemming settings need a value each")
        }
    }
}

/// The models trained, language by language, and the file that holds them.
public struct SentimentTrainingResult: Sendable {
    public struct Language: Sendable {
        public var language: String
        public var examples: Int
        public var gridPoints: Int
        public var folds: Int
        public var seconds: Double
        /// The model fitted on every example with the chosen settings, and its training record.
        public var model: SentimentModel
        /// The best grid points by cross-validated macro-F1, best first.
        public var best: [SentimentCrossValidation]
        /// The refitted lexicon-only calibration, when asked for.
        public var calibration: SentimentCalibration?
    }

    public var languages: [Language]
    /// The model file to save (``SentimentModelFile/encoded()`` gives its text).
    public var file: SentimentModelFile
}

extension Engine {
    /// Trains one model per language (English, French) on the train split only: every grid point
    /// is measured by stratified k-fold cross-validation, the best macro-F1 (within 0.002 of it,
    /// the fewest token features) is fitted on the whole split. Deterministic: the same data gives
    /// the same file. `progress` gets each language as it is done (a language takes minutes).
    ///
    /// ```swift
    /// let result = try await Engine.trainSentiment(SentimentTrainingRequest(data: "../shared/data/tweets-sentiment-xlmt"),
    ///                                              resources: engine.resources)
    /// try result.file.encoded().write(toFile: "models/sentiment-v3.json", atomically: true, encoding: .utf8)
    /// ```
    public static func trainSentiment(_ request: SentimentTrainingRequest, resources: Resources,
                                      progress: (@Sendable (SentimentTrainingResult.Language) -> Void)? = nil)
        async throws -> SentimentTrainingResult {
        try request.validate()
        let analyzer: SentimentAnalyzer
        do {
            // Rules only: the models are what is being trained, and the calibration is refitted apart.
            analyzer = try SentimentAnalyzer(lexicons: try resources.lexicons(), calibrations: [:])
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.resourceMissing, field: "lexicons", "\(error)")
        }
        var languages: [SentimentTrainingResult.Language] = []
        var models: [String: SentimentModel] = [:]
        for (folder, language) in [("english", "en"), ("french", "fr")] {
            try Task.checkCancellation()
            let set = try labelledTweets(request.data, folder: folder, split: .train)
            let trained = try await Offload.run {
                let started = ContinuousClock.now
                let trainer = SentimentModelTrainer(analyzer: analyzer, language: language, folds: request.folds)
                let (model, points) = trainer.train(set.examples, grid: request.grid,
                                                    data: "xlm-t \(folder) train, \(set.examples.count) tweets")
                var calibration: SentimentCalibration?
                if request.calibration {
                    let scores = set.examples.map { analyzer.score($0.text, language: language) }
                    calibration = SentimentCalibration.train(
                        language: language, features: scores.map(\.features), labels: set.examples.map(\.label.classIndex),
                        trainedOn: "xlm-t \(folder) train, \(set.examples.count) tweets")
                }
                return SentimentTrainingResult.Language(
                    language: language, examples: set.examples.count, gridPoints: request.grid.points.count, folds: request.folds,
                    seconds: (ContinuousClock.now - started).seconds, model: model,
                    best: Array(points.sorted { $0.macroF1 > $1.macroF1 }.prefix(max(1, request.show))),
                    calibration: calibration)
            }
            models[language] = trained.model
            languages.append(trained)
            progress?(trained)
        }
        let file = SentimentModelFile(
            notes: "Trained on the xlm-t training splits only; hyper-parameters by "
                + "\(request.folds)-fold cross-validation on them. Lexicons: vaderSentiment, vaderSentiment-fr (not included).",
            models: models)
        return SentimentTrainingResult(languages: languages, file: file)
    }

    /// The same on this engine's resources.
    public func trainSentiment(_ request: SentimentTrainingRequest,
                               progress: (@Sendable (SentimentTrainingResult.Language) -> Void)? = nil)
        async throws -> SentimentTrainingResult {
        try await Self.trainSentiment(request, resources: resources, progress: progress)
    }
}
