import Foundation
import PostgresNIO
import VigieCore

/// The bulk reads, page by page (``PagedScan``): each page is one short query taking the rows
/// after the last id seen (keyset pagination on the storage order), so no read stays open
/// across a whole scan.
extension PostgresStore: GraphStore {
    static let postPageSize = 5_000
    static let trendPageSize = 20_000
    static let edgePageSize = 50_000

    public func posts(workspace: String) -> PagedScan<Post> {
        postsWithAuthorRow(workspace: workspace).map(\.post)
    }

    struct PostWithAuthorRow: Sendable {
        var authorRowID: Int64
        var post: Post
    }

    func postsWithAuthorRow(workspace: String) -> PagedScan<PostWithAuthorRow> {
        .deferred {
            guard let id = try await self.withConnection({ try await self.workspaceID($0, workspace) }) else { return PagedScan([]) }
            return .keyset(from: Int64.min, pageSize: Self.postPageSize) { after, limit in
                try await self.withConnection { connection in
                    var page: [PostWithAuthorRow] = []
                    var last: Int64?
                    for row in try await self.rows(connection, """
                        SELECT \(unescaped: PostgresPostColumns.select) FROM \(unescaped: PostgresPostColumns.from)
                        WHERE p.workspace_id = \(id) AND p.id > \(after) ORDER BY p.id LIMIT \(limit)
                        """) {
                        last = try row.value("id")
                        page.append(PostWithAuthorRow(authorRowID: try row.value("author_account_id"),
                                                      post: try PostgresPostDecoding.post(row)))
                    }
                    return (page, page.count == limit ? last : nil)
                }
            }
        }
    }

    public func trendRecords(workspace: String, includeReposts: Bool) -> PagedScan<TrendRecord> {
        .deferred {
            guard let id = try await self.withConnection({ try await self.workspaceID($0, workspace) }) else { return PagedScan([]) }
            let originals = includeReposts ? "" : " AND repost_of_platform_id IS NULL"
            return .keyset(from: Int64.min, pageSize: Self.trendPageSize) { after, limit in
                try await self.withConnection { connection in
                    var records: [TrendRecord] = []
                    var last: Int64?
                    for try await (postID, time, author, text, language, isReply, hashtags, mentions, urls) in try await connection.query("""
                        SELECT id, created_at, author_account_id, text, language, reply_to_platform_id IS NOT NULL,
                               hashtags, mention_handles, urls
                        FROM post WHERE workspace_id = \(id) AND id > \(after)\(unescaped: originals) ORDER BY id LIMIT \(limit)
                        """, logger: self.logger).decode((Int64, Int64, Int64, String, String?, Bool, [String], [String], [String]).self) {
                        last = postID
                        records.append(TrendRecord(time: time, author: author, text: text, language: language, isReply: isReply,
                                                   hashtags: hashtags, mentions: mentions, urls: urls))
                    }
                    return (records, records.count == limit ? last : nil)
                }
            }
        }
    }

    // MARK: Graph

    public func graphAccounts(workspace: String) async throws -> [GraphAccount] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            var accounts: [GraphAccount] = []
            for try await (platform, platformID, handle, followers) in try await connection.query("""
                SELECT platform, platform_id, handle, followers FROM account WHERE workspace_id = \(id) ORDER BY id
                """, logger: self.logger).decode((String, String, String?, Int?).self) {
                accounts.append(GraphAccount(platform: platform, platformID: platformID, handle: handle, followers: followers))
            }
            return accounts
        }
    }

    /// The graph node of each account id of the workspace.
    func nodeTable(workspace: String, nodes: NodeIndex) async throws -> [Int64: Int32] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [:] }
            var table: [Int64: Int32] = [:]
            table.reserveCapacity(nodes.count)
            for try await (rowID, platform, platformID) in try await connection.query("""
                SELECT id, platform, platform_id FROM account WHERE workspace_id = \(id)
                """, logger: self.logger).decode((Int64, String, String).self) {
                let key = AccountKey(platform: Platform(rawValue: platform) ?? .other, platformID: platformID)
                if let node = nodes.node(of: key) { table[rowID] = node }
            }
            return table
        }
    }

    public func graphEdges(workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?,
                           postIDs: Bool) -> PagedScan<GraphEdgeRecord> {
        .deferred {
            let table = try await self.nodeTable(workspace: workspace, nodes: nodes)
            guard let id = try await self.withConnection({ try await self.workspaceID($0, workspace) }) else { return PagedScan([]) }
            let low = timeRange?.lowerBound ?? Int64.min
            let high = timeRange?.upperBound ?? Int64.max
            return .keyset(from: Int64.min, pageSize: Self.edgePageSize) { after, limit in
                try await self.withConnection { connection in
                    var records: [GraphEdgeRecord] = []
                    var last: Int64?
                    var scanned = 0
                    for try await (edgeID, source, target, kind, at, targetPost, via) in try await connection.query("""
                        SELECT id, source_account_id, target_account_id, kind, at, target_post_platform_id, via_platform_id
                        FROM interaction
                        WHERE workspace_id = \(id) AND id > \(after) AND target_account_id IS NOT NULL AND at >= \(low) AND at < \(high)
                        ORDER BY id LIMIT \(limit)
                        """, logger: self.logger).decode((Int64, Int64, Int64, String, Int64, String?, String).self) {
                        scanned += 1
                        last = edgeID
                        guard let kind = Interaction.Kind(rawValue: kind), let s = table[source], let t = table[target] else { continue }
                        var record = GraphEdgeRecord(source: s, target: t, kind: kind, at: at)
                        if postIDs {
                            record.targetPostID = targetPost
                            record.viaID = via
                        }
                        records.append(record)
                    }
                    return (records, scanned == limit ? last : nil)
                }
            }
        }
    }

    public func graphPosts(workspace: String, nodes: NodeIndex) -> PagedScan<NodePost> {
        .deferred {
            let table = try await self.nodeTable(workspace: workspace, nodes: nodes)
            return self.postsWithAuthorRow(workspace: workspace).map { row in
                NodePost(author: table[row.authorRowID], post: row.post)
            }
        }
    }
}
