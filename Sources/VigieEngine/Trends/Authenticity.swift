import Foundation
import VigieCore

/// Which surge to break down: the posts of a target within a time range, optionally only those
/// carrying one weak-signal item.
public struct AuthenticityRequest: Sendable, Hashable {
    public var target: PostSelection
    public var from: Date
    public var until: Date
    /// Only posts carrying this item (a weak signal's `#tag`, term, link…).
    public var item: TrendItemExtractor.Item?
    /// The coordination window, in seconds.
    public var window: TimeInterval

    public init(target: PostSelection, from: Date, until: Date, item: TrendItemExtractor.Item? = nil, window: TimeInterval = 60) {
        self.target = target
        self.from = from
        self.until = until
        self.item = item
        self.window = window
    }

    public func validate() throws(EngineError) {
        guard from < until else { throw EngineError(.invalidArgument, field: "from", "the surge must start before it ends") }
        guard window > 0 else { throw EngineError(.invalidArgument, field: "window", "the coordination window must be positive") }
    }
}

extension Engine {
    /// Breaks a surge down: the share of its posts and accounts from likely fake accounts (the
    /// trust model) and from coordinated clusters (co-text, co-similar, co-repost, co-link,
    /// co-reply within the window, among the surge's own posts; sharing the surge's hashtag is
    /// not coordination), the largest clusters with their evidence, and a
    /// verdict — organic, partly manufactured, manufactured. Without a trust model the fake share
    /// is left out with a note.
    ///
    /// ```swift
    /// let breakdown = try await engine.authenticity(AuthenticityRequest(target: .watch("velo"), from: start, until: end))
    /// print(breakdown.summary)
    /// ```
    public func authenticity(_ request: AuthenticityRequest) async throws -> SurgeAuthenticity {
        try request.validate()
        var posts = try await posts(of: request.target, from: request.from, until: request.until)
        if let item = request.item {
            let (extractor, _) = try trendItemExtractor()
            let all = posts
            posts = try await Offload.run { all.filter { extractor.items(of: $0).contains(item) } }
        }
        try Task.checkCancellation()
        var notes: [String] = []
        var fakeByAuthor: [AccountKey: Bool]?
        do {
            let model = try resources.trustModel()
            let authors = Array(Set(posts.map { AccountKey(platform: $0.platform, platformID: $0.authorID) }))
            let subjects = try await store.trustSubjects(workspace: workspace, accounts: authors)
            let prior = try await store.trustPrior(workspace: workspace)
            fakeByAuthor = try await Offload.run {
                var labels: [AccountKey: Bool] = [:]
                for subject in subjects {
                    let score = model.score(subject, prior: prior)
                    if score.label != .unsure { labels[subject.key] = score.label == .likelyInauthentic }
                }
                return labels
            }
        } catch let error as EngineError where error.code == .resourceMissing {
            notes.append("\(error.message); the share of likely fake accounts is not given")
        }
        // Sharing the surge's own hashtag (or, for a link signal, its link) is what a surge is,
        // not a sign of coordination: those behaviours are left out.
        var types = Set(CoordinationType.allCases)
        types.remove(.coHashtag)
        if let item = request.item, item.kind == .link || item.kind == .domain { types.remove(.coLink) }
        let options = CoordinationDetector.Options(window: request.window, minWeight: 2, types: types,
                                                   evidencePerEdge: 3, keysPerEdge: 3)
        let surge = posts
        let network = try await Offload.run { CoordinationDetector(options: options).detect(in: CoordinationInput(posts: surge)) }
        let labels = fakeByAuthor
        return SurgeAuthenticity.analyse(posts: posts, from: request.from, until: request.until,
                                         isLikelyFake: labels.map { labels in { labels[$0] } }, network: network, notes: notes)
    }

    /// The breakdown an alert carries: a spike's buckets, or a weak signal's window and item.
    func authenticity(of alert: FiredAlert, rule: AlertRule) async throws -> SurgeAuthenticity? {
        let target = PostSelection(rule.target)
        if let spike = alert.spike {
            let until = spike.resolvedAt ?? spike.firedAt.addingTimeInterval(rule.settings.bucket)
            return try await authenticity(AuthenticityRequest(target: target, from: spike.start, until: until))
        }
        if let signal = alert.signal {
            let item = TrendItemExtractor.Item(signal.kind, signal.key)
            return try await authenticity(AuthenticityRequest(
                target: target, from: alert.firedAt.addingTimeInterval(-rule.settings.signal.window),
                until: alert.firedAt.addingTimeInterval(1), item: item))
        }
        return nil
    }

    /// The posts of `selection` created in `from..<until`.
    func posts(of selection: PostSelection, from: Date, until: Date) async throws -> [Post] {
        var posts: [Post] = []
        if case .watch(let name) = selection {
            for try await page in store.watchedPosts(named: name, workspace: workspace, in: from..<until) { posts += page }
            return posts
        }
        try await forEachPage(of: selection) { page in
            posts += page.filter { $0.createdAt >= from && $0.createdAt < until }
        }
        return posts
    }
}
