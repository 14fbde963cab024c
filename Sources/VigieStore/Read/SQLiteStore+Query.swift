import Foundation
import GRDB
import VigieCore

extension SQLiteStore {
    /// Runs a listening query: every match is counted (exactly ``Query/matches(_:)``), the newest
    /// `limit` are returned. Full-text and field conditions narrow the posts tested (see `QueryPlan`).
    ///
    /// ```swift
    /// let page = try await store.query(Query.parse("velo OR cyclisme lang:fr"), workspace: "default", limit: 50)
    /// print(page.matched, page.posts.first?.text ?? "")
    /// ```
    public func query(_ query: Query, workspace: String, since: Date?, until: Date?,
                      limit: Int) async throws -> QueryResultPage {
        let plan = QueryPlan(query, since: since, until: until)
        return try await read { db in
            var page = QueryResultPage(indexFilter: plan.fullText, exact: plan.exact)
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return page }
            var newest = NewestMatches(limit: limit)
            var authors = RowIDSet(capacity: try Int64.fetchOne(db, sql: "SELECT max(id) FROM account") ?? 0)
            let counts = try plan.forEachMatch(db, workspaceID: workspaceID) { match in
                authors.insert(match.authorRowID)
                newest.offer(match)
            }
            page.matched = counts.matched
            page.candidates = counts.candidates
            page.authors = authors.count
            let ids = newest.sorted.map(\.id)
            if !ids.isEmpty {
                let rows = try Row.fetchAll(db, sql: """
                    \(PostDecoding.select) WHERE post.id IN (\(ids.map(String.init).joined(separator: ",")))
                    """)
                let byID = Dictionary(uniqueKeysWithValues: zip(try rows.map { try $0.value("id") as Int64 },
                                                                try PostDecoding.posts(from: rows, db: db)))
                page.posts = ids.compactMap { byID[$0] }
            }
            return page
        }
    }
}

/// Distinct row ids (accounts are numbered 1, 2, …): one bit each instead of hashing every
/// match's author into a set.
struct RowIDSet {
    private var words: [UInt64]
    private(set) var count = 0

    init(capacity: Int64) {
        words = Array(repeating: 0, count: Int(max(capacity, 0) / 64) + 1)
    }

    mutating func insert(_ id: Int64) {
        guard id >= 0 else { return insertSlow(id) }
        let word = Int(id >> 6)
        if word >= words.count { words += Array(repeating: 0, count: word - words.count + 1) }
        let bit = UInt64(1) << UInt64(id & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }

    /// Row ids are positive in SQLite unless set by hand; those few go to a hashed set.
    private var negatives = Set<Int64>()
    private mutating func insertSlow(_ id: Int64) {
        if negatives.insert(id).inserted { count += 1 }
    }
}

/// The `limit` newest matches seen so far (by creation date, then row id), in a min-heap.
struct NewestMatches {
    let limit: Int
    private var heap: [QueryPlan.Match] = []

    init(limit: Int) { self.limit = limit }

    private static func older(_ a: QueryPlan.Match, _ b: QueryPlan.Match) -> Bool {
        a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id
    }

    mutating func offer(_ match: QueryPlan.Match) {
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
    var sorted: [QueryPlan.Match] { heap.sorted { Self.older($1, $0) } }
}
