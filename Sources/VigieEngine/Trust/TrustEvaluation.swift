import Foundation
import VigieCore
import VigieSynth

/// Which planted truth to measure the trust score against.
public struct TrustEvaluationRequest: Sendable, Hashable {
    /// The `ground-truth.json` written beside generated data (its planted bots, hard negatives
    /// and coordinated groups); the data must be imported in the workspace.
    public var truth: String

    public init(truth: String) {
        self.truth = truth
    }
}

/// The score measured against the planted bots, on every account that posted.
public struct TrustEvaluation: Sendable, Hashable, Codable {
    /// Accounts scored (those that only appear in mentions included).
    public var scoredAccounts: Int
    /// Accounts that posted: the ones measured.
    public var accounts: Int
    public var bots: Int
    /// Seconds spent reading and scoring the workspace.
    public var seconds: Double
    public var metrics: ClassifierMetrics
    public var hardNegatives: Int
    public var hardNegativesFlagged: Int
    public var regularFlagged: Int
    public var regular: Int
    public var coordinated: Int
    public var coordinatedFlagged: Int
}

extension Engine {
    /// Scores every account of the workspace and compares with generated data's planted bots:
    /// precision, recall, AUC, calibration, and how many people with bot-like traits (hard
    /// negatives) and members of coordinated groups are flagged.
    ///
    /// ```swift
    /// let evaluation = try await engine.trustEvaluation(TrustEvaluationRequest(truth: "synth/ground-truth.json"))
    /// print(evaluation.metrics.precision, evaluation.metrics.recall)
    /// ```
    public func trustEvaluation(_ request: TrustEvaluationRequest) async throws -> TrustEvaluation {
        let model = try resources.trustModel()
        let truth = try GroundTruthFile.load(request.truth, field: "truth")
        let started = ContinuousClock.now
        let scored = try await ScoredWorkspace.load(from: store, workspace: workspace, model: model)
        let seconds = (ContinuousClock.now - started).seconds
        let bots = Set(truth.bots.map(\.id))
        let hard = Set(truth.hardNegatives.map(\.id))
        let coordinated = Set(truth.coordinatedGroups.flatMap { $0.members.map(\.id) })
        let posted = scored.subjects.indices.filter { scored.subjects[$0].activity != nil }
        guard posted.contains(where: { bots.contains(scored.subjects[$0].account.platformID) }) || bots.isEmpty else {
            throw EngineError(.noData, field: "truth",
                              "none of the \(bots.count) planted bots of \(request.truth) is in workspace '\(workspace)': import the generated data first")
        }
        let probabilities = posted.map { scored.scores[$0].probability }
        let labels = posted.map { bots.contains(scored.subjects[$0].account.platformID) ? 1.0 : 0.0 }
        // Each account decided at its family's threshold (synth data is Twitter-like: one threshold).
        let metrics = ClassifierMetrics(probabilities: probabilities, labels: labels,
                                        thresholds: posted.map { scored.scores[$0].threshold })
        func flagged(_ member: (String) -> Bool) -> (Int, Int) {
            let members = posted.filter { member(scored.subjects[$0].account.platformID) }
            return (members.count, members.filter { scored.scores[$0].probability >= scored.scores[$0].threshold }.count)
        }
        let (hardCount, hardFlagged) = flagged { hard.contains($0) }
        let (regularCount, regularFlagged) = flagged { !bots.contains($0) && !hard.contains($0) && !coordinated.contains($0) }
        let (coordinatedCount, coordinatedFlagged) = flagged { coordinated.contains($0) }
        return TrustEvaluation(scoredAccounts: scored.subjects.count, accounts: posted.count, bots: metrics.positives,
                               seconds: (seconds * 100).rounded() / 100, metrics: metrics, hardNegatives: hardCount,
                               hardNegativesFlagged: hardFlagged, regularFlagged: regularFlagged, regular: regularCount,
                               coordinated: coordinatedCount, coordinatedFlagged: coordinatedFlagged)
    }
}

/// Reads the `ground-truth.json` that synthetic data generation writes beside its data.
enum GroundTruthFile {
    static func load(_ path: String, field: String) throws(EngineError) -> GroundTruth {
        do {
            return try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw EngineError(.unreadableInput, field: field,
                              "cannot read the ground truth \(path): \(error.localizedDescription); give the ground-truth.json written with the generated data")
        }
    }
}
