import Foundation
import PostgresNIO
import VigieCore

extension PostgresStore {
    /// Runs a listening query: every match is counted (exactly ``Query/matches(_:)``), the newest
    /// `limit` are returned, newest first.
    public func query(_ query: Query, workspace: String, since: Date?, until: Date?,
                      limit: Int) async throws -> QueryResultPage {
        let plan = PostgresQueryPlan(query, since: since, until: until)
        return try await withConnection { connection in
            var page = QueryResultPage(indexFilter: plan.fullText, exact: plan.exact)
            guard let id = try await self.workspaceID(connection, workspace) else { return page }
            if let exact = try await plan.exactPage(connection, store: self, workspaceID: id, limit: limit) {
                page.matched = exact.matched
                page.candidates = 0
                page.authors = exact.authors
                let ids = exact.newest.map(\.id)
                if !ids.isEmpty {
                    let posts = try await self.posts(connection, workspaceID: id, ids: ids)
                    page.posts = ids.compactMap { posts[$0] }
                }
                return page
            }
            var newest = NewestMatches<PostgresQueryPlan.Match>(limit: limit)
            var authors = Set<Int64>()
            let counts = try await plan.forEachMatch(connection, store: self, workspaceID: id) { match in
                authors.insert(match.authorRowID)
                newest.offer(match)
            }
            page.matched = counts.matched
            page.candidates = counts.candidates
            page.authors = authors.count
            let ids = newest.sorted.map(\.id)
            if !ids.isEmpty {
                let posts = try await self.posts(connection, workspaceID: id, ids: ids)
                page.posts = ids.compactMap { posts[$0] }
            }
            return page
        }
    }

    /// Posts by id, decoded.
    func posts(_ connection: PostgresConnection, workspaceID: Int64, ids: [Int64]) async throws -> [Int64: Post] {
        var posts: [Int64: Post] = [:]
        for row in try await rows(connection, """
            SELECT \(unescaped: PostgresPostColumns.select) FROM \(unescaped: PostgresPostColumns.from)
            WHERE p.workspace_id = \(workspaceID) AND p.id = ANY(\(ids))
            """) {
            posts[try row.value("id")] = try PostgresPostDecoding.post(row)
        }
        return posts
    }
}
