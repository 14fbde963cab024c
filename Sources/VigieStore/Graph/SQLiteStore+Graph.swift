import Foundation
import GRDB
import VigieCore

extension SQLiteStore: GraphStore {
    public func graphAccounts(workspace: String) async throws -> [GraphAccount] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var accounts: [GraphAccount] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT platform, platform_id, handle, followers FROM account
                WHERE workspace_id = ? ORDER BY id
                """, arguments: [workspaceID])
            while let row = try rows.next() {
                accounts.append(GraphAccount(platform: row[0], platformID: row[1], handle: row[2], followers: row[3]))
            }
            return accounts
        }
    }

    /// Kinds come back as small integers (`CASE` in SQL): no string per edge on the hot path.
    private static let kindCodes: [Interaction.Kind] = [.reply, .repost, .quote, .mention, .like, .follow]
    static let edgePageSize = 50_000

    public func graphEdges(workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?,
                           postIDs: Bool) -> PagedScan<GraphEdgeRecord> {
        .deferred {
            let table = try await self.nodeTable(workspace: workspace, nodes: nodes)
            guard let workspaceID = try await self.read({ db in try Self.workspaceID(db, workspace) }) else {
                return PagedScan([])
            }
            var sql = """
                SELECT id, source_account_id, target_account_id,
                       CASE kind WHEN 'reply' THEN 0 WHEN 'repost' THEN 1 WHEN 'quote' THEN 2
                                 WHEN 'mention' THEN 3 WHEN 'like' THEN 4 WHEN 'follow' THEN 5 ELSE -1 END,
                       at\(postIDs ? ", target_post_platform_id, via_platform_id" : "")
                FROM interaction NOT INDEXED
                WHERE id > ? AND workspace_id = ? AND target_account_id IS NOT NULL
                """
            if timeRange != nil { sql += " AND at >= ? AND at < ?" }
            sql += " ORDER BY id LIMIT ?"
            let query = sql
            return .keyset(from: Int64.min, pageSize: Self.edgePageSize) { after, limit in
                try await self.read { db in
                    var bindings = [after, workspaceID]
                    if let timeRange { bindings += [timeRange.lowerBound, timeRange.upperBound] }
                    bindings.append(Int64(limit))
                    let statement = try db.makeStatement(sql: query)
                    ColumnReader.bind(statement, bindings)
                    var records: [GraphEdgeRecord] = []
                    var last: Int64?
                    var scanned = 0
                    while try ColumnReader.step(statement) {
                        var columns = ColumnReader(statement.sqliteStatement)
                        scanned += 1
                        last = try columns.int64()
                        let sourceRow = try columns.int64(), targetRow = try columns.int64(), code = try columns.int()
                        guard code >= 0, let source = table.node(ofRow: sourceRow),
                              let target = table.node(ofRow: targetRow) else { continue }
                        var record = GraphEdgeRecord(source: source, target: target, kind: Self.kindCodes[code],
                                                     at: try columns.int64())
                        if postIDs {
                            record.targetPostID = try columns.optionalText()
                            record.viaID = try columns.optionalText()
                        }
                        records.append(record)
                    }
                    // A full page means there may be more, even if some rows were skipped.
                    return (records, scanned == limit ? last : nil)
                }
            }
        }
    }
}
