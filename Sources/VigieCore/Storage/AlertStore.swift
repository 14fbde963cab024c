import Foundation

/// Storage of alert rules, fired alerts and the delivery log. Rules refer to watches by name.
public protocol AlertStore: Sendable {
    /// Adds a rule; throws ``StoreError`` `alreadyExists` if the workspace has one with that name.
    func addAlertRule(_ rule: AlertRule, workspace: String) async throws
    func alertRules(workspace: String) async throws -> [AlertRule]
    func alertRule(named name: String, workspace: String) async throws -> AlertRule?
    /// Removes a rule with its fired alerts and delivery log; `false` when there was none.
    @discardableResult
    func removeAlertRule(named name: String, workspace: String) async throws -> Bool
    /// Records a fired alert unless the rule already fired one with that key; returns its id, or `nil`.
    func recordFiredAlert(_ alert: FiredAlert, payload: Data, workspace: String) async throws -> Int64?
    /// Fired alerts, newest first, of one rule or all.
    func firedAlerts(workspace: String, rule: String?, limit: Int) async throws -> [StoredAlert]
    /// Alerts of rules with a webhook that no attempt has delivered yet (oldest first).
    func undeliveredAlerts(workspace: String, limit: Int) async throws -> [StoredAlert]
    func recordDelivery(_ attempt: DeliveryAttempt, alertID: Int64) async throws
    /// The delivery log, newest first, of one rule or all.
    func deliveries(workspace: String, rule: String?, limit: Int) async throws -> [DeliveryRecord]
}

/// A fired alert as stored. Its `id` is the alert's own number in the store (alerts are Vigie's
/// records, not a platform's).
public struct StoredAlert: Sendable, Hashable, Codable {
    public var id: Int64
    public var alert: FiredAlert
    /// The JSON document sent (or to send) to the webhook.
    public var payload: Data
    public var webhookURL: String?
    public var delivered: Bool

    public init(id: Int64, alert: FiredAlert, payload: Data, webhookURL: String?, delivered: Bool) {
        self.id = id
        self.alert = alert
        self.payload = payload
        self.webhookURL = webhookURL
        self.delivered = delivered
    }
}

/// One line of the delivery log.
public struct DeliveryRecord: Sendable, Hashable, Codable {
    public var alertID: Int64
    public var rule: String
    public var key: String
    public var attempt: DeliveryAttempt

    public init(alertID: Int64, rule: String, key: String, attempt: DeliveryAttempt) {
        self.alertID = alertID
        self.rule = rule
        self.key = key
        self.attempt = attempt
    }
}
