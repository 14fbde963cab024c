import Foundation
import PostgresNIO
import VigieCore

extension PostgresStore {
    public func workspaces() async throws -> [String] {
        try await withConnection { connection in
            try await self.all(connection, "SELECT name FROM workspace ORDER BY name", as: String.self)
        }
    }

    /// Counts of accounts, posts, versions, interactions and tombstones per platform.
    public func stats(workspace: String) async throws -> StoreStats {
        try await withConnection { connection in
            var stats = StoreStats(workspace: workspace)
            guard let id = try await self.workspaceID(connection, workspace) else { return stats }
            func count(_ query: PostgresQuery, into field: WritableKeyPath<StoreStats.Counts, Int>) async throws {
                for try await (platform, count) in try await connection.query(query, logger: self.logger).decode((String, Int).self) {
                    stats.byPlatform[platform, default: StoreStats.Counts()][keyPath: field] = count
                }
            }
            try await count("SELECT platform, count(*) FROM account WHERE workspace_id = \(id) GROUP BY platform", into: \.accounts)
            try await count("SELECT platform, count(*) FROM post WHERE workspace_id = \(id) GROUP BY platform", into: \.posts)
            // Posts without history rows have exactly one version.
            try await count("""
                SELECT p.platform, sum(coalesce(h.versions, 1))::bigint FROM post p
                LEFT JOIN (SELECT post_id, count(*) AS versions FROM post_version WHERE workspace_id = \(id) GROUP BY post_id) h
                    ON h.post_id = p.id
                WHERE p.workspace_id = \(id) GROUP BY p.platform
                """, into: \.postVersions)
            try await count("SELECT platform, count(*) FROM interaction WHERE workspace_id = \(id) GROUP BY platform", into: \.interactions)
            try await count("SELECT platform, count(*) FROM tombstone WHERE workspace_id = \(id) GROUP BY platform", into: \.tombstones)
            stats.rejects = try await self.one(connection, "SELECT count(*) FROM reject WHERE workspace_id = \(id)", as: Int.self) ?? 0
            return stats
        }
    }

    public func rejects(workspace: String, limit: Int) async throws -> [Reject] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            var rejects: [Reject] = []
            for try await (file, line, format, reason, excerpt) in try await connection.query("""
                SELECT file, line, format, reason, excerpt FROM reject WHERE workspace_id = \(id)
                ORDER BY created_at DESC, id DESC LIMIT \(max(0, limit))
                """, logger: self.logger).decode((String, Int, String, String, String).self) {
                rejects.append(Reject(file: file, line: line, format: format, reason: reason, excerpt: excerpt))
            }
            return rejects
        }
    }

    public func checkpoint(workspace: String, file: String) async throws -> ImportCheckpoint? {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return nil }
            for try await (format, read, total, records, completed) in try await connection.query("""
                SELECT format, bytes_read, bytes_total, records, completed FROM import_checkpoint
                WHERE workspace_id = \(id) AND file = \(file)
                """, logger: self.logger).decode((String, Int, Int, Int, Bool).self) {
                return ImportCheckpoint(file: file, format: format, bytesRead: read, bytesTotal: total, records: records,
                                        completed: completed)
            }
            return nil
        }
    }

    /// Posts holding every word of `text` (case and accents folded), best match first.
    public func searchPosts(workspace: String, text: String, limit: Int) async throws -> [Post] {
        guard let forms = try QueryIndex.searchForms(text) else { return [] }
        let query = PostgresFullText.search(forms)
        return try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            return try await self.rows(connection, """
                SELECT \(unescaped: PostgresPostColumns.select) FROM \(unescaped: PostgresPostColumns.from)
                WHERE p.workspace_id = \(id) AND p.document @@ \(query)::tsquery
                ORDER BY ts_rank(p.document, \(query)::tsquery) DESC, p.id LIMIT \(max(0, limit))
                """).map(PostgresPostDecoding.post)
        }
    }

    public func accountDetails(workspace: String, handle: String) async throws -> [AccountDetail] {
        let needle = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        return try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            let columns = PostgresAccountColumns.all.joined(separator: ", ")
            let rows = try await self.rows(connection, """
                SELECT id, \(unescaped: columns) FROM account
                WHERE workspace_id = \(id) AND (handle_lower = \(needle.lowercased()) OR platform_id = \(needle))
                ORDER BY id
                """)
            var details: [AccountDetail] = []
            for row in rows {
                let accountID: Int64 = try row.value("id")
                var count = 0
                var first: Int64?
                var last: Int64?
                for try await (c, f, l) in try await connection.query("""
                    SELECT count(*), min(created_at), max(created_at) FROM post
                    WHERE workspace_id = \(id) AND author_account_id = \(accountID)
                    """, logger: self.logger).decode((Int, Int64?, Int64?).self) {
                    (count, first, last) = (c, f, l)
                }
                func byKind(_ column: String) async throws -> [String: Int] {
                    var counts: [String: Int] = [:]
                    for try await (kind, n) in try await connection.query("""
                        SELECT kind, count(*) FROM interaction WHERE workspace_id = \(id) AND \(unescaped: column) = \(accountID)
                        GROUP BY kind
                        """, logger: self.logger).decode((String, Int).self) {
                        counts[kind] = n
                    }
                    return counts
                }
                let recent = try await self.rows(connection, """
                    SELECT \(unescaped: PostgresPostColumns.select) FROM \(unescaped: PostgresPostColumns.from)
                    WHERE p.workspace_id = \(id) AND p.author_account_id = \(accountID)
                    ORDER BY p.created_at DESC, p.id DESC LIMIT 5
                    """).map(PostgresPostDecoding.post)
                details.append(AccountDetail(
                    account: try PostgresAccountColumns.account(row), postCount: count,
                    firstPostAt: first.map(Date.init(pgMillis:)), lastPostAt: last.map(Date.init(pgMillis:)),
                    interactionsOut: try await byKind("source_account_id"), interactionsIn: try await byKind("target_account_id"),
                    recentPosts: recent))
            }
            return details
        }
    }

    public func postTimes(workspace: String) async throws -> [Int64] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            return try await self.all(connection, "SELECT created_at FROM post WHERE workspace_id = \(id) ORDER BY id",
                                      as: Int64.self)
        }
    }
}
