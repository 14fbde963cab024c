import Foundation

/// The hyper-parameters `vigie sentiment train` tries, each by k-fold cross-validation on the
/// training split.
public struct SentimentTrainingGrid: Sendable, Hashable {
    public var l2: [Double]
    public var minimumCounts: [Int]
    public var bigrams: [Bool]
    public var stemming: [Bool]
    public var negationWindows: [Int]

    public init(l2: [Double] = [0.03, 0.01, 0.003, 0.001], minimumCounts: [Int] = [1, 2, 3], bigrams: [Bool] = [false, true],
                stemming: [Bool] = [true, false], negationWindows: [Int] = [3]) {
        self.l2 = l2
        self.minimumCounts = minimumCounts
        self.bigrams = bigrams
        self.stemming = stemming
        self.negationWindows = negationWindows
    }

    /// One point: for a quick, fixed fit (tests).
    public static func single(l2: Double, minimumCount: Int, options: SentimentFeatureOptions) -> SentimentTrainingGrid {
        SentimentTrainingGrid(l2: [l2], minimumCounts: [minimumCount], bigrams: [options.bigrams], stemming: [options.stemming],
                              negationWindows: [options.negationWindow])
    }

    public var points: [(options: SentimentFeatureOptions, l2: Double, minimumCount: Int)] {
        var out: [(SentimentFeatureOptions, Double, Int)] = []
        for stemming in stemming {
            for bigrams in bigrams {
                for window in negationWindows {
                    for minimumCount in minimumCounts {
                        for l2 in l2 {
                            out.append((SentimentFeatureOptions(stemming: stemming, bigrams: bigrams, negationWindow: window), l2, minimumCount))
                        }
                    }
                }
            }
        }
        return out
    }
}

/// One grid point's cross-validated figures.
public struct SentimentCrossValidation: Sendable, Hashable {
    public var options: SentimentFeatureOptions
    public var l2: Double
    public var minimumCount: Int
    public var accuracy: Double
    public var macroF1: Double
    /// Mean number of token features kept per fold model.
    public var tokenFeatures: Double
}

/// Trains a ``SentimentModel`` for one language from labelled texts: cross-validates the grid on
/// them (stratified folds, fixed seed), picks the best macro-F1 (within 0.002 of it, the smallest
/// model), then fits on all of them. Every step is deterministic.
///
/// ```swift
/// let trainer = SentimentModelTrainer(analyzer: analyzer, language: "fr")
/// let train = try LabelledTweets.load(root: data, language: "french", split: .train)
/// let outcome = trainer.train(train.examples, grid: SentimentTrainingGrid(), data: "xlm-t french train")
/// outcome.model.training.crossValidatedMacroF1
/// ```
public struct SentimentModelTrainer: Sendable {
    public let analyzer: SentimentAnalyzer
    public let language: String
    public var folds: Int
    /// Token features whose three centred weights are all smaller than this are dropped.
    public var pruneBelow: Double
    public var seed: UInt64

    public init(analyzer: SentimentAnalyzer, language: String, folds: Int = 5, pruneBelow: Double = 0.01, seed: UInt64 = 42) {
        self.analyzer = analyzer
        self.language = language
        self.folds = folds
        self.pruneBelow = pruneBelow
        self.seed = seed
    }

    var lexicon: SentimentLexicon { language == "fr" ? analyzer.french : analyzer.english }

    /// What the rules say of each text, computed once for every grid point.
    struct Prepared {
        var dense: [[Double]]
        var evidence: [[SentimentEvidence]]
        var labels: [Int]
        var texts: [String]
        var tokenCache: [SentimentFeatureOptions: [[String]]] = [:]

        mutating func tokens(_ options: SentimentFeatureOptions, lexicon: SentimentLexicon, language: String) -> [[String]] {
            if let cached = tokenCache[options] { return cached }
            let extractor = SentimentFeatureExtractor(language: language, lexicon: lexicon, options: options)
            let tokens = texts.map { extractor.tokenFeatures($0).map(\.feature) }
            tokenCache[options] = tokens
            return tokens
        }
    }

    func prepare(_ examples: [LabelledTweets.Example]) -> Prepared {
        let extractor = SentimentFeatureExtractor(language: language, lexicon: lexicon)
        var dense: [[Double]] = []
        var evidence: [[SentimentEvidence]] = []
        for example in examples {
            let score = analyzer.score(example.text, language: language)
            dense.append(extractor.dense(score, text: example.text))
            evidence.append(score.evidence)
        }
        return Prepared(dense: dense, evidence: evidence, labels: examples.map(\.label.classIndex), texts: examples.map(\.text))
    }

    /// Stratified folds: each label's examples shuffled with the seed, then dealt in turn.
    func foldOf(_ labels: [Int]) -> [Int] {
        var generator = SeededRandom(seed: seed)
        var fold = [Int](repeating: 0, count: labels.count)
        for label in 0..<3 {
            var members = labels.indices.filter { labels[$0] == label }
            members.shuffle(using: &generator)
            for (position, index) in members.enumerated() { fold[index] = position % folds }
        }
        return fold
    }

    /// Cross-validated figures of every grid point, in grid order; `lexiconOnly` adds the
    /// figures of the dense features alone (no token), at the grid's first L2.
    public func crossValidate(_ examples: [LabelledTweets.Example], grid: SentimentTrainingGrid)
        -> (points: [SentimentCrossValidation], lexiconOnly: SentimentEvaluation) {
        var prepared = prepare(examples)
        return crossValidate(&prepared, grid: grid)
    }

    func crossValidate(_ prepared: inout Prepared, grid: SentimentTrainingGrid) -> (points: [SentimentCrossValidation], lexiconOnly: SentimentEvaluation) {
        let fold = foldOf(prepared.labels)
        var results: [SentimentCrossValidation] = []
        for point in grid.points {
            let tokens = prepared.tokens(point.options, lexicon: lexicon, language: language)
            var evaluation = SentimentEvaluation()
            var features = 0
            for k in 0..<folds {
                let trainIndices = prepared.labels.indices.filter { fold[$0] != k }
                let testIndices = prepared.labels.indices.filter { fold[$0] == k }
                let model = fit(prepared, tokens: tokens, indices: trainIndices, options: point.options, l2: point.l2,
                                minimumCount: point.minimumCount)
                features += model.tokenWeights.count
                for index in testIndices {
                    let p = model.probabilities(dense: prepared.dense[index], tokens: tokens[index])
                    evaluation.add(truth: SentimentLabel(classIndex: prepared.labels[index]) ?? .neutral, predicted: Self.label(p))
                }
            }
            results.append(SentimentCrossValidation(options: point.options, l2: point.l2, minimumCount: point.minimumCount,
                                                    accuracy: evaluation.accuracy, macroF1: evaluation.macroF1,
                                                    tokenFeatures: Double(features) / Double(folds)))
        }
        var lexiconOnly = SentimentEvaluation()
        let none = [[String]](repeating: [], count: prepared.labels.count)
        for k in 0..<folds {
            let trainIndices = prepared.labels.indices.filter { fold[$0] != k }
            let model = fit(prepared, tokens: none, indices: trainIndices, options: SentimentFeatureOptions(), l2: grid.l2.first ?? 0.01,
                            minimumCount: 1)
            for index in prepared.labels.indices where fold[index] == k {
                let p = model.probabilities(dense: prepared.dense[index], tokens: [])
                lexiconOnly.add(truth: SentimentLabel(classIndex: prepared.labels[index]) ?? .neutral, predicted: Self.label(p))
            }
        }
        return (results, lexiconOnly)
    }

    /// The chosen grid point: the best macro-F1; within 0.002 of it, the fewest token features.
    public static func choose(_ points: [SentimentCrossValidation]) -> SentimentCrossValidation? {
        guard let best = points.map(\.macroF1).max() else { return nil }
        return points.filter { $0.macroF1 >= best - 0.002 }.min { a, b in
            a.tokenFeatures != b.tokenFeatures ? a.tokenFeatures < b.tokenFeatures : a.macroF1 > b.macroF1
        }
    }

    /// Cross-validates the grid, then fits the chosen point on every example.
    public func train(_ examples: [LabelledTweets.Example], grid: SentimentTrainingGrid, data: String)
        -> (model: SentimentModel, crossValidation: [SentimentCrossValidation]) {
        var prepared = prepare(examples)
        let (points, lexiconOnly) = crossValidate(&prepared, grid: grid)
        let chosen = Self.choose(points) ?? SentimentCrossValidation(options: SentimentFeatureOptions(), l2: 0.01, minimumCount: 2,
                                                                      accuracy: 0, macroF1: 0, tokenFeatures: 0)
        let tokens = prepared.tokens(chosen.options, lexicon: lexicon, language: language)
        var model = fit(prepared, tokens: tokens, indices: Array(prepared.labels.indices), options: chosen.options, l2: chosen.l2,
                        minimumCount: chosen.minimumCount)
        var onTrain = SentimentEvaluation()
        for index in prepared.labels.indices {
            onTrain.add(truth: SentimentLabel(classIndex: prepared.labels[index]) ?? .neutral,
                        predicted: Self.label(model.probabilities(dense: prepared.dense[index], tokens: tokens[index])))
        }
        model.training = SentimentTrainingRecord(
            data: data, examples: examples.count, folds: folds, crossValidatedAccuracy: chosen.accuracy,
            crossValidatedMacroF1: chosen.macroF1, lexiconOnlyAccuracy: lexiconOnly.accuracy, lexiconOnlyMacroF1: lexiconOnly.macroF1,
            trainAccuracy: onTrain.accuracy, trainMacroF1: onTrain.macroF1, tokenFeatures: model.tokenWeights.count,
            tokenFeaturesBeforePruning: model.training.tokenFeaturesBeforePruning)
        return (model, points)
    }

    /// Fits one model on every example with the given hyper-parameters (no cross-validation).
    public func fit(_ examples: [LabelledTweets.Example], options: SentimentFeatureOptions, l2: Double, minimumCount: Int) -> SentimentModel {
        var prepared = prepare(examples)
        let tokens = prepared.tokens(options, lexicon: lexicon, language: language)
        return fit(prepared, tokens: tokens, indices: Array(prepared.labels.indices), options: options, l2: l2, minimumCount: minimumCount)
    }

    static func label(_ probabilities: [Double]) -> SentimentLabel {
        var best = 0
        for k in 1..<3 where probabilities[k] > probabilities[best] { best = k }
        return SentimentLabel(classIndex: best) ?? .neutral
    }

    /// Fits one model on `indices` of the prepared examples.
    func fit(_ prepared: Prepared, tokens: [[String]], indices: [Int], options: SentimentFeatureOptions, l2: Double,
             minimumCount: Int) -> SentimentModel {
        let width = SentimentFeatureExtractor.denseNames.count
        var means = [Double](repeating: 0, count: width)
        var scales = [Double](repeating: 1, count: width)
        for column in 0..<width {
            let values = indices.map { prepared.dense[$0][column] }
            let mean = values.reduce(0, +) / Double(max(1, values.count))
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, values.count))
            means[column] = mean
            scales[column] = variance > 1e-12 ? variance.squareRoot() : 1
        }
        var counts: [String: Int] = [:]
        for index in indices {
            for feature in tokens[index] { counts[feature, default: 0] += 1 }
        }
        let vocabulary = counts.filter { $0.value >= minimumCount }.keys.sorted()
        var position: [String: Int32] = [:]
        for (offset, feature) in vocabulary.enumerated() { position[feature] = Int32(offset) }
        let rows = indices.map { index in
            SoftmaxRegression.Row(dense: (0..<width).map { SentimentModel.standardise(prepared.dense[index][$0], mean: means[$0], scale: scales[$0]) },
                                  sparse: tokens[index].compactMap { position[$0] }.sorted(), label: prepared.labels[index])
        }
        let fitted = SoftmaxRegression.fit(rows, denseCount: width, sparseCount: vocabulary.count, l2: l2)
        func centred(_ weights: [Double]) -> [Double] {
            let mean = weights.reduce(0, +) / 3
            return weights.map { $0 - mean }
        }
        var tokenWeights: [String: [Double]] = [:]
        for (offset, feature) in vocabulary.enumerated() {
            let weights = centred((0..<3).map { fitted.sparseWeight(offset, $0) })
            if weights.contains(where: { abs($0) >= pruneBelow }) { tokenWeights[feature] = weights }
        }
        let record = SentimentTrainingRecord(
            data: "", examples: indices.count, folds: 0, crossValidatedAccuracy: 0, crossValidatedMacroF1: 0, lexiconOnlyAccuracy: 0,
            lexiconOnlyMacroF1: 0, trainAccuracy: 0, trainMacroF1: 0, tokenFeatures: tokenWeights.count,
            tokenFeaturesBeforePruning: vocabulary.count)
        return SentimentModel(
            language: language, options: options, l2: l2, minimumCount: minimumCount, denseNames: SentimentFeatureExtractor.denseNames,
            means: means, scales: scales, denseWeights: (0..<width).map { j in centred((0..<3).map { fitted.denseWeight(j, $0) }) },
            tokenWeights: tokenWeights, bias: centred((0..<3).map { fitted.bias($0) }), training: record)
    }
}

extension SentimentModel {
    /// The probabilities only (no explanation), for evaluation loops.
    public func probabilities(dense raw: [Double], tokens: [String]) -> [Double] {
        var logits = bias
        for j in 0..<min(raw.count, denseNames.count) {
            let x = SentimentModel.standardise(raw[j], mean: means[j], scale: scales[j])
            for k in 0..<3 { logits[k] += denseWeights[j][k] * x }
        }
        for token in tokens {
            guard let weights = tokenWeights[token] else { continue }
            for k in 0..<3 { logits[k] += weights[k] }
        }
        return SoftmaxRegression.softmax(logits)
    }
}
