import Foundation
import PostgresNIO
import VigieCore

/// The workspace's trust prior, kept as the workspace setting `trust_prior` (as on SQLite).
extension PostgresStore {
    public func trustPrior(workspace: String) async throws -> Double? {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace),
                  let text = try await self.one(connection, """
                    SELECT value FROM workspace_setting WHERE workspace_id = \(id) AND name = 'trust_prior'
                    """, as: String.self) else { return nil }
            return Double(text)
        }
    }

    public func setTrustPrior(_ share: Double?, workspace: String) async throws {
        let id = try await ensureWorkspace(workspace)
        try await transaction { connection in
            if let share {
                try await self.run(connection, """
                    INSERT INTO workspace_setting(workspace_id, name, value) VALUES (\(id), 'trust_prior', \(String(share)))
                    ON CONFLICT (workspace_id, name) DO UPDATE SET value = excluded.value
                    """)
            } else {
                try await self.run(connection, """
                    DELETE FROM workspace_setting WHERE workspace_id = \(id) AND name = 'trust_prior'
                    """)
            }
        }
    }
}
