import Foundation

/// Trains the inauthenticity model, reproducibly for a seed, and measures it.
///
/// Two stages, because no labelled data set carries both profiles and posts:
/// 1. Profile weights are learnt on the real labelled accounts (TwiBot annotation study, SRF
///    Instagram study) by L2 logistic regression; Platt scaling is fitted on held-out folds.
/// 2. Behaviour and graph weights (posting regularity, reposts, repeated texts, links, apps,
///    engagement, reciprocity) are learnt on `vigie synth` accounts with the planted bots as
///    labels, on top of the frozen, calibrated profile logit (an offset, no new intercept), so
///    an account whose posts are unknown keeps the calibration measured on real data.
///
/// A missing feature is left out of the standardised input (it counts as the training mean:
/// contribution 0) and never as zero.
public struct InauthenticityTrainer: Sendable {
    public struct Example: Sendable {
        public var features: TrustFeatureVector
        public var label: Double
        public var dataset: String

        public init(features: TrustFeatureVector, label: Double, dataset: String) {
            self.features = features
            self.label = label
            self.dataset = dataset
        }
    }

    public var l2: Double
    public var folds: Int
    public var seed: UInt64
    /// Weight given by hand to an account that declares itself automated (no labelled set has the flag).
    public static let declaredBotPrior = 3.0

    public init(l2: Double = 2, folds: Int = 5, seed: UInt64 = 42) {
        self.l2 = l2
        self.folds = folds
        self.seed = seed
    }

    static let profileFeatures = TrustFeature.allCases.filter { $0.group == .profile && $0 != .declaredBot }
    static let behaviourFeatures = TrustFeature.allCases.filter { $0.group != .profile }

    /// Mean and scale of each feature's model input over the examples where it is known.
    struct Standardiser: Sendable {
        var features: [TrustFeature]
        var mean: [Double]
        var scale: [Double]

        init(_ examples: [Example], candidates: [TrustFeature]) {
            var kept: [TrustFeature] = [], means: [Double] = [], scales: [Double] = []
            for feature in candidates {
                let values = examples.compactMap { $0.features[feature].map(feature.modelInput) }
                guard values.count >= 2 else { continue }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                guard variance > 1e-12 else { continue }
                kept.append(feature)
                means.append(mean)
                scales.append(variance.squareRoot())
            }
            features = kept
            mean = means
            scale = scales
        }

        func row(_ vector: TrustFeatureVector) -> [Double] {
            features.indices.map { j in
                vector[features[j]].map { (features[j].modelInput($0) - mean[j]) / scale[j] } ?? 0
            }
        }
    }

    /// A fitted profile stage: standardiser, weights and the Platt scaling from inner folds.
    struct ProfileFit: Sendable {
        var standardiser: Standardiser
        var fit: LogisticRegression.Fit
        var platt: PlattScaling

        func calibratedLogit(_ vector: TrustFeatureVector) -> Double {
            platt.calibrated(fit.logit(standardiser.row(vector)))
        }
    }

    func fitProfile(_ examples: [Example], innerSeed: UInt64) -> ProfileFit {
        let standardiser = Standardiser(examples, candidates: Self.profileFeatures)
        let rows = examples.map { standardiser.row($0.features) }
        let labels = examples.map(\.label)
        let regression = LogisticRegression(l2: l2)
        // Platt scaling on held-out logits of inner folds.
        let inner = stratifiedFolds(labels: labels, folds: 3, seed: innerSeed)
        var held = [Double](repeating: 0, count: examples.count)
        for fold in 0..<3 {
            let train = examples.indices.filter { inner[$0] != fold }
            let fit = regression.fit(train.map { rows[$0] }, train.map { labels[$0] })
            for i in examples.indices where inner[i] == fold { held[i] = fit.logit(rows[i]) }
        }
        let platt = PlattScaling.fit(logits: held, labels: labels)
        return ProfileFit(standardiser: standardiser, fit: regression.fit(rows, labels), platt: platt)
    }

    /// Out-of-fold calibrated probabilities of the profile stage.
    func crossValidatedProfile(_ examples: [Example]) -> [Double] {
        let labels = examples.map(\.label)
        let assignment = stratifiedFolds(labels: labels, folds: folds, seed: seed)
        var probabilities = [Double](repeating: 0, count: examples.count)
        for fold in 0..<folds {
            let train = examples.indices.filter { assignment[$0] != fold }.map { examples[$0] }
            let model = fitProfile(train, innerSeed: seed &+ UInt64(fold) &+ 1)
            for i in examples.indices where assignment[i] == fold {
                probabilities[i] = sigmoid(model.calibratedLogit(examples[i].features))
            }
        }
        return probabilities
    }

    /// Trains on the labelled sets (and, if given, synth accounts for the behaviour stage) and
    /// measures: cross-validation per set and pooled, transfer between sets, held-out synth.
    public func train(sets: [String: [Example]], synthTrain: [Example] = [], synthTest: [Example] = [],
                      synthDescription: String? = nil) -> InauthenticityModel {
        let names = sets.keys.sorted()
        let pooled = names.flatMap { sets[$0]! }
        let pooledProbabilities = crossValidatedProfile(pooled)
        let pooledLabels = pooled.map(\.label)
        let threshold = ClassifierMetrics.bestF1Threshold(pooledProbabilities, pooledLabels)

        var report = TrustTrainingReport(seed: seed, folds: folds, l2: l2, threshold: threshold)
        report.pooled = ClassifierMetrics(probabilities: pooledProbabilities, labels: pooledLabels, threshold: threshold)
        for name in names {
            let members = pooled.indices.filter { pooled[$0].dataset == name }
            report.pooledByDataset[name] = ClassifierMetrics(probabilities: members.map { pooledProbabilities[$0] },
                                                             labels: members.map { pooledLabels[$0] }, threshold: threshold)
            let own = sets[name]!
            let probabilities = crossValidatedProfile(own)
            let labels = own.map(\.label)
            report.withinDataset[name] = ClassifierMetrics(probabilities: probabilities, labels: labels, threshold: threshold)
            report.withinDatasetBestThreshold[name] = ClassifierMetrics.bestF1Threshold(probabilities, labels)
        }
        // Transfer: TwiBot (both studies) ↔ SRF, and between the two TwiBot studies.
        let twibot = names.filter { $0.hasPrefix("twibot") }
        let pairs: [(String, [String], String, [String])] = [
            ("twibot", twibot, "srf", names.filter { $0 == "srf" }),
            ("srf", names.filter { $0 == "srf" }, "twibot", twibot),
        ] + (twibot.count == 2 ? [(twibot[0], [twibot[0]], twibot[1], [twibot[1]]),
                                  (twibot[1], [twibot[1]], twibot[0], [twibot[0]])] : [])
        for (trainName, trainSets, testName, testSets) in pairs where !trainSets.isEmpty && !testSets.isEmpty {
            let model = fitProfile(trainSets.flatMap { sets[$0]! }, innerSeed: seed)
            let test = testSets.flatMap { sets[$0]! }
            let probabilities = test.map { sigmoid(model.calibratedLogit($0.features)) }
            report.transfer.append(.init(train: trainName, test: testName,
                                         metrics: ClassifierMetrics(probabilities: probabilities,
                                                                    labels: test.map(\.label), threshold: threshold)))
        }

        let profile = fitProfile(pooled, innerSeed: seed)
        let a = profile.platt.a
        var parameters: [InauthenticityModel.Parameter] = []
        let source = names.joined(separator: "+")
        for (j, feature) in profile.standardiser.features.enumerated() {
            parameters.append(.init(feature: feature, mean: profile.standardiser.mean[j], scale: profile.standardiser.scale[j],
                                    weight: a * profile.fit.weights[j], importance: 0, learnedFrom: source))
        }
        let intercept = a * profile.fit.intercept + profile.platt.b

        if !synthTrain.isEmpty {
            let standardiser = Standardiser(synthTrain, candidates: Self.behaviourFeatures)
            let offsets = synthTrain.map { profile.calibratedLogit($0.features) }
            let fit = LogisticRegression(l2: l2, fitIntercept: false)
                .fit(synthTrain.map { standardiser.row($0.features) }, synthTrain.map(\.label), offsets: offsets)
            for (j, feature) in standardiser.features.enumerated() {
                parameters.append(.init(feature: feature, mean: standardiser.mean[j], scale: standardiser.scale[j],
                                        weight: fit.weights[j], importance: 0, learnedFrom: "synth"))
            }
        }
        parameters.append(.init(feature: .declaredBot, mean: 0, scale: 1, weight: Self.declaredBotPrior,
                                importance: 0, learnedFrom: "prior"))
        // Importance for confidence: the weight's size (a one-standard-deviation push), the
        // prior excepted (a flag few sources give should not make an account look unknown).
        let total = parameters.filter { $0.learnedFrom != "prior" }.reduce(0) { $0 + abs($1.weight) }
        for i in parameters.indices where parameters[i].learnedFrom != "prior" {
            parameters[i].importance = total > 0 ? abs(parameters[i].weight) / total : 0
        }
        var model = InauthenticityModel(
            name: "inauthenticity-v1",
            notes: "Logistic model over standardised features, calibrated (Platt on held-out folds, folded into the "
                + "weights). Profile weights from \(source); behaviour and graph weights from \(synthDescription ?? "none"); "
                + "declaredBot set by hand. Trained by `vigie trust train` (seed \(seed)). See docs/trust.md.",
            intercept: intercept, parameters: parameters, threshold: threshold, platt: profile.platt, evaluation: nil)
        if !synthTest.isEmpty {
            let full = synthTest.map { model.score($0.features).probability }
            let labels = synthTest.map(\.label)
            report.synthHeldOut = ClassifierMetrics(probabilities: full, labels: labels, threshold: threshold)
            let profileOnly = synthTest.map { sigmoid(profile.calibratedLogit($0.features)) }
            report.synthProfileOnly = ClassifierMetrics(probabilities: profileOnly, labels: labels, threshold: threshold)
            report.synthDescription = synthDescription
        }
        model.evaluation = report
        return model
    }
}

/// The figures measured by `vigie trust train`, kept in the model file.
public struct TrustTrainingReport: Sendable, Codable, Hashable {
    public struct Transfer: Sendable, Codable, Hashable {
        public var train: String
        public var test: String
        public var metrics: ClassifierMetrics
    }

    public var seed: UInt64
    public var folds: Int
    public var l2: Double
    public var threshold: Double
    /// Cross-validated, model trained on the pooled sets.
    public var pooled: ClassifierMetrics?
    public var pooledByDataset: [String: ClassifierMetrics] = [:]
    /// Cross-validated, model trained on that set alone.
    public var withinDataset: [String: ClassifierMetrics] = [:]
    public var withinDatasetBestThreshold: [String: Double] = [:]
    public var transfer: [Transfer] = []
    public var synthDescription: String?
    public var synthHeldOut: ClassifierMetrics?
    public var synthProfileOnly: ClassifierMetrics?
    /// How each set was labelled and how many accounts were left out.
    public var datasets: [DatasetNote] = []

    public struct DatasetNote: Sendable, Codable, Hashable {
        public var name: String
        public var accounts: Int
        public var positives: Int
        public var excluded: Int
        public var labelRule: String

        public init(name: String, accounts: Int, positives: Int, excluded: Int, labelRule: String) {
            self.name = name
            self.accounts = accounts
            self.positives = positives
            self.excluded = excluded
            self.labelRule = labelRule
        }
    }

    public init(seed: UInt64, folds: Int, l2: Double, threshold: Double) {
        self.seed = seed
        self.folds = folds
        self.l2 = l2
        self.threshold = threshold
    }

    /// The report as text, for `vigie trust train`.
    public var lines: [String] {
        var out: [String] = []
        for note in datasets {
            out.append("\(note.name): \(note.accounts) accounts, \(note.positives) fake/bot, \(note.excluded) left out — \(note.labelRule)")
        }
        out.append(String(format: "threshold %.2f (best F1 on the pooled out-of-fold predictions); %d folds, L2 %.1f, seed %llu",
                          threshold, folds, l2, seed))
        for (name, metrics) in withinDataset.sorted(by: { $0.key < $1.key }) {
            out.append("cross-validated within \(name): \(metrics.summary)")
            if let best = withinDatasetBestThreshold[name] {
                out.append(String(format: "  (best-F1 threshold for this set alone: %.2f)", best))
            }
            out.append(contentsOf: metrics.reliabilityLines)
        }
        if let pooled {
            out.append("cross-validated pooled: \(pooled.summary)")
            out.append(contentsOf: pooled.reliabilityLines)
        }
        for (name, metrics) in pooledByDataset.sorted(by: { $0.key < $1.key }) {
            out.append("  pooled model on \(name): \(metrics.summary)")
        }
        for transfer in transfer {
            out.append("transfer \(transfer.train) → \(transfer.test): \(transfer.metrics.summary)")
        }
        if let synthHeldOut {
            out.append("synth held out (\(synthDescription ?? "")): \(synthHeldOut.summary)")
            out.append(contentsOf: synthHeldOut.reliabilityLines)
        }
        if let synthProfileOnly {
            out.append("  profile features only on the same synth accounts: \(synthProfileOnly.summary)")
        }
        return out
    }
}
