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
        /// The evaluation label (1 = fake or bot), `nil` when the set's rule leaves the account out.
        public var label: Double?
        /// The training target in [0, 1] (a soft label for the TwiBot study, else the label).
        public var target: Double
        /// The label under the set's alternative rule (TwiBot majority vote), if any.
        public var majorityLabel: Double?
        public var dataset: String
        /// Weight in the fit (1: an ordinary example).
        public var weight: Double

        public init(features: TrustFeatureVector, label: Double?, target: Double? = nil, majorityLabel: Double? = nil,
                    dataset: String, weight: Double = 1) {
            self.features = features
            self.label = label
            self.target = target ?? label ?? 0
            self.majorityLabel = majorityLabel
            self.dataset = dataset
            self.weight = weight
        }
    }

    /// Which label an evaluation reads.
    public enum LabelRule: Sendable {
        case main, majority
        func of(_ example: Example) -> Double? { self == .main ? example.label : example.majorityLabel }
    }

    public var l2: Double
    public var folds: Int
    public var seed: UInt64
    /// Weight given by hand to an account that declares itself automated (no labelled set has the flag).
    public static let declaredBotPrior = 3.0
    /// Standardised inputs are clipped to ± this (training and scoring alike): no extrapolation
    /// beyond 3 standard deviations of the training data.
    public static let inputClip = 3.0

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
                vector[features[j]].map {
                    min(max((features[j].modelInput($0) - mean[j]) / scale[j], -InauthenticityTrainer.inputClip),
                        InauthenticityTrainer.inputClip)
                } ?? 0
            }
        }
    }

    /// A fitted profile stage: standardiser, weights, the Platt scaling from inner folds, and the
    /// operating thresholds chosen on those inner folds (overall and per data set).
    struct ProfileFit: Sendable {
        var standardiser: Standardiser
        var fit: LogisticRegression.Fit
        var platt: PlattScaling
        var innerThreshold: Double
        var innerThresholds: [String: Double]

        func calibratedLogit(_ vector: TrustFeatureVector) -> Double {
            platt.calibrated(fit.logit(standardiser.row(vector)))
        }
    }

    /// Fold of each example: labelled ones stratified, unlabelled ones -1 (always trained on, never tested).
    func folds(_ examples: [Example], rule: LabelRule, count: Int, seed: UInt64) -> [Int] {
        let labelled = examples.indices.filter { rule.of(examples[$0]) != nil }
        let assignment = stratifiedFolds(labels: labelled.map { rule.of(examples[$0])! }, folds: count, seed: seed)
        var result = [Int](repeating: -1, count: examples.count)
        for (k, i) in labelled.enumerated() { result[i] = assignment[k] }
        return result
    }

    /// Fits on the soft targets of every example; calibrates (Platt) and picks the operating
    /// thresholds on the held-out logits of 3 inner folds, against the labels of `rule`.
    func fitProfile(_ examples: [Example], innerSeed: UInt64, rule: LabelRule = .main) -> ProfileFit {
        let standardiser = Standardiser(examples, candidates: Self.profileFeatures)
        let rows = examples.map { standardiser.row($0.features) }
        let targets = examples.map(\.target)
        let weights = examples.map(\.weight)
        let regression = LogisticRegression(l2: l2)
        let inner = folds(examples, rule: rule, count: 3, seed: innerSeed)
        let labelled = examples.indices.filter { inner[$0] >= 0 }
        var held = [Double](repeating: 0, count: examples.count)
        for fold in 0..<3 {
            let train = examples.indices.filter { inner[$0] != fold }
            let fit = regression.fit(train.map { rows[$0] }, train.map { targets[$0] }, sampleWeights: train.map { weights[$0] })
            for i in labelled where inner[i] == fold { held[i] = fit.logit(rows[i]) }
        }
        let labels = labelled.map { rule.of(examples[$0])! }
        let platt = PlattScaling.fit(logits: labelled.map { held[$0] }, labels: labels)
        let calibrated = labelled.map { sigmoid(platt.calibrated(held[$0])) }
        var perSet: [String: Double] = [:]
        for name in Set(labelled.map { examples[$0].dataset }) {
            let members = labelled.indices.filter { examples[labelled[$0]].dataset == name }
            perSet[name] = ClassifierMetrics.bestF1Threshold(members.map { calibrated[$0] }, members.map { labels[$0] })
        }
        return ProfileFit(standardiser: standardiser, fit: regression.fit(rows, targets, sampleWeights: weights), platt: platt,
                          innerThreshold: ClassifierMetrics.bestF1Threshold(calibrated, labels), innerThresholds: perSet)
    }

    /// Out-of-fold calibrated probabilities of the profile stage for the examples `rule` labels
    /// (`nil` for the others), with the threshold each one's training folds chose (overall and
    /// for its own data set).
    struct CrossValidation {
        var probabilities: [Double?]
        var thresholds: [Double]
        var datasetThresholds: [Double]

        func metrics(_ examples: [Example], rule: LabelRule, threshold: Double, dataset: String? = nil,
                     inFold: Bool = false, ownSet: Bool = false) -> ClassifierMetrics {
            let members = examples.indices.filter {
                probabilities[$0] != nil && (dataset == nil || examples[$0].dataset == dataset)
            }
            let chosen = members.map { inFold ? (ownSet ? datasetThresholds[$0] : thresholds[$0]) : threshold }
            return ClassifierMetrics(probabilities: members.map { probabilities[$0]! }, labels: members.map { rule.of(examples[$0])! },
                                     thresholds: chosen)
        }
    }

    func crossValidatedProfile(_ examples: [Example], rule: LabelRule = .main) -> CrossValidation {
        let assignment = folds(examples, rule: rule, count: folds, seed: seed)
        var result = CrossValidation(probabilities: .init(repeating: nil, count: examples.count),
                                     thresholds: .init(repeating: 0.5, count: examples.count),
                                     datasetThresholds: .init(repeating: 0.5, count: examples.count))
        for fold in 0..<folds {
            let train = examples.indices.filter { assignment[$0] != fold }.map { examples[$0] }
            let model = fitProfile(train, innerSeed: seed &+ UInt64(fold) &+ 1, rule: rule)
            for i in examples.indices where assignment[i] == fold {
                result.probabilities[i] = sigmoid(model.calibratedLogit(examples[i].features))
                result.thresholds[i] = model.innerThreshold
                result.datasetThresholds[i] = model.innerThresholds[examples[i].dataset] ?? model.innerThreshold
            }
        }
        return result
    }

    /// Trains on the labelled sets (and, if given, synth accounts for the behaviour stage) and
    /// measures: cross-validation per set and pooled, transfer between sets, held-out synth.
    public func train(sets: [String: [Example]], synthTrain: [Example] = [], synthTest: [Example] = [],
                      synthDescription: String? = nil) -> InauthenticityModel {
        let names = sets.keys.sorted()
        let pooled = names.flatMap { sets[$0]! }
        let pooledCV = crossValidatedProfile(pooled)
        let evaluated = pooled.indices.filter { pooledCV.probabilities[$0] != nil }
        let threshold = ClassifierMetrics.bestF1Threshold(evaluated.map { pooledCV.probabilities[$0]! },
                                                          evaluated.map { pooled[$0].label! })

        var report = TrustTrainingReport(seed: seed, folds: folds, l2: l2, threshold: threshold)
        report.pooled = pooledCV.metrics(pooled, rule: .main, threshold: threshold)
        report.pooledInFold = pooledCV.metrics(pooled, rule: .main, threshold: threshold, inFold: true)
        for name in names {
            report.pooledByDataset[name] = pooledCV.metrics(pooled, rule: .main, threshold: threshold, dataset: name)
            report.pooledByDatasetInFold[name] = pooledCV.metrics(pooled, rule: .main, threshold: threshold, dataset: name,
                                                                  inFold: true, ownSet: true)
            let own = sets[name]!
            let cv = crossValidatedProfile(own)
            let within = cv.metrics(own, rule: .main, threshold: threshold)
            report.withinDataset[name] = within
            report.withinDatasetInFold[name] = cv.metrics(own, rule: .main, threshold: threshold, inFold: true)
            let members = own.indices.filter { cv.probabilities[$0] != nil }
            report.withinDatasetBestThreshold[name] = ClassifierMetrics.bestF1Threshold(
                members.map { cv.probabilities[$0]! }, members.map { own[$0].label! })
            if own.contains(where: { $0.majorityLabel != nil }) {
                let majority = crossValidatedProfile(own, rule: .majority)
                report.majorityWithin[name] = majority.metrics(own, rule: .majority, threshold: threshold)
                report.majorityWithinInFold[name] = majority.metrics(own, rule: .majority, threshold: threshold, inFold: true)
            }
            // The operating threshold to use on this population: best F1 of the pooled model's
            // out-of-fold predictions on this set (chosen on all of it: for deployment, not for the figures above).
            let pooledMembers = pooled.indices.filter { pooled[$0].dataset == name && pooledCV.probabilities[$0] != nil }
            report.datasetThresholds[name] = ClassifierMetrics.bestF1Threshold(
                pooledMembers.map { pooledCV.probabilities[$0]! }, pooledMembers.map { pooled[$0].label! })
        }
        // Transfer: TwiBot (both studies) ↔ SRF, and between the two TwiBot studies. Thresholds:
        // the shared one, and the one the training set's inner folds chose.
        let twibot = names.filter { $0.hasPrefix("twibot") }
        let pairs: [(String, [String], String, [String])] = [
            ("twibot", twibot, "srf", names.filter { $0 == "srf" }),
            ("srf", names.filter { $0 == "srf" }, "twibot", twibot),
        ] + (twibot.count == 2 ? [(twibot[0], [twibot[0]], twibot[1], [twibot[1]]),
                                  (twibot[1], [twibot[1]], twibot[0], [twibot[0]])] : [])
        for (trainName, trainSets, testName, testSets) in pairs where !trainSets.isEmpty && !testSets.isEmpty {
            let model = fitProfile(trainSets.flatMap { sets[$0]! }, innerSeed: seed)
            let test = testSets.flatMap { sets[$0]! }.filter { $0.label != nil }
            let probabilities = test.map { sigmoid(model.calibratedLogit($0.features)) }
            report.transfer.append(.init(train: trainName, test: testName,
                                         metrics: ClassifierMetrics(probabilities: probabilities,
                                                                    labels: test.map { $0.label! }, threshold: threshold),
                                         trainThreshold: ClassifierMetrics(probabilities: probabilities,
                                                                           labels: test.map { $0.label! },
                                                                           threshold: model.innerThreshold)))
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
                .fit(synthTrain.map { standardiser.row($0.features) }, synthTrain.map(\.target), offsets: offsets)
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
                + "weights). Profile weights from \(source) (TwiBot: soft targets = experts' mean / 4); behaviour and graph weights from \(synthDescription ?? "none"); "
                + "declaredBot set by hand. Trained by `vigie trust train` (seed \(seed)). See docs/trust.md.",
            intercept: intercept, parameters: parameters, threshold: threshold, platt: profile.platt, evaluation: nil,
            inputClip: Self.inputClip)
        if !synthTest.isEmpty {
            let full = synthTest.map { model.score($0.features).probability }
            let labels = synthTest.map(\.target)
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
        /// At the threshold the training set's inner folds chose.
        public var trainThreshold: ClassifierMetrics?
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
    /// The same predictions, each decided at the threshold its training folds chose (never the test fold).
    public var withinDatasetInFold: [String: ClassifierMetrics] = [:]
    public var pooledInFold: ClassifierMetrics?
    /// Pooled model on one set, at that set's threshold chosen inside the training folds.
    public var pooledByDatasetInFold: [String: ClassifierMetrics] = [:]
    /// Within-set cross-validation under the alternative label rule (TwiBot majority vote).
    public var majorityWithin: [String: ClassifierMetrics] = [:]
    public var majorityWithinInFold: [String: ClassifierMetrics] = [:]
    /// Operating threshold per population (best F1 of the pooled model's out-of-fold predictions on it).
    public var datasetThresholds: [String: Double] = [:]
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
        public var majorityRule: String?
        public var majorityPositives: Int?
        /// Each expert's score against the other experts' label (ROC AUC), when the set has votes.
        public var expertAgreement: [Double]?

        public init(name: String, accounts: Int, positives: Int, excluded: Int, labelRule: String,
                    majorityRule: String? = nil, majorityPositives: Int? = nil) {
            self.name = name
            self.accounts = accounts
            self.positives = positives
            self.excluded = excluded
            self.labelRule = labelRule
            self.majorityRule = majorityRule
            self.majorityPositives = majorityPositives
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
            if let rule = note.majorityRule, let positives = note.majorityPositives {
                out.append("  also reported: \(rule) (\(note.accounts + note.excluded) accounts, \(positives) bots)")
            }
            if let agreement = note.expertAgreement, !agreement.isEmpty {
                out.append("  one expert's score against the other experts' label: AUC "
                           + agreement.map { String(format: "%.3f", $0) }.joined(separator: " / "))
            }
        }
        out.append(String(format: "threshold %.2f (best F1 on the pooled out-of-fold predictions); %d folds, L2 %.1f, seed %llu",
                          threshold, folds, l2, seed))
        for (name, metrics) in withinDataset.sorted(by: { $0.key < $1.key }) {
            out.append("cross-validated within \(name): \(metrics.summary)")
            if let inFold = withinDatasetInFold[name] {
                out.append("  at the threshold chosen inside the training folds: \(inFold.summary)")
            }
            if let best = withinDatasetBestThreshold[name] {
                out.append(String(format: "  (best-F1 threshold on these out-of-fold predictions, optimistic: %.2f)", best))
            }
            out.append(contentsOf: metrics.reliabilityLines)
            if let majority = majorityWithin[name] {
                out.append("  majority-vote labels: \(majority.summary)")
                if let inFold = majorityWithinInFold[name] { out.append("    in-fold threshold: \(inFold.summary)") }
            }
        }
        if let pooled {
            out.append("cross-validated pooled: \(pooled.summary)")
            if let pooledInFold { out.append("  in-fold threshold: \(pooledInFold.summary)") }
            out.append(contentsOf: pooled.reliabilityLines)
        }
        for (name, metrics) in pooledByDataset.sorted(by: { $0.key < $1.key }) {
            out.append("  pooled model on \(name): \(metrics.summary)")
            if let inFold = pooledByDatasetInFold[name] { out.append("    at its own in-fold threshold: \(inFold.summary)") }
            out.append(contentsOf: metrics.reliabilityLines.map { "  " + $0 })
        }
        for (name, value) in datasetThresholds.sorted(by: { $0.key < $1.key }) {
            out.append(String(format: "operating threshold for %@ (pooled model, best F1 out of fold): %.2f", name, value))
        }
        for transfer in transfer {
            out.append("transfer \(transfer.train) → \(transfer.test): \(transfer.metrics.summary)")
            if let own = transfer.trainThreshold { out.append("  at the training set's threshold: \(own.summary)") }
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
