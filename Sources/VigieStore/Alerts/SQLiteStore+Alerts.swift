import Foundation
import GRDB
import VigieCore

extension SQLiteStore: AlertStore {
    public func addAlertRule(_ rule: AlertRule, workspace: String) async throws {
        try validate(workspace: workspace)
        let settings = String(decoding: try Self.encoder.encode(rule.settings), as: UTF8.self)
        let (watch, query): (String?, String?)
        switch rule.target {
        case .watch(let name): (watch, query) = (name, nil)
        case .query(let text): (watch, query) = (nil, text)
        case .all: (watch, query) = (nil, nil)
        }
        try await write { db in
            try db.execute(sql: "INSERT INTO workspace(name) VALUES (?) ON CONFLICT(name) DO NOTHING", arguments: [workspace])
            let workspaceID = try Self.workspaceID(db, workspace)!
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM alert_rule WHERE workspace_id = ? AND name = ?)",
                                 arguments: [workspaceID, rule.name]) == true {
                throw StoreError(code: .alreadyExists, location: self.path, message:
                    "an alert named '\(rule.name)' already exists in workspace '\(workspace)': choose another name or remove that alert first")
            }
            try db.execute(sql: """
                INSERT INTO alert_rule(workspace_id, name, kind, watch_name, query, settings, webhook_url, enabled, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspaceID, rule.name, rule.kind.rawValue, watch, query, settings, rule.webhookURL,
                                 rule.enabled, rule.createdAt.unixMillis])
        }
    }

    public func alertRules(workspace: String) async throws -> [AlertRule] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM alert_rule WHERE workspace_id = ? ORDER BY name",
                                    arguments: [workspaceID]).map(Self.rule)
        }
    }

    public func alertRule(named name: String, workspace: String) async throws -> AlertRule? {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM alert_rule WHERE workspace_id = ? AND name = ?",
                                    arguments: [workspaceID, name]).map(Self.rule)
        }
    }

    @discardableResult
    public func removeAlertRule(named name: String, workspace: String) async throws -> Bool {
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return false }
            try db.execute(sql: "DELETE FROM alert_rule WHERE workspace_id = ? AND name = ?", arguments: [workspaceID, name])
            return db.changesCount > 0
        }
    }

    public func recordFiredAlert(_ alert: FiredAlert, payload: Data, workspace: String) async throws -> Int64? {
        let encoded = String(decoding: try Self.encoder.encode(alert), as: UTF8.self)
        return try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let ruleID = try Int64.fetchOne(db, sql: "SELECT id FROM alert_rule WHERE workspace_id = ? AND name = ?",
                                                  arguments: [workspaceID, alert.rule]) else {
                throw StoreError(code: .notFound, location: self.path, message: "no alert named '\(alert.rule)' in workspace '\(workspace)'")
            }
            try db.execute(sql: """
                INSERT INTO fired_alert(rule_id, dedup_key, fired_at, observed_at, summary, alert, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(rule_id, dedup_key) DO NOTHING
                """, arguments: [ruleID, alert.key, alert.firedAt.unixMillis, alert.observedAt.unixMillis, alert.summary,
                                 encoded, String(decoding: payload, as: UTF8.self)])
            return db.changesCount > 0 ? db.lastInsertedRowID : nil
        }
    }

    public func firedAlerts(workspace: String, rule: String?, limit: Int) async throws -> [StoredAlert] {
        try await storedAlerts(workspace: workspace, extra: rule == nil ? "" : "AND alert_rule.name = ?",
                         arguments: rule.map { [$0] } ?? [], order: "fired_alert.fired_at DESC, fired_alert.id DESC", limit: limit)
    }

    public func undeliveredAlerts(workspace: String, limit: Int) async throws -> [StoredAlert] {
        try await storedAlerts(workspace: workspace, extra: "AND fired_alert.delivered = 0 AND alert_rule.webhook_url IS NOT NULL",
                         arguments: [], order: "fired_alert.id", limit: limit)
    }

    private func storedAlerts(workspace: String, extra: String, arguments: [String], order: String, limit: Int) async throws -> [StoredAlert] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var values: [any DatabaseValueConvertible] = [workspaceID]
            values += arguments
            values.append(limit)
            return try Row.fetchAll(db, sql: """
                SELECT fired_alert.*, alert_rule.webhook_url FROM fired_alert
                JOIN alert_rule ON alert_rule.id = fired_alert.rule_id
                WHERE alert_rule.workspace_id = ? \(extra) ORDER BY \(order) LIMIT ?
                """, arguments: StatementArguments(values)).map { row in
                let alertJSON: String = row["alert"]
                let payload: String = row["payload"]
                return StoredAlert(id: row["id"], alert: try Self.decoder.decode(FiredAlert.self, from: Data(alertJSON.utf8)),
                                   payload: Data(payload.utf8), webhookURL: row["webhook_url"], delivered: row["delivered"])
            }
        }
    }

    public func recordDelivery(_ attempt: DeliveryAttempt, alertID: Int64) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO alert_delivery(fired_alert_id, attempt, attempted_at, url, status_code, error, duration_ms, delivered)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [alertID, attempt.attempt, attempt.at.unixMillis, attempt.url, attempt.statusCode,
                                 attempt.error, attempt.durationMillis, attempt.delivered])
            if attempt.delivered {
                try db.execute(sql: "UPDATE fired_alert SET delivered = 1 WHERE id = ?", arguments: [alertID])
            }
        }
    }

    public func deliveries(workspace: String, rule: String?, limit: Int) async throws -> [DeliveryRecord] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var values: [any DatabaseValueConvertible] = [workspaceID]
            if let rule { values.append(rule) }
            values.append(limit)
            return try Row.fetchAll(db, sql: """
                SELECT alert_delivery.*, alert_rule.name AS rule_name, fired_alert.dedup_key FROM alert_delivery
                JOIN fired_alert ON fired_alert.id = alert_delivery.fired_alert_id
                JOIN alert_rule ON alert_rule.id = fired_alert.rule_id
                WHERE alert_rule.workspace_id = ? \(rule == nil ? "" : "AND alert_rule.name = ?")
                ORDER BY alert_delivery.attempted_at DESC, alert_delivery.id DESC LIMIT ?
                """, arguments: StatementArguments(values)).map { row in
                DeliveryRecord(alertID: row["fired_alert_id"], rule: row["rule_name"], key: row["dedup_key"], attempt: DeliveryAttempt(
                    attempt: row["attempt"], at: Date(unixMillis: row["attempted_at"]), url: row["url"],
                    statusCode: row["status_code"], error: row["error"], durationMillis: row["duration_ms"],
                    delivered: row["delivered"]))
            }
        }
    }

    private static func rule(_ row: Row) throws -> AlertRule {
        let kindName: String = row["kind"]
        let name: String = row["name"]
        guard let kind = AlertRule.Kind(rawValue: kindName) else {
            throw StoreError(code: .unreadableData, location: "alert_rule", message:
                "alert '\(name)' has an unknown kind '\(kindName)': it was written by a newer Vigie")
        }
        let settingsJSON: String = row["settings"]
        let target: AlertRule.Target
        if let watch: String = row["watch_name"] {
            target = .watch(watch)
        } else if let query: String = row["query"] {
            target = .query(query)
        } else {
            target = .all
        }
        return AlertRule(name: name, target: target, kind: kind,
                         settings: try decoder.decode(AlertSettings.self, from: Data(settingsJSON.utf8)),
                         webhookURL: row["webhook_url"], enabled: row["enabled"],
                         createdAt: Date(unixMillis: row["created_at"]))
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
