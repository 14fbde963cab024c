import Foundation
import GRDB
import VigieCore

/// The workspace's trust prior, kept as the workspace setting `trust_prior`.
extension SQLiteStore {
    public func trustPrior(workspace: String) async throws -> Double? {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let text = try String.fetchOne(db, sql: """
                    SELECT value FROM workspace_setting WHERE workspace_id = ? AND name = 'trust_prior'
                    """, arguments: [workspaceID]) else { return nil }
            return Double(text)
        }
    }

    public func setTrustPrior(_ share: Double?, workspace: String) async throws {
        try validate(workspace: workspace)
        try await write { db in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            if let share {
                try db.execute(sql: """
                    INSERT INTO workspace_setting(workspace_id, name, value) VALUES (?, 'trust_prior', ?)
                    ON CONFLICT(workspace_id, name) DO UPDATE SET value = excluded.value
                    """, arguments: [workspaceID, String(share)])
            } else {
                try db.execute(sql: "DELETE FROM workspace_setting WHERE workspace_id = ? AND name = 'trust_prior'",
                               arguments: [workspaceID])
            }
        }
    }
}
