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
        try mapErrors {
            try writer.read { db in
                guard let workspaceID = try Self.workspaceID(db, workspace) else { return }
                func entityCursor(_ table: String, _ columns: String) throws -> RowCursor {
                    try Row.fetchCursor(db, sql: """
                        SELECT e.post_id, \(columns) FROM \(table) AS e JOIN post ON post.id = e.post_id
                        WHERE post.workspace_id = ? ORDER BY e.post_id, e.position
                        """, arguments: [workspaceID])
                }
                var hashtags = EntityStream(try entityCursor("post_hashtag", "e.tag")) { row -> String in row[1] }
                var mentions = EntityStream(try entityCursor("post_mention", "e.handle, e.account_platform_id")) { row in
                    Mention(accountID: row[2], handle: row[1])
                }
                var urls = EntityStream(try entityCursor("post_url", "e.url")) { row -> String in row[1] }
                let posts = try Row.fetchCursor(db, sql: "\(PostDecoding.select) WHERE post.workspace_id = ? ORDER BY post.id",
                                                arguments: [workspaceID])
                while let row = try posts.next() {
                    let postRowID: Int64 = row["id"]
                    let entities = PostDecoding.Entities(
                        hashtags: try hashtags.values(for: postRowID),
                        mentions: try mentions.values(for: postRowID),
                        urls: try urls.values(for: postRowID))
                    try body(row["author_account_id"], try PostDecoding.post(from: row, entities: entities))
                }
            }
        }
    }
}
