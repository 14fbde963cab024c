import Foundation
import GRDB
import VigieCore

/// The share of fake accounts a workspace expects in the population it watches (the trust
/// score's prior), kept as the workspace setting `trust_prior`.
extension SQLiteStore {
    /// The workspace's prior, `nil` when it has set none (the model's default applies).
    public func trustPrior(workspace: String) throws -> Double? {
        try mapErrors {
            try writer.read { db in
                guard let workspaceID = try Self.workspaceID(db, workspace),
                      let text = try String.fetchOne(db, sql: """
                        SELECT value FROM workspace_setting WHERE workspace_id = ? AND name = 'trust_prior'
                        """, arguments: [workspaceID]) else { return nil }
                return Double(text)
            }
        }
    }

    /// Sets the workspace's prior (0 < share < 1), or removes it with `nil`.
    public func setTrustPrior(_ share: Double?, workspace: String) throws {
        try Self.validate(workspace: workspace, path: path)
        try mapErrors {
            try writer.write { db in
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
}
