import Foundation
import VigieCore

/// Which accounts a trust report lists.
public struct TrustReportRequest: Sendable, Hashable {
    /// The accounts a report can be restricted to: the authors of a topic's posts.
    public enum Selection: Sendable, Hashable {
        /// Authors of the posts this listening query matches (words matched as written).
        case query(String)
        /// Authors of a saved watch's posts (kept up to date incrementally: no scan of every post).
        case watch(String)
    }

    /// `nil`: every account of the workspace.
    public var selection: Selection?
    /// Only accounts scored at least this (0–1).
    public var minScore: Double
    /// How many accounts to list, highest score first.
    public var limit: Int
    /// Reasons given per account (raising the score only).
    public var reasons: Int

    public init(selection: Selection? = nil, minScore: Double = 0.7, limit: Int = 50, reasons: Int = 3) {
        self.selection = selection
        self.minScore = minScore
        self.limit = limit
        self.reasons = reasons
    }

    public func validate() throws(EngineError) {
        guard (0...1).contains(minScore) else {
            throw EngineError(.invalidArgument, field: "minScore", "the minimum score must be between 0 and 1")
        }
        guard limit >= 0 else { throw EngineError(.invalidArgument, field: "limit", "the limit must not be negative") }
        guard reasons >= 0 else { throw EngineError(.invalidArgument, field: "reasons", "the number of reasons must not be negative") }
    }
}

/// Accounts ranked by inauthenticity score.
public struct TrustReport: Sendable {
    /// Accounts scored (the whole workspace).
    public var scoredAccounts: Int
    /// Each profile family's label threshold, in the model's order.
    public var thresholds: [FamilyThreshold]
    /// The share of fake accounts assumed, and whether the workspace set it (`false`: the model's default).
    public var prior: Double
    public var priorSetByWorkspace: Bool
    /// The label threshold and the precision it was chosen for on held-out labelled sets.
    public var threshold: Double
    public var precisionTarget: Double
    /// The accounts listed, highest score first (unsure ones included, with their reasons).
    public var accounts: [AccountTrust]
    /// Seconds spent selecting, reading and scoring.
    public var seconds: Double

    public struct FamilyThreshold: Sendable, Hashable, Codable {
        public var family: String
        public var threshold: Double
    }
}

extension Engine {
    /// Ranks the workspace's accounts (or a topic's authors) by inauthenticity score, with their
    /// main reasons.
    ///
    /// ```swift
    /// let report = try await engine.trustReport(TrustReportRequest(selection: .watch("velo"), minScore: 0.5))
    /// for account in report.accounts { print(account.name, account.score) }
    /// ```
    public func trustReport(_ request: TrustReportRequest) async throws -> TrustReport {
        try request.validate()
        let model = try resources.trustModel()
        let started = ContinuousClock.now
        let authors = try await authors(of: request.selection)
        try Task.checkCancellation()
        let scored = try await ScoredWorkspace.load(from: store, workspace: workspace, model: model)
        let ranked = TrustRanking.rank(scored.subjects, scores: scored.scores, minScore: request.minScore,
                                       limit: request.limit) { subject in
            authors.map { $0.contains(subject.key) } ?? true
        }
        let rows = ranked.map { AccountTrust(subject: scored.subjects[$0], score: scored.scores[$0], reasons: request.reasons) }
        return TrustReport(scoredAccounts: scored.subjects.count,
                           thresholds: model.profiles.map { .init(family: $0.family, threshold: $0.threshold) },
                           prior: scored.prior ?? model.defaultPrior, priorSetByWorkspace: scored.prior != nil,
                           threshold: model.threshold, precisionTarget: model.precisionTarget,
                           accounts: rows, seconds: (ContinuousClock.now - started).seconds)
    }

    /// The accounts that authored the watch's or the query's posts; `nil` without a selection.
    func authors(of selection: TrustReportRequest.Selection?) async throws -> Set<AccountKey>? {
        switch selection {
        case nil:
            return nil
        case .watch(let name):
            guard let span = try await store.watchSpan(named: name, workspace: workspace) else { return [] }
            var authors = Set<AccountKey>()
            try await store.watchedPosts(named: name, workspace: workspace,
                                         in: span.lowerBound..<span.upperBound.addingTimeInterval(1)).forEach { post in
                authors.insert(post.authorKey)
            }
            return authors
        case .query(let text):
            let query = try Query.parse(text)
            var authors = Set<AccountKey>()
            for try await page in store.posts(workspace: workspace) {
                let matches = await Parallel.map(page) { query.matches($0) }
                for (post, match) in zip(page, matches) where match { authors.insert(post.authorKey) }
            }
            return authors
        }
    }
}

/// Orders a set of accounts (any predicate) by score, highest first; ties keep storage order.
enum TrustRanking {
    static func rank(_ subjects: [TrustSubject], scores: [InauthenticityScore], minScore: Double,
                     limit: Int, include: (TrustSubject) -> Bool) -> [Int] {
        let kept = subjects.indices.filter { i in scores[i].probability >= minScore && include(subjects[i]) }
        return Array(kept.sorted { scores[$0].probability != scores[$1].probability
            ? scores[$0].probability > scores[$1].probability : $0 < $1 }.prefix(limit))
    }
}
