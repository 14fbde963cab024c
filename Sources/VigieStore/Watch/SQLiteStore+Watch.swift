import Foundation
import GRDB
import VigieCore

/// Watches in SQLite: `watch` rows with two high-water marks, `watch_match` rows, and the
/// `post_change` log the batch writer fills while a workspace has watches. docs/watches.md
/// describes the design.
extension SQLiteStore: WatchStore {
    @discardableResult
    public func addWatch(_ watch: Watch, workspace: String) async throws -> WatchRefresh {
        try validate(workspace: workspace)
        try watch.validate()
        return try await write { db in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            if try Self.watchRow(db, workspaceID: workspaceID, name: watch.name) != nil {
                throw WatchError.alreadyExists(watch.name)
            }
            try db.execute(sql: """
                INSERT INTO watch(workspace_id, name, query, stemmed, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [workspaceID, watch.name, watch.query, watch.stemmed, watch.createdAt.unixMillis])
            // Changes logged before the watch existed are covered by its first full match.
            try db.execute(sql: "UPDATE watch SET change_mark = ? WHERE id = ?",
                           arguments: [try Self.lastChange(db), db.lastInsertedRowID])
            guard let row = try Self.watchRow(db, workspaceID: workspaceID, name: watch.name) else {
                throw DatabaseError(message: "watch '\(watch.name)' vanished")
            }
            return try Self.refresh(db, row, workspaceID: workspaceID)
        }
    }

    public func watches(workspace: String) async throws -> [Watch] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM watch WHERE workspace_id = ? ORDER BY name",
                                    arguments: [workspaceID]).map(WatchRow.init).map(\.watch)
        }
    }

    public func watch(named name: String, workspace: String) async throws -> Watch? {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try Self.watchRow(db, workspaceID: workspaceID, name: name)?.watch
        }
    }

    @discardableResult
    public func removeWatch(named name: String, workspace: String) async throws -> Bool {
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return false }
            try db.execute(sql: "DELETE FROM watch WHERE workspace_id = ? AND name = ?", arguments: [workspaceID, name])
            let removed = db.changesCount > 0
            try Self.trimChangeLog(db)
            return removed
        }
    }

    @discardableResult
    public func refreshWatch(named name: String, workspace: String) async throws -> WatchRefresh {
        try await write { db in
            let (row, workspaceID) = try Self.requireWatch(db, workspace: workspace, name: name)
            return try Self.refresh(db, row, workspaceID: workspaceID)
        }
    }

    public func watchVolume(named name: String, workspace: String, buckets: TimeBuckets) async throws -> [Int] {
        try await refreshWatch(named: name, workspace: workspace)
        return try await read { db in
            let (row, _) = try Self.requireWatch(db, workspace: workspace, name: name)
            var counts = Array(repeating: 0, count: buckets.count)
            let dates = try Int64.fetchCursor(db, sql: """
                SELECT created_at FROM watch_match WHERE watch_id = ? AND created_at >= ? AND created_at < ?
                """, arguments: [row.id, buckets.range.lowerBound.unixMillis, buckets.range.upperBound.unixMillis])
            while let millis = try dates.next() {
                if let index = buckets.index(of: Date(unixMillis: millis)) { counts[index] += 1 }
            }
            return counts
        }
    }

    public func watchedVolume(named name: String, workspace: String, in range: Range<Date>,
                              bucket: TimeInterval) async throws -> VolumeSeries {
        try await refreshWatch(named: name, workspace: workspace)
        return try await read { db in
            let (row, _) = try Self.requireWatch(db, workspace: workspace, name: name)
            var series = VolumeSeries(zerosCovering: range, bucket: bucket)
            let counts = try Row.fetchCursor(db, sql: """
                SELECT (created_at - ?) / ?, COUNT(*) FROM watch_match
                WHERE watch_id = ? AND created_at >= ? AND created_at < ? GROUP BY 1
                """, arguments: [series.startMillis, series.bucketMillis, row.id,
                                 range.lowerBound.unixMillis, range.upperBound.unixMillis])
            while let count = try counts.next() { series.add(count[1], toBucket: count[0]) }
            return series
        }
    }

    /// Posts per page of a watch's matches: what a dashboard analyses on every core at once.
    static let watchPageSize = 2_048

    public func watchedPosts(named name: String, workspace: String, in range: Range<Date>) -> PagedScan<Post> {
        .deferred {
            try await self.refreshWatch(named: name, workspace: workspace)
            let watchID = try await self.read { db in try Self.requireWatch(db, workspace: workspace, name: name).0.id }
            let start = (createdAt: range.lowerBound.unixMillis, postID: Int64.min)
            return .keyset(from: start, pageSize: Self.watchPageSize) { after, limit in
                try await self.read { db in
                    // Oldest first: by creation date, then post row (the key of the time index).
                    let matches = try Row.fetchAll(db, sql: """
                        SELECT created_at, post_id FROM watch_match
                        WHERE watch_id = ? AND (created_at, post_id) > (?, ?) AND created_at < ?
                        ORDER BY created_at, post_id LIMIT ?
                        """, arguments: [watchID, after.createdAt, after.postID, range.upperBound.unixMillis, limit])
                    guard let last = matches.last else { return ([], nil) }
                    let ids: [Int64] = matches.map { $0[1] }
                    // Decoded by chunks: one query per table per chunk instead of three per post.
                    var posts: [Post] = []
                    posts.reserveCapacity(ids.count)
                    var chunkStart = 0
                    while chunkStart < ids.count {
                        let chunk = ids[chunkStart..<min(chunkStart + 500, ids.count)]
                        chunkStart += chunk.count
                        let byID = try ChunkDecoding.posts(db, ids: chunk)
                        posts += chunk.compactMap { byID[$0] }
                    }
                    return (posts, matches.count == limit ? (createdAt: last[0], postID: last[1]) : nil)
                }
            }
        }
    }

    public func watchSpan(named name: String, workspace: String) async throws -> ClosedRange<Date>? {
        try await refreshWatch(named: name, workspace: workspace)
        return try await read { db in
            let (row, _) = try Self.requireWatch(db, workspace: workspace, name: name)
            guard let span = try Row.fetchOne(db, sql: """
                SELECT min(created_at), max(created_at) FROM watch_match WHERE watch_id = ?
                """, arguments: [row.id]), let first: Int64 = span[0], let last: Int64 = span[1] else { return nil }
            return Date(unixMillis: first)...Date(unixMillis: last)
        }
    }

    public func timeZone(workspace: String) async throws -> TimeZone {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let identifier = try String.fetchOne(db, sql: """
                    SELECT value FROM workspace_setting WHERE workspace_id = ? AND name = 'time_zone'
                    """, arguments: [workspaceID]),
                  let zone = TimeZone(identifier: identifier) else { return TimeZone(identifier: "UTC")! }
            return zone
        }
    }

    public func setTimeZone(_ timeZone: TimeZone, workspace: String) async throws {
        try validate(workspace: workspace)
        try await write { db in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            try db.execute(sql: """
                INSERT INTO workspace_setting(workspace_id, name, value) VALUES (?, 'time_zone', ?)
                ON CONFLICT(workspace_id, name) DO UPDATE SET value = excluded.value
                """, arguments: [workspaceID, timeZone.identifier])
        }
    }

    // MARK: Matching

    /// Applies the change log (edited and deleted posts up to the post mark are tested again),
    /// then tests the posts above the post mark, and moves both marks.
    static func refresh(_ db: Database, _ row: WatchRow, workspaceID: Int64) throws -> WatchRefresh {
        let plan = QueryPlan(try row.watch.parsedQuery())
        var result = WatchRefresh()
        let lastPost = try Int64.fetchOne(db, sql: "SELECT max(id) FROM post") ?? 0
        let lastChange = try Self.lastChange(db)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO watch_match(watch_id, post_id, created_at) VALUES (?, ?, ?)
            ON CONFLICT(watch_id, post_id) DO UPDATE SET created_at = excluded.created_at
            """)
        let changed = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT post_id FROM post_change WHERE seq > ? AND seq <= ? AND post_id <= ? ORDER BY post_id
            """, arguments: [row.changeMark, lastChange, row.postMark])
        for postID in changed {
            result.changedPostsExamined += 1
            try db.execute(sql: "DELETE FROM watch_match WHERE watch_id = ? AND post_id = ?", arguments: [row.id, postID])
            try plan.forEachMatch(db, workspaceID: workspaceID, ids: postID...postID) { match in
                try insert.execute(arguments: [row.id, match.id, match.createdAt])
            }
        }
        if lastPost > row.postMark {
            let counts = try plan.forEachMatch(db, workspaceID: workspaceID, ids: (row.postMark + 1)...lastPost) { match in
                try insert.execute(arguments: [row.id, match.id, match.createdAt])
            }
            result.newPostsExamined = counts.candidates
            result.newPostsMatched = counts.matched
        }
        // The post mark follows the largest row id even downwards: when the newest posts were
        // deleted, SQLite reuses their row ids, and those posts must count as new.
        try db.execute(sql: "UPDATE watch SET post_mark = ?, change_mark = ?, refreshed_at = ? WHERE id = ?",
                       arguments: [lastPost, lastChange, Date().unixMillis, row.id])
        try trimChangeLog(db)
        result.totalMatches = try Int.fetchOne(db, sql: "SELECT count(*) FROM watch_match WHERE watch_id = ?",
                                               arguments: [row.id]) ?? 0
        return result
    }

    static func lastChange(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'post_change'") ?? 0
    }

    /// Entries every watch has applied are dropped; without watches the writer logs nothing.
    static func trimChangeLog(_ db: Database) throws {
        if let oldest = try Int64.fetchOne(db, sql: "SELECT min(change_mark) FROM watch") {
            try db.execute(sql: "DELETE FROM post_change WHERE seq <= ?", arguments: [oldest])
        } else {
            try db.execute(sql: "DELETE FROM post_change")
        }
    }

    struct WatchRow {
        var id: Int64
        var watch: Watch
        var postMark: Int64
        var changeMark: Int64

        init(_ row: Row) {
            id = row["id"]
            watch = Watch(name: row["name"], query: row["query"], stemmed: row["stemmed"],
                          createdAt: Date(unixMillis: row["created_at"]))
            postMark = row["post_mark"]
            changeMark = row["change_mark"]
        }
    }

    static func watchRow(_ db: Database, workspaceID: Int64, name: String) throws -> WatchRow? {
        try Row.fetchOne(db, sql: "SELECT * FROM watch WHERE workspace_id = ? AND name = ?",
                         arguments: [workspaceID, name]).map(WatchRow.init)
    }

    static func requireWatch(_ db: Database, workspace: String, name: String) throws -> (WatchRow, Int64) {
        guard let workspaceID = try workspaceID(db, workspace),
              let row = try watchRow(db, workspaceID: workspaceID, name: name) else { throw WatchError.notFound(name) }
        return (row, workspaceID)
    }

    static func ensureWorkspace(_ db: Database, _ name: String) throws -> Int64 {
        try db.execute(sql: "INSERT INTO workspace(name) VALUES (?) ON CONFLICT(name) DO NOTHING", arguments: [name])
        guard let id = try workspaceID(db, name) else { throw DatabaseError(message: "workspace '\(name)' vanished") }
        return id
    }
}

/// Posts by chunks of ids, decoded by column position: reading columns by name (as `PostDecoding`
/// does for a page of results) was most of a dashboard's time on tens of thousands of posts.
/// Gives the same `Post` values as `PostDecoding`.
enum ChunkDecoding {
    static func posts(_ db: Database, ids: ArraySlice<Int64>) throws -> [Int64: Post] {
        let list = ids.map(String.init).joined(separator: ",")
        var hashtags: [Int64: [String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT post_id, tag FROM post_hashtag WHERE post_id IN (\(list)) ORDER BY post_id, position
            """) {
            hashtags[row[0], default: []].append(row[1])
        }
        var mentions: [Int64: [Mention]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT post_id, handle, account_platform_id FROM post_mention WHERE post_id IN (\(list)) ORDER BY post_id, position
            """) {
            mentions[row[0], default: []].append(Mention(accountID: row[2], handle: row[1]))
        }
        var urls: [Int64: [String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT post_id, url FROM post_url WHERE post_id IN (\(list)) ORDER BY post_id, position
            """) {
            urls[row[0], default: []].append(row[1])
        }
        var posts: [Int64: Post] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT post.id, post.platform, post.platform_id, post.current_version_id, account.platform_id, account.handle,
                   post.created_at, post.text, post.language, post.reply_to_platform_id, post.reply_to_account_platform_id,
                   post.repost_of_platform_id, post.repost_of_account_platform_id, post.quote_of_platform_id,
                   post.quote_of_account_platform_id, post.conversation_id, post.media_count, post.source, post.likes,
                   post.reposts, post.replies, post.quotes, post.views, post.metrics_observed_at, post.edited_at,
                   post.withheld_countries
            FROM post JOIN account ON account.id = post.author_account_id WHERE post.id IN (\(list))
            """)
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let rootID: String = row[2]
            let versionID: String = row[3]
            let metrics = PostContent.Metrics(likes: row[18], reposts: row[19], replies: row[20], quotes: row[21],
                                              views: row[22], observedAt: row[23])
            let withheld: String? = row[25]
            let editedAt: Int64? = row[24]
            posts[id] = Post(
                platform: Platform(rawValue: row[1]) ?? .other, platformID: versionID,
                editOf: versionID == rootID ? nil : rootID, authorID: row[4], authorHandle: row[5],
                createdAt: Date(unixMillis: row[6]), text: row[7], language: row[8],
                replyToPostID: row[9], replyToAccountID: row[10], repostOfID: row[11], repostOfAccountID: row[12],
                quoteOfID: row[13], quoteOfAccountID: row[14], conversationID: row[15],
                hashtags: hashtags[id] ?? [], mentions: mentions[id] ?? [], urls: urls[id] ?? [],
                mediaCount: row[16], source: row[17], metrics: metrics.model,
                editedAt: editedAt.map(Date.init(unixMillis:)),
                state: withheld.map { .withheld(countries: PostContent.countries($0)) } ?? .visible)
        }
        return posts
    }
}
