import Foundation
import GRDB
import VigieCore

/// The lean read path of weak signals: the few columns ``TrendRecord`` holds, stepped through
/// the SQLite C API by column index, instead of rebuilding every ``Post`` (26 columns looked up
/// by name, an author join, three entity streams with every column): on a month of 1M posts
/// that rebuilding was a fifth of `vigie trends`' time.
extension SQLiteStore {
    /// Records per page: each page is a read transaction and a merge join over its id range.
    static let trendPageSize = 20_000

    /// The posts of `workspace` as ``TrendRecord``s, page by page, in storage order (the order of
    /// ``posts(workspace:)``). Reposts are left out unless `includeReposts` (weak signals count
    /// independent uses). The author is the account's row id.
    ///
    /// ```swift
    /// let builder = TrendInputBuilder(extractor: extractor)
    /// for try await page in store.trendRecords(workspace: "default", includeReposts: false) { await builder.add(page) }
    /// ```
    public func trendRecords(workspace: String, includeReposts: Bool) -> PagedScan<TrendRecord> {
        .deferred {
            guard let workspaceID = try await self.read({ db in try Self.workspaceID(db, workspace) }) else {
                return PagedScan([])
            }
            return .keyset(from: Int64.min, pageSize: Self.trendPageSize) { after, limit in
                try await self.read { db in
                    try Self.trendPage(db, workspaceID: workspaceID, includeReposts: includeReposts, after: after, limit: limit)
                }
            }
        }
    }

    private static func trendPage(_ db: Database, workspaceID: Int64, includeReposts: Bool, after: Int64,
                                  limit: Int) throws -> (rows: [TrendRecord], last: Int64?) {
        let originals = includeReposts ? "" : " AND repost_of_platform_id IS NULL"
        // The page's id range first, so the entity streams read only that range.
        guard let range = try Row.fetchOne(db, sql: """
            SELECT min(id), max(id), count(*) FROM (SELECT id FROM post NOT INDEXED
            WHERE id > ? AND workspace_id = ?\(originals) ORDER BY id LIMIT ?)
            """, arguments: [after, workspaceID, limit]), let low: Int64 = range[0], let high: Int64 = range[1] else {
            return ([], nil)
        }
        let count: Int = range[2]
        func entities(_ table: String, _ column: String) throws -> EntityStream<String> {
            try EntityStream(db, sql: """
                SELECT post_id, \(column) FROM \(table) WHERE post_id BETWEEN ?1 AND ?2 ORDER BY post_id, position
                """, bindings: [low, high]) { try $0.optionalText() ?? "" }
        }
        var hashtags = try entities("post_hashtag", "tag")
        var mentions = try entities("post_mention", "handle")
        var urls = try entities("post_url", "url")
        let posts = try db.makeStatement(sql: """
            SELECT id, created_at, author_account_id, text, language, reply_to_platform_id IS NOT NULL
            FROM post NOT INDEXED WHERE id BETWEEN ?1 AND ?2 AND workspace_id = ?3\(originals) ORDER BY id
            """)
        ColumnReader.bind(posts, [low, high, workspaceID])
        var batch: [TrendRecord] = []
        batch.reserveCapacity(count)
        while try ColumnReader.step(posts) {
            var columns = ColumnReader(posts.sqliteStatement)
            let id = try columns.optionalInt64() ?? 0
            batch.append(TrendRecord(
                time: try columns.optionalInt64() ?? 0,
                author: try columns.optionalInt64() ?? 0,
                text: try columns.optionalText() ?? "",
                language: try columns.optionalText(),
                isReply: try columns.optionalInt64() != 0,
                hashtags: try hashtags.values(for: id),
                mentions: try mentions.values(for: id),
                urls: try urls.values(for: id)))
        }
        return (batch, count == limit ? high : nil)
    }
}

extension SQLiteStore {
    /// The creation time (milliseconds since 1970) of every post of `workspace`, reposts
    /// included, in storage order: what volume series and spikes count.
    public func postTimes(workspace: String) async throws -> [Int64] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Int64.fetchAll(db, sql: "SELECT created_at FROM post WHERE workspace_id = ? ORDER BY id",
                                      arguments: [workspaceID])
        }
    }
}
