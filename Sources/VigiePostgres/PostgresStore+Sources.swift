import Foundation
import PostgresNIO
import VigieCore

extension PostgresStore: SourceStore {
    public func addSource(_ source: LiveSource, workspace: String) async throws {
        let settings = try Self.sourceJSON(source.settings)
        let id = try await ensureWorkspace(workspace)
        try await transaction { connection in
            let inserted = try await self.changes(connection, """
                INSERT INTO live_source(workspace_id, name, kind, settings, token, paused, created_at)
                VALUES (\(id), \(source.name), \(source.kind.rawValue), \(settings), \(source.token?.value), \(source.paused),
                        \(source.createdAt.pgMillis))
                ON CONFLICT (workspace_id, name) DO NOTHING RETURNING 1
                """)
            if inserted == 0 {
                throw StoreError(code: .alreadyExists, location: self.location, message:
                    "a source named '\(source.name)' already exists in workspace '\(workspace)': choose another name or remove that source first")
            }
            // A source added again under an old name starts afresh.
            try await self.run(connection, "DELETE FROM source_cursor WHERE workspace_id = \(id) AND source = \(source.name)")
        }
    }

    public func sources(workspace: String) async throws -> [LiveSource] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            return try await self.rows(connection, "SELECT * FROM live_source WHERE workspace_id = \(id) ORDER BY name")
                .map { try self.liveSource($0) }
        }
    }

    public func source(named name: String, workspace: String) async throws -> LiveSource? {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return nil }
            return try await self.rows(connection, "SELECT * FROM live_source WHERE workspace_id = \(id) AND name = \(name)")
                .first.map { try self.liveSource($0) }
        }
    }

    @discardableResult
    public func setSourcePaused(_ paused: Bool, named name: String, workspace: String) async throws -> Bool {
        try await transaction { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return false }
            return try await self.changes(connection, """
                UPDATE live_source SET paused = \(paused) WHERE workspace_id = \(id) AND name = \(name) RETURNING 1
                """) > 0
        }
    }

    @discardableResult
    public func removeSource(named name: String, workspace: String) async throws -> Bool {
        try await transaction { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return false }
            let removed = try await self.changes(connection, "DELETE FROM live_source WHERE workspace_id = \(id) AND name = \(name) RETURNING 1") > 0
            try await self.run(connection, "DELETE FROM source_cursor WHERE workspace_id = \(id) AND source = \(name)")
            return removed
        }
    }

    public func sourceCursor(named name: String, workspace: String) async throws -> SourceCursor? {
        let text = try await withConnection { connection -> String? in
            guard let id = try await self.workspaceID(connection, workspace) else { return nil }
            return try await self.one(connection, "SELECT position FROM source_cursor WHERE workspace_id = \(id) AND source = \(name)",
                                      as: String.self)
        }
        guard let text else { return nil }
        do {
            return SourceCursor(source: name, position: try SourcePosition.decodeJSON(text))
        } catch {
            throw StoreError(code: .unreadableData, location: location, message:
                "the stored cursor of source '\(name)' cannot be read (\(text.prefix(80))): remove the source and add it again")
        }
    }

    public func recordSourceStatus(_ status: SourceStatus, named name: String, workspace: String) async throws {
        let json = try Self.sourceJSON(status)
        try await transaction { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return }
            try await self.run(connection, "UPDATE live_source SET status = \(json) WHERE workspace_id = \(id) AND name = \(name)")
        }
    }

    public func sourceStatuses(workspace: String) async throws -> [String: SourceStatus] {
        let rows = try await withConnection { connection -> [(String, String)] in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            var rows: [(String, String)] = []
            for try await row in try await connection.query("""
                SELECT name, status FROM live_source WHERE workspace_id = \(id) AND status IS NOT NULL
                """, logger: self.logger).decode((String, String).self) { rows.append(row) }
            return rows
        }
        var statuses: [String: SourceStatus] = [:]
        for (name, json) in rows {
            statuses[name] = try decodeSourceJSON(SourceStatus.self, json, what: "status of source '\(name)'")
        }
        return statuses
    }

    private func liveSource(_ row: PostgresRandomAccessRow) throws -> LiveSource {
        let name: String = try row.value("name")
        let settings = try decodeSourceJSON(SourceSettings.self, try row.value("settings"), what: "settings of source '\(name)'")
        return LiveSource(name: name, settings: settings, token: try row.string("token").map(SourceToken.init),
                          paused: try row.value("paused"), createdAt: Date(pgMillis: try row.value("created_at")))
    }

    private static func sourceJSON<T: Encodable>(_ value: T) throws -> String {
        try SourceJSON.encode(value)
    }

    private func decodeSourceJSON<T: Decodable>(_ type: T.Type, _ json: String, what: String) throws -> T {
        try SourceJSON.decode(type, json, what: what, location: location)
    }
}
