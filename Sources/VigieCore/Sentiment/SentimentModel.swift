import Foundation

/// The supervised sentiment model of one language: a multinomial logistic regression over the
/// lexicon rules' dense features and a pruned bag of stemmed, negation-marked tokens
/// (``SentimentFeatureExtractor``). Trained by `vigie sentiment train` on the training split
/// only, with its hyper-parameters chosen by cross-validation on that split, and shipped in
/// `models/sentiment-v3.json` (``SentimentModelFile``).
///
/// Its explanation is exact for a linear model: the chosen label's logit, relative to the mean of
/// the three, is the sum of ``SentimentContribution``s (tokens, lexicon features, the bias).
///
/// ```swift
/// let file = try SentimentModelFile.load(from: SentimentModelFile.locate(searchingUpFrom: repository))
/// let analyzer = try SentimentAnalyzer(lexicons: lexicons, models: file.models)
/// analyzer.analyze("Les éoliennes tueuses de chauves-souris", language: "fr").contributions
/// ```
public struct SentimentModel: Sendable, Codable, Hashable {
    public var language: String
    public var options: SentimentFeatureOptions
    /// Cross-validated L2 penalty and minimum document frequency of a token feature.
    public var l2: Double
    public var minimumCount: Int
    public var denseNames: [String]
    /// Standardisation of the dense features.
    public var means: [Double]
    public var scales: [Double]
    /// Per dense feature: its weight for negative, neutral, positive (centred: they sum to 0).
    public var denseWeights: [[Double]]
    /// Per token feature (`w:ecolog`, `not:aim`, `e:😍`): its three weights, centred.
    public var tokenWeights: [String: [Double]]
    public var bias: [Double]
    public var training: SentimentTrainingRecord

    /// The three probabilities (negative, neutral, positive) and the `limit` strongest
    /// contributions to the chosen label (the bias left out), strongest first.
    public func predict(dense raw: [Double], tokens: [(feature: String, surface: String)], evidence: [SentimentEvidence],
                        limit: Int = 12) -> (probabilities: [Double], contributions: [SentimentContribution]) {
        var logits = bias
        // Per part: its three logit pushes, and its index (dense feature j, or token position).
        var pushes: [(values: [Double], dense: Int, token: Int)] = []
        for j in 0..<min(raw.count, denseNames.count) {
            let x = Self.standardise(raw[j], mean: means[j], scale: scales[j])
            let c = denseWeights[j].map { $0 * x }
            for k in 0..<3 { logits[k] += c[k] }
            pushes.append((c, j, -1))
        }
        for (position, token) in tokens.enumerated() {
            guard let weights = tokenWeights[token.feature] else { continue }
            for k in 0..<3 { logits[k] += weights[k] }
            pushes.append((weights, -1, position))
        }
        let probabilities = SoftmaxRegression.softmax(logits)
        var best = 0
        for k in 1..<3 where probabilities[k] > probabilities[best] { best = k }
        var ranked: [(push: (values: [Double], dense: Int, token: Int), contribution: Double)] = []
        for push in pushes {
            let contribution = push.values[best] - (push.values[0] + push.values[1] + push.values[2]) / 3
            if abs(contribution) >= 0.005 { ranked.append((push, contribution)) }
        }
        ranked.sort { abs($0.contribution) > abs($1.contribution) }
        let contributions = ranked.prefix(max(0, limit)).map { push, contribution -> SentimentContribution in
            if push.dense >= 0 {
                let name = denseNames[push.dense]
                return SentimentContribution(kind: .lexicon, feature: name, text: Self.describe(name, raw[push.dense], evidence: evidence),
                                             value: raw[push.dense], contribution: contribution)
            }
            let token = tokens[push.token]
            return SentimentContribution(kind: SentimentContribution.Kind(feature: token.feature), feature: token.feature,
                                         text: token.surface, value: 1, contribution: contribution)
        }
        return (probabilities, contributions)
    }

    /// A dense feature standardised and clipped to ±3 standard deviations: a feature that is rare
    /// in training (an idiom, an emoji) cannot, through a tiny standard deviation, outweigh
    /// everything else in one text.
    public static func standardise(_ value: Double, mean: Double, scale: Double) -> Double {
        max(-3, min(3, (value - mean) / scale))
    }

    /// "positive sum 2.60: adore +1.90, belle +0.70".
    static func describe(_ name: String, _ value: Double, evidence: [SentimentEvidence]) -> String {
        let shown = String(format: "%@ %.2f", name, value)
        let words: [SentimentEvidence]
        switch name {
        case "positive sum", "positive items": words = evidence.filter { $0.valence > 0 }
        case "negative sum", "negative items": words = evidence.filter { $0.valence < 0 }
        case "compound": words = evidence
        case "emoji sum": words = evidence.filter { $0.kind == .emoji || $0.kind == .emoticon }
        case "negations": words = evidence.filter { $0.rules.contains { $0.hasPrefix("negated") } }
        case "idioms": words = evidence.filter { $0.kind == .idiom }
        case "boosted items": words = evidence.filter { $0.rules.contains { $0.hasPrefix("boosted") || $0.hasPrefix("dampened") } }
        default: words = []
        }
        guard !words.isEmpty else { return shown }
        return shown + ": " + words.prefix(6).map { String(format: "%@ %+.2f", $0.text, $0.valence) }.joined(separator: ", ")
    }
}

/// One feature's push toward the chosen label: its weight for that label minus the mean of its
/// three weights, times its value (dense features standardised). With the bias, the
/// contributions of all of a text's features sum to the chosen label's logit minus the mean logit.
public struct SentimentContribution: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable {
        /// A word (stem) of the text.
        case word
        /// A word inside a negation's scope.
        case negatedWord
        /// Two adjacent words.
        case bigram
        case emoji
        /// A mention or a link.
        case entity
        /// A feature of the lexicon rules' output (a valence sum, a count of negations, `!`…).
        case lexicon

        init(feature: String) {
            if feature.hasPrefix("not:") { self = .negatedWord } else if feature.hasPrefix("b:") { self = .bigram } else if feature
                .hasPrefix("e:") { self = .emoji } else if feature.hasPrefix("<") { self = .entity } else { self = .word }
        }
    }

    public var kind: Kind
    /// The model's feature name (`w:ecolog`, `not:aim`, `positive sum`).
    public var feature: String
    /// What it stands for in this text: the words as written, or the lexicon feature with its words.
    public var text: String
    public var value: Double
    public var contribution: Double
}

/// How a model was trained and what it measured on its training data (validation figures are
/// never used to build it; `vigie sentiment evaluate` reports them).
public struct SentimentTrainingRecord: Sendable, Codable, Hashable {
    public var data: String
    public var examples: Int
    public var folds: Int
    /// Cross-validated accuracy and macro-F1 of the chosen hyper-parameters on the training split.
    public var crossValidatedAccuracy: Double
    public var crossValidatedMacroF1: Double
    /// The same for the lexicon features alone (no tokens), for comparison.
    public var lexiconOnlyAccuracy: Double
    public var lexiconOnlyMacroF1: Double
    /// The fitted model on its own training data.
    public var trainAccuracy: Double
    public var trainMacroF1: Double
    /// Token features kept after pruning, of those seen at least `minimumCount` times.
    public var tokenFeatures: Int
    public var tokenFeaturesBeforePruning: Int

    public init(data: String, examples: Int, folds: Int, crossValidatedAccuracy: Double, crossValidatedMacroF1: Double,
                lexiconOnlyAccuracy: Double, lexiconOnlyMacroF1: Double, trainAccuracy: Double, trainMacroF1: Double,
                tokenFeatures: Int, tokenFeaturesBeforePruning: Int) {
        self.data = data
        self.examples = examples
        self.folds = folds
        self.crossValidatedAccuracy = crossValidatedAccuracy
        self.crossValidatedMacroF1 = crossValidatedMacroF1
        self.lexiconOnlyAccuracy = lexiconOnlyAccuracy
        self.lexiconOnlyMacroF1 = lexiconOnlyMacroF1
        self.trainAccuracy = trainAccuracy
        self.trainMacroF1 = trainMacroF1
        self.tokenFeatures = tokenFeatures
        self.tokenFeaturesBeforePruning = tokenFeaturesBeforePruning
    }
}

/// The versioned file of sentiment models, one per language: `models/sentiment-v3.json`.
public struct SentimentModelFile: Sendable, Codable, Hashable {
    /// The layout this code reads; bumped when the features change, so stale files are refused.
    public static let currentFormat = 3
    public static let fileName = "sentiment-v3.json"

    public var format: Int
    public var name: String
    public var notes: String
    public var models: [String: SentimentModel]

    public init(name: String = "sentiment-v3", notes: String, models: [String: SentimentModel]) {
        format = Self.currentFormat
        self.name = name
        self.notes = notes
        self.models = models
    }

    /// Reads a model file; errors name the file and what to do.
    public static func load(from url: URL) throws -> SentimentModelFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SentimentModelError("cannot read the sentiment model \(url.path): \(error.localizedDescription); "
                                      + "name another model file, or train the models")
        }
        let file: SentimentModelFile
        do { file = try JSONDecoder().decode(SentimentModelFile.self, from: data) } catch {
            throw SentimentModelError("\(url.path) is not a sentiment model file (\(error)); train the models again to rewrite it")
        }
        guard file.format == currentFormat else {
            throw SentimentModelError("\(url.path) has format \(file.format), this Vigie reads format \(currentFormat); "
                                      + "train the models again to rewrite it")
        }
        for (language, model) in file.models {
            let width = model.denseNames.count
            guard model.denseNames == SentimentFeatureExtractor.denseNames, model.means.count == width, model.scales.count == width,
                  model.denseWeights.count == width, model.denseWeights.allSatisfy({ $0.count == 3 }), model.bias.count == 3,
                  model.tokenWeights.values.allSatisfy({ $0.count == 3 }), model.scales.allSatisfy({ $0 > 0 })
            else {
                throw SentimentModelError("\(url.path): the '\(language)' model does not match this Vigie's features; "
                                          + "train the models again to rewrite it")
            }
        }
        return file
    }

    /// Finds `models/sentiment-v3.json` in `start` or a folder above it; tests pass `#filePath`.
    public static func locate(searchingUpFrom start: URL) throws -> URL {
        var searched: [String] = []
        if let found = search(upFrom: start, searched: &searched) { return found }
        throw SentimentModelError("sentiment model not found in \(searched.prefix(3).joined(separator: ", "))")
    }

    private static func search(upFrom start: URL, searched: inout [String]) -> URL? {
        var folder = start.standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent("models").appendingPathComponent(fileName)
            searched.append(candidate.path)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path || folder.path == "/" { return nil }
            folder = parent
        }
    }

    /// The JSON text: keys sorted, one token feature per line, weights rounded to 4 decimals.
    public func encoded() throws -> String {
        var rounded = self
        func round4(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
        func round6(_ value: Double) -> Double { Double(String(format: "%.6g", value)) ?? value }
        for (language, model) in models {
            var model = model
            model.means = model.means.map(round6)
            model.scales = model.scales.map(round6)
            model.denseWeights = model.denseWeights.map { $0.map(round4) }
            model.tokenWeights = model.tokenWeights.mapValues { $0.map(round4) }
            model.bias = model.bias.map(round4)
            model.training.crossValidatedAccuracy = round4(model.training.crossValidatedAccuracy)
            model.training.crossValidatedMacroF1 = round4(model.training.crossValidatedMacroF1)
            model.training.lexiconOnlyAccuracy = round4(model.training.lexiconOnlyAccuracy)
            model.training.lexiconOnlyMacroF1 = round4(model.training.lexiconOnlyMacroF1)
            model.training.trainAccuracy = round4(model.training.trainAccuracy)
            model.training.trainMacroF1 = round4(model.training.trainMacroF1)
            rounded.models[language] = model
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(rounded), as: UTF8.self)
        // Arrays of numbers on one line each: a readable, diffable file.
        let pattern = try NSRegularExpression(pattern: #"\[\s*(-?[0-9][0-9.eE+-]*(?:,\s*-?[0-9][0-9.eE+-]*)*)\s*\]"#)
        let range = NSRange(text.startIndex..., in: text)
        var out = ""
        var last = text.startIndex
        for match in pattern.matches(in: text, range: range) {
            guard let whole = Range(match.range, in: text), let inner = Range(match.range(at: 1), in: text) else { continue }
            out += text[last..<whole.lowerBound]
            let numbers = text[inner].split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            out += "[" + numbers.joined(separator: ", ") + "]"
            last = whole.upperBound
        }
        out += text[last...]
        return out + "\n"
    }
}

public struct SentimentModelError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
