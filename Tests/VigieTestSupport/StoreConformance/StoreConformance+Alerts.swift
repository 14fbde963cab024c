import Foundation
import Testing
import VigieCore

/// `AlertStore`: rules, fired alerts (never twice), the delivery log.
extension StoreConformance {
    static let alertChecks: [Check] = [
        Check("alerts", "rules are stored, listed and removed") { try await $0.rulesAreStoredListedAndRemoved() },
        Check("alerts", "an alert fires once per key") { try await $0.anAlertFiresOncePerKey() },
        Check("alerts", "deliveries are logged and mark alerts delivered") { try await $0.deliveriesAreLogged() },
        Check("alerts", "removing a rule removes its alerts and log") { try await $0.removingARuleRemovesItsAlerts() },
    ]

    static func firedAlert(_ rule: String, key: String, at seconds: Double, summary: String = "spike") -> FiredAlert {
        FiredAlert(rule: rule, kind: .spike, key: key, firedAt: Fixture.at(seconds), observedAt: Fixture.at(seconds - 60),
                   summary: summary)
    }

    func rulesAreStoredListedAndRemoved() async throws {
        let store = try await makeStore()
        var settings = AlertSettings()
        settings.spike.persistence = 3
        let b = AlertRule(name: "b", target: .query("#velo lang:fr"), kind: .spike, settings: settings,
                          webhookURL: "http://127.0.0.1:9/hook", createdAt: Fixture.at(0))
        let a = AlertRule(name: "a", target: .watch("marque"), kind: .weakSignal, enabled: false, createdAt: Fixture.at(10))
        let c = AlertRule(name: "c", target: .all, kind: .sentimentShift, createdAt: Fixture.at(20))
        try await store.addAlertRule(b, workspace: "w")
        try await store.addAlertRule(a, workspace: "w")
        try await store.addAlertRule(c, workspace: "w")
        let error = await #expect(throws: StoreError.self) {
            try await store.addAlertRule(AlertRule(name: "a", target: .all, kind: .spike), workspace: "w")
        }
        #expect(error?.code == .alreadyExists)
        #expect(try await store.alertRules(workspace: "w") == [a, b, c])
        #expect(try await store.alertRule(named: "b", workspace: "w") == b)
        #expect(try await store.alertRule(named: "z", workspace: "w") == nil)
        #expect(try await store.alertRules(workspace: "other").isEmpty)
        // The same name in another workspace is another rule.
        try await store.addAlertRule(a, workspace: "other")
        #expect(try await store.removeAlertRule(named: "a", workspace: "w"))
        #expect(try await !store.removeAlertRule(named: "a", workspace: "w"))
        #expect(try await store.alertRules(workspace: "w").map(\.name) == ["b", "c"])
        #expect(try await store.alertRules(workspace: "other") == [a])
        let invalid = await #expect(throws: StoreError.self) { try await store.addAlertRule(c, workspace: "bad name;") }
        #expect(invalid?.code == .invalidWorkspace)
    }

    func anAlertFiresOncePerKey() async throws {
        let store = try await makeStore()
        try await store.addAlertRule(AlertRule(name: "hooked", target: .all, kind: .spike, webhookURL: "http://127.0.0.1:9/a"), workspace: Self.ws)
        try await store.addAlertRule(AlertRule(name: "quiet", target: .all, kind: .spike), workspace: Self.ws)
        let first = Self.firedAlert("hooked", key: "k1", at: 100)
        let payload = Data(#"{"schema":"vigie.alert/1"}"#.utf8)
        let id = try #require(try await store.recordFiredAlert(first, payload: payload, workspace: Self.ws))
        #expect(try await store.recordFiredAlert(Self.firedAlert("hooked", key: "k1", at: 500, summary: "again"),
                                                 payload: payload, workspace: Self.ws) == nil)
        let second = Self.firedAlert("hooked", key: "k2", at: 200)
        let secondID = try #require(try await store.recordFiredAlert(second, payload: Data("{}".utf8), workspace: Self.ws))
        #expect(secondID != id)
        let quiet = Self.firedAlert("quiet", key: "k1", at: 300)
        #expect(try await store.recordFiredAlert(quiet, payload: Data("{}".utf8), workspace: Self.ws) != nil)

        let fired = try await store.firedAlerts(workspace: Self.ws, rule: nil, limit: 10)
        #expect(fired.map(\.alert) == [quiet, second, first]) // newest first
        #expect(fired.last == StoredAlert(id: id, alert: first, payload: payload, webhookURL: "http://127.0.0.1:9/a", delivered: false))
        #expect(try await store.firedAlerts(workspace: Self.ws, rule: "hooked", limit: 10).map(\.alert.key) == ["k2", "k1"])
        #expect(try await store.firedAlerts(workspace: Self.ws, rule: nil, limit: 1).map(\.alert) == [quiet])
        // Only rules with a webhook have alerts to deliver, oldest first.
        #expect(try await store.undeliveredAlerts(workspace: Self.ws, limit: 10).map(\.id) == [id, secondID])
        #expect(try await store.undeliveredAlerts(workspace: Self.ws, limit: 1).map(\.id) == [id])
        #expect(try await store.firedAlerts(workspace: "other", rule: nil, limit: 10).isEmpty)
        let unknown = await #expect(throws: StoreError.self) {
            try await store.recordFiredAlert(Self.firedAlert("nope", key: "k", at: 1), payload: payload, workspace: Self.ws)
        }
        #expect(unknown?.code == .notFound)
    }

    func deliveriesAreLogged() async throws {
        let store = try await makeStore()
        let url = "http://127.0.0.1:9/hook"
        try await store.addAlertRule(AlertRule(name: "r", target: .all, kind: .spike, webhookURL: url), workspace: Self.ws)
        try await store.addAlertRule(AlertRule(name: "s", target: .all, kind: .spike, webhookURL: url), workspace: Self.ws)
        let id = try #require(try await store.recordFiredAlert(Self.firedAlert("r", key: "k", at: 100), payload: Data("{}".utf8), workspace: Self.ws))
        let other = try #require(try await store.recordFiredAlert(Self.firedAlert("s", key: "k", at: 100), payload: Data("{}".utf8), workspace: Self.ws))
        let failed = DeliveryAttempt(attempt: 1, at: Fixture.at(110), url: url, statusCode: 502, error: "HTTP 502",
                                     durationMillis: 12, delivered: false)
        let succeeded = DeliveryAttempt(attempt: 2, at: Fixture.at(120), url: url, statusCode: 200, error: nil,
                                        durationMillis: 8, delivered: true)
        try await store.recordDelivery(failed, alertID: id)
        #expect(try await store.undeliveredAlerts(workspace: Self.ws, limit: 10).map(\.id) == [id, other])
        try await store.recordDelivery(succeeded, alertID: id)
        #expect(try await store.undeliveredAlerts(workspace: Self.ws, limit: 10).map(\.id) == [other])
        #expect(try await store.firedAlerts(workspace: Self.ws, rule: "r", limit: 10).map(\.delivered) == [true])
        let log = try await store.deliveries(workspace: Self.ws, rule: "r", limit: 10)
        #expect(log == [DeliveryRecord(alertID: id, rule: "r", key: "k", attempt: succeeded),
                        DeliveryRecord(alertID: id, rule: "r", key: "k", attempt: failed)])
        #expect(try await store.deliveries(workspace: Self.ws, rule: nil, limit: 1) == [log[0]])
        #expect(try await store.deliveries(workspace: Self.ws, rule: "s", limit: 10).isEmpty)
        #expect(try await store.deliveries(workspace: "other", rule: nil, limit: 10).isEmpty)
    }

    func removingARuleRemovesItsAlerts() async throws {
        let store = try await makeStore()
        let rule = AlertRule(name: "r", target: .watch("velo"), kind: .spike, webhookURL: "http://127.0.0.1:9/hook")
        try await store.addAlertRule(rule, workspace: Self.ws)
        let id = try #require(try await store.recordFiredAlert(Self.firedAlert("r", key: "k", at: 100), payload: Data("{}".utf8), workspace: Self.ws))
        try await store.recordDelivery(DeliveryAttempt(attempt: 1, at: Fixture.at(110), url: "http://127.0.0.1:9/hook", statusCode: nil,
                                                       error: "refused", durationMillis: 1, delivered: false), alertID: id)
        #expect(try await store.removeAlertRule(named: "r", workspace: Self.ws))
        #expect(try await store.firedAlerts(workspace: Self.ws, rule: nil, limit: 10).isEmpty)
        #expect(try await store.undeliveredAlerts(workspace: Self.ws, limit: 10).isEmpty)
        #expect(try await store.deliveries(workspace: Self.ws, rule: nil, limit: 10).isEmpty)
        // Added again, the rule fires the same key anew.
        try await store.addAlertRule(rule, workspace: Self.ws)
        #expect(try await store.recordFiredAlert(Self.firedAlert("r", key: "k", at: 100), payload: Data("{}".utf8), workspace: Self.ws) != nil)
    }
}
