import Foundation
import GRDB
import VigieCore

/// The audit log: appended to, read newest first by keyset on the event number.
extension SQLiteStore {
    @discardableResult
    public func appendAudit(_ event: AuditEvent) async throws -> Int64 {
        if let workspace = event.workspace { try validate(workspace: workspace) }
        return try await write { db in
            let workspaceID = try event.workspace.map { try Self.ensureAccessWorkspace(db, $0) }
            try db.execute(sql: """
                INSERT INTO audit_event(at, actor, actor_lower, workspace_id, action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.at.accessMillis, event.actor, event.actor.lowercased(), workspaceID, event.action,
                                 event.target, event.detail])
            return db.lastInsertedRowID
        }
    }

    public func auditEvents(workspace: String?, before: Int64?, limit: Int) async throws -> [AuditEvent] {
        let limit = max(0, limit)
        return try await read { db in
            let select = """
                SELECT e.id, e.at, e.actor, w.name, e.action, e.target, e.detail
                FROM audit_event e LEFT JOIN workspace w ON w.id = e.workspace_id
                """
            let rows: [Row]
            if let workspace {
                guard let workspaceID = try Self.accessWorkspaceID(db, workspace) else { return [] }
                // The workspace's own events, and the account events of its current members.
                rows = try Row.fetchAll(db, sql: select + """
                     WHERE (e.workspace_id = ? OR (e.workspace_id IS NULL AND e.actor_lower IN (
                            SELECT u.name_lower FROM access_membership m JOIN access_user u ON u.id = m.user_id
                            WHERE m.workspace_id = ?)))
                       AND e.id < ?
                     ORDER BY e.id DESC LIMIT ?
                    """, arguments: [workspaceID, workspaceID, before ?? Int64.max, limit])
            } else {
                rows = try Row.fetchAll(db, sql: select + " WHERE e.id < ? ORDER BY e.id DESC LIMIT ?",
                                        arguments: [before ?? Int64.max, limit])
            }
            return rows.map { row in
                AuditEvent(sequence: row[0], at: Date(accessMillis: row[1]), actor: row[2], workspace: row[3],
                           action: row[4], target: row[5], detail: row[6])
            }
        }
    }
}
