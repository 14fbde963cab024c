import Foundation
import GRDB
import VigieCore

extension SQLiteStore: SourceStore {
    public func addSource(_ source: LiveSource, workspace: String) async throws {
        try validate(workspace: workspace)
        let settings = try Self.sourceJSON(source.settings)
        try await write { db in
            try db.execute(sql: "INSERT INTO workspace(name) VALUES (?) ON CONFLICT(name) DO NOTHING", arguments: [workspace])
            let workspaceID = try Self.workspaceID(db, workspace)!
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM live_source WHERE workspace_id = ? AND name = ?)",
                                 arguments: [workspaceID, source.name]) == true {
                throw StoreError(code: .alreadyExists, location: self.path, message:
                    "a source named '\(source.name)' already exists in workspace '\(workspace)': choose another name or remove that source first")
            }
            try db.execute(sql: """
                INSERT INTO live_source(workspace_id, name, kind, settings, token, paused, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspaceID, source.name, source.kind.rawValue, settings, source.token?.value,
                                 source.paused, source.createdAt.unixMillis])
            // A source added again under an old name starts afresh.
            try db.execute(sql: "DELETE FROM source_cursor WHERE workspace_id = ? AND source = ?",
                           arguments: [workspaceID, source.name])
        }
    }

    public func sources(workspace: String) async throws -> [LiveSource] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM live_source WHERE workspace_id = ? ORDER BY name",
                                    arguments: [workspaceID]).map { try self.liveSource($0) }
        }
    }

    public func source(named name: String, workspace: String) async throws -> LiveSource? {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM live_source WHERE workspace_id = ? AND name = ?",
                                    arguments: [workspaceID, name]).map { try self.liveSource($0) }
        }
    }

    @discardableResult
    public func setSourcePaused(_ paused: Bool, named name: String, workspace: String) async throws -> Bool {
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return false }
            try db.execute(sql: "UPDATE live_source SET paused = ? WHERE workspace_id = ? AND name = ?",
                           arguments: [paused, workspaceID, name])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func removeSource(named name: String, workspace: String) async throws -> Bool {
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return false }
            try db.execute(sql: "DELETE FROM live_source WHERE workspace_id = ? AND name = ?", arguments: [workspaceID, name])
            let removed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM source_cursor WHERE workspace_id = ? AND source = ?", arguments: [workspaceID, name])
            return removed
        }
    }

    public func sourceCursor(named name: String, workspace: String) async throws -> SourceCursor? {
        let text = try await read { db -> String? in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try String.fetchOne(db, sql: "SELECT position FROM source_cursor WHERE workspace_id = ? AND source = ?",
                                       arguments: [workspaceID, name])
        }
        guard let text else { return nil }
        do {
            return SourceCursor(source: name, position: try SourcePosition.decodeJSON(text))
        } catch {
            throw StoreError(code: .unreadableData, location: path, message:
                "the stored cursor of source '\(name)' cannot be read (\(text.prefix(80))): remove the source and add it again")
        }
    }

    public func recordSourceStatus(_ status: SourceStatus, named name: String, workspace: String) async throws {
        let json = try Self.sourceJSON(status)
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return }
            try db.execute(sql: "UPDATE live_source SET status = ? WHERE workspace_id = ? AND name = ?",
                           arguments: [json, workspaceID, name])
        }
    }

    public func sourceStatuses(workspace: String) async throws -> [String: SourceStatus] {
        let rows = try await read { db -> [(String, String)] in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT name, status FROM live_source WHERE workspace_id = ? AND status IS NOT NULL
                """, arguments: [workspaceID]).map { ($0[0], $0[1]) }
        }
        var statuses: [String: SourceStatus] = [:]
        for (name, json) in rows {
            statuses[name] = try decodeSourceJSON(SourceStatus.self, json, what: "status of source '\(name)'")
        }
        return statuses
    }

    // MARK: Rows

    private func liveSource(_ row: Row) throws -> LiveSource {
        let name: String = row["name"]
        let settings = try decodeSourceJSON(SourceSettings.self, row["settings"], what: "settings of source '\(name)'")
        let token: String? = row["token"]
        return LiveSource(name: name, settings: settings, token: token.map(SourceToken.init), paused: row["paused"],
                          createdAt: Date(unixMillis: row["created_at"]))
    }

    private static func sourceJSON<T: Encodable>(_ value: T) throws -> String {
        try SourceJSON.encode(value)
    }

    private func decodeSourceJSON<T: Decodable>(_ type: T.Type, _ json: String, what: String) throws -> T {
        try SourceJSON.decode(type, json, what: what, location: path)
    }
}
