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

/// Trains the inauthenticity model, reproducibly for a seed, and measures how it holds on
/// populations it never saw.
///
/// 1. **One profile model for every platform**, learnt on all the labelled sets at once, each
///    set weighted alike within its class (a set of 17,882 porn bots counts as much as one of 62
///    political bots, and bots weigh as much as humans): logistic regression or boosted trees,
///    both with the signs `TrustFeature.knownDirection` states.
/// 2. **Leave one data set out**: for each set with both labels, and each pair of a bots-only
///    set with a humans-only set, the candidates are trained on every other set and tested on
///    it. The learner shipped is the one with the best mean held-out AUC (trees must win by
///    `treeMargin`).
/// 3. **Calibration on held-out sets**: Platt scaling fitted on the held-out logits of every set
///    (bots and humans weighted alike), so the profile logit is a log likelihood ratio; the
///    workspace's prior is added when scoring. Each set's figures use the scaling fitted on the
///    *other* sets' held-out logits.
/// 4. **Label threshold for a stated precision**: the lowest threshold whose precision on the
///    held-out predictions (each set at its own share of bots, the sets weighted alike) reaches
///    `precisionTarget`.
/// 5. Behaviour and graph weights, on `vigie synth` accounts (planted bots), over the frozen
///    calibrated profile logit (no labelled set carries posts).
public struct InauthenticityTrainer: Sendable {
    public struct Example: Sendable {
        public var features: TrustFeatureVector
        /// The evaluation label (1 = fake or bot), `nil` when the set's rule leaves the account out.
        public var label: Double?
        /// The training target in [0, 1] (a soft label for the TwiBot study, else the label).
        public var target: Double
        public var dataset: String
        /// Multiplies the example's weight in the fit (1: ordinary).
        public var weight: Double
        public var platform: Platform

        public init(features: TrustFeatureVector, label: Double?, target: Double? = nil, dataset: String,
                    weight: Double = 1, platform: Platform = .twitter) {
            self.features = features
            self.label = label
            self.target = target ?? label ?? 0
            self.dataset = dataset
            self.weight = weight
            self.platform = platform
        }
    }

    public var l2: Double
    /// Folds of the secondary random-fold cross-validation.
    public var folds: Int
    public var seed: UInt64
    /// The profile learners compared (logistic first: it wins ties).
    public var learners: [ProfileLearnerChoice]
    /// The precision the label threshold is chosen for.
    public var precisionTarget: Double
    /// The share of fake accounts assumed when a workspace sets none.
    public var defaultPrior: Double

    /// Held-out AUC trees must gain over logistic regression to be shipped.
    public static let treeMargin = 0.01
    /// Weight given by hand to an account that declares itself automated (no labelled set has the flag).
    public static let declaredBotPrior = 3.0
    /// Standardised inputs are clipped to ± this (training and scoring alike).
    public static let inputClip = 3.0

    /// The tree candidates compared against logistic regression by default.
    public static func defaultTrees(rounds: Int = 150) -> [GradientBoosting] {
        [GradientBoosting(depth: 2, rounds: rounds, shrinkage: 0.05, l2: 1, minimumChildWeight: 10),
         GradientBoosting(depth: 3, rounds: max(1, rounds * 2 / 3), shrinkage: 0.05, l2: 1, minimumChildWeight: 10)]
    }

    public init(l2: Double = 2, folds: Int = 5, seed: UInt64 = 42,
                learners: [ProfileLearnerChoice] = [.logistic] + InauthenticityTrainer.defaultTrees().map { .trees($0) },
                precisionTarget: Double = 0.8, defaultPrior: Double = 0.15) {
        self.l2 = l2
        self.folds = folds
        self.seed = seed
        self.learners = learners
        self.precisionTarget = precisionTarget
        self.defaultPrior = defaultPrior
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

        /// Keeps only `subset` (in this standardiser's order).
        func restricted(to subset: Set<TrustFeature>) -> Standardiser {
            var copy = self
            let keep = features.indices.filter { subset.contains(features[$0]) }
            copy.features = keep.map { features[$0] }
            copy.mean = keep.map { mean[$0] }
            copy.scale = keep.map { scale[$0] }
            return copy
        }
    }

    /// A fitted profile learner (uncalibrated).
    struct Fitted: Sendable {
        var learner: ProfileLearnerChoice
        var standardiser: Standardiser
        var linear: LogisticRegression.Fit?
        var trees: BoostedTrees?

        func rawLogit(_ vector: TrustFeatureVector) -> Double {
            if let trees { return trees.logit(standardiser.treeRow(vector)) }
            return linear!.logit(standardiser.row(vector))
        }
    }

    /// Weights that give every (data set, class) group the same share of its class, and both
    /// classes the same total: no set dominates by its size, and the fit is prior-free.
    static func balancedWeights(_ examples: [Example]) -> [Double] {
        var groups: [String: Double] = [:]
        func key(_ e: Example) -> String { e.dataset + (e.target >= 0.5 ? "|1" : "|0") }
        for e in examples { groups[key(e), default: 0] += e.weight }
        let botGroups = Double(Set(examples.filter { $0.target >= 0.5 }.map(\.dataset)).count)
        let humanGroups = Double(Set(examples.filter { $0.target < 0.5 }.map(\.dataset)).count)
        let half = Double(examples.count) / 2
        return examples.map { e in
            let groupsInClass = e.target >= 0.5 ? botGroups : humanGroups
            return e.weight / groups[key(e)]! * half / max(groupsInClass, 1)
        }
    }

    /// Logistic regression whose weights respect the known signs: a feature whose weight comes
    /// out against its direction is dropped and the rest refitted (at most a few rounds).
    func constrainedLogistic(_ examples: [Example], candidates: [TrustFeature], weights: [Double],
                             offsets: [Double]? = nil, fitIntercept: Bool = true) -> (Standardiser, LogisticRegression.Fit) {
        var standardiser = Standardiser(examples, candidates: candidates)
        let targets = examples.map(\.target)
        while true {
            let rows = examples.map { standardiser.row($0.features) }
            let fit = LogisticRegression(l2: l2, fitIntercept: fitIntercept)
                .fit(rows, targets, offsets: offsets, sampleWeights: weights)
            let wrong = standardiser.features.indices.filter {
                Double(standardiser.features[$0].knownDirection) * fit.weights[$0] < 0
            }
            if wrong.isEmpty { return (standardiser, fit) }
            let keep = Set(standardiser.features.indices.filter { !wrong.contains($0) }.map { standardiser.features[$0] })
            standardiser = standardiser.restricted(to: keep)
        }
    }

    func fit(_ learner: ProfileLearnerChoice, _ examples: [Example]) -> Fitted {
        let weights = Self.balancedWeights(examples)
        switch learner {
        case .logistic:
            let (standardiser, fit) = constrainedLogistic(examples, candidates: Self.profileFeatures, weights: weights)
            return Fitted(learner: learner, standardiser: standardiser, linear: fit, trees: nil)
        case .trees(let settings):
            let standardiser = Standardiser(examples, candidates: Self.profileFeatures)
            let trees = settings.fit(examples.map { standardiser.treeRow($0.features) }, examples.map(\.target),
                                     sampleWeights: weights, directions: standardiser.features.map(\.knownDirection))
            return Fitted(learner: learner, standardiser: standardiser, linear: nil, trees: trees)
        }
    }

    /// Platt scaling on held-out logits, bots and humans weighted alike: the result is a log
    /// likelihood ratio, to which a population's prior log odds are added.
    static func balancedPlatt(logits: [Double], labels: [Double]) -> PlattScaling {
        let positives = Double(labels.filter { $0 >= 0.5 }.count), negatives = Double(labels.count) - positives
        guard positives > 0 && negatives > 0 else { return PlattScaling() }
        let weights = labels.map { $0 >= 0.5 ? Double(labels.count) / (2 * positives) : Double(labels.count) / (2 * negatives) }
        let fit = LogisticRegression(l2: 1e-3).fit(logits.map { [$0] }, labels, sampleWeights: weights)
        return PlattScaling(a: fit.weights.first ?? 1, b: fit.intercept)
    }

    /// One held-out unit of the leave-one-dataset-out evaluation: a set with both labels, or a
    /// bots-only set paired with a humans-only one (both left out of training).
    public struct HeldOutUnit: Sendable, Codable, Hashable {
        public var name: String
        public var datasets: [String]
        /// Whether the unit is one set with both labels (the targets are stated on these).
        public var mixed: Bool
    }

    static func heldOutUnits(_ sets: [String: [Example]]) -> [HeldOutUnit] {
        var mixed: [String] = [], botsOnly: [String] = [], humansOnly: [String] = []
        for name in sets.keys.sorted() {
            let labels = sets[name]!.compactMap(\.label)
            let bots = labels.filter { $0 >= 0.5 }.count
            if bots > 0 && bots < labels.count { mixed.append(name) } else if bots > 0 { botsOnly.append(name) } else if !labels.isEmpty { humansOnly.append(name) }
        }
        var units = mixed.map { HeldOutUnit(name: $0, datasets: [$0], mixed: true) }
        for bots in botsOnly {
            for humans in humansOnly { units.append(HeldOutUnit(name: "\(bots) + \(humans)", datasets: [bots, humans], mixed: false)) }
        }
        return units
    }

    /// Held-out raw logits of one learner for every unit (the unit's labelled examples, in order).
    struct HeldOut {
        var unit: HeldOutUnit
        var logits: [Double]
        var labels: [Double]
        var datasets: [String]
    }

    func leaveOneOut(_ learner: ProfileLearnerChoice, sets: [String: [Example]], units: [HeldOutUnit]) -> [HeldOut] {
        units.map { unit in
            let left = Set(unit.datasets)
            let train = sets.keys.sorted().filter { !left.contains($0) }.flatMap { sets[$0]! }
            let fitted = fit(learner, train)
            let test = unit.datasets.flatMap { sets[$0]! }.filter { $0.label != nil }
            return HeldOut(unit: unit, logits: test.map { fitted.rawLogit($0.features) }, labels: test.map { $0.label! },
                           datasets: test.map(\.dataset))
        }
    }

    /// Posteriors of each unit at its own share of bots, with the Platt scaling fitted on the
    /// other units' held-out logits.
    static func heldOutPosteriors(_ heldOut: [HeldOut], prior: ((HeldOut) -> Double)? = nil) -> [[Double]] {
        heldOut.indices.map { k in
            let others = heldOut.indices.filter { $0 != k }
            let platt = balancedPlatt(logits: others.flatMap { heldOut[$0].logits }, labels: others.flatMap { heldOut[$0].labels })
            let share = prior?(heldOut[k]) ?? baseRate(heldOut[k].labels)
            return heldOut[k].logits.map { sigmoid(platt.calibrated($0) + InauthenticityModel.logOdds(share)) }
        }
    }

    static func baseRate(_ labels: [Double]) -> Double {
        labels.isEmpty ? 0 : Double(labels.filter { $0 >= 0.5 }.count) / Double(labels.count)
    }

    /// The lowest threshold whose precision over the units (each weighted alike) reaches `target`.
    static func thresholdForPrecision(_ posteriors: [[Double]], _ heldOut: [HeldOut], target: Double) -> (Double, Double) {
        var best: (Double, Double)?
        for step in stride(from: 5, through: 95, by: 1) {
            let t = Double(step) / 100
            var tp = 0.0, flagged = 0.0
            for (k, unit) in heldOut.enumerated() {
                let w = 1 / Double(max(unit.labels.count, 1))
                for (p, y) in zip(posteriors[k], unit.labels) where p >= t {
                    flagged += w
                    if y >= 0.5 { tp += w }
                }
            }
            let precision = flagged > 0 ? tp / flagged : 0
            if precision >= target { best = (t, precision); break }
            if best == nil || precision > best!.1 { best = (t, precision) }
        }
        return best ?? (0.5, 0)
    }

    /// Trains on the labelled sets (and, if given, synth accounts for the behaviour stage) and measures.
    public func train(sets: [String: [Example]], synthTrain: [Example] = [], synthTest: [Example] = [],
                      synthDescription: String? = nil) -> InauthenticityModel {
        let names = sets.keys.sorted()
        let all = names.flatMap { sets[$0]! }
        let units = Self.heldOutUnits(sets)
        var report = TrustTrainingReport(seed: seed, folds: folds, l2: l2, threshold: 0.5)
        report.precisionTarget = precisionTarget
        report.defaultPrior = defaultPrior

        // Leave one data set out, every candidate.
        var heldOutBy: [String: [HeldOut]] = [:]
        for learner in learners {
            let heldOut = units.isEmpty ? [] : leaveOneOut(learner, sets: sets, units: units)
            heldOutBy[learner.name] = heldOut
            var candidate = TrustTrainingReport.Candidate(learner: learner.name)
            for h in heldOut { candidate.aucByUnit[h.unit.name] = ClassifierMetrics.rocAUC(h.logits, h.labels) }
            let mixed = heldOut.filter(\.unit.mixed).map { candidate.aucByUnit[$0.unit.name]! }
            candidate.meanMixedAUC = mixed.isEmpty ? 0 : mixed.reduce(0, +) / Double(mixed.count)
            candidate.worstMixedAUC = mixed.min() ?? 0
            report.candidates.append(candidate)
        }
        func meanAUC(_ learner: ProfileLearnerChoice) -> Double {
            report.candidates.first { $0.learner == learner.name }?.meanMixedAUC ?? 0
        }
        var chosen = learners[0]
        for learner in learners.dropFirst() where meanAUC(learner) > meanAUC(chosen) { chosen = learner }
        if chosen != .logistic, learners.contains(.logistic), meanAUC(chosen) < meanAUC(.logistic) + Self.treeMargin {
            chosen = .logistic
        }
        report.shipped = chosen.name
        let heldOut = heldOutBy[chosen.name] ?? []

        // Calibration and threshold from the held-out sets.
        let platt = heldOut.isEmpty ? PlattScaling()
            : Self.balancedPlatt(logits: heldOut.flatMap(\.logits), labels: heldOut.flatMap(\.labels))
        let posteriors = Self.heldOutPosteriors(heldOut)
        let (threshold, precision) = heldOut.isEmpty ? (0.5, 0) : Self.thresholdForPrecision(posteriors, heldOut, target: precisionTarget)
        report.threshold = threshold
        report.heldOutPrecision = precision
        let atDefault = Self.heldOutPosteriors(heldOut) { _ in defaultPrior }
        for (k, h) in heldOut.enumerated() {
            var unit = TrustTrainingReport.UnitReport(unit: h.unit,
                                                      metrics: ClassifierMetrics(probabilities: posteriors[k], labels: h.labels,
                                                                                 threshold: threshold))
            let defaultMetrics = ClassifierMetrics(probabilities: atDefault[k], labels: h.labels, threshold: threshold)
            unit.brierAtDefaultPrior = defaultMetrics.brier
            unit.f1AtDefaultPrior = defaultMetrics.f1
            report.units.append(unit)
        }

        // Random folds over everything, secondary (the populations are mixed into every fold).
        let labelled = all.indices.filter { all[$0].label != nil }
        if folds >= 2 && labelled.count >= folds * 2 {
            let assignment = stratifiedFolds(labels: labelled.map { all[$0].label! }, folds: folds, seed: seed)
            var foldOf = [Int](repeating: -1, count: all.count)
            for (k, i) in labelled.enumerated() { foldOf[i] = assignment[k] }
            var logits = [Double](repeating: 0, count: all.count)
            for fold in 0..<folds {
                let fitted = fit(chosen, all.indices.filter { foldOf[$0] != fold }.map { all[$0] })
                for i in labelled where foldOf[i] == fold { logits[i] = fitted.rawLogit(all[i].features) }
            }
            let labels = labelled.map { all[$0].label! }
            let foldPlatt = Self.balancedPlatt(logits: labelled.map { logits[$0] }, labels: labels)
            let rate = Self.baseRate(labels)
            let probabilities = labelled.map { sigmoid(foldPlatt.calibrated(logits[$0]) + InauthenticityModel.logOdds(rate)) }
            report.randomFolds = ClassifierMetrics(probabilities: probabilities, labels: labels, threshold: threshold)
            for name in names {
                let members = labelled.indices.filter { all[labelled[$0]].dataset == name }
                guard !members.isEmpty else { continue }
                report.randomFoldsAUC[name] = ClassifierMetrics.rocAUC(members.map { probabilities[$0] }, members.map { labels[$0] })
            }
        }

        // The shipped profile model: every set, the held-out calibration folded in.
        let final = fit(chosen, all)
        let source = names.joined(separator: "+")
        let selection = "leave-one-dataset-out mean AUC over the mixed sets: "
            + report.candidates.map { String(format: "%@ %.3f", $0.learner, $0.meanMixedAUC) }.joined(separator: ", ")
            + "; shipped \(chosen.name) (trees need +\(Self.treeMargin))"
        var profile: InauthenticityModel.ProfileModel
        if let trees = final.trees {
            let calibrated = trees.scaled(a: platt.a, b: platt.b)
            var importance = [Double](repeating: 0, count: final.standardiser.features.count)
            for example in all {
                for (j, c) in calibrated.explain(final.standardiser.treeRow(example.features)).contributions { importance[j] += abs(c) }
            }
            let features = final.standardiser.features.enumerated().map {
                InauthenticityModel.TreeFeature(feature: $1, importance: importance[$0] / Double(max(all.count, 1)))
            }
            profile = .init(family: "pooled", platforms: Platform.allCases, trainedOn: source, learner: .boostedTrees,
                            intercept: calibrated.bias, parameters: [], trees: calibrated, treeFeatures: features,
                            threshold: threshold, platt: platt, selection: selection)
        } else {
            let linear = final.linear!
            let parameters = final.standardiser.features.enumerated().map { j, feature in
                InauthenticityModel.Parameter(feature: feature, mean: final.standardiser.mean[j], scale: final.standardiser.scale[j],
                                              weight: platt.a * linear.weights[j], importance: abs(platt.a * linear.weights[j]),
                                              learnedFrom: source)
            }
            profile = .init(family: "pooled", platforms: Platform.allCases, trainedOn: source, learner: .logistic,
                            intercept: platt.a * linear.intercept + platt.b, parameters: parameters, threshold: threshold,
                            platt: platt, selection: selection)
        }
        func calibratedLLR(_ vector: TrustFeatureVector) -> Double { platt.calibrated(final.rawLogit(vector)) }

        // Behaviour and graph weights on synth accounts, over the frozen profile logit at the synth prior.
        var behaviour: [InauthenticityModel.Parameter] = []
        if !synthTrain.isEmpty {
            let synthPrior = InauthenticityModel.logOdds(Self.baseRate(synthTrain.map(\.target)))
            let offsets = synthTrain.map { calibratedLLR($0.features) + synthPrior }
            let (standardiser, fit) = constrainedLogistic(synthTrain, candidates: Self.behaviourFeatures,
                                                          weights: synthTrain.map { _ in 1 }, offsets: offsets, fitIntercept: false)
            for (j, feature) in standardiser.features.enumerated() {
                behaviour.append(.init(feature: feature, mean: standardiser.mean[j], scale: standardiser.scale[j],
                                       weight: fit.weights[j], importance: abs(fit.weights[j]), learnedFrom: "synth"))
            }
        }
        behaviour.append(.init(feature: .declaredBot, mean: 0, scale: 1, weight: Self.declaredBotPrior,
                               importance: 0, learnedFrom: "prior"))

        var model = InauthenticityModel(
            name: "inauthenticity-v3",
            notes: "One profile model for every platform (\(chosen.name)), trained on \(source) with every set weighted alike "
                + "within its class; chosen and calibrated (Platt, a log likelihood ratio) on leave-one-dataset-out predictions; "
                + "the workspace's prior is added when scoring. Behaviour and graph weights from \(synthDescription ?? "none"); "
                + "declaredBot set by hand. Trained by `vigie trust train` (seed \(seed)). See docs/trust.md.",
            profiles: [profile], defaultFamily: "pooled", behaviour: behaviour, evaluation: nil, inputClip: Self.inputClip)
        model.defaultPrior = defaultPrior
        model.precisionTarget = precisionTarget
        model.trainedPlatforms = Platform.allCases.filter { platform in all.contains { $0.platform == platform } }
        model.featureRanges = Self.ranges(all, features: profile.features)
        if !synthTest.isEmpty {
            let rate = Self.baseRate(synthTest.map(\.target))
            let full = synthTest.map { model.score($0.features, platform: .twitter, prior: rate).probability }
            let labels = synthTest.map(\.target)
            report.synthHeldOut = ClassifierMetrics(probabilities: full, labels: labels, threshold: threshold)
            let profileOnly = synthTest.map { sigmoid(calibratedLLR($0.features) + InauthenticityModel.logOdds(rate)) }
            report.synthProfileOnly = ClassifierMetrics(probabilities: profileOnly, labels: labels, threshold: threshold)
            report.synthDescription = synthDescription
        }
        model.evaluation = report
        return model
    }

    /// The smallest and largest raw training value of each feature (features with more than two
    /// values only: a flag cannot be out of range).
    static func ranges(_ examples: [Example], features: [TrustFeature]) -> [InauthenticityModel.FeatureRange] {
        features.compactMap { feature in
            let values = examples.compactMap { $0.features[feature] }
            guard values.count >= 20, Set(values).count > 2, let low = values.min(), let high = values.max() else { return nil }
            return InauthenticityModel.FeatureRange(feature: feature, low: low, high: high)
        }
    }
}
