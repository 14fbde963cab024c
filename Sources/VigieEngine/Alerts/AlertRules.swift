import Foundation
import VigieCore

/// Alert rules and what they fired: the stored side of alerting.
extension Engine {
    /// Validates and stores a rule. A rule on a watch needs that watch to exist (`notFound`
    /// about `watch` otherwise); a name already taken is a ``StoreError`` `alreadyExists`.
    ///
    /// ```swift
    /// try await engine.addAlertRule(AlertRule(name: "velo-spike", target: .watch("velo"), kind: .spike,
    ///                                         webhookURL: "http://127.0.0.1:8080/hook"))
    /// ```
    public func addAlertRule(_ rule: AlertRule) async throws {
        do { try rule.validate() } catch { throw error.engineError() }
        if case .watch(let name) = rule.target, try await store.watch(named: name, workspace: workspace) == nil {
            throw EngineError(.notFound, field: "watch", "no watch named '\(name)' in workspace '\(workspace)': add it first")
        }
        try await store.addAlertRule(rule, workspace: workspace)
    }

    /// The workspace's rules, by name.
    public func alertRules() async throws -> [AlertRule] {
        try await store.alertRules(workspace: workspace)
    }

    /// One rule; `notFound` about `rule` when there is none.
    public func alertRule(named name: String) async throws -> AlertRule {
        guard let rule = try await store.alertRule(named: name, workspace: workspace) else { throw missingRule(name) }
        return rule
    }

    /// Removes a rule with its fired alerts and delivery log; `notFound` when there is none.
    ///
    /// ```swift
    /// try await engine.removeAlertRule(named: "velo-spike")
    /// ```
    public func removeAlertRule(named name: String) async throws {
        guard try await store.removeAlertRule(named: name, workspace: workspace) else { throw missingRule(name) }
    }

    /// Alerts that fired, newest first, of one rule (`rule`) or all.
    public func firedAlerts(rule: String? = nil, limit: Int = 20) async throws -> [StoredAlert] {
        try await store.firedAlerts(workspace: workspace, rule: rule, limit: max(0, limit))
    }

    /// The delivery log, newest first: every attempt with its status or error.
    public func alertDeliveries(rule: String? = nil, limit: Int = 50) async throws -> [DeliveryRecord] {
        try await store.deliveries(workspace: workspace, rule: rule, limit: max(0, limit))
    }

    func missingRule(_ name: String) -> EngineError {
        EngineError(.notFound, field: "rule", "no alert named '\(name)' in workspace '\(workspace)'")
    }
}
