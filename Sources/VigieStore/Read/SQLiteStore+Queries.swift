import Foundation
import GRDB
import VigieCore

extension SQLiteStore {
    /// Counts of accounts, posts, versions, interactions and tombstones per platform.
    public func stats(workspace: String) async throws -> StoreStats {
        try await read { db in
            var stats = StoreStats(workspace: workspace)
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return stats }
            func count(_ sql: String, into field: WritableKeyPath<StoreStats.Counts, Int>) throws {
                for row in try Row.fetchAll(db, sql: sql, arguments: [workspaceID]) {
                    stats.byPlatform[row[0], default: StoreStats.Counts()][keyPath: field] = row[1]
                }
            }
            try count("SELECT platform, COUNT(*) FROM account WHERE workspace_id = ? GROUP BY platform", into: \.accounts)
            try count("SELECT platform, COUNT(*) FROM post WHERE workspace_id = ? GROUP BY platform", into: \.posts)
            // Posts without history rows have exactly one version (see `post_version`).
            try count("""
                SELECT post.platform, SUM(IFNULL(history.versions, 1)) FROM post
                LEFT JOIN (SELECT post_id, COUNT(*) AS versions FROM post_version GROUP BY post_id) AS history
                    ON history.post_id = post.id
                WHERE post.workspace_id = ? GROUP BY post.platform
                """, into: \.postVersions)
            try count("SELECT platform, COUNT(*) FROM interaction WHERE workspace_id = ? GROUP BY platform", into: \.interactions)
            try count("SELECT platform, COUNT(*) FROM tombstone WHERE workspace_id = ? GROUP BY platform", into: \.tombstones)
            stats.rejects = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reject WHERE workspace_id = ?",
                                             arguments: [workspaceID]) ?? 0
            return stats
        }
    }

    public func totals(workspace: String) async throws -> StoreTotals {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return StoreTotals() }
            // Each count walks an index that starts with the workspace (post_time, account_handle).
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE workspace_id = ?", arguments: [workspaceID]) ?? 0
            }
            return StoreTotals(posts: try count("post"), accounts: try count("account"), rejects: try count("reject"))
        }
    }

    /// The most recent rejects first.
    public func rejects(workspace: String, limit: Int) async throws -> [Reject] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT file, line, format, reason, excerpt FROM reject WHERE workspace_id = ?
                ORDER BY created_at DESC, id DESC LIMIT ?
                """, arguments: [workspaceID, limit]).map { row in
                Reject(file: try row.value("file"), line: try row.value("line"), format: try row.value("format"), reason: try row.value("reason"),
                       excerpt: try row.value("excerpt"))
            }
        }
    }

    /// Posts whose text holds every word of `text` (case and accents folded), best match first.
    public func searchPosts(workspace: String, text: String, limit: Int) async throws -> [Post] {
        guard let query = try QueryIndex.searchForms(text).map(FTS5.search) else { return [] }
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            let rows = try Row.fetchAll(db, sql: """
                \(PostDecoding.select)
                JOIN (SELECT rowid, bm25(post_fts) AS score FROM post_fts WHERE post_fts MATCH ?) AS hit
                    ON hit.rowid = post.id
                WHERE post.workspace_id = ?
                ORDER BY hit.score, post.id LIMIT ?
                """, arguments: [query, workspaceID, limit])
            return try PostDecoding.posts(from: rows, db: db)
        }
    }

    /// Accounts whose handle (without `@`, any case) or platform id is `handle`.
    public func accountDetails(workspace: String, handle: String) async throws -> [AccountDetail] {
        let needle = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        let platforms = Platform.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            // Naming every platform lets SQLite use the (workspace, platform, platform_id) index.
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM account WHERE workspace_id = ?1 AND handle_lower = ?2
                UNION
                SELECT * FROM account WHERE workspace_id = ?1 AND platform IN (\(platforms)) AND platform_id = ?3
                ORDER BY id
                """, arguments: [workspaceID, needle.lowercased(), needle])
            return try rows.map { try Self.detail(of: $0, db: db) }
        }
    }

    private static func detail(of row: Row, db: Database) throws -> AccountDetail {
        let accountRowID: Int64 = try row.value("id")
        let totals = try Row.fetchOne(db, sql: """
            SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM post WHERE author_account_id = ?
            """, arguments: [accountRowID])
        func byKind(_ column: String) throws -> [String: Int] {
            let rows = try Row.fetchAll(db, sql: """
                SELECT kind, COUNT(*) FROM interaction WHERE \(column) = ? GROUP BY kind
                """, arguments: [accountRowID])
            return Dictionary(try rows.map { (try $0.value(at: 0) as String, try $0.value(at: 1) as Int) }, uniquingKeysWith: +)
        }
        let recentRows = try Row.fetchAll(db, sql: """
            \(PostDecoding.select) WHERE post.author_account_id = ? ORDER BY post.created_at DESC, post.id DESC LIMIT 5
            """, arguments: [accountRowID])
        let first: Int64? = try totals?.value(at: 1)
        let last: Int64? = try totals?.value(at: 2)
        return AccountDetail(
            account: try Account(row: row),
            postCount: try totals?.value(at: 0) ?? 0,
            firstPostAt: first.map(Date.init(unixMillis:)),
            lastPostAt: last.map(Date.init(unixMillis:)),
            interactionsOut: try byKind("source_account_id"),
            interactionsIn: try byKind("target_account_id"),
            recentPosts: try PostDecoding.posts(from: recentRows, db: db))
    }

    /// Where the last import of `file` stopped, if it was ever imported into this workspace.
    public func checkpoint(workspace: String, file: String) async throws -> ImportCheckpoint? {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try Row.fetchOne(db, sql: """
                SELECT format, bytes_read, bytes_total, records, completed FROM import_checkpoint
                WHERE workspace_id = ? AND file = ?
                """, arguments: [workspaceID, file]).map { row in
                ImportCheckpoint(file: file, format: try row.value("format"), bytesRead: try row.value("bytes_read"),
                                 bytesTotal: try row.value("bytes_total"), records: try row.value("records"),
                                 completed: try row.value("completed"))
            }
        }
    }

    /// Names of the workspaces that hold data, sorted.
    public func workspaces() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT name FROM workspace ORDER BY name") }
    }
}
