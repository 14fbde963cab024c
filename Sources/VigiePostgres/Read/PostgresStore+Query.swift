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
            var newest = NewestMatches(limit: limit)
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

/// The `limit` newest matches seen so far (by creation date, then id), in a min-heap.
struct NewestMatches {
    let limit: Int
    private var heap: [PostgresQueryPlan.Match] = []

    init(limit: Int) { self.limit = limit }

    private static func older(_ a: PostgresQueryPlan.Match, _ b: PostgresQueryPlan.Match) -> Bool {
        a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id
    }

    mutating func offer(_ match: PostgresQueryPlan.Match) {
        guard limit > 0 else { return }
        if heap.count < limit {
            heap.append(match)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.older(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if Self.older(heap[0], match) {
            heap[0] = match
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, Self.older(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count, Self.older(heap[right], heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// Newest first.
    var sorted: [PostgresQueryPlan.Match] { heap.sorted { Self.older($1, $0) } }
}
