import Foundation
import GRDB
import VigieCore
import VigiePostgres
import VigieStore

/// Copies a SQLite store into an empty PostgreSQL database, table by table with their ids kept
/// (`COPY`), then verifies the copy through the storage protocols of both stores: the same
/// counts per workspace and the same checksums of every post, account, watch and alert.
///
/// ```swift
/// let report = try await StoreCopy(from: "vigie.sqlite", to: "postgres://vigie@127.0.0.1/vigie").run { print($0) }
/// ```
public struct StoreCopy: Sendable {
    public var sourcePath: String
    public var targetURL: String
    /// Rows per `COPY` (each one transaction).
    public var chunkSize = 20_000

    public init(from sourcePath: String, to targetURL: String) {
        self.sourcePath = sourcePath
        self.targetURL = targetURL
    }

    /// What was copied and how the verification went.
    public struct Report: Sendable, Codable {
        public var tables: [String: Int] = [:]
        public var workspaces: [WorkspaceCheck] = []
        public var seconds = 0.0
        public var verified: Bool { workspaces.allSatisfy(\.matches) }
    }

    public struct WorkspaceCheck: Sendable, Codable {
        public var workspace: String
        public var posts: Int
        public var sourceChecksum: String
        public var targetChecksum: String
        public var countsMatch: Bool
        public var matches: Bool { countsMatch && sourceChecksum == targetChecksum }
    }

    /// Copies, then verifies; `progress` receives one line per step.
    public func run(progress: @Sendable (String) -> Void) async throws -> Report {
        let started = Date()
        guard FileManager.default.fileExists(atPath: sourcePath) else {
            throw StoreError(code: .missing, location: sourcePath, message: "no database here: name the SQLite file to copy")
        }
        // Opening through the store first migrates nothing (read-only) but refuses foreign or older files.
        let source = try SQLiteStore(path: sourcePath, readOnly: true)
        let target = try PostgresStore(url: targetURL)
        guard try await target.isEmptyForImport() else {
            throw StoreError(code: .alreadyExists, location: target.location, message:
                "the target database already holds Vigie data: copy into a new, empty database")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: sourcePath, configuration: configuration)
        var report = Report()
        for table in Self.tables {
            let count = try await copy(table, from: queue, into: target, progress: progress)
            report.tables[table.name] = count
        }
        report.tables["post"] = try await copyPosts(from: queue, into: target, progress: progress)
        try await target.finishImport()
        progress("verifying: counts and checksums per workspace")
        for workspace in try await source.workspaces() {
            let sourceStats = try await source.stats(workspace: workspace)
            let targetStats = try await target.stats(workspace: workspace)
            let sourceSum = try await Self.checksum(source, workspace: workspace)
            let targetSum = try await Self.checksum(target, workspace: workspace)
            report.workspaces.append(WorkspaceCheck(workspace: workspace, posts: sourceStats.total.posts,
                                                    sourceChecksum: sourceSum, targetChecksum: targetSum,
                                                    countsMatch: sourceStats == targetStats))
        }
        try await source.close()
        try await target.close()
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: Tables

    /// A table copied as it is: the SQLite query gives the PostgreSQL columns in order.
    struct Table: Sendable {
        var name: String
        var columns: [String]
        var select: String
        /// Columns stored 0/1 in SQLite and BOOLEAN in PostgreSQL.
        var booleans: Set<String> = []
    }

    static let tables: [Table] = [
        Table(name: "workspace", columns: ["id", "name"], select: "SELECT id, name FROM workspace ORDER BY id"),
        Table(name: "workspace_setting", columns: ["workspace_id", "name", "value"],
              select: "SELECT workspace_id, name, value FROM workspace_setting"),
        Table(name: "account", columns: ["workspace_id", "id", "platform", "platform_id", "handle", "handle_lower", "display_name",
                                         "bio", "created_at", "followers", "following", "posts_count", "listed_count", "verified",
                                         "declared_bot", "default_profile_image", "location", "url", "is_private", "status", "observed_at"],
              select: """
                SELECT workspace_id, id, platform, platform_id, handle, handle_lower, display_name, bio, created_at, followers,
                       following, posts_count, listed_count, verified, declared_bot, default_profile_image, location, url,
                       is_private, status, observed_at FROM account ORDER BY id
                """, booleans: ["verified", "declared_bot", "default_profile_image", "is_private"]),
        Table(name: "account_metrics", columns: ["workspace_id", "account_id", "observed_at", "followers", "following", "posts_count"],
              select: """
                SELECT a.workspace_id, m.account_id, m.observed_at, m.followers, m.following, m.posts_count
                FROM account_metrics m JOIN account a ON a.id = m.account_id
                """),
        Table(name: "post_version", columns: ["workspace_id", "post_id", "version_platform_id", "text", "created_at", "edited_at"],
              select: """
                SELECT p.workspace_id, v.post_id, v.version_platform_id, v.text, v.created_at, v.edited_at
                FROM post_version v JOIN post p ON p.id = v.post_id
                """),
        Table(name: "interaction", columns: ["workspace_id", "id", "platform", "kind", "source_account_id", "target_account_id",
                                             "target_post_platform_id", "via_platform_id", "at", "derived"],
              select: """
                SELECT workspace_id, id, platform, kind, source_account_id, target_account_id, target_post_platform_id,
                       via_platform_id, at, derived FROM interaction ORDER BY id
                """, booleans: ["derived"]),
        Table(name: "tombstone", columns: ["workspace_id", "id", "platform", "target", "platform_id", "account_platform_id",
                                           "deleted_at", "reason"],
              select: "SELECT workspace_id, id, platform, target, platform_id, account_platform_id, deleted_at, reason FROM tombstone"),
        Table(name: "reject", columns: ["workspace_id", "id", "file", "line", "format", "reason", "excerpt", "created_at"],
              select: "SELECT workspace_id, id, file, line, format, reason, excerpt, created_at FROM reject"),
        Table(name: "import_checkpoint", columns: ["workspace_id", "file", "format", "bytes_read", "bytes_total", "records",
                                                   "completed", "updated_at"],
              select: "SELECT workspace_id, file, format, bytes_read, bytes_total, records, completed, updated_at FROM import_checkpoint",
              booleans: ["completed"]),
        // Watches start over (marks at zero, no matches): their first read matches everything
        // copied, which also covers edits the SQLite change log still held.
        Table(name: "watch", columns: ["workspace_id", "id", "name", "query", "stemmed", "created_at", "post_mark", "change_mark"],
              select: "SELECT workspace_id, id, name, query, stemmed, created_at, 0, 0 FROM watch", booleans: ["stemmed"]),
        Table(name: "alert_rule", columns: ["workspace_id", "id", "name", "kind", "watch_name", "query", "settings", "webhook_url",
                                            "enabled", "created_at"],
              select: "SELECT workspace_id, id, name, kind, watch_name, query, settings, webhook_url, enabled, created_at FROM alert_rule",
              booleans: ["enabled"]),
        Table(name: "fired_alert", columns: ["workspace_id", "id", "rule_id", "dedup_key", "fired_at", "observed_at", "summary",
                                             "alert", "payload", "delivered"],
              select: """
                SELECT r.workspace_id, f.id, f.rule_id, f.dedup_key, f.fired_at, f.observed_at, f.summary, f.alert, f.payload, f.delivered
                FROM fired_alert f JOIN alert_rule r ON r.id = f.rule_id
                """, booleans: ["delivered"]),
        Table(name: "alert_delivery", columns: ["workspace_id", "id", "fired_alert_id", "attempt", "attempted_at", "url",
                                                "status_code", "error", "duration_ms", "delivered"],
              select: """
                SELECT r.workspace_id, d.id, d.fired_alert_id, d.attempt, d.attempted_at, d.url, d.status_code, d.error,
                       d.duration_ms, d.delivered
                FROM alert_delivery d JOIN fired_alert f ON f.id = d.fired_alert_id JOIN alert_rule r ON r.id = f.rule_id
                """, booleans: ["delivered"]),
        Table(name: "live_source", columns: ["workspace_id", "id", "name", "kind", "settings", "token", "paused", "created_at", "status"],
              select: "SELECT workspace_id, id, name, kind, settings, token, paused, created_at, status FROM live_source",
              booleans: ["paused"]),
        Table(name: "source_cursor", columns: ["workspace_id", "source", "position", "updated_at"],
              select: "SELECT workspace_id, source, position, updated_at FROM source_cursor"),
        Table(name: "access_user", columns: ["id", "name", "name_lower", "display_name", "password_hash", "created_at"],
              select: "SELECT id, name, name_lower, display_name, password_hash, created_at FROM access_user"),
        Table(name: "access_membership", columns: ["user_id", "workspace_id", "role", "granted_at"],
              select: "SELECT user_id, workspace_id, role, granted_at FROM access_membership"),
        Table(name: "access_session", columns: ["id_hash", "user_id", "csrf_token", "created_at", "last_seen_at", "expires_at"],
              select: "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at FROM access_session"),
        Table(name: "access_token", columns: ["id", "public_id", "hash", "user_id", "name", "workspace_id", "created_at",
                                              "expires_at", "last_used_at", "revoked_at"],
              select: """
                SELECT id, public_id, hash, user_id, name, workspace_id, created_at, expires_at, last_used_at, revoked_at FROM access_token
                """),
        Table(name: "audit_event", columns: ["id", "at", "actor", "actor_lower", "workspace_id", "action", "target", "detail"],
              select: "SELECT id, at, actor, actor_lower, workspace_id, action, target, detail FROM audit_event"),
    ]

    private func copy(_ table: Table, from queue: DatabaseQueue, into target: PostgresStore,
                      progress: @Sendable (String) -> Void) async throws -> Int {
        var offset = 0
        var total = 0
        let booleanIndexes = Set(table.columns.enumerated().filter { table.booleans.contains($0.element) }.map(\.offset))
        while true {
            let start = offset
            let chunkSize = self.chunkSize
            let chunk = try await queue.read { db -> CopyText in
                var rows = CopyText()
                let cursor = try Row.fetchCursor(db, sql: table.select + " LIMIT \(chunkSize) OFFSET \(start)")
                while let row = try cursor.next() {
                    for index in 0..<table.columns.count {
                        let value = row[index] as DatabaseValue
                        switch value.storage {
                        case .null: rows.null()
                        case .int64(let number): booleanIndexes.contains(index) ? rows.add(number != 0) : rows.add(number)
                        case .double(let number): rows.add(Int64(number))
                        case .string(let text): rows.add(text)
                        case .blob(let data): rows.add(String(decoding: data, as: UTF8.self))
                        }
                    }
                    rows.endRow()
                }
                return rows
            }
            try await target.importRows(table: table.name, columns: table.columns, rows: chunk)
            total += chunk.rows
            offset += chunkSize
            if chunk.rows < chunkSize { break }
        }
        progress("\(table.name): \(total) rows")
        return total
    }

    /// Posts carry their entities as arrays and their full-text document, built from the SQLite
    /// rows; their key goes to `post_key`.
    private func copyPosts(from queue: DatabaseQueue, into target: PostgresStore,
                           progress: @Sendable (String) -> Void) async throws -> Int {
        let months = try await queue.read { db in
            try Int64.fetchAll(db, sql: "SELECT min(created_at) FROM post GROUP BY created_at / 86400000")
        }
        try await target.preparePostPartitions(for: months)
        var after = Int64.min
        var total = 0
        let started = Date()
        let stems = StemCache()
        while true {
            let (posts, keys, last, count) = try await queue.read { [after, chunkSize, stems] db -> (CopyText, CopyText, Int64, Int) in
                var stems = stems
                var posts = CopyText(capacity: 1 << 20)
                var keys = CopyText()
                var last = after
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT p.*,
                      (SELECT json_group_array(tag) FROM (SELECT tag FROM post_hashtag WHERE post_id = p.id ORDER BY position)) AS tags,
                      (SELECT json_group_array(handle) FROM (SELECT handle FROM post_mention WHERE post_id = p.id ORDER BY position)) AS handles,
                      (SELECT json_group_array(ifnull(account_platform_id, '')) FROM (SELECT account_platform_id FROM post_mention
                          WHERE post_id = p.id ORDER BY position)) AS mention_ids,
                      (SELECT json_group_array(url) FROM (SELECT url FROM post_url WHERE post_id = p.id ORDER BY position)) AS links
                    FROM post p WHERE p.id > ? ORDER BY p.id LIMIT ?
                    """, arguments: [after, chunkSize])
                var count = 0
                while let row = try rows.next() {
                    count += 1
                    let id: Int64 = row["id"]
                    last = id
                    let workspaceID: Int64 = row["workspace_id"]
                    let platformName: String = row["platform"]
                    let platform = Platform(rawValue: platformName) ?? .other
                    let rootID: String = row["platform_id"]
                    let hashtags = Self.strings(row["tags"])
                    let handles = Self.strings(row["handles"])
                    let mentionIDs = Self.strings(row["mention_ids"])
                    let urls = Self.strings(row["links"])
                    let text: String = row["text"]
                    let document = PostgresStore.documentVector(for: Post(
                        platform: platform, platformID: "", authorID: "", createdAt: Date(timeIntervalSince1970: 0), text: text,
                        hashtags: hashtags, mentions: zip(handles, mentionIDs).map { Mention(accountID: $1.isEmpty ? nil : $1, handle: $0) },
                        urls: urls), stems: &stems)
                    keys.add(workspaceID); keys.add(platformName); keys.add(rootID); keys.add(id); keys.endRow()
                    posts.add(workspaceID); posts.add(id); posts.add(platformName); posts.add(rootID)
                    posts.add(row["author_account_id"] as Int64)
                    for column in PostContent.columnNames {
                        let value = row[column] as DatabaseValue
                        switch value.storage {
                        case .null: posts.null()
                        case .int64(let number): posts.add(number)
                        case .double(let number): posts.add(Int64(number))
                        case .string(let text): posts.add(text)
                        case .blob(let data): posts.add(String(decoding: data, as: UTF8.self))
                        }
                    }
                    posts.add(hashtags); posts.add(handles); posts.add(mentionIDs); posts.add(urls); posts.add(document)
                    posts.endRow()
                }
                return (posts, keys, last, count)
            }
            try await target.importRows(table: "post_key", columns: ["workspace_id", "platform", "platform_id", "post_id"], rows: keys)
            try await target.importRows(table: "post", columns: PostgresStore.postCopyColumns, rows: posts)
            total += count
            after = last
            let rate = Double(total) / max(Date().timeIntervalSince(started), 0.001)
            progress("post: \(total) rows (\(Int(rate)) posts/s)")
            if count < chunkSize { break }
        }
        return total
    }

    static func strings(_ json: String?) -> [String] {
        guard let json, let values = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else { return [] }
        return values
    }

    // MARK: Verification

    /// A digest of what the storage protocols give back for a workspace: every post (storage
    /// order), every account, the watches, the alert rules and fired alerts, the rejects.
    static func checksum(_ store: any Store, workspace: String) async throws -> String {
        var hasher = Digest()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        for try await page in store.posts(workspace: workspace) {
            for post in page { hasher.add(try encoder.encode(post)) }
        }
        for account in try await store.graphAccounts(workspace: workspace) {
            hasher.add(Data("\(account.platform)|\(account.platformID)|\(account.handle ?? "")|\(account.followers ?? -1)".utf8))
        }
        for watch in try await store.watches(workspace: workspace) { hasher.add(try encoder.encode(watch)) }
        for rule in try await store.alertRules(workspace: workspace) { hasher.add(try encoder.encode(rule)) }
        for alert in try await store.firedAlerts(workspace: workspace, rule: nil, limit: Int.max / 2) {
            hasher.add(try encoder.encode(alert.alert))
        }
        for reject in try await store.rejects(workspace: workspace, limit: Int.max / 2) { hasher.add(try encoder.encode(reject)) }
        return hasher.hex
    }

    /// FNV-1a, 64 bits: enough to tell two copies apart, and stable across runs and machines.
    struct Digest {
        private var state: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add(_ data: Data) {
            for byte in data {
                state ^= UInt64(byte)
                state = state &* 0x0000_0100_0000_01B3
            }
            state ^= 0xFF
            state = state &* 0x0000_0100_0000_01B3
        }
        var hex: String { String(format: "%016llx", state) }
    }
}
