import Foundation
import PostgresNIO
import VigieCore

/// Watches: `watch` rows with two high-water marks (the last post id tested, the last change
/// applied), `watch_match` rows, and the `post_change` log the batch writer fills while a
/// workspace has watches — the SQLite store's design (docs/watches.md) in PostgreSQL.
extension PostgresStore: WatchStore {
    struct WatchRow: Sendable {
        var id: Int64
        var workspaceID: Int64
        var watch: Watch
        var postMark: Int64
        var changeMark: Int64
    }

    @discardableResult
    public func addWatch(_ watch: Watch, workspace: String) async throws -> WatchRefresh {
        try validate(workspace: workspace)
        try refuseWrites()
        try watch.validate()
        let workspaceID = try await ensureWorkspace(workspace)
        return try await transaction { connection in
            if try await self.watchRow(connection, workspaceID: workspaceID, name: watch.name) != nil {
                throw WatchError.alreadyExists(watch.name)
            }
            // Changes logged before the watch existed are covered by its first full match.
            let lastChange = try await self.lastChange(connection, workspaceID: workspaceID)
            try await self.run(connection, """
                INSERT INTO watch(workspace_id, name, query, stemmed, created_at, change_mark)
                VALUES (\(workspaceID), \(watch.name), \(watch.query), \(watch.stemmed), \(watch.createdAt.pgMillis), \(lastChange))
                """)
            guard let row = try await self.watchRow(connection, workspaceID: workspaceID, name: watch.name) else {
                throw WatchError.notFound(watch.name)
            }
            return try await self.refresh(connection, row)
        }
    }

    public func watches(workspace: String) async throws -> [Watch] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            return try await self.rows(connection, "SELECT * FROM watch WHERE workspace_id = \(id) ORDER BY name")
                .map { try Self.watchRow($0).watch }
        }
    }

    public func watch(named name: String, workspace: String) async throws -> Watch? {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return nil }
            return try await self.watchRow(connection, workspaceID: id, name: name)?.watch
        }
    }

    @discardableResult
    public func removeWatch(named name: String, workspace: String) async throws -> Bool {
        try await transaction { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return false }
            let removed = try await self.changes(connection, "DELETE FROM watch WHERE workspace_id = \(id) AND name = \(name) RETURNING 1") > 0
            try await self.trimChangeLog(connection, workspaceID: id)
            return removed
        }
    }

    @discardableResult
    public func refreshWatch(named name: String, workspace: String) async throws -> WatchRefresh {
        try await transaction { connection in
            let row = try await self.requireWatch(connection, workspace: workspace, name: name)
            return try await self.refresh(connection, row)
        }
    }

    public func watchVolume(named name: String, workspace: String, buckets: TimeBuckets) async throws -> [Int] {
        try await refreshWatch(named: name, workspace: workspace)
        return try await withConnection { connection in
            let row = try await self.requireWatch(connection, workspace: workspace, name: name)
            var counts = Array(repeating: 0, count: buckets.count)
            for try await millis in try await connection.query("""
                SELECT created_at FROM watch_match WHERE workspace_id = \(row.workspaceID) AND watch_id = \(row.id)
                AND created_at >= \(buckets.range.lowerBound.pgMillis) AND created_at < \(buckets.range.upperBound.pgMillis)
                """, logger: self.logger).decode(Int64.self) {
                if let index = buckets.index(of: Date(pgMillis: millis)) { counts[index] += 1 }
            }
            return counts
        }
    }

    public func watchedVolume(named name: String, workspace: String, in range: Range<Date>,
                              bucket: TimeInterval) async throws -> VolumeSeries {
        try await refreshWatch(named: name, workspace: workspace)
        return try await withConnection { connection in
            let row = try await self.requireWatch(connection, workspace: workspace, name: name)
            var series = VolumeSeries(zerosCovering: range, bucket: bucket)
            for try await (index, count) in try await connection.query("""
                SELECT (created_at - \(series.startMillis)) / \(series.bucketMillis), COUNT(*) FROM watch_match
                WHERE workspace_id = \(row.workspaceID) AND watch_id = \(row.id)
                AND created_at >= \(range.lowerBound.pgMillis) AND created_at < \(range.upperBound.pgMillis) GROUP BY 1
                """, logger: self.logger).decode((Int64, Int64).self) {
                series.add(Int(count), toBucket: index)
            }
            return series
        }
    }

    static let watchPageSize = 2_048

    public func watchedPosts(named name: String, workspace: String, in range: Range<Date>) -> PagedScan<Post> {
        .deferred {
            try await self.refreshWatch(named: name, workspace: workspace)
            let row = try await self.withConnection { try await self.requireWatch($0, workspace: workspace, name: name) }
            let start = WatchPosition(createdAt: range.lowerBound.pgMillis, postID: Int64.min)
            let until = range.upperBound.pgMillis
            return .keyset(from: start, pageSize: Self.watchPageSize) { after, limit in
                try await self.withConnection { connection in
                    // Oldest first: by creation date, then post id.
                    var matches: [(Int64, Int64)] = []
                    for try await match in try await connection.query("""
                        SELECT created_at, post_id FROM watch_match
                        WHERE workspace_id = \(row.workspaceID) AND watch_id = \(row.id)
                          AND (created_at, post_id) > (\(after.createdAt), \(after.postID)) AND created_at < \(until)
                        ORDER BY created_at, post_id LIMIT \(limit)
                        """, logger: self.logger).decode((Int64, Int64).self) {
                        matches.append(match)
                    }
                    guard let last = matches.last else { return ([], nil) }
                    let byID = try await self.posts(connection, workspaceID: row.workspaceID, ids: matches.map(\.1))
                    return (matches.compactMap { byID[$0.1] },
                            matches.count == limit ? WatchPosition(createdAt: last.0, postID: last.1) : nil)
                }
            }
        }
    }

    struct WatchPosition: Sendable {
        var createdAt: Int64
        var postID: Int64
    }

    public func watchSpan(named name: String, workspace: String) async throws -> ClosedRange<Date>? {
        try await refreshWatch(named: name, workspace: workspace)
        return try await withConnection { connection in
            let row = try await self.requireWatch(connection, workspace: workspace, name: name)
            for try await (first, last) in try await connection.query("""
                SELECT min(created_at), max(created_at) FROM watch_match WHERE workspace_id = \(row.workspaceID) AND watch_id = \(row.id)
                """, logger: self.logger).decode((Int64?, Int64?).self) {
                guard let first, let last else { return nil }
                return Date(pgMillis: first)...Date(pgMillis: last)
            }
            return nil
        }
    }

    public func timeZone(workspace: String) async throws -> TimeZone {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace),
                  let identifier = try await self.one(connection, """
                    SELECT value FROM workspace_setting WHERE workspace_id = \(id) AND name = 'time_zone'
                    """, as: String.self),
                  let zone = TimeZone(identifier: identifier) else { return TimeZone(identifier: "UTC")! }
            return zone
        }
    }

    public func setTimeZone(_ timeZone: TimeZone, workspace: String) async throws {
        let id = try await ensureWorkspace(workspace)
        try await transaction { connection in
            try await self.run(connection, """
                INSERT INTO workspace_setting(workspace_id, name, value) VALUES (\(id), 'time_zone', \(timeZone.identifier))
                ON CONFLICT (workspace_id, name) DO UPDATE SET value = excluded.value
                """)
        }
    }

    // MARK: Matching

    /// Applies the change log (edited and deleted posts up to the post mark are tested again),
    /// then tests the posts above the post mark, and moves both marks.
    func refresh(_ connection: PostgresConnection, _ row: WatchRow) async throws -> WatchRefresh {
        let plan = PostgresQueryPlan(try row.watch.parsedQuery())
        var result = WatchRefresh()
        let workspaceID = row.workspaceID
        // Serialises refreshes of one watch (two dashboards at once).
        try await run(connection, "SELECT 1 FROM watch WHERE workspace_id = \(workspaceID) AND id = \(row.id) FOR UPDATE")
        let lastPost = try await one(connection, "SELECT max(id) FROM post WHERE workspace_id = \(workspaceID)", as: Int64?.self) ?? nil
        let lastChange = try await lastChange(connection, workspaceID: workspaceID)
        func insert(_ match: PostgresQueryPlan.Match) async throws {
            try await self.run(connection, """
                INSERT INTO watch_match(workspace_id, watch_id, post_id, created_at)
                VALUES (\(workspaceID), \(row.id), \(match.id), \(match.createdAt))
                ON CONFLICT (workspace_id, watch_id, post_id) DO UPDATE SET created_at = excluded.created_at
                """)
        }
        let changed = try await all(connection, """
            SELECT DISTINCT post_id FROM post_change
            WHERE workspace_id = \(workspaceID) AND seq > \(row.changeMark) AND seq <= \(lastChange) AND post_id <= \(row.postMark)
            ORDER BY post_id
            """, as: Int64.self)
        for postID in changed {
            result.changedPostsExamined += 1
            try await run(connection, "DELETE FROM watch_match WHERE workspace_id = \(workspaceID) AND watch_id = \(row.id) AND post_id = \(postID)")
            var matches: [PostgresQueryPlan.Match] = []
            try await plan.forEachMatch(connection, store: self, workspaceID: workspaceID, ids: postID...postID) { matches.append($0) }
            for match in matches { try await insert(match) }
        }
        let last = lastPost ?? 0
        if last > row.postMark {
            // Matches are collected, then written: a connection runs one statement at a time.
            var matches: [PostgresQueryPlan.Match] = []
            let counts = try await plan.forEachMatch(connection, store: self, workspaceID: workspaceID,
                                                     ids: (row.postMark + 1)...last) { matches.append($0) }
            if !matches.isEmpty {
                try await run(connection, """
                    INSERT INTO watch_match(workspace_id, watch_id, post_id, created_at)
                    SELECT \(workspaceID), \(row.id), m.id, m.created_at
                    FROM unnest(\(matches.map(\.id)), \(matches.map(\.createdAt))) AS m(id, created_at)
                    ON CONFLICT (workspace_id, watch_id, post_id) DO UPDATE SET created_at = excluded.created_at
                    """)
            }
            result.newPostsExamined = counts.candidates
            result.newPostsMatched = counts.matched
        }
        try await run(connection, """
            UPDATE watch SET post_mark = \(last), change_mark = \(lastChange), refreshed_at = \(Date().pgMillis)
            WHERE workspace_id = \(workspaceID) AND id = \(row.id)
            """)
        try await trimChangeLog(connection, workspaceID: workspaceID)
        result.totalMatches = try await one(connection, """
            SELECT count(*) FROM watch_match WHERE workspace_id = \(workspaceID) AND watch_id = \(row.id)
            """, as: Int.self) ?? 0
        return result
    }

    func lastChange(_ connection: PostgresConnection, workspaceID: Int64) async throws -> Int64 {
        let logged = try await one(connection, "SELECT max(seq) FROM post_change WHERE workspace_id = \(workspaceID)", as: Int64?.self) ?? nil
        let marked = try await one(connection, "SELECT max(change_mark) FROM watch WHERE workspace_id = \(workspaceID)", as: Int64?.self) ?? nil
        return max(logged ?? 0, marked ?? 0)
    }

    /// Entries every watch has applied are dropped; without watches the writer logs nothing.
    func trimChangeLog(_ connection: PostgresConnection, workspaceID: Int64) async throws {
        if let oldest = try await one(connection, "SELECT min(change_mark) FROM watch WHERE workspace_id = \(workspaceID)",
                                      as: Int64?.self) ?? nil {
            try await run(connection, "DELETE FROM post_change WHERE workspace_id = \(workspaceID) AND seq <= \(oldest)")
        } else {
            try await run(connection, "DELETE FROM post_change WHERE workspace_id = \(workspaceID)")
        }
    }

    static func watchRow(_ row: PostgresRandomAccessRow) throws -> WatchRow {
        WatchRow(id: try row.value("id"), workspaceID: try row.value("workspace_id"),
                 watch: Watch(name: try row.value("name"), query: try row.value("query"), stemmed: try row.value("stemmed"),
                              createdAt: Date(pgMillis: try row.value("created_at"))),
                 postMark: try row.value("post_mark"), changeMark: try row.value("change_mark"))
    }

    func watchRow(_ connection: PostgresConnection, workspaceID: Int64, name: String) async throws -> WatchRow? {
        try await rows(connection, "SELECT * FROM watch WHERE workspace_id = \(workspaceID) AND name = \(name)")
            .first.map(Self.watchRow)
    }

    func requireWatch(_ connection: PostgresConnection, workspace: String, name: String) async throws -> WatchRow {
        guard let id = try await workspaceID(connection, workspace),
              let row = try await watchRow(connection, workspaceID: id, name: name) else { throw WatchError.notFound(name) }
        return row
    }
}
