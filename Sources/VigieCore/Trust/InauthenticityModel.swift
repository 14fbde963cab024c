import Foundation

/// The trained inauthenticity model: a logistic model over standardised features whose output
/// is already calibrated (Platt scaling folded into the weights). Saved as a small versioned
/// JSON file (`models/inauthenticity-v1.json`) by `vigie trust train`.
///
/// ```swift
/// let model = try InauthenticityModel.load(from: url)
/// let score = model.score(TrustFeatureExtractor.features(of: subject))
/// print(score.probability, score.reasons(up: 3))
/// ```
public struct InauthenticityModel: Sendable, Codable, Hashable {
    /// The JSON layout this code reads.
    public static let fileFormat = 1

    public struct Parameter: Sendable, Codable, Hashable {
        public var feature: TrustFeature
        /// Mean and standard deviation of the model input on the training data.
        public var mean: Double
        public var scale: Double
        /// Weight on the standardised input, in calibrated logit units.
        public var weight: Double
        /// Share of the confidence this feature carries when it is known.
        public var importance: Double
        /// Where the weight comes from: the data sets it was learnt on, or `prior` (set by hand).
        public var learnedFrom: String
    }

    public var format: Int
    public var name: String
    public var notes: String
    public var intercept: Double
    public var parameters: [Parameter]
    /// Scores at or above this are labelled likely inauthentic.
    public var threshold: Double
    /// The Platt scaling fitted on held-out folds, already folded into the weights (kept for the record).
    public var platt: PlattScaling
    /// The figures measured when the model was trained.
    public var evaluation: TrustTrainingReport?
    /// Standardised inputs are clipped to ± this many training standard deviations (`nil`: not
    /// clipped), so that an account far outside the training data (a celebrity's millions of
    /// followers) is not pushed by a straight line extrapolated beyond it.
    public var inputClip: Double?

    public init(name: String, notes: String, intercept: Double, parameters: [Parameter], threshold: Double,
                platt: PlattScaling, evaluation: TrustTrainingReport?, inputClip: Double? = nil) {
        format = Self.fileFormat
        self.name = name
        self.notes = notes
        self.intercept = intercept
        self.parameters = parameters
        self.threshold = threshold
        self.platt = platt
        self.evaluation = evaluation
        self.inputClip = inputClip
    }

    /// Reads a model file; errors name the file and what is wrong.
    public static func load(from url: URL) throws -> InauthenticityModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TrustError("cannot read the trust model \(url.path): \(error.localizedDescription); "
                             + "pass --model FILE or run `vigie trust train`")
        }
        let model: InauthenticityModel
        do { model = try JSONDecoder().decode(InauthenticityModel.self, from: data) } catch let error as DecodingError {
            throw TrustError("\(url.path) is not a trust model: \(TrustError.describe(error))")
        }
        guard model.format == fileFormat else {
            throw TrustError("\(url.path) has model format \(model.format); this Vigie reads format \(fileFormat)")
        }
        return model
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try data.write(to: url)
    }

    /// Scores one account from its features.
    public func score(_ features: TrustFeatureVector) -> InauthenticityScore {
        var logit = intercept
        var contributions: [InauthenticityScore.Contribution] = []
        var unknown: [TrustFeature] = []
        var knownImportance = 0.0
        var totalImportance = 0.0
        for parameter in parameters {
            totalImportance += parameter.importance
            guard let raw = features[parameter.feature] else {
                unknown.append(parameter.feature)
                continue
            }
            knownImportance += parameter.importance
            var standardised = (parameter.feature.modelInput(raw) - parameter.mean) / parameter.scale
            if let inputClip { standardised = min(max(standardised, -inputClip), inputClip) }
            let contribution = parameter.weight * standardised
            logit += contribution
            contributions.append(.init(feature: parameter.feature, value: raw, contribution: contribution,
                                       sentence: parameter.feature.sentence(raw)))
        }
        contributions.sort { abs($0.contribution) > abs($1.contribution) }
        let probability = sigmoid(logit)
        let confidence = totalImportance > 0 ? knownImportance / totalImportance : 0
        return InauthenticityScore(probability: probability, logit: logit,
                                   label: InauthenticityScore.Label(probability: probability, confidence: confidence,
                                                                    threshold: threshold),
                                   confidence: confidence, known: contributions.count, contributions: contributions,
                                   unknown: unknown)
    }
}

/// How likely an account is fake or automated, and why.
public struct InauthenticityScore: Sendable, Codable, Hashable {
    public enum Label: String, Sendable, Codable, Hashable {
        case likelyInauthentic = "likely inauthentic"
        case suspicious
        case likelyAuthentic = "likely authentic"
        /// Too little is known to say (confidence below `InauthenticityScore.minimumConfidence`).
        case unknown = "not enough data"

        public init(probability: Double, confidence: Double, threshold: Double) {
            if confidence < InauthenticityScore.minimumConfidence {
                self = .unknown
            } else if probability >= threshold {
                self = .likelyInauthentic
            } else if probability >= threshold / 2 {
                self = .suspicious
            } else {
                self = .likelyAuthentic
            }
        }
    }

    /// One feature's signed push on the score (logit units: + raises, − lowers), against an
    /// average training account.
    public struct Contribution: Sendable, Codable, Hashable {
        public var feature: TrustFeature
        public var value: Double
        public var contribution: Double
        public var sentence: String
    }

    /// Below this confidence the label is `unknown`.
    public static let minimumConfidence = 0.25

    /// Calibrated: among accounts scored about 0.8, about 80% are fake or automated (on the training data).
    public var probability: Double
    public var logit: Double
    public var label: Label
    /// Share of the model's signal that was known for this account (0–1).
    public var confidence: Double
    public var known: Int
    /// Known features, strongest push first.
    public var contributions: [Contribution]
    /// Features the data did not give: they count for nothing, and lower the confidence.
    public var unknown: [TrustFeature]

    /// The strongest reasons raising the score.
    public func reasons(up limit: Int) -> [Contribution] {
        Array(contributions.filter { $0.contribution > 0.05 }.prefix(limit))
    }

    /// The strongest reasons lowering the score.
    public func reasons(down limit: Int) -> [Contribution] {
        Array(contributions.filter { $0.contribution < -0.05 }.prefix(limit))
    }
}

/// A trust analysis that cannot run: bad data files, a bad model file.
public struct TrustError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .dataCorrupted(let context): return "invalid JSON\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "missing value\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
