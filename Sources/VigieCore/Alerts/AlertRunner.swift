import Foundation

/// Evaluates rules, records what fires (once per event), and delivers it to the rule's webhook
/// with the delivery log. Storage and HTTP come in through protocols.
///
/// Deliveries run in parallel (``RetryPolicy/concurrency`` at once) and each receiver has a
/// circuit breaker: after ``RetryPolicy/breakerThreshold`` failed deliveries in a row it is left
/// alone for the cool-down, so one receiver that hangs costs the others nothing; its alerts stay
/// undelivered and a later run tries them again.
///
/// ```swift
/// let runner = AlertRunner(store: store, transport: WebhookSender())
/// let outcome = try await runner.run(rule, input: .posts(posts), at: now, workspace: "default")
/// ```
public struct AlertRunner: Sendable {
    public var store: any AlertStore
    public var transport: (any WebhookTransport)?
    public var policy: RetryPolicy
    public var evaluator: AlertEvaluator
    /// Shared by every delivery of this runner (and of others given the same breakers).
    public let breakers: ReceiverBreakers
    /// Works out the authenticity breakdown of a spike or weak-signal alert that fires for the
    /// first time (an alert found again keeps the one it was recorded with).
    public var authenticity: AlertAuthenticity?

    /// The breakdown of one alert's surge; `nil` when it cannot be made.
    public typealias AlertAuthenticity = @Sendable (AlertRule, FiredAlert) async throws -> SurgeAuthenticity?

    public init(store: any AlertStore, transport: (any WebhookTransport)?, policy: RetryPolicy = RetryPolicy(),
                evaluator: AlertEvaluator = AlertEvaluator(), breakers: ReceiverBreakers? = nil,
                authenticity: AlertAuthenticity? = nil) {
        self.store = store
        self.transport = transport
        self.policy = policy
        self.evaluator = evaluator
        self.breakers = breakers ?? ReceiverBreakers(threshold: policy.breakerThreshold, cooldown: policy.breakerCooldown)
        self.authenticity = authenticity
    }

    public struct Delivery: Sendable, Hashable, Codable {
        public var alertID: Int64
        public var key: String
        public var attempts: [DeliveryAttempt]
        public var delivered: Bool { attempts.last?.delivered ?? false }
    }

    public struct Outcome: Sendable, Hashable, Codable {
        public var rule: String
        public var at: Date
        /// Alerts fired for the first time by this run.
        public var fired: [FiredAlert]
        /// Events found again that had already fired (not sent again).
        public var alreadyFired: Int
        public var deliveries: [Delivery]
    }

    /// A recorded alert to send: its stored id, key, document and receiver.
    public struct Pending: Sendable, Hashable {
        public var id: Int64
        public var key: String
        public var payload: Data
        public var webhook: String?

        public init(id: Int64, key: String, payload: Data, webhook: String?) {
            self.id = id
            self.key = key
            self.payload = payload
            self.webhook = webhook
        }

        public init(_ stored: StoredAlert) {
            self.init(id: stored.id, key: stored.alert.key, payload: stored.payload, webhook: stored.webhookURL)
        }
    }

    /// Evaluates `rule` as of `at` over its input, records new alerts and delivers them.
    /// `test` marks the payloads (`"test": true`) so receivers can tell a trial from the real thing.
    public func run(_ rule: AlertRule, input: AlertInput, at: Date, workspace: String, deliver: Bool = true,
                    test: Bool = false) async throws -> Outcome {
        let recorded = try await record(rule, input: input, at: at, workspace: workspace, test: test)
        var outcome = recorded.outcome
        if deliver { outcome.deliveries = try await self.deliver(recorded.pending) }
        return outcome
    }

    /// Evaluates `rule` and records what fires for the first time, without delivering it: the
    /// outcome (no deliveries yet) and the alerts to send. Several rules' alerts can then go out
    /// in one ``deliver(_:)``, so a slow receiver of one rule does not hold the others back.
    public func record(_ rule: AlertRule, input: AlertInput, at: Date, workspace: String,
                       test: Bool = false) async throws -> (outcome: Outcome, pending: [Pending]) {
        let evaluator = self.evaluator
        // Weak signals and sentiment over a target's posts are CPU work: off the caller's executor.
        let alerts = try await Offload.run { try evaluator.evaluate(rule, input: input, at: at) }
        var outcome = Outcome(rule: rule.name, at: at, fired: [], alreadyFired: 0, deliveries: [])
        var pending: [Pending] = []
        // Keys already recorded: their breakdown is not worked out again.
        var recorded = Set<String>()
        if authenticity != nil, alerts.contains(where: { $0.kind != .sentimentShift }) {
            recorded = Set(try await store.firedAlerts(workspace: workspace, rule: rule.name, limit: 1_000).map(\.alert.key))
        }
        for var alert in alerts {
            if let authenticity, alert.kind != .sentimentShift, !recorded.contains(alert.key),
               let breakdown = try await authenticity(rule, alert) {
                alert.authenticity = breakdown
                alert.summary += "; authenticity: " + breakdown.summary
            }
            let payload = try AlertPayload(alert: alert, rule: rule, workspace: workspace, test: test).encoded()
            guard let id = try await store.recordFiredAlert(alert, payload: payload, workspace: workspace) else {
                outcome.alreadyFired += 1
                continue
            }
            outcome.fired.append(alert)
            pending.append(Pending(id: id, key: alert.key, payload: payload, webhook: rule.webhookURL))
        }
        return (outcome, pending)
    }

    /// Tries again every alert whose webhook never got it (after a receiver was down), except
    /// those in `excluding` (the ones a run just tried).
    public func retryUndelivered(workspace: String, excluding: Set<Int64> = [], limit: Int = 100) async throws -> [Delivery] {
        let pending = try await store.undeliveredAlerts(workspace: workspace, limit: limit)
            .filter { !excluding.contains($0.id) }
            .map(Pending.init)
        return try await deliver(pending)
    }

    /// Delivers in parallel, at most `policy.concurrency` at once, and logs every attempt; results
    /// in the order given (alerts without a webhook are left out). Nothing is sent without a transport.
    public func deliver(_ pending: [Pending]) async throws -> [Delivery] {
        guard let transport else { return [] }
        let sendable = pending.enumerated().compactMap { index, alert -> (Int, Pending, URL)? in
            guard let webhook = alert.webhook, let url = URL(string: webhook) else { return nil }
            return (index, alert, url)
        }
        let policy = self.policy
        let breakers = self.breakers
        var results: [(Int, Pending, [DeliveryAttempt])] = []
        try await withThrowingTaskGroup(of: (Int, Pending, [DeliveryAttempt]).self) { group in
            var next = 0
            func startNext() {
                guard next < sendable.count else { return }
                let (index, alert, url) = sendable[next]
                next += 1
                group.addTask {
                    let receiver = ReceiverBreakers.receiver(of: url)
                    if let until = await breakers.openUntil(receiver) {
                        let skipped = DeliveryAttempt(
                            attempt: 0, at: Date(), url: url.absoluteString, statusCode: nil,
                            error: "not sent: \(receiver) failed \(policy.breakerThreshold) deliveries in a row; "
                                + "tried again after \(DateParsing.iso8601(until))",
                            durationMillis: 0, delivered: false)
                        return (index, alert, [skipped])
                    }
                    let attempts = await transport.deliver(alert.payload, to: url, policy: policy)
                    await breakers.record(receiver, delivered: attempts.last?.delivered ?? false)
                    return (index, alert, attempts)
                }
            }
            for _ in 0..<max(1, policy.concurrency) { startNext() }
            while let result = try await group.next() {
                results.append(result)
                startNext()
            }
        }
        var deliveries: [Delivery] = []
        for (_, alert, attempts) in results.sorted(by: { $0.0 < $1.0 }) {
            for attempt in attempts { try await store.recordDelivery(attempt, alertID: alert.id) }
            deliveries.append(Delivery(alertID: alert.id, key: alert.key, attempts: attempts))
        }
        return deliveries
    }
}

/// One circuit breaker per webhook receiver (scheme, host and port): shared, mutable state, so
/// an actor.
public actor ReceiverBreakers {
    private let threshold: Int
    private let cooldown: TimeInterval
    private var failures: [String: Int] = [:]
    private var openUntil: [String: Date] = [:]

    public init(threshold: Int = 3, cooldown: TimeInterval = 300) {
        self.threshold = threshold
        self.cooldown = cooldown
    }

    /// The receiver's name: what a breaker is kept per.
    public static func receiver(of url: URL) -> String {
        "\(url.scheme ?? "http")://\(url.host ?? "")" + (url.port.map { ":\($0)" } ?? "")
    }

    /// When the receiver's circuit closes again, `nil` when it is closed now.
    public func openUntil(_ receiver: String, now: Date = Date()) -> Date? {
        guard let until = openUntil[receiver] else { return nil }
        if until > now { return until }
        openUntil[receiver] = nil
        return nil
    }

    /// A delivery's outcome: a success closes the circuit, `threshold` failures in a row open it.
    public func record(_ receiver: String, delivered: Bool, now: Date = Date()) {
        if delivered {
            failures[receiver] = nil
            return
        }
        let count = (failures[receiver] ?? 0) + 1
        failures[receiver] = count
        if count >= threshold {
            openUntil[receiver] = now.addingTimeInterval(cooldown)
            failures[receiver] = nil
        }
    }
}
