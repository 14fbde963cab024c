import Foundation

/// The figures measured by `vigie trust train`, kept in the model file: the leave-one-dataset-out
/// table first, random folds second, and the generated data of the behaviour stage.
public struct TrustTrainingReport: Sendable, Codable, Hashable {
    /// One candidate learner's held-out AUC on every unit.
    public struct Candidate: Sendable, Codable, Hashable {
        public var learner: String
        public var aucByUnit: [String: Double] = [:]
        public var meanMixedAUC = 0.0
        public var worstMixedAUC = 0.0

        public init(learner: String) { self.learner = learner }
    }

    /// The shipped learner on one held-out unit: at the unit's own share of bots as the prior
    /// (what a workspace that set its prior gets), and at the default prior.
    public struct UnitReport: Sendable, Codable, Hashable {
        public var unit: InauthenticityTrainer.HeldOutUnit
        public var metrics: ClassifierMetrics
        public var brierAtDefaultPrior = 0.0
        public var f1AtDefaultPrior = 0.0

        public init(unit: InauthenticityTrainer.HeldOutUnit, metrics: ClassifierMetrics) {
            self.unit = unit
            self.metrics = metrics
        }
    }

    /// How each set was labelled and how many accounts were left out.
    public struct DatasetNote: Sendable, Codable, Hashable {
        public var name: String
        public var accounts: Int
        public var positives: Int
        public var excluded: Int
        public var labelRule: String
        /// One expert's label (same rule) against the other two's, when the set has votes.
        public var expertCeiling: ExpertCeiling?

        public init(name: String, accounts: Int, positives: Int, excluded: Int, labelRule: String) {
            self.name = name
            self.accounts = accounts
            self.positives = positives
            self.excluded = excluded
            self.labelRule = labelRule
        }
    }

    public var seed: UInt64
    public var folds: Int
    public var l2: Double
    /// The shipped label threshold.
    public var threshold: Double
    public var precisionTarget = 0.8
    /// Precision of the held-out predictions at the threshold (units weighted alike).
    public var heldOutPrecision = 0.0
    public var defaultPrior = 0.15
    public var candidates: [Candidate] = []
    public var shipped = ""
    public var units: [UnitReport] = []
    /// Random stratified folds over every labelled account (secondary: every population is in
    /// every fold, so this measures much less than the table above).
    public var randomFolds: ClassifierMetrics?
    public var randomFoldsAUC: [String: Double] = [:]
    public var synthDescription: String?
    public var synthHeldOut: ClassifierMetrics?
    public var synthProfileOnly: ClassifierMetrics?
    public var datasets: [DatasetNote] = []

    public init(seed: UInt64, folds: Int, l2: Double, threshold: Double) {
        self.seed = seed
        self.folds = folds
        self.l2 = l2
        self.threshold = threshold
    }

    /// The targets of the leave-one-dataset-out evaluation (issue 18), each with its figure.
    public struct Target: Sendable, Codable, Hashable {
        public var name: String
        public var figure: String
        public var met: Bool
    }

    public var targets: [Target] {
        let mixed = units.filter(\.unit.mixed)
        guard !mixed.isEmpty else { return [] }
        let aucs = mixed.map(\.metrics.auc), f1s = mixed.map(\.metrics.f1)
        let mean = aucs.reduce(0, +) / Double(aucs.count), meanF1 = f1s.reduce(0, +) / Double(f1s.count)
        let worst = mixed.min { $0.metrics.auc < $1.metrics.auc }!
        let brierFails = mixed.filter { $0.metrics.brier >= $0.metrics.brierBaseline }.map(\.unit.name)
        let f1Fails = mixed.filter { $0.metrics.f1 < 0.75 }.map(\.unit.name)
        return [
            Target(name: "mean held-out AUC over the mixed sets ≥ 0.90", figure: String(format: "%.3f", mean), met: mean >= 0.9),
            Target(name: "no mixed set below AUC 0.75", figure: String(format: "lowest %.3f (%@)", worst.metrics.auc, worst.unit.name),
                   met: worst.metrics.auc >= 0.75),
            Target(name: String(format: "F1 at the shipped threshold (%.2f) ≥ 0.75 on the mixed sets", threshold),
                   figure: String(format: "mean %.2f; below: %@", meanF1, f1Fails.isEmpty ? "none" : f1Fails.joined(separator: ", ")),
                   met: f1Fails.isEmpty),
            Target(name: "Brier better than the base rate on every mixed set",
                   figure: brierFails.isEmpty ? "every set" : "not on " + brierFails.joined(separator: ", "), met: brierFails.isEmpty),
        ]
    }

    /// The leave-one-dataset-out table in Markdown (kept in docs/trust.md and the README).
    public var heldOutTable: [String] {
        var out = [String(format: "| held-out set | accounts | bots | AUC | AP | P / R / F1 at %.2f | Brier (base rate) | "
                          + "calibration error | F1, Brier at prior %.2f |", threshold, defaultPrior),
                   "|---|---|---|---|---|---|---|---|---|"]
        for u in units {
            let m = u.metrics
            out.append(String(format: "| %@%@ | %d | %d | %.3f | %.3f | %.2f / %.2f / %.2f | %.3f (%.3f) | %.3f | %.2f, %.3f |",
                              u.unit.name, u.unit.mixed ? "" : " (pair)", m.count, m.positives, m.auc, m.averagePrecision,
                              m.precision, m.recall, m.f1, m.brier, m.brierBaseline, m.calibrationError,
                              u.f1AtDefaultPrior, u.brierAtDefaultPrior))
        }
        return out
    }

    /// The report as text, for `vigie trust train`.
    public var lines: [String] {
        var out: [String] = []
        for note in datasets {
            out.append("\(note.name): \(note.accounts) accounts, \(note.positives) fake/bot, \(note.excluded) left out — \(note.labelRule)")
            if let ceiling = note.expertCeiling { out.append("  human ceiling: " + ceiling.summary) }
        }
        out.append("leave-one-dataset-out: each set with both labels, and each bots-only set paired with a humans-only set, "
                   + "is scored by a model trained on every other set")
        for c in candidates {
            out.append(String(format: "  candidate %@: mean AUC over the mixed sets %.3f, lowest %.3f; ", c.learner, c.meanMixedAUC,
                              c.worstMixedAUC)
                       + c.aucByUnit.sorted { $0.key < $1.key }.map { String(format: "%@ %.3f", $0.key, $0.value) }.joined(separator: ", "))
        }
        out.append(String(format: "shipped: %@; calibration fitted on the other sets' held-out scores; prior = each held-out set's "
                          + "share of bots; label threshold %.2f, the lowest with precision ≥ %.2f on the held-out sets "
                          + "(measured %.2f, sets weighted alike)", shipped, threshold, precisionTarget, heldOutPrecision))
        out.append(contentsOf: heldOutTable)
        for u in units where u.unit.mixed {
            out.append("reliability on \(u.unit.name) (held out):")
            out.append(contentsOf: u.metrics.reliabilityLines)
        }
        out.append("targets:")
        for t in targets { out.append("  [\(t.met ? "met" : "NOT met")] \(t.name): \(t.figure)") }
        if let randomFolds {
            out.append("random \(folds)-fold cross-validation (secondary; every population in every fold): \(randomFolds.summary)")
            out.append("  AUC per set: " + randomFoldsAUC.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.3f", $0.key, $0.value) }.joined(separator: ", "))
        }
        if let synthHeldOut {
            out.append("synth held out (\(synthDescription ?? "")): \(synthHeldOut.summary)")
        }
        if let synthProfileOnly {
            out.append("  profile features only on the same synth accounts: \(synthProfileOnly.summary)")
        }
        return out
    }
}
