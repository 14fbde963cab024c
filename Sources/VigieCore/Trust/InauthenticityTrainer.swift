import Foundation

/// How a profile model is learnt: regularised logistic regression or small boosted trees.
public enum ProfileLearnerChoice: Sendable, Hashable {
    case logistic
    case trees(GradientBoosting)

    public var name: String {
        switch self {
        case .logistic: return "logistic"
        case .trees(let settings): return settings.name
        }
    }
}

/// A profile family to train: its name, the platforms it scores and the labelled sets it learns from.
public struct ProfileFamilySpec: Sendable, Hashable {
    public var family: String
    public var platforms: [Platform]
    public var datasets: [String]

    public init(family: String, platforms: [Platform], datasets: [String]) {
        self.family = family
        self.platforms = platforms
        self.datasets = datasets
    }

    /// Instagram-like from SRF, Twitter-like from the TwiBot study, pooled (every set) for the rest.
    public static func standard(datasets names: [String]) -> [ProfileFamilySpec] {
        let instagram = names.filter { $0 == "srf" }
        let twitter = names.filter { $0.hasPrefix("twibot") }
        var specs: [ProfileFamilySpec] = []
        if !instagram.isEmpty { specs.append(.init(family: "instagram", platforms: [.instagram, .tiktok], datasets: instagram)) }
        if !twitter.isEmpty { specs.append(.init(family: "twitter", platforms: [.twitter, .mastodon, .bluesky], datasets: twitter)) }
        specs.append(.init(family: "pooled", platforms: [.youtube, .other], datasets: names))
        return specs
    }
}

/// Trains the inauthenticity model, reproducibly for a seed, and measures it.
///
/// Two stages, because no labelled data set carries both profiles and posts:
/// 1. Profile models, one per platform family (Instagram-like from SRF, Twitter-like from the
///    TwiBot study, pooled for platforms without labelled data), are learnt on the real labelled
///    accounts. Each family's learner — L2 logistic regression or small gradient-boosted trees —
///    is chosen by cross-validation (the candidate with the best out-of-fold AUC); the figures of
///    the choice itself are measured by nested cross-validation (the choice made inside each
///    training fold, never on its test fold). Platt scaling is fitted on held-out folds.
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
    /// Out-of-fold AUC trees must gain over logistic regression to be chosen (inside the folds) or shipped.
    public static let treeMargin = 0.01
    /// A family's label threshold is its best-F1 out-of-fold threshold, but never below this: a
    /// calibrated score under 0.2 means at least four such accounts in five are genuine, and
    /// "likely inauthentic" would mislead (TwiBot's best-F1 cut, 0.07, has precision 0.12).
    public static let minimumLabelThreshold = 0.2
    /// The profile learners compared for each family (logistic first: it wins ties).
    public var learners: [ProfileLearnerChoice]
    /// The tree candidates compared against logistic regression by default.
    public static func defaultTrees(rounds: Int = 150) -> [GradientBoosting] {
        [GradientBoosting(depth: 2, rounds: rounds, shrinkage: 0.05, l2: 1, minimumChildWeight: 10),
         GradientBoosting(depth: 3, rounds: max(1, rounds * 2 / 3), shrinkage: 0.05, l2: 1, minimumChildWeight: 10)]
    }
    /// Weight given by hand to an account that declares itself automated (no labelled set has the flag).
    public static let declaredBotPrior = 3.0
    /// Standardised inputs are clipped to ± this (training and scoring alike): no extrapolation
    /// beyond 3 standard deviations of the training data.
    public static let inputClip = 3.0

    public init(l2: Double = 2, folds: Int = 5, seed: UInt64 = 42,
                learners: [ProfileLearnerChoice] = [.logistic] + InauthenticityTrainer.defaultTrees().map { .trees($0) }) {
        self.l2 = l2
        self.folds = folds
        self.seed = seed
        self.learners = learners
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

        /// The raw model inputs, `nil` where unknown (for trees: no standardising, no clipping).
        func treeRow(_ vector: TrustFeatureVector) -> [Double?] {
            features.map { feature in vector[feature].map(feature.modelInput) }
        }
    }

    /// A fitted profile stage: standardiser, the chosen learner's fit, the Platt scaling from
    /// inner folds, and the operating thresholds chosen on those inner folds (overall and per data set).
    struct ProfileFit: Sendable {
        var learner: ProfileLearnerChoice
        var standardiser: Standardiser
        var linear: LogisticRegression.Fit?
        var trees: BoostedTrees?
        var platt: PlattScaling
        var innerThreshold: Double
        var innerThresholds: [String: Double]
        /// Inner-fold AUC of each candidate learner.
        var innerAUC: [String: Double]

        func rawLogit(_ vector: TrustFeatureVector) -> Double {
            if let trees { return trees.logit(standardiser.treeRow(vector)) }
            return linear!.logit(standardiser.row(vector))
        }

        func calibratedLogit(_ vector: TrustFeatureVector) -> Double {
            platt.calibrated(rawLogit(vector))
        }
    }

    /// Fits one learner on examples; returns a raw-logit function.
    func fitLearner(_ learner: ProfileLearnerChoice, rows: [[Double]], treeRows: [[Double?]], targets: [Double],
                    weights: [Double]) -> (linear: LogisticRegression.Fit?, trees: BoostedTrees?) {
        switch learner {
        case .logistic:
            return (LogisticRegression(l2: l2).fit(rows, targets, sampleWeights: weights), nil)
        case .trees(let settings):
            return (nil, settings.fit(treeRows, targets, sampleWeights: weights))
        }
    }

    /// Fits on the soft targets of every example with the candidate learner that does best
    /// (ROC AUC) on the held-out logits of 3 inner folds; calibrates (Platt) and picks the
    /// operating thresholds on those held-out logits, against the labels of `rule`.
    func fitProfile(_ examples: [Example], innerSeed: UInt64, rule: LabelRule = .main,
                    learners candidates: [ProfileLearnerChoice]? = nil) -> ProfileFit {
        let candidates = candidates ?? learners
        let standardiser = Standardiser(examples, candidates: Self.profileFeatures)
        let rows = examples.map { standardiser.row($0.features) }
        let treeRows = examples.map { standardiser.treeRow($0.features) }
        let targets = examples.map(\.target)
        let weights = examples.map(\.weight)
        let inner = folds(examples, rule: rule, count: 3, seed: innerSeed)
        let labelled = examples.indices.filter { inner[$0] >= 0 }
        let labels = labelled.map { rule.of(examples[$0])! }
        var best: (learner: ProfileLearnerChoice, held: [Double], auc: Double)?
        var aucs: [String: Double] = [:]
        var heldLogistic: [Double] = []
        for learner in candidates {
            var held = [Double](repeating: 0, count: examples.count)
            for fold in 0..<3 {
                let train = examples.indices.filter { inner[$0] != fold }
                let fit = fitLearner(learner, rows: train.map { rows[$0] }, treeRows: train.map { treeRows[$0] },
                                     targets: train.map { targets[$0] }, weights: train.map { weights[$0] })
                for i in labelled where inner[i] == fold {
                    held[i] = fit.trees?.logit(treeRows[i]) ?? fit.linear!.logit(rows[i])
                }
            }
            let auc = ClassifierMetrics.rocAUC(labelled.map { held[$0] }, labels)
            aucs[learner.name] = auc
            if learner == .logistic { heldLogistic = held }
            if best == nil || auc > best!.auc { best = (learner, held, auc) }
        }
        var chosen = best!
        // Trees must beat logistic regression clearly, not within noise.
        if let logistic = aucs[ProfileLearnerChoice.logistic.name], chosen.learner != .logistic,
           chosen.auc < logistic + Self.treeMargin {
            chosen = (.logistic, heldLogistic, logistic)
        }
        let platt = PlattScaling.fit(logits: labelled.map { chosen.held[$0] }, labels: labels)
        let calibrated = labelled.map { sigmoid(platt.calibrated(chosen.held[$0])) }
        var perSet: [String: Double] = [:]
        for name in Set(labelled.map { examples[$0].dataset }) {
            let members = labelled.indices.filter { examples[labelled[$0]].dataset == name }
            perSet[name] = ClassifierMetrics.bestF1Threshold(members.map { calibrated[$0] }, members.map { labels[$0] })
        }
        let final = fitLearner(chosen.learner, rows: rows, treeRows: treeRows, targets: targets, weights: weights)
        return ProfileFit(learner: chosen.learner, standardiser: standardiser, linear: final.linear, trees: final.trees,
                          platt: platt, innerThreshold: ClassifierMetrics.bestF1Threshold(calibrated, labels),
                          innerThresholds: perSet, innerAUC: aucs)
    }

    /// Fold of each example: labelled ones stratified, unlabelled ones -1 (always trained on, never tested).
    func folds(_ examples: [Example], rule: LabelRule, count: Int, seed: UInt64) -> [Int] {
        let labelled = examples.indices.filter { rule.of(examples[$0]) != nil }
        let assignment = stratifiedFolds(labels: labelled.map { rule.of(examples[$0])! }, folds: count, seed: seed)
        var result = [Int](repeating: -1, count: examples.count)
        for (k, i) in labelled.enumerated() { result[i] = assignment[k] }
        return result
    }

    /// Out-of-fold calibrated probabilities of the profile stage for the examples `rule` labels
    /// (`nil` for the others), with the threshold each one's training folds chose (overall and
    /// for its own data set).
    struct CrossValidation {
        var probabilities: [Double?]
        var thresholds: [Double]
        var datasetThresholds: [Double]
        /// The learner each outer fold's training data chose.
        var chosen: [String] = []

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

    func crossValidatedProfile(_ examples: [Example], rule: LabelRule = .main,
                               learners candidates: [ProfileLearnerChoice] = [.logistic]) -> CrossValidation {
        let assignment = folds(examples, rule: rule, count: folds, seed: seed)
        var result = CrossValidation(probabilities: .init(repeating: nil, count: examples.count),
                                     thresholds: .init(repeating: 0.5, count: examples.count),
                                     datasetThresholds: .init(repeating: 0.5, count: examples.count))
        for fold in 0..<folds {
            let train = examples.indices.filter { assignment[$0] != fold }.map { examples[$0] }
            let model = fitProfile(train, innerSeed: seed &+ UInt64(fold) &+ 1, rule: rule, learners: candidates)
            result.chosen.append(model.learner.name)
            for i in examples.indices where assignment[i] == fold {
                result.probabilities[i] = sigmoid(model.calibratedLogit(examples[i].features))
                result.thresholds[i] = model.innerThreshold
                result.datasetThresholds[i] = model.innerThresholds[examples[i].dataset] ?? model.innerThreshold
            }
        }
        return result
    }

    /// Cross-validates one family: each candidate learner alone, and the choice between them
    /// made inside each training fold (nested). Returns the report and the fitted, shipped profile.
    func trainFamily(_ spec: ProfileFamilySpec, examples: [Example]) -> (FamilyReport, InauthenticityModel.ProfileModel, ProfileFit) {
        var report = FamilyReport(family: spec.family, platforms: spec.platforms, datasets: spec.datasets)
        func inFold(_ cv: CrossValidation) -> (ClassifierMetrics, [String: ClassifierMetrics], [String: ClassifierMetrics]) {
            let all = cv.metrics(examples, rule: .main, threshold: 0.5, inFold: true)
            var byDataset: [String: ClassifierMetrics] = [:], fixed: [String: ClassifierMetrics] = [:]
            let best = bestThreshold(cv, examples)
            for name in spec.datasets {
                byDataset[name] = cv.metrics(examples, rule: .main, threshold: 0.5, dataset: name, inFold: true, ownSet: true)
                fixed[name] = cv.metrics(examples, rule: .main, threshold: best, dataset: name)
            }
            return (all, byDataset, fixed)
        }
        var candidateCV: [(ProfileLearnerChoice, CrossValidation)] = []
        for learner in learners {
            let cv = crossValidatedProfile(examples, learners: [learner])
            let (all, byDataset, _) = inFold(cv)
            report.candidates.append(.init(learner: learner.name, metrics: all, byDataset: byDataset))
            candidateCV.append((learner, cv))
        }
        // The learner shipped: the candidate with the best out-of-fold AUC, trees only if they beat
        // logistic regression by at least `treeMargin` (a win within noise is not a win).
        func auc(_ learner: ProfileLearnerChoice) -> Double { report.candidates.first { $0.learner == learner.name }!.metrics.auc }
        var shipped = candidateCV[0]
        for candidate in candidateCV.dropFirst() where auc(candidate.0) > auc(shipped.0) { shipped = candidate }
        if let logistic = candidateCV.first(where: { $0.0 == .logistic }), shipped.0 != .logistic,
           auc(shipped.0) < auc(.logistic) + Self.treeMargin {
            shipped = logistic
        }
        if learners.count > 1 {
            let nested = crossValidatedProfile(examples, learners: learners)
            let (all, byDataset, _) = inFold(nested)
            report.selected = all
            report.selectedByDataset = byDataset
            report.chosenInFolds = Dictionary(nested.chosen.map { ($0, 1) }, uniquingKeysWith: +)
        }
        let threshold = max(bestThreshold(shipped.1, examples), Self.minimumLabelThreshold)
        let (_, _, fixed) = inFold(shipped.1)
        report.shipped = shipped.0.name
        report.threshold = threshold
        report.shippedMetrics = shipped.1.metrics(examples, rule: .main, threshold: threshold)
        report.shippedByDataset = fixed
        for name in spec.datasets {
            let members = examples.indices.filter { shipped.1.probabilities[$0] != nil && examples[$0].dataset == name }
            report.datasetBestThresholds[name] = ClassifierMetrics.bestF1Threshold(
                members.map { shipped.1.probabilities[$0]! }, members.map { examples[$0].label! })
        }
        let fit = fitProfile(examples, innerSeed: seed, learners: [shipped.0])
        let aucs = report.candidates.map { String(format: "%@ %.3f", $0.learner, $0.metrics.auc) }.joined(separator: ", ")
        let selection = "\(folds)-fold out-of-fold AUC: \(aucs); shipped \(shipped.0.name) (trees need +\(Self.treeMargin))"
        let a = fit.platt.a, b = fit.platt.b
        let source = spec.datasets.joined(separator: "+")
        var profile: InauthenticityModel.ProfileModel
        if let trees = fit.trees {
            let calibrated = trees.scaled(a: a, b: b)
            // Importance: mean |contribution| over the training accounts.
            var importance = [Double](repeating: 0, count: fit.standardiser.features.count)
            for example in examples {
                for (j, c) in calibrated.explain(fit.standardiser.treeRow(example.features)).contributions { importance[j] += abs(c) }
            }
            let features = fit.standardiser.features.enumerated().map {
                InauthenticityModel.TreeFeature(feature: $1, importance: importance[$0] / Double(max(examples.count, 1)))
            }
            profile = .init(family: spec.family, platforms: spec.platforms, trainedOn: source, learner: .boostedTrees,
                            intercept: calibrated.bias, parameters: [], trees: calibrated, treeFeatures: features,
                            threshold: threshold, platt: fit.platt, selection: selection)
        } else {
            let linear = fit.linear!
            let parameters = fit.standardiser.features.enumerated().map { j, feature in
                InauthenticityModel.Parameter(feature: feature, mean: fit.standardiser.mean[j], scale: fit.standardiser.scale[j],
                                              weight: a * linear.weights[j], importance: abs(a * linear.weights[j]),
                                              learnedFrom: source)
            }
            profile = .init(family: spec.family, platforms: spec.platforms, trainedOn: source, learner: .logistic,
                            intercept: a * linear.intercept + b, parameters: parameters, threshold: threshold,
                            platt: fit.platt, selection: selection)
        }
        return (report, profile, fit)
    }

    /// Best-F1 threshold of out-of-fold predictions (for deployment; the figures use in-fold thresholds).
    func bestThreshold(_ cv: CrossValidation, _ examples: [Example]) -> Double {
        let members = examples.indices.filter { cv.probabilities[$0] != nil }
        return ClassifierMetrics.bestF1Threshold(members.map { cv.probabilities[$0]! }, members.map { examples[$0].label! })
    }

    /// Trains on the labelled sets (and, if given, synth accounts for the behaviour stage) and
    /// measures: each family's candidates and nested choice, cross-validation per set and pooled,
    /// transfer between sets, held-out synth.
    public func train(sets: [String: [Example]], families: [ProfileFamilySpec]? = nil, synthTrain: [Example] = [],
                      synthTest: [Example] = [], synthDescription: String? = nil) -> InauthenticityModel {
        let names = sets.keys.sorted()
        let specs = families ?? ProfileFamilySpec.standard(datasets: names)
        let pooled = names.flatMap { sets[$0]! }
        var report = TrustTrainingReport(seed: seed, folds: folds, l2: l2, threshold: 0)
        var profiles: [InauthenticityModel.ProfileModel] = []
        var fits: [String: ProfileFit] = [:]
        for spec in specs {
            let (familyReport, profile, fit) = trainFamily(spec, examples: spec.datasets.flatMap { sets[$0] ?? [] })
            report.families.append(familyReport)
            profiles.append(profile)
            fits[spec.family] = fit
        }
        let threshold = profiles.first { $0.family == "pooled" }?.threshold ?? profiles.last!.threshold
        report.threshold = threshold

        // The logistic figures of the previous version, for comparison: pooled and within each set.
        let pooledCV = crossValidatedProfile(pooled)
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
            // The operating threshold on this population of the model that scores it.
            if let family = report.families.first(where: { $0.family != "pooled" && $0.datasets.contains(name) })
                ?? report.families.first(where: { $0.datasets.contains(name) }) {
                report.datasetThresholds[name] = family.datasetBestThresholds[name] ?? family.threshold
            }
        }
        // Transfer (logistic): TwiBot (both studies) ↔ SRF, and between the two TwiBot studies.
        // Thresholds: the shared one, and the one the training set's inner folds chose.
        let twibot = names.filter { $0.hasPrefix("twibot") }
        let pairs: [(String, [String], String, [String])] = [
            ("twibot", twibot, "srf", names.filter { $0 == "srf" }),
            ("srf", names.filter { $0 == "srf" }, "twibot", twibot),
        ] + (twibot.count == 2 ? [(twibot[0], [twibot[0]], twibot[1], [twibot[1]]),
                                  (twibot[1], [twibot[1]], twibot[0], [twibot[0]])] : [])
        for (trainName, trainSets, testName, testSets) in pairs where !trainSets.isEmpty && !testSets.isEmpty {
            let model = fitProfile(trainSets.flatMap { sets[$0]! }, innerSeed: seed, learners: [.logistic])
            let test = testSets.flatMap { sets[$0]! }.filter { $0.label != nil }
            let probabilities = test.map { sigmoid(model.calibratedLogit($0.features)) }
            report.transfer.append(.init(train: trainName, test: testName,
                                         metrics: ClassifierMetrics(probabilities: probabilities,
                                                                    labels: test.map { $0.label! }, threshold: threshold),
                                         trainThreshold: ClassifierMetrics(probabilities: probabilities,
                                                                           labels: test.map { $0.label! },
                                                                           threshold: model.innerThreshold)))
        }

        // Behaviour and graph weights, on synth (Twitter v2) accounts, over the frozen calibrated
        // profile logit of the family that scores them.
        var behaviour: [InauthenticityModel.Parameter] = []
        let synthFamily = InauthenticityModel.family(of: .twitter)
        let synthProfile = fits[synthFamily] ?? fits["pooled"] ?? fits.values.first!
        if !synthTrain.isEmpty {
            let standardiser = Standardiser(synthTrain, candidates: Self.behaviourFeatures)
            let offsets = synthTrain.map { synthProfile.calibratedLogit($0.features) }
            let fit = LogisticRegression(l2: l2, fitIntercept: false)
                .fit(synthTrain.map { standardiser.row($0.features) }, synthTrain.map(\.target), offsets: offsets)
            for (j, feature) in standardiser.features.enumerated() {
                behaviour.append(.init(feature: feature, mean: standardiser.mean[j], scale: standardiser.scale[j],
                                       weight: fit.weights[j], importance: abs(fit.weights[j]), learnedFrom: "synth"))
            }
        }
        behaviour.append(.init(feature: .declaredBot, mean: 0, scale: 1, weight: Self.declaredBotPrior,
                               importance: 0, learnedFrom: "prior"))
        let learnerNames = profiles.map { "\($0.family): \($0.learner.rawValue) from \($0.trainedOn)" }.joined(separator: "; ")
        var model = InauthenticityModel(
            name: "inauthenticity-v2",
            notes: "One calibrated profile model per platform family (\(learnerNames)); the learner of each chosen by "
                + "cross-validation between logistic regression and boosted trees; Platt scaling on held-out folds folded in. "
                + "TwiBot: soft targets = experts' mean / 4. Behaviour and graph weights from \(synthDescription ?? "none"), "
                + "shared by every family; declaredBot set by hand. Trained by `vigie trust train` (seed \(seed)). See docs/trust.md.",
            profiles: profiles, defaultFamily: profiles.contains { $0.family == "pooled" } ? "pooled" : profiles[0].family,
            behaviour: behaviour, evaluation: nil, inputClip: Self.inputClip)
        if !synthTest.isEmpty {
            let full = synthTest.map { model.score($0.features, platform: .twitter).probability }
            let labels = synthTest.map(\.target)
            let familyThreshold = model.profile(for: .twitter).threshold
            report.synthHeldOut = ClassifierMetrics(probabilities: full, labels: labels, threshold: familyThreshold)
            let profileOnly = synthTest.map { sigmoid(synthProfile.calibratedLogit($0.features)) }
            report.synthProfileOnly = ClassifierMetrics(probabilities: profileOnly, labels: labels, threshold: familyThreshold)
            report.synthDescription = synthDescription
        }
        model.evaluation = report
        return model
    }
}

/// One family's figures: each candidate learner's out-of-fold metrics, the nested choice, and
/// what was shipped.
public struct FamilyReport: Sendable, Codable, Hashable {
    public struct Candidate: Sendable, Codable, Hashable {
        public var learner: String
        /// Out of fold, each prediction decided at the threshold its training folds chose.
        public var metrics: ClassifierMetrics
        /// The same per labelled set, at that set's in-fold threshold.
        public var byDataset: [String: ClassifierMetrics]
    }

    public var family: String
    public var platforms: [Platform]
    public var datasets: [String]
    public var candidates: [Candidate] = []
    /// The learner chosen inside each training fold (by 3 inner folds' AUC), tested on the outer fold.
    public var selected: ClassifierMetrics?
    public var selectedByDataset: [String: ClassifierMetrics] = [:]
    /// How often each learner was chosen across the outer folds.
    public var chosenInFolds: [String: Int] = [:]
    /// The learner shipped (best out-of-fold AUC), its threshold (best F1 of its out-of-fold
    /// predictions) and its figures at that threshold.
    public var shipped: String = ""
    public var threshold: Double = 0.5
    public var shippedMetrics: ClassifierMetrics?
    public var shippedByDataset: [String: ClassifierMetrics] = [:]
    /// Best-F1 threshold of the shipped learner's out-of-fold predictions on each set (for
    /// `--min-score`; the label threshold is floored at `InauthenticityTrainer.minimumLabelThreshold`).
    public var datasetBestThresholds: [String: Double] = [:]

    public init(family: String, platforms: [Platform], datasets: [String]) {
        self.family = family
        self.platforms = platforms
        self.datasets = datasets
    }

    public var lines: [String] {
        var out = ["family \(family) (\(platforms.map(\.rawValue).joined(separator: ", "))), trained on "
                   + datasets.joined(separator: "+") + ": shipped \(shipped), label threshold "
                   + String(format: "%.2f", threshold)]
        for candidate in candidates {
            out.append("  \(candidate.learner), out of fold, in-fold threshold: \(candidate.metrics.summary)")
            for (name, m) in candidate.byDataset.sorted(by: { $0.key < $1.key }) where datasets.count > 1 {
                out.append("    on \(name): \(m.summary)")
            }
        }
        if let selected {
            let chosen = chosenInFolds.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            out.append("  chosen inside each training fold (\(chosen)), nested: \(selected.summary)")
            for (name, m) in selectedByDataset.sorted(by: { $0.key < $1.key }) where datasets.count > 1 {
                out.append("    on \(name): \(m.summary)")
            }
        }
        if let shippedMetrics {
            out.append("  shipped learner out of fold at the threshold chosen on these predictions (optimistic P/R/F1): \(shippedMetrics.summary)")
            out.append(contentsOf: shippedMetrics.reliabilityLines.map { "  " + $0 })
            for (name, m) in shippedByDataset.sorted(by: { $0.key < $1.key }) where datasets.count > 1 {
                out.append("    on \(name): \(m.summary)")
                out.append(contentsOf: m.reliabilityLines.map { "    " + $0 })
            }
        }
        return out
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
    /// One report per profile family (what `trust score` uses).
    public var families: [FamilyReport] = []
    /// Cross-validated, logistic model trained on the pooled sets.
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
        /// One expert's label (same rule) against the other two's: precision, recall, F1.
        public var expertCeiling: ExpertCeiling?

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
            if let ceiling = note.expertCeiling {
                out.append("  human ceiling: " + ceiling.summary)
            }
        }
        out.append(String(format: "%d folds, L2 %.1f, seed %llu; pooled threshold %.2f", folds, l2, seed, threshold))
        for family in families { out.append(contentsOf: family.lines) }
        out.append("logistic models as in the previous version (for comparison):")
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
            out.append(String(format: "operating threshold for %@ (its family's model, best F1 out of fold): %.2f", name, value))
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
