import Foundation
import PostgresNIO
import VigieCore

extension PostgresStore: AlertStore {
    public func addAlertRule(_ rule: AlertRule, workspace: String) async throws {
        let settings = String(decoding: try Self.alertEncoder.encode(rule.settings), as: UTF8.self)
        let (watch, query): (String?, String?)
        switch rule.target {
        case .watch(let name): (watch, query) = (name, nil)
        case .query(let text): (watch, query) = (nil, text)
        case .all: (watch, query) = (nil, nil)
        }
        let id = try await ensureWorkspace(workspace)
        try await transaction { connection in
            let inserted = try await self.changes(connection, """
                INSERT INTO alert_rule(workspace_id, name, kind, watch_name, query, settings, webhook_url, enabled, created_at)
                VALUES (\(id), \(rule.name), \(rule.kind.rawValue), \(watch), \(query), \(settings), \(rule.webhookURL),
                        \(rule.enabled), \(rule.createdAt.pgMillis))
                ON CONFLICT (workspace_id, name) DO NOTHING RETURNING 1
                """)
            if inserted == 0 {
                throw StoreError(code: .alreadyExists, location: self.location, message:
                    "an alert named '\(rule.name)' already exists in workspace '\(workspace)': choose another name or remove that alert first")
            }
        }
    }

    public func alertRules(workspace: String) async throws -> [AlertRule] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            return try await self.rows(connection, "SELECT * FROM alert_rule WHERE workspace_id = \(id) ORDER BY name").map(Self.rule)
        }
    }

    public func alertRule(named name: String, workspace: String) async throws -> AlertRule? {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return nil }
            return try await self.rows(connection, "SELECT * FROM alert_rule WHERE workspace_id = \(id) AND name = \(name)")
                .first.map(Self.rule)
        }
    }

    @discardableResult
    public func removeAlertRule(named name: String, workspace: String) async throws -> Bool {
        try await transaction { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return false }
            return try await self.changes(connection, "DELETE FROM alert_rule WHERE workspace_id = \(id) AND name = \(name) RETURNING 1") > 0
        }
    }

    public func recordFiredAlert(_ alert: FiredAlert, payload: Data, workspace: String) async throws -> Int64? {
        let encoded = String(decoding: try Self.alertEncoder.encode(alert), as: UTF8.self)
        return try await transaction { connection in
            guard let id = try await self.workspaceID(connection, workspace),
                  let ruleID = try await self.one(connection, "SELECT id FROM alert_rule WHERE workspace_id = \(id) AND name = \(alert.rule)",
                                                  as: Int64.self) else {
                throw StoreError(code: .notFound, location: self.location, message: "no alert named '\(alert.rule)' in workspace '\(workspace)'")
            }
            return try await self.one(connection, """
                INSERT INTO fired_alert(workspace_id, rule_id, dedup_key, fired_at, observed_at, summary, alert, payload)
                VALUES (\(id), \(ruleID), \(alert.key), \(alert.firedAt.pgMillis), \(alert.observedAt.pgMillis), \(alert.summary),
                        \(encoded), \(String(decoding: payload, as: UTF8.self)))
                ON CONFLICT (workspace_id, rule_id, dedup_key) DO NOTHING RETURNING id
                """, as: Int64.self)
        }
    }

    public func firedAlerts(workspace: String, rule: String?, limit: Int) async throws -> [StoredAlert] {
        try await storedAlerts(workspace: workspace, rule: rule, undeliveredOnly: false, limit: limit)
    }

    public func undeliveredAlerts(workspace: String, limit: Int) async throws -> [StoredAlert] {
        try await storedAlerts(workspace: workspace, rule: nil, undeliveredOnly: true, limit: limit)
    }

    private func storedAlerts(workspace: String, rule: String?, undeliveredOnly: Bool, limit: Int) async throws -> [StoredAlert] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            let filter = undeliveredOnly ? "AND NOT f.delivered AND r.webhook_url IS NOT NULL" : ""
            let order = undeliveredOnly ? "f.id" : "f.fired_at DESC, f.id DESC"
            return try await self.rows(connection, """
                SELECT f.id, f.alert, f.payload, f.delivered, r.webhook_url FROM fired_alert f
                JOIN alert_rule r ON r.workspace_id = f.workspace_id AND r.id = f.rule_id
                WHERE f.workspace_id = \(id) AND (\(rule)::text IS NULL OR r.name = \(rule)) \(unescaped: filter)
                ORDER BY \(unescaped: order) LIMIT \(max(0, limit))
                """).map { row in
                let alertJSON: String = try row.value("alert")
                let payload: String = try row.value("payload")
                return StoredAlert(id: try row.value("id"), alert: try Self.alertDecoder.decode(FiredAlert.self, from: Data(alertJSON.utf8)),
                                   payload: Data(payload.utf8), webhookURL: try row.string("webhook_url"),
                                   delivered: try row.value("delivered"))
            }
        }
    }

    public func recordDelivery(_ attempt: DeliveryAttempt, alertID: Int64) async throws {
        try await transaction { connection in
            guard let id = try await self.one(connection, "SELECT workspace_id FROM fired_alert WHERE id = \(alertID)", as: Int64.self) else {
                throw StoreError(code: .notFound, location: self.location, message: "no fired alert \(alertID)")
            }
            try await self.run(connection, """
                INSERT INTO alert_delivery(workspace_id, fired_alert_id, attempt, attempted_at, url, status_code, error, duration_ms, delivered)
                VALUES (\(id), \(alertID), \(attempt.attempt), \(attempt.at.pgMillis), \(attempt.url), \(attempt.statusCode),
                        \(attempt.error), \(attempt.durationMillis), \(attempt.delivered))
                """)
            if attempt.delivered {
                try await self.run(connection, "UPDATE fired_alert SET delivered = true WHERE workspace_id = \(id) AND id = \(alertID)")
            }
        }
    }

    public func deliveries(workspace: String, rule: String?, limit: Int) async throws -> [DeliveryRecord] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            return try await self.rows(connection, """
                SELECT d.*, r.name AS rule_name, f.dedup_key FROM alert_delivery d
                JOIN fired_alert f ON f.workspace_id = d.workspace_id AND f.id = d.fired_alert_id
                JOIN alert_rule r ON r.workspace_id = f.workspace_id AND r.id = f.rule_id
                WHERE d.workspace_id = \(id) AND (\(rule)::text IS NULL OR r.name = \(rule))
                ORDER BY d.attempted_at DESC, d.id DESC LIMIT \(max(0, limit))
                """).map { row in
                DeliveryRecord(alertID: try row.value("fired_alert_id"), rule: try row.value("rule_name"), key: try row.value("dedup_key"),
                               attempt: DeliveryAttempt(
                                attempt: try row.value("attempt"), at: Date(pgMillis: try row.value("attempted_at")),
                                url: try row.value("url"), statusCode: try row.int("status_code"), error: try row.string("error"),
                                durationMillis: try row.value("duration_ms"), delivered: try row.value("delivered")))
            }
        }
    }

    private static func rule(_ row: PostgresRandomAccessRow) throws -> AlertRule {
        let kindName: String = try row.value("kind")
        let name: String = try row.value("name")
        guard let kind = AlertRule.Kind(rawValue: kindName) else {
            throw StoreError(code: .unreadableData, location: "alert_rule", message:
                "alert '\(name)' has an unknown kind '\(kindName)': it was written by a newer Vigie")
        }
        let settingsJSON: String = try row.value("settings")
        let target: AlertRule.Target
        if let watch = try row.string("watch_name") {
            target = .watch(watch)
        } else if let query = try row.string("query") {
            target = .query(query)
        } else {
            target = .all
        }
        return AlertRule(name: name, target: target, kind: kind,
                         settings: try alertDecoder.decode(AlertSettings.self, from: Data(settingsJSON.utf8)),
                         webhookURL: try row.string("webhook_url"), enabled: try row.value("enabled"),
                         createdAt: Date(pgMillis: try row.value("created_at")))
    }

    static var alertEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var alertDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
