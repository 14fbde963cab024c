import Foundation

/// The trained inauthenticity model: a calibrated profile model (small gradient-boosted trees or
/// a logistic model; the file keeps a list of them by platform family, today one for every
/// platform) whose output is a log likelihood ratio, plus behaviour and graph weights added in
/// logit units, plus the log odds of the population's prior. Platt scaling fitted on held-out
/// sets is folded into every part. Saved as a small versioned JSON file
/// (`models/inauthenticity-v3.json`) by `vigie trust train`.
///
/// ```swift
/// let model = try InauthenticityModel.load(from: url)
/// let score = model.score(subject, prior: 0.2)        // the workspace expects 20% fake accounts
/// print(score.probability, score.label, score.unsure, score.reasons(up: 3))
/// ```
public struct InauthenticityModel: Sendable, Codable, Hashable {
    /// The JSON layout this code reads.
    public static let fileFormat = 3

    public struct Parameter: Sendable, Codable, Hashable {
        public var feature: TrustFeature
        /// Mean and standard deviation of the model input on the training data.
        public var mean: Double
        public var scale: Double
        /// Weight on the standardised input, in calibrated logit units.
        public var weight: Double
        /// How much of the model's signal this feature carries when known (|weight|; the prior's 0):
        /// confidence is the known features' share of the total.
        public var importance: Double
        /// Where the weight comes from: the data sets it was learnt on, or `prior` (set by hand).
        public var learnedFrom: String

        public init(feature: TrustFeature, mean: Double, scale: Double, weight: Double, importance: Double, learnedFrom: String) {
            self.feature = feature
            self.mean = mean
            self.scale = scale
            self.weight = weight
            self.importance = importance
            self.learnedFrom = learnedFrom
        }
    }

    /// A feature the trees of a profile model read, with its importance (mean |contribution| on
    /// the training accounts, calibrated logit units).
    public struct TreeFeature: Sendable, Codable, Hashable {
        public var feature: TrustFeature
        public var importance: Double

        public init(feature: TrustFeature, importance: Double) {
            self.feature = feature
            self.importance = importance
        }
    }

    /// The profile stage for one family of platforms.
    public struct ProfileModel: Sendable, Codable, Hashable {
        public enum Learner: String, Sendable, Codable, Hashable {
            case logistic
            case boostedTrees = "boosted-trees"
        }

        /// `instagram`, `twitter` or `pooled`.
        public var family: String
        /// The platforms scored with it.
        public var platforms: [Platform]
        /// The labelled sets it was trained on.
        public var trainedOn: String
        public var learner: Learner
        /// Calibrated logit of an account with nothing known (logistic: the intercept; trees:
        /// the base plus every root's value).
        public var intercept: Double
        /// Logistic weights (empty for trees).
        public var parameters: [Parameter]
        /// Trees over the model inputs of `treeFeatures` (in that order), Platt scaling folded in.
        public var trees: BoostedTrees?
        public var treeFeatures: [TreeFeature]?
        /// Scores at or above this are labelled likely inauthentic (best F1 on held-out folds).
        public var threshold: Double
        /// The Platt scaling fitted on held-out folds, already folded in (kept for the record).
        public var platt: PlattScaling
        /// How the learner was chosen (cross-validation inside the training data).
        public var selection: String

        public init(family: String, platforms: [Platform], trainedOn: String, learner: Learner, intercept: Double,
                    parameters: [Parameter], trees: BoostedTrees? = nil, treeFeatures: [TreeFeature]? = nil,
                    threshold: Double, platt: PlattScaling, selection: String = "") {
            self.family = family
            self.platforms = platforms
            self.trainedOn = trainedOn
            self.learner = learner
            self.intercept = intercept
            self.parameters = parameters
            self.trees = trees
            self.treeFeatures = treeFeatures
            self.threshold = threshold
            self.platt = platt
            self.selection = selection
        }

        /// The features it reads.
        public var features: [TrustFeature] {
            learner == .boostedTrees ? (treeFeatures ?? []).map(\.feature) : parameters.map(\.feature)
        }
    }

    /// Which family scores a platform: Instagram-like (photo and video platforms with bought
    /// followers: Instagram, TikTok) from the SRF study, Twitter-like (microblogs with bios and
    /// follow counts: Twitter/X, Mastodon, Bluesky) from the TwiBot study, and the pooled model
    /// for the rest (YouTube, unnamed CSV platforms), which has no labelled data of its own.
    public static func family(of platform: Platform) -> String {
        switch platform {
        case .instagram, .tiktok: return "instagram"
        case .twitter, .mastodon, .bluesky: return "twitter"
        case .youtube, .other: return "pooled"
        }
    }

    public var format: Int
    public var name: String
    public var notes: String
    public var profiles: [ProfileModel]
    /// The family used when a platform's own is not in the file.
    public var defaultFamily: String
    /// Behaviour, graph and prior weights, the same for every family, added to the profile logit.
    public var behaviour: [Parameter]
    /// The figures measured when the model was trained.
    public var evaluation: TrustTrainingReport?
    /// Standardised inputs of the logistic parts are clipped to ± this many training standard
    /// deviations (`nil`: not clipped), so that an account far outside the training data (a
    /// celebrity's millions of followers) is not pushed by a straight line extrapolated beyond it.
    public var inputClip: Double?
    /// The share of fake accounts assumed in a population when its workspace sets none. The
    /// profile logit is a log likelihood ratio (calibrated on held-out sets with both classes
    /// weighted alike); the prior's log odds are added to it.
    public var defaultPrior: Double = 0.15
    /// The precision the label threshold was chosen for (on the leave-one-dataset-out predictions).
    public var precisionTarget: Double = 0.8
    /// Platforms the profile model saw in training; others are scored, marked unsure.
    public var trainedPlatforms: [Platform] = []
    /// The range of each profile feature in training (raw values, smallest to largest): a value
    /// outside it makes the score unsure (trees are flat beyond their last split, and the
    /// calibration was never measured there).
    public var featureRanges: [FeatureRange] = []

    /// Where a feature's training values lie.
    public struct FeatureRange: Sendable, Codable, Hashable {
        public var feature: TrustFeature
        public var low: Double
        public var high: Double

        public init(feature: TrustFeature, low: Double, high: Double) {
            self.feature = feature
            self.low = low
            self.high = high
        }
    }

    /// Below this share of the profile model's signal known, a score is unsure.
    public static let minimumConfidence = 0.35

    public init(name: String, notes: String, profiles: [ProfileModel], defaultFamily: String, behaviour: [Parameter],
                evaluation: TrustTrainingReport?, inputClip: Double? = nil) {
        format = Self.fileFormat
        self.name = name
        self.notes = notes
        self.profiles = profiles
        self.defaultFamily = defaultFamily
        self.behaviour = behaviour
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
        struct Header: Decodable { var format: Int? }
        if let header = try? JSONDecoder().decode(Header.self, from: data), let format = header.format, format != fileFormat {
            throw TrustError("\(url.path) has model format \(format); this Vigie reads format \(fileFormat) "
                             + "(run `vigie trust train`, or use models/inauthenticity-v3.json)")
        }
        let model: InauthenticityModel
        do { model = try JSONDecoder().decode(InauthenticityModel.self, from: data) } catch let error as DecodingError {
            throw TrustError("\(url.path) is not a trust model: \(TrustError.describe(error))")
        }
        guard model.profiles.contains(where: { $0.family == model.defaultFamily }) else {
            throw TrustError("\(url.path): defaultFamily '\(model.defaultFamily)' is not one of the profiles "
                             + "(\(model.profiles.map(\.family).joined(separator: ", ")))")
        }
        for profile in model.profiles where profile.learner == .boostedTrees {
            guard let trees = profile.trees, let features = profile.treeFeatures else {
                throw TrustError("\(url.path): profile '\(profile.family)' uses trees but has no trees or treeFeatures")
            }
            for tree in trees.trees {
                for node in tree.nodes where node.feature >= features.count || node.left >= tree.nodes.count
                    || node.right >= tree.nodes.count || (node.feature >= 0 && (node.left <= 0 || node.right <= 0)) {
                    throw TrustError("\(url.path): profile '\(profile.family)' has a tree node pointing outside its tree or features")
                }
            }
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

    /// The profile model that scores `platform`.
    public func profile(for platform: Platform) -> ProfileModel {
        let family = Self.family(of: platform)
        return profiles.first { $0.family == family } ?? profiles.first { $0.family == defaultFamily } ?? profiles[0]
    }

    /// The default family's threshold (the label threshold of platforms without a family of their own).
    public var threshold: Double { profile(for: .other).threshold }

    /// How many signals scoring `platform` reads.
    public func signalCount(platform: Platform) -> Int {
        profile(for: platform).features.count + behaviour.count
    }

    /// Scores one account, for a population whose share of fake accounts is `prior` (default:
    /// the model's `defaultPrior`).
    public func score(_ subject: TrustSubject, prior: Double? = nil) -> InauthenticityScore {
        var score = score(TrustFeatureExtractor.features(of: subject), platform: subject.account.platform, prior: prior)
        if subject.account.observedAt == nil && subject.referenceDate == nil && subject.account.createdAt != nil {
            score.notes.append("no observation date: account age is unknown (import with --observed-at DATE)")
        } else if subject.observedAtImport {
            score.notes.append("observed at import time (the source gives no observation date): "
                               + "account age is measured at the import")
        }
        return score
    }

    /// Log odds of a share, kept away from 0 and 1.
    public static func logOdds(_ share: Double) -> Double {
        let p = min(max(share, 1e-4), 1 - 1e-4)
        return log(p / (1 - p))
    }

    /// Scores one account from its features, with the profile model of its platform's family.
    public func score(_ features: TrustFeatureVector, platform: Platform, prior: Double? = nil) -> InauthenticityScore {
        let profile = profile(for: platform)
        let population = prior ?? defaultPrior
        let priorLogOdds = Self.logOdds(population)
        var logit = profile.intercept
        var contributions: [InauthenticityScore.Contribution] = []
        var unknown: [TrustFeature] = []
        var knownImportance = 0.0
        var totalImportance = 0.0
        func addLinear(_ parameter: Parameter) {
            totalImportance += parameter.importance
            guard let raw = features[parameter.feature] else {
                unknown.append(parameter.feature)
                return
            }
            knownImportance += parameter.importance
            var standardised = (parameter.feature.modelInput(raw) - parameter.mean) / parameter.scale
            if let inputClip { standardised = min(max(standardised, -inputClip), inputClip) }
            let contribution = parameter.weight * standardised
            logit += contribution
            contributions.append(.init(feature: parameter.feature, value: raw, contribution: contribution,
                                       sentence: parameter.feature.sentence(raw)))
        }
        if profile.learner == .boostedTrees, let trees = profile.trees, let treeFeatures = profile.treeFeatures {
            let row = treeFeatures.map { features[$0.feature].map($0.feature.modelInput) }
            let explained = trees.explain(row)
            // The calibrated trees' bias is the profile's intercept; the contributions add up to the rest.
            logit = explained.logit + priorLogOdds
            for (j, tf) in treeFeatures.enumerated() {
                totalImportance += tf.importance
                guard let raw = features[tf.feature] else {
                    unknown.append(tf.feature)
                    continue
                }
                knownImportance += tf.importance
                contributions.append(.init(feature: tf.feature, value: raw, contribution: explained.contributions[j] ?? 0,
                                           sentence: tf.feature.sentence(raw)))
            }
        } else {
            logit += priorLogOdds
            for parameter in profile.parameters { addLinear(parameter) }
        }
        // Confidence is the profile model's known share: behaviour needs posts, which many
        // accounts (and every labelled set) do not have, and adds evidence when it is there.
        let profileConfidence = totalImportance > 0 ? knownImportance / totalImportance : 0
        for parameter in behaviour { addLinear(parameter) }
        contributions.sort { abs($0.contribution) > abs($1.contribution) }
        let probability = sigmoid(logit)
        var unsure: [String] = []
        if !trainedPlatforms.isEmpty && !trainedPlatforms.contains(platform) {
            unsure.append("platform \(platform.rawValue) not seen in training (trained on "
                          + trainedPlatforms.map(\.rawValue).joined(separator: ", ") + ")")
        }
        if profileConfidence < Self.minimumConfidence {
            unsure.append(String(format: "too little of the profile is known (%.0f%% of the model's signal)", profileConfidence * 100))
        }
        for range in featureRanges {
            guard let value = features[range.feature], value < range.low || value > range.high else { continue }
            let side = value > range.high ? "above" : "below"
            let unit = range.feature == .accountAge ? " days" : ""
            unsure.append("\(range.feature.sentence(value)): \(side) anything in training "
                          + "(\(TrustFormat.number(range.low))–\(TrustFormat.number(range.high))\(unit))")
        }
        return InauthenticityScore(probability: probability, logit: logit,
                                   label: InauthenticityScore.Label(probability: probability, unsure: !unsure.isEmpty,
                                                                    threshold: profile.threshold),
                                   confidence: profileConfidence, known: contributions.count, contributions: contributions,
                                   unknown: unknown, family: profile.family, threshold: profile.threshold,
                                   bias: profile.intercept + priorLogOdds, prior: population, unsure: unsure)
    }
}

/// How likely an account is fake or automated, and why.
public struct InauthenticityScore: Sendable, Codable, Hashable {
    public enum Label: String, Sendable, Codable, Hashable {
        case likelyInauthentic = "likely inauthentic"
        case suspicious
        case likelyAuthentic = "likely authentic"
        /// Out of what the model knows: too little of the profile known, a platform unseen in
        /// training, values beyond the training data (`InauthenticityScore.unsure` says which).
        /// The number is still given, with its reasons.
        case unsure

        public init(probability: Double, unsure: Bool, threshold: Double) {
            if unsure {
                self = .unsure
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

    /// Calibrated for the population's prior: among accounts scored about 0.8, about 80% are
    /// fake or automated (measured on data sets left out of training).
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
    /// The profile model's family (`instagram`, `twitter`, `pooled`) and its label threshold.
    public var family: String
    public var threshold: Double
    /// The logit of an account with nothing known: `bias + Σ contributions == logit`.
    public var bias: Double
    /// The share of fake accounts assumed in the population (its log odds are in `bias`).
    public var prior: Double = 0.15
    /// Why the score is unsure (empty when it is not): the label is then `unsure`.
    public var unsure: [String] = []
    /// Facts about the evidence itself (how the observation date was known).
    public var notes: [String] = []

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
