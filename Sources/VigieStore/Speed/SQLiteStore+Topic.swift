import Foundation
import GRDB
// Activity pages are stepped through the C API: a million rows of six integers each.
import GRDBSQLite
import VigieCore

/// A topic's posts through the query index, and every post's activity from narrow columns
/// (``TopicStore``): an influence ranking no longer decodes every post of the workspace.
extension SQLiteStore {
    public func topicPosts(_ query: Query, workspace: String, nodes: NodeIndex,
                           timeRange: Range<Int64>?) -> PagedScan<NodePost> {
        .deferred {
            let table = try await self.nodeTable(workspace: workspace, nodes: nodes)
            let ids: [Int64] = try await self.read { db in
                guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
                // The SQL bounds are a millisecond wider than the range; the exact test is the
                // one `GraphPeriod.includes` makes on the decoded date.
                var since: Date?, until: Date?
                if let timeRange, timeRange.lowerBound != Int64.min { since = Date(unixMillis: timeRange.lowerBound - 1) }
                if let timeRange, timeRange.upperBound != Int64.max { until = Date(unixMillis: timeRange.upperBound + 1) }
                var ids: [Int64] = []
                try QueryPlan(query, since: since, until: until).forEachMatch(db, workspaceID: workspaceID) { match in
                    guard table.node(ofRow: match.authorRowID) != nil else { return }
                    if let timeRange, !timeRange.contains(Date(unixMillis: match.createdAt).millisSinceEpoch) { return }
                    ids.append(match.id)
                }
                ids.sort()
                return ids
            }
            return .keyset(from: 0, pageSize: Self.postPageSize) { start, limit in
                let end = min(start + limit, ids.count)
                guard start < end else { return ([], nil) }
                let slice = Array(ids[start..<end])
                let rows = try await self.read { db -> [NodePost] in
                    let posts = try Row.fetchAll(db, sql: """
                        \(PostDecoding.select) WHERE post.id IN (\(slice.map(String.init).joined(separator: ","))) ORDER BY post.id
                        """)
                    let authors: [Int64] = posts.map { $0["author_account_id"] }
                    return zip(authors, try PostDecoding.posts(from: posts, db: db)).compactMap { author, post in
                        table.node(ofRow: author).map { NodePost(author: $0, post: post) }
                    }
                }
                return (rows, end < ids.count ? end : nil)
            }
        }
    }

    public func postActivity(workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?) -> PagedScan<PostActivity> {
        .deferred {
            let table = try await self.nodeTable(workspace: workspace, nodes: nodes)
            guard let workspaceID = try await self.read({ db in try Self.workspaceID(db, workspace) }) else {
                return PagedScan([])
            }
            return .keyset(from: Int64.min, pageSize: 50_000) { after, limit in
                try await self.read { db in
                    try Self.activityPage(db, workspaceID: workspaceID, after: after, limit: limit, table: table,
                                          timeRange: timeRange)
                }
            }
        }
    }

    private static func activityPage(_ db: Database, workspaceID: Int64, after: Int64, limit: Int, table: RowNodeTable,
                                     timeRange: Range<Int64>?) throws -> (rows: [PostActivity], last: Int64?) {
        let statement = try db.cachedStatement(sql: """
            SELECT id, author_account_id, created_at, repost_of_platform_id IS NOT NULL, likes, replies, reposts
            FROM post NOT INDEXED WHERE id > ? AND workspace_id = ? ORDER BY id LIMIT ?
            """)
        try statement.setArguments([after, workspaceID, limit])
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var rows: [PostActivity] = []
        rows.reserveCapacity(limit)
        var seen = 0
        var last = after
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
            }
            seen += 1
            last = sqlite3_column_int64(handle, 0)
            guard let node = table.node(ofRow: sqlite3_column_int64(handle, 1)) else { continue }
            let createdAt = Date(unixMillis: sqlite3_column_int64(handle, 2)).millisSinceEpoch
            if let timeRange, !timeRange.contains(createdAt) { continue }
            // `TopicSignals.engagement(of:)`: likes, replies and reposts, `nil` when none is known.
            var engagement: Int?
            for column in Int32(4)...6 where sqlite3_column_type(handle, column) != SQLITE_NULL {
                engagement = (engagement ?? 0) + Int(sqlite3_column_int64(handle, column))
            }
            rows.append(PostActivity(author: node, createdAt: createdAt, isRepost: sqlite3_column_int64(handle, 3) != 0,
                                     engagement: engagement))
        }
        return (rows, seen == limit ? last : nil)
    }
}
