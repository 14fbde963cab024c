import Foundation
import GRDB
import VigieCore

extension SQLiteStore: GraphStore {
    public func graphAccounts(workspace: String) throws -> [GraphAccount] {
        try mapErrors {
            try writer.read { db in
                guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
                var accounts: [GraphAccount] = []
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT id, platform, platform_id, handle, followers FROM account
                    WHERE workspace_id = ? ORDER BY id
                    """, arguments: [workspaceID])
                while let row = try rows.next() {
                    accounts.append(GraphAccount(rowID: row[0], platform: row[1], platformID: row[2],
                                                 handle: row[3], followers: row[4]))
                }
                return accounts
            }
        }
    }

    /// Kinds come back as small integers (`CASE` in SQL): no string per edge on the hot path.
    private static let kindCodes: [Interaction.Kind] = [.reply, .repost, .quote, .mention, .like, .follow]

    public func forEachGraphEdge(workspace: String, timeRange: Range<Int64>?, postIDs: Bool,
                                 _ body: (GraphEdgeRecord) throws -> Void) throws {
        try mapErrors {
            try writer.read { db in
                guard let workspaceID = try Self.workspaceID(db, workspace) else { return }
                var sql = """
                    SELECT source_account_id, target_account_id,
                           CASE kind WHEN 'reply' THEN 0 WHEN 'repost' THEN 1 WHEN 'quote' THEN 2
                                     WHEN 'mention' THEN 3 WHEN 'like' THEN 4 WHEN 'follow' THEN 5 ELSE -1 END,
                           at\(postIDs ? ", target_post_platform_id, via_platform_id" : "")
                    FROM interaction WHERE workspace_id = ? AND target_account_id IS NOT NULL
                    """
                var arguments: StatementArguments = [workspaceID]
                if let timeRange {
                    sql += " AND at >= ? AND at < ?"
                    arguments += [timeRange.lowerBound, timeRange.upperBound]
                }
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    let code: Int = row[2]
                    guard code >= 0 else { continue }
                    var record = GraphEdgeRecord(sourceRowID: row[0], targetRowID: row[1],
                                                 kind: Self.kindCodes[code], at: row[3])
                    if postIDs {
                        record.targetPostID = row[4]
                        record.viaID = row[5]
                    }
                    try body(record)
                }
            }
        }
    }

    public func forEachGraphPost(workspace: String, _ body: (_ authorRowID: Int64, _ post: Post) throws -> Void) throws {
        try forEachPostWithAuthorRow(workspace: workspace, body)
    }
}
