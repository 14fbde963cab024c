import Foundation
import GRDB
// The SQLite C API comes from GRDB's own system-library module, so the store links one SQLite.
import GRDBSQLite
import VigieCore

/// The lean read path of weak signals: the few columns ``TrendRecord`` holds, stepped through
/// the SQLite C API by column index, instead of rebuilding every ``Post`` (26 columns looked up
/// by name, an author join, three entity streams with every column): on a month of 1M posts
/// that rebuilding was a fifth of `vigie trends`' time.
extension SQLiteStore {
    /// Calls `body` with the posts of `workspace` as ``TrendRecord``s, in batches of
    /// `batchSize`, in storage order (the order of ``forEachPost(workspace:_:)``). Reposts are
    /// left out unless `includeReposts` (weak signals count independent uses). The author is
    /// the account's row id. Runs in one read transaction; `body` must not use the store.
    ///
    /// ```swift
    /// let builder = TrendInputBuilder(extractor: extractor)
    /// try store.forEachTrendRecordBatch(workspace: "default") { builder.add($0) }
    /// ```
    public func forEachTrendRecordBatch(workspace: String, includeReposts: Bool = false, batchSize: Int = 20_000,
                                        _ body: ([TrendRecord]) throws -> Void) throws {
        try mapErrors {
            try writer.read { db in
                guard let workspaceID = try Self.workspaceID(db, workspace) else { return }
                let originals = includeReposts ? "" : " AND post.repost_of_platform_id IS NULL"
                func entities(_ table: String, _ column: String) throws -> TrendEntityStream {
                    try TrendEntityStream(db, sql: """
                        SELECT e.post_id, e.\(column) FROM \(table) AS e JOIN post ON post.id = e.post_id
                        WHERE post.workspace_id = ?\(originals) ORDER BY e.post_id, e.position
                        """, workspaceID: workspaceID)
                }
                var hashtags = try entities("post_hashtag", "tag")
                var mentions = try entities("post_mention", "handle")
                var urls = try entities("post_url", "url")
                let posts = try db.makeStatement(sql: """
                    SELECT id, created_at, author_account_id, text, language, reply_to_platform_id IS NOT NULL
                    FROM post WHERE workspace_id = ?\(originals) ORDER BY id
                    """)
                let handle = posts.sqliteStatement
                sqlite3_bind_int64(handle, 1, workspaceID)
                var batch: [TrendRecord] = []
                batch.reserveCapacity(batchSize)
                while true {
                    let code = sqlite3_step(handle)
                    if code == SQLITE_DONE { break }
                    guard code == SQLITE_ROW else { throw TrendEntityStream.error(code, handle, sql: posts.sql) }
                    let id = sqlite3_column_int64(handle, 0)
                    batch.append(TrendRecord(
                        time: sqlite3_column_int64(handle, 1),
                        author: sqlite3_column_int64(handle, 2),
                        text: TrendEntityStream.text(handle, 3) ?? "",
                        language: TrendEntityStream.text(handle, 4),
                        isReply: sqlite3_column_int64(handle, 5) != 0,
                        hashtags: try hashtags.values(for: id),
                        mentions: try mentions.values(for: id),
                        urls: try urls.values(for: id)))
                    if batch.count >= batchSize {
                        try body(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try body(batch) }
            }
        }
    }
}

/// `(post_id, text)` rows in post-id order, consumed alongside the posts (a merge join), read
/// through the C API.
struct TrendEntityStream {
    private let statement: Statement
    private var pending: (id: Int64, value: String)?
    private var finished = false

    init(_ db: Database, sql: String, workspaceID: Int64) throws {
        statement = try db.makeStatement(sql: sql)
        sqlite3_bind_int64(statement.sqliteStatement, 1, workspaceID)
    }

    /// The values of `postID`; ids must be asked in increasing order.
    mutating func values(for postID: Int64) throws -> [String] {
        var values: [String] = []
        while true {
            if pending == nil {
                guard !finished else { return values }
                let handle = statement.sqliteStatement
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE {
                    finished = true
                    return values
                }
                guard code == SQLITE_ROW else { throw Self.error(code, handle, sql: statement.sql) }
                pending = (sqlite3_column_int64(handle, 0), Self.text(handle, 1) ?? "")
            }
            guard let (id, value) = pending, id <= postID else { return values }
            if id == postID { values.append(value) }
            pending = nil
        }
    }

    /// A text column, `nil` when NULL.
    static func text(_ handle: SQLiteStatement, _ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    static func error(_ code: Int32, _ handle: SQLiteStatement, sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code),
                      message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: sql)
    }
}

extension SQLiteStore {
    /// The creation time (milliseconds since 1970) of every post of `workspace`, reposts
    /// included, in storage order: what volume series and spikes count.
    public func postTimes(workspace: String) throws -> [Int64] {
        try mapErrors {
            try writer.read { db in
                guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
                return try Int64.fetchAll(db, sql: "SELECT created_at FROM post WHERE workspace_id = ? ORDER BY id",
                                          arguments: [workspaceID])
            }
        }
    }
}
