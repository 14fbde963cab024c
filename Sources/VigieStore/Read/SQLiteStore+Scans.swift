import Foundation
import GRDB
import VigieCore

/// The bulk reads, page by page (``PagedScan``): each page is one short read transaction that
/// takes the rows after the last one seen by row id (`NOT INDEXED` keeps SQLite on the row-id
/// B-tree, the storage order), so no read stays open across a whole scan.
extension SQLiteStore {
    /// Posts per page: large enough that a page's fixed cost (a transaction, three entity
    /// queries) is noise, small enough to bound memory.
    static let postPageSize = 5_000

    public func posts(workspace: String) -> PagedScan<Post> {
        postsWithAuthorRow(workspace: workspace).map(\.post)
    }

    public func graphPosts(workspace: String, nodes: NodeIndex) -> PagedScan<NodePost> {
        .deferred {
            let table = try await self.nodeTable(workspace: workspace, nodes: nodes)
            return self.postsWithAuthorRow(workspace: workspace).map { row in
                NodePost(author: table.node(ofRow: row.authorRowID), post: row.post)
            }
        }
    }

    struct PostWithAuthorRow: Sendable {
        var authorRowID: Int64
        var post: Post
    }

    func postsWithAuthorRow(workspace: String) -> PagedScan<PostWithAuthorRow> {
        .deferred {
            guard let workspaceID = try await self.read({ db in try Self.workspaceID(db, workspace) }) else {
                return PagedScan([])
            }
            return .keyset(from: Int64.min, pageSize: Self.postPageSize) { after, limit in
                try await self.read { db in try Self.postPage(db, workspaceID: workspaceID, after: after, limit: limit) }
            }
        }
    }

    /// A page of posts with their authors; the content columns in ``PostContent/init(columns:)``'s order.
    private static let postScanSQL = """
        SELECT post.id, post.author_account_id, post.platform, post.platform_id, account.platform_id, account.handle,
               \(BatchWriter.postContentColumns.map { "post." + $0 }.joined(separator: ", "))
        FROM post NOT INDEXED JOIN account ON account.id = post.author_account_id
        WHERE post.id > ?1 AND post.id <= ?2 AND post.workspace_id = ?3 ORDER BY post.id
        """

    private static func postPage(_ db: Database, workspaceID: Int64, after: Int64,
                                 limit: Int) throws -> (rows: [PostWithAuthorRow], last: Int64?) {
        // The page's last row id first (row ids only), so that the rows are then decoded straight
        // from the statement: no copy of every column of every row before decoding.
        guard let span = try Row.fetchOne(db, sql: """
            SELECT count(*), max(id) FROM (SELECT post.id FROM post NOT INDEXED
                                           WHERE post.id > ? AND post.workspace_id = ? ORDER BY post.id LIMIT ?)
            """, arguments: [after, workspaceID, limit]), let high = span[1] as Int64? else { return ([], nil) }
        let full = (span[0] as Int) == limit
        let bindings = [after, high]
        func entities<Value>(_ table: String, _ columns: String,
                             _ decode: @escaping (inout ColumnReader) throws -> Value) throws -> EntityStream<Value> {
            try EntityStream(db, sql: """
                SELECT post_id, \(columns) FROM \(table) WHERE post_id > ?1 AND post_id <= ?2 ORDER BY post_id, position
                """, bindings: bindings, decode: decode)
        }
        // Merge joins over the page's id range; rows of other workspaces in the range are skipped.
        var hashtags = try entities("post_hashtag", "tag") { try $0.text() }
        var mentions = try entities("post_mention", "handle, account_platform_id") { columns in
            let handle = try columns.text()
            return Mention(accountID: try columns.optionalText(), handle: handle)
        }
        var urls = try entities("post_url", "url") { try $0.text() }
        let posts = try db.makeStatement(sql: postScanSQL)
        ColumnReader.bind(posts, [after, high, workspaceID])
        var page: [PostWithAuthorRow] = []
        page.reserveCapacity(limit)
        while try ColumnReader.step(posts) {
            var columns = ColumnReader(posts.sqliteStatement)
            let postRowID = try columns.int64()
            let authorRowID = try columns.int64()
            let platformName = try columns.text()
            guard let platform = Platform(rawValue: platformName) else {
                throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "unknown platform '\(platformName)' in post row")
            }
            let rootID = try columns.text()
            let authorID = try columns.text()
            let authorHandle = try columns.optionalText()
            let content = try PostContent(columns: &columns)
            page.append(PostWithAuthorRow(authorRowID: authorRowID, post: content.post(
                platform: platform, rootID: rootID, authorID: authorID, authorHandle: authorHandle,
                hashtags: try hashtags.values(for: postRowID), mentions: try mentions.values(for: postRowID),
                urls: try urls.values(for: postRowID))))
        }
        // A full page of ids means there may be more, even if a row's author was missing.
        return (page, full ? high : nil)
    }

    static func workspaceID(_ db: Database, _ name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM workspace WHERE name = ?", arguments: [name])
    }
}

/// The graph node of each account row of a workspace: a flat table, since a workspace's row ids
/// are nearly contiguous, built once per scan from the accounts' keys.
struct RowNodeTable: Sendable {
    private let base: Int64
    private let nodes: [Int32]

    init(rows: [(rowID: Int64, node: Int32)]) {
        let low = rows.map(\.rowID).min() ?? 0
        let high = rows.map(\.rowID).max() ?? -1
        var nodes = [Int32](repeating: -1, count: max(0, Int(high - low + 1)))
        for (rowID, node) in rows { nodes[Int(rowID - low)] = node }
        base = low
        self.nodes = nodes
    }

    func node(ofRow rowID: Int64) -> Int32? {
        let slot = rowID - base
        guard slot >= 0, slot < Int64(nodes.count) else { return nil }
        let node = nodes[Int(slot)]
        return node < 0 ? nil : node
    }
}

extension SQLiteStore {
    /// Maps the workspace's account rows to the nodes of `nodes` (by key).
    func nodeTable(workspace: String, nodes: NodeIndex) async throws -> RowNodeTable {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return RowNodeTable(rows: []) }
            var rows: [(rowID: Int64, node: Int32)] = []
            rows.reserveCapacity(nodes.count)
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, platform, platform_id FROM account WHERE workspace_id = ?",
                                             arguments: [workspaceID])
            while let row = try cursor.next() {
                let platform: String = row[1]
                let key = AccountKey(platform: Platform(rawValue: platform) ?? .other, platformID: row[2])
                if let node = nodes.node(of: key) { rows.append((row[0], node)) }
            }
            return RowNodeTable(rows: rows)
        }
    }
}
