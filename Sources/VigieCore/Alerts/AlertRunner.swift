import Foundation

/// Evaluates rules, records what fires (once per event), and delivers it to the rule's webhook
/// with the delivery log. Storage and HTTP come in through protocols.
///
/// ```swift
/// let runner = AlertRunner(store: store, transport: WebhookSender())
/// let outcome = try runner.run(rule, posts: posts, at: now, workspace: "default")
/// ```
public struct AlertRunner: Sendable {
    public var store: any AlertStore
    public var transport: (any WebhookTransport)?
    public var policy: RetryPolicy
    public var evaluator: AlertEvaluator

    public init(store: any AlertStore, transport: (any WebhookTransport)?, policy: RetryPolicy = RetryPolicy(),
                evaluator: AlertEvaluator = AlertEvaluator()) {
        self.store = store
        self.transport = transport
        self.policy = policy
        self.evaluator = evaluator
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

    /// Evaluates `rule` as of `at` over `posts`, records new alerts and delivers them.
    /// `test` marks the payloads (`"test": true`) so receivers can tell a trial from the real thing.
    public func run(_ rule: AlertRule, posts: [AlertPost], at: Date, workspace: String, deliver: Bool = true,
                    test: Bool = false) throws -> Outcome {
        let alerts = try evaluator.evaluate(rule, posts: posts, at: at)
        var outcome = Outcome(rule: rule.name, at: at, fired: [], alreadyFired: 0, deliveries: [])
        for alert in alerts {
            let payload = try AlertPayload(alert: alert, rule: rule, workspace: workspace, test: test).encoded()
            guard let id = try store.recordFiredAlert(alert, payload: payload, workspace: workspace) else {
                outcome.alreadyFired += 1
                continue
            }
            outcome.fired.append(alert)
            if deliver, let delivery = try self.deliver(id: id, key: alert.key, payload: payload, to: rule.webhookURL) {
                outcome.deliveries.append(delivery)
            }
        }
        return outcome
    }

    /// Tries again every alert whose webhook never got it (after a receiver was down), except
    /// those in `excluding` (the ones a run just tried).
    public func retryUndelivered(workspace: String, excluding: Set<Int64> = [], limit: Int = 100) throws -> [Delivery] {
        var deliveries: [Delivery] = []
        for stored in try store.undeliveredAlerts(workspace: workspace, limit: limit) where !excluding.contains(stored.id) {
            if let delivery = try deliver(id: stored.id, key: stored.alert.key, payload: stored.payload, to: stored.webhookURL) {
                deliveries.append(delivery)
            }
        }
        return deliveries
    }

    private func deliver(id: Int64, key: String, payload: Data, to webhook: String?) throws -> Delivery? {
        guard let transport, let webhook, let url = URL(string: webhook) else { return nil }
        let attempts = transport.deliver(payload, to: url, policy: policy)
        for attempt in attempts { try store.recordDelivery(attempt, alertID: id) }
        return Delivery(alertID: id, key: key, attempts: attempts)
    }
}
