import Foundation
import VigieCore

/// One account's inauthenticity score as front ends show it: the calibrated score and label,
/// the profile family's threshold, the confidence, the signed reasons each way, the signals not
/// known, and (when asked for) the quality of its audience.
public struct AccountTrust: Sendable, Hashable, Codable {
    public var platform: String
    public var id: String
    public var handle: String?
    public var score: Double
    public var label: String
    /// The profile model's family and its label threshold.
    public var family: String
    public var threshold: Double
    public var confidence: Double
    /// The population's share of fake accounts the score assumes (the workspace's prior).
    public var prior: Double
    /// Why the score is unsure (empty when it is not).
    public var unsure: [String]
    /// How the evidence was dated (e.g. an observation date that is only the import time).
    public var notes: [String]
    public var reasonsUp: [Reason]
    public var reasonsDown: [Reason]
    public var unknown: [String]
    public var audience: AudienceQuality?

    public struct Reason: Sendable, Hashable, Codable {
        public var feature: String
        public var contribution: Double
        public var value: Double
        public var sentence: String
    }

    /// Scores rounded for display (3 decimals, confidence and contributions 2), with the
    /// strongest `reasons` each way.
    public init(subject: TrustSubject, score: InauthenticityScore, reasons: Int, audience: AudienceQuality? = nil) {
        platform = subject.account.platform.rawValue
        id = subject.account.platformID
        handle = subject.account.handle
        self.score = (score.probability * 1000).rounded() / 1000
        label = score.label.rawValue
        family = score.family
        threshold = score.threshold
        confidence = (score.confidence * 100).rounded() / 100
        prior = score.prior
        unsure = score.unsure
        notes = score.notes
        func reason(_ c: InauthenticityScore.Contribution) -> Reason {
            Reason(feature: c.feature.rawValue, contribution: (c.contribution * 100).rounded() / 100, value: c.value,
                   sentence: c.sentence)
        }
        reasonsUp = score.reasons(up: reasons).map(reason)
        reasonsDown = score.reasons(down: reasons).map(reason)
        unknown = score.unknown.map(\.rawValue)
        self.audience = audience
    }

    /// `@handle`, else the platform id.
    public var name: String { handle.map { "@" + $0 } ?? id }
}

/// Which accounts to score and how.
public struct TrustScoreRequest: Sendable, Hashable {
    /// How the scores of an account's audience are obtained.
    public enum Scope: String, Sendable, Hashable, Codable {
        /// Read only the account, its engagers and its tier's engagement counts (fast at any size).
        case neighbourhood
        /// Score every account of the workspace in one pass and read the result from it: the
        /// reference that ``neighbourhood`` must agree with (benchmarks check it).
        case wholeWorkspace
    }

    /// The account's handle (with or without `@`, any case) or platform id; every account of
    /// that name is scored.
    public var handle: String
    /// How many reasons to give each way.
    public var reasons: Int
    public var scope: Scope

    public init(handle: String, reasons: Int = 5, scope: Scope = .neighbourhood) {
        self.handle = handle
        self.reasons = reasons
        self.scope = scope
    }

    public func validate() throws(EngineError) {
        guard reasons >= 0 else { throw EngineError(.invalidArgument, field: "reasons", "the number of reasons must not be negative") }
    }
}

/// The accounts scored, with the model that scored them (its families, learners and signals).
public struct TrustScoreResult: Sendable {
    public var accounts: [AccountTrust]
    public var model: InauthenticityModel
}

/// Every account of a workspace with its score, addressable by key: what reports, evaluations
/// and influencer rankings read.
struct ScoredWorkspace: InauthenticityScoring {
    var subjects: [TrustSubject]
    var scores: [InauthenticityScore]
    var indexByKey: [AccountKey: Int]
    /// The workspace's prior, `nil` for the model's default.
    var prior: Double?

    /// One pass over the workspace. Scoring is a few microseconds per account: on every core it
    /// measured more CPU and no less time on 2 cores, so it runs in one pass off the caller's executor.
    static func load(from store: any Store, workspace: String, model: InauthenticityModel) async throws -> ScoredWorkspace {
        let subjects = try await store.trustSubjects(workspace: workspace)
        let prior = try await store.trustPrior(workspace: workspace)
        let scores = try await Offload.run { subjects.map { model.score($0, prior: prior) } }
        var index: [AccountKey: Int] = [:]
        index.reserveCapacity(subjects.count)
        for (position, subject) in subjects.enumerated() { index[subject.key] = position }
        return ScoredWorkspace(subjects: subjects, scores: scores, indexByKey: index, prior: prior)
    }

    func score(of key: AccountKey) -> InauthenticityScore? { indexByKey[key].map { scores[$0] } }

    /// For rankings: the calibrated probability, none when the score is unsure.
    func inauthenticity(of account: GraphAccount) -> Double? {
        guard let score = score(of: account.key), score.label != .unsure else { return nil }
        return score.probability
    }
}

extension Engine {
    /// Scores an account: how likely it is fake or automated, the signed reasons, the confidence,
    /// and the quality of its audience (followers' and engagers' scores, engagement against its
    /// tier, follower jumps, pods). Reads only the account's neighbourhood.
    ///
    /// ```swift
    /// let result = try await engine.trustScore(TrustScoreRequest(handle: "@marie_velo"))
    /// print(result.accounts[0].score, result.accounts[0].reasonsUp.map(\.sentence))
    /// ```
    public func trustScore(_ request: TrustScoreRequest) async throws -> TrustScoreResult {
        try request.validate()
        let model = try resources.trustModel()
        let name = request.handle.hasPrefix("@") ? String(request.handle.dropFirst()) : request.handle
        let keys = try await store.accountKeys(workspace: workspace, handle: name)
        guard !keys.isEmpty else {
            throw EngineError(.notFound, field: "handle", "no account '\(request.handle)' in workspace '\(workspace)'")
        }
        let accounts = switch request.scope {
        case .neighbourhood: try await scoreAccounts(keys, model: model, reasons: request.reasons)
        case .wholeWorkspace: try await scoreAccountsFromWholeWorkspace(keys, model: model, reasons: request.reasons)
        }
        return TrustScoreResult(accounts: accounts, model: model)
    }

    /// Scores `keys` reading only what they need: their own rows, posts and interactions, the
    /// subjects of the accounts that engaged with them (to score those), and the recent
    /// engagement counts of their follower tier (for the tier's likes per reply).
    func scoreAccounts(_ keys: [AccountKey], model: InauthenticityModel, reasons: Int) async throws -> [AccountTrust] {
        let subjects = try await store.trustSubjects(workspace: workspace, accounts: keys)
        let prior = try await store.trustPrior(workspace: workspace)
        var results: [AccountTrust] = []
        var tierMedians: [InfluenceTier: Double] = [:]
        var measuredTiers = Set<InfluenceTier>()
        for subject in subjects {
            try Task.checkCancellation()
            async let engagementsRead = store.engagements(workspace: workspace, account: subject.key)
            async let snapshotsRead = store.metricSnapshots(workspace: workspace, account: subject.key)
            let engagements = try await engagementsRead
            let engagerKeys = Array(Set(engagements.map(\.source)))
            let engagers = try await store.trustSubjects(workspace: workspace, accounts: engagerKeys)
            let snapshots = try await snapshotsRead
            var scores: [AccountKey: InauthenticityScore] = [:]
            for engager in engagers { scores[engager.key] = model.score(engager, prior: prior) }
            if let followers = subject.account.followers {
                let tier = InfluenceTier(followers: followers)
                if measuredTiers.insert(tier).inserted {
                    tierMedians[tier] = AudienceAnalyzer.tierMedian(try await store.recentEngagement(workspace: workspace, tier: tier))
                }
            }
            let analyzer = AudienceAnalyzer(tierLikesPerReply: tierMedians)
            let audience = analyzer.analyse(subject, engagements: engagements, snapshots: snapshots) { scores[$0] }
            results.append(AccountTrust(subject: subject, score: model.score(subject, prior: prior), reasons: reasons, audience: audience))
        }
        return results
    }

    /// The same result from one pass over the whole workspace.
    func scoreAccountsFromWholeWorkspace(_ keys: [AccountKey], model: InauthenticityModel,
                                         reasons: Int) async throws -> [AccountTrust] {
        let scored = try await ScoredWorkspace.load(from: store, workspace: workspace, model: model)
        let analyzer = AudienceAnalyzer(tierLikesPerReply: AudienceAnalyzer.tierMedians(scored.subjects))
        var results: [AccountTrust] = []
        for key in keys {
            guard let index = scored.indexByKey[key] else { continue }
            let subject = scored.subjects[index]
            let engagements = try await store.engagements(workspace: workspace, account: key)
            let snapshots = try await store.metricSnapshots(workspace: workspace, account: key)
            let audience = analyzer.analyse(subject, engagements: engagements, snapshots: snapshots,
                                            scoreOf: scored.score(of:))
            results.append(AccountTrust(subject: subject, score: scored.scores[index], reasons: reasons, audience: audience))
        }
        return results
    }

    /// The workspace scored when a trust model is found; `nil` and a note otherwise, so that
    /// analyses that only show the score (influencer rankings) still run.
    func optionallyScoredWorkspace() async throws -> (ScoredWorkspace?, note: String?) {
        let model: InauthenticityModel
        do {
            model = try resources.trustModel()
        } catch {
            return (nil, "\(error.message); inauthenticity is not shown")
        }
        return (try await ScoredWorkspace.load(from: store, workspace: workspace, model: model), nil)
    }
}

extension Engine {
    /// The share of fake accounts the workspace expects (the trust score's prior): the one it set,
    /// `nil` when it set none.
    public func trustPrior() async throws -> Double? {
        try await store.trustPrior(workspace: workspace)
    }

    /// Sets the workspace's prior (0 < share < 1), or removes it with `nil` (the model's default
    /// applies again). Scores are calibrated as likelihood ratios; the prior turns them into
    /// probabilities for this population.
    public func setTrustPrior(_ share: Double?) async throws {
        if let share, !(share > 0 && share < 1) {
            throw EngineError(.invalidArgument, field: "prior", "the prior must be between 0 and 1 (exclusive), e.g. 0.2")
        }
        try await store.setTrustPrior(share, workspace: workspace)
    }
}
