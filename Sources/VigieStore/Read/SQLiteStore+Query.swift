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
            var newest = NewestMatches<QueryPlan.Match>(limit: limit)
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
