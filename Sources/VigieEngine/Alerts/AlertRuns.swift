import Foundation
import VigieCore

/// How alert rules are evaluated and their alerts delivered.
public struct AlertRunRequest: Sendable, Hashable {
    /// Evaluate as of this time; `nil`: the newest post of each rule's target.
    public var at: Date?
    /// Call the webhooks; without, what fires is only stored (and a later run delivers it).
    public var deliver: Bool
    /// Attempts, backoff, timeout, parallel deliveries and circuit breaker.
    public var policy: RetryPolicy

    public init(at: Date? = nil, deliver: Bool = true, policy: RetryPolicy = RetryPolicy()) {
        self.at = at
        self.deliver = deliver
        self.policy = policy
    }

    public func validate() throws(EngineError) {
        do { try policy.validate() } catch { throw error.engineError() }
    }
}

/// What a run of every rule did.
public struct AlertRunResult: Sendable, Codable {
    /// One per enabled rule that could be evaluated, in rule order, with its deliveries.
    public var outcomes: [AlertRunner.Outcome]
    /// Deliveries of alerts fired by earlier runs that had not reached their webhook.
    public var retried: [AlertRunner.Delivery]
    /// Rules that could not be evaluated (`name: why`): a watch removed, a query that no longer
    /// parses, a missing resource. The other rules still ran.
    public var skipped: [String]

    /// Whether any delivery failed.
    public var hasFailedDelivery: Bool {
        outcomes.flatMap(\.deliveries).contains { !$0.delivered } || retried.contains { !$0.delivered }
    }
}

extension Engine {
    /// Evaluates one rule now and delivers what fires with `"test": true` in the payload. What
    /// fires is stored like any alert, so a later run does not send it again.
    ///
    /// ```swift
    /// let outcome = try await engine.testAlert(named: "velo-spike", AlertRunRequest(), transport: WebhookSender())
    /// ```
    public func testAlert(named name: String, _ request: AlertRunRequest = AlertRunRequest(),
                          transport: (any WebhookTransport)?, breakers: ReceiverBreakers? = nil) async throws -> AlertRunner.Outcome {
        try request.validate()
        let rule = try await alertRule(named: name)
        let (runner, sentimentProblem) = try alertRunner(for: [rule], request: request, transport: transport, breakers: breakers)
        if rule.kind == .sentimentShift, let sentimentProblem { throw sentimentProblem }
        let (input, at) = try await alertInput(rule, at: request.at)
        return try await runner.run(rule, input: input, at: at, workspace: workspace, deliver: request.deliver, test: true)
    }

    /// Evaluates every enabled rule, stores what fires (each event once), then delivers the new
    /// alerts together with the earlier undelivered ones, in parallel: a receiver that hangs or
    /// fails costs the others nothing (its circuit breaker opens after repeated failures).
    ///
    /// ```swift
    /// let result = try await engine.runAlerts(AlertRunRequest(), transport: WebhookSender())
    /// if result.hasFailedDelivery { … }
    /// ```
    public func runAlerts(_ request: AlertRunRequest = AlertRunRequest(), transport: (any WebhookTransport)?,
                          breakers: ReceiverBreakers? = nil) async throws -> AlertRunResult {
        try request.validate()
        let rules = try await store.alertRules(workspace: workspace).filter(\.enabled)
        let (runner, sentimentProblem) = try alertRunner(for: rules, request: request, transport: transport, breakers: breakers)
        var result = AlertRunResult(outcomes: [], retried: [], skipped: [])
        var pending: [AlertRunner.Pending] = []
        // The outcome each new alert belongs to.
        var outcomeOf: [Int64: Int] = [:]
        for rule in rules {
            try Task.checkCancellation()
            do {
                if rule.kind == .sentimentShift, let sentimentProblem { throw sentimentProblem }
                let (input, at) = try await alertInput(rule, at: request.at)
                let recorded = try await runner.record(rule, input: input, at: at, workspace: workspace)
                for alert in recorded.pending { outcomeOf[alert.id] = result.outcomes.count }
                pending += recorded.pending
                result.outcomes.append(recorded.outcome)
            } catch let error as QueryError {
                result.skipped.append("\(rule.name): invalid query\n\(error.description)")
            } catch let error as EngineError {
                result.skipped.append("\(rule.name): \(error.message)")
            } catch let error as WatchError {
                result.skipped.append("\(rule.name): \(error.description)")
            } catch let error as TrendOptionError {
                result.skipped.append("\(rule.name): \(error.description)")
            }
        }
        guard request.deliver, transport != nil else { return result }
        let earlier = try await store.undeliveredAlerts(workspace: workspace, limit: 100)
            .filter { outcomeOf[$0.id] == nil }.map(AlertRunner.Pending.init)
        for delivery in try await runner.deliver(pending + earlier) {
            if let outcome = outcomeOf[delivery.alertID] {
                result.outcomes[outcome].deliveries.append(delivery)
            } else {
                result.retried.append(delivery)
            }
        }
        return result
    }

    /// A runner whose evaluator has what `rules` need: stop words always, the sentiment
    /// classifier only when a sentiment rule is among them. Without the language data the
    /// classifier is missing and the returned error says why: sentiment rules are then skipped
    /// with it, and the others run.
    func alertRunner(for rules: [AlertRule], request: AlertRunRequest, transport: (any WebhookTransport)?,
                     breakers: ReceiverBreakers?) throws -> (AlertRunner, sentimentProblem: EngineError?) {
        let (extractor, _) = try trendItemExtractor()
        var sentiment: AlertSentimentClassifier?
        var problem: EngineError?
        if rules.contains(where: { $0.kind == .sentimentShift }) {
            do {
                let (analyzer, _) = try resources.sentimentAnalyzer()
                sentiment = { text, language in
                    let result = analyzer.classify(text, language: language)
                    return (result.label.rawValue, result.score)
                }
            } catch {
                problem = error
            }
        }
        let engine = self
        let runner = AlertRunner(store: store, transport: request.deliver ? transport : nil, policy: request.policy,
                                 evaluator: AlertEvaluator(extractor: extractor, sentiment: sentiment), breakers: breakers,
                                 authenticity: { rule, alert in try await engine.authenticity(of: alert, rule: rule) })
        return (runner, problem)
    }

    /// What a rule reads, as of `at` (default: the newest of its target), from as far back as the
    /// rule looks: the volume per bucket for a spike rule, the posts for the others. A watch reads
    /// only that window (its matches are indexed by time, and the store counts them for a spike
    /// rule); a query or the whole workspace is scanned, keeping only the window, so memory stays
    /// bounded by the window however large the store grows (a live listener evaluates every 30 s).
    func alertInput(_ rule: AlertRule, at: Date?) async throws -> (input: AlertInput, at: Date) {
        let lookBack = AlertEvaluator.history(for: rule)
        let need = AlertInput.need(of: rule)
        if case .watch(let name) = rule.target {
            let end: Date
            if let at {
                end = at
            } else if let span = try await store.watchSpan(named: name, workspace: workspace) {
                end = span.upperBound
            } else {
                return (.posts([]), Date())
            }
            // The range's end is exclusive; posts at `end` itself belong to the window.
            let window = end.addingTimeInterval(-lookBack)..<end.addingTimeInterval(0.001)
            if need == .volume {
                let volume = try await store.watchedVolume(named: name, workspace: workspace, in: window,
                                                           bucket: rule.settings.bucket)
                return (.volume(volume), end)
            }
            var posts: [AlertPost] = []
            for try await page in store.watchedPosts(named: name, workspace: workspace, in: window) {
                posts += page.lazy.map(AlertPost.init).filter { $0.time <= end }
            }
            return (.posts(posts), end)
        }
        let selection = PostSelection(rule.target)
        if need == .volume {
            let (times, end) = try await window(of: selection, lookBack: lookBack, at: at, keep: \.createdAt, time: { $0 })
            let series = VolumeSeries(times: times, bucket: rule.settings.bucket, from: end.addingTimeInterval(-lookBack), through: end)
            return (.volume(series), end)
        }
        let (posts, end) = try await window(of: selection, lookBack: lookBack, at: at, keep: AlertPost.init, time: \.time)
        return (.posts(posts), end)
    }

    /// `keep(post)` for each post of `selection` created in the `lookBack` before `at` (default:
    /// the newest post), and that end. What a newer post pushes out of the window is dropped as
    /// the scan goes, so memory is bounded by the window.
    private func window<Kept>(of selection: PostSelection, lookBack: TimeInterval, at: Date?,
                              keep: (Post) -> Kept, time: (Kept) -> Date) async throws -> ([Kept], Date) {
        var kept: [Kept] = []
        var newest = at ?? .distantPast
        var compactedCount = 0
        try await forEachPage(of: selection) { page in
            for post in page {
                if at == nil, post.createdAt > newest { newest = post.createdAt }
                if post.createdAt >= newest.addingTimeInterval(-lookBack) { kept.append(keep(post)) }
            }
            // Compacted once the kept posts have doubled.
            if kept.count > 2 * max(compactedCount, 10_000) {
                let history = newest.addingTimeInterval(-lookBack)
                kept.removeAll { time($0) < history }
                compactedCount = kept.count
            }
        }
        let end = at ?? (newest == .distantPast ? Date() : newest)
        let history = end.addingTimeInterval(-lookBack)
        kept.removeAll { time($0) < history || time($0) > end }
        return (kept, end)
    }
}
