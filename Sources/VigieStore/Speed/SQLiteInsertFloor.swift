import Foundation
import GRDB
// The floor steps statements through the C API, as the batch writer's hot path does.
import GRDBSQLite
import VigieCore

/// The SQLite floor of an import (issue 19): the same rows and full-text documents the batch
/// writer stores for a batch, inserted with nothing else. Every value (account row ids, entity
/// rows, derived edges, the FTS5 document) is computed before the clock starts; the clock only
/// runs over binding, stepping and committing prepared statements, one transaction per batch,
/// and over building the read indexes at the end. `vigie-bench store-floor` drives it; an
/// import's time divided by ``sqliteSeconds`` says how far the write path is from the store's limit.
public final class SQLiteInsertFloor {
    /// What the floor may tune that the store does not (yet): so that the best setting is known.
    public struct Settings: Sendable {
        public var automerge = 8
        public var crisismerge: Int?
        /// Bytes of pending full-text data FTS5 holds before writing a segment (SQLite: 1 MiB).
        public var hashsize: Int?
        public var pageSizeFTS = 8000
        /// Drop the read indexes before and build them after, as `beginBulkLoad` does.
        public var deferReadIndexes = true
        public var fullText = true
        public var synchronousOff = false

        public init() {}
    }

    private enum Value {
        case int(Int64)
        case text(String)
        case null
        /// The row id of the post of the step (known once it is inserted).
        case lastPost
    }

    private enum Table: Int, CaseIterable {
        case account, post, fullText, hashtag, mention, url, interaction, version
    }

    private struct Step {
        var table: Table
        var values: [Value]
    }

    private let path: String
    private let settings: Settings
    private var connection: OpaquePointer?
    private var statements: [Table: OpaquePointer] = [:]
    private var accountIDs: [String: Int64] = [:]
    private var nextAccountID: Int64 = 1
    private var stems = StemCache()
    private let workspaceID: Int64 = 1
    /// Seconds spent in SQLite (the floor), and preparing values (not counted).
    public private(set) var sqliteSeconds = 0.0
    public private(set) var preparingSeconds = 0.0
    public private(set) var rows = 0
    public private(set) var posts = 0

    /// Creates the store's schema at `path` (which must not exist), then opens it alone.
    public init(path: String, settings: Settings) throws {
        self.path = path
        self.settings = settings
        let pool = try DatabasePool(path: path, configuration: SQLiteStore.makeConfiguration())
        try StoreMigrations.migrator.migrate(pool)
        try pool.write { db in try db.execute(sql: "INSERT INTO workspace(id, name) VALUES (1, ?)", arguments: [Workspace.defaultName]) }
        try pool.close()
        guard sqlite3_open(path, &connection) == SQLITE_OK else { throw failure("open") }
        var pragmas = """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = \(settings.synchronousOff ? "OFF" : "NORMAL");
            PRAGMA wal_autocheckpoint = 8192; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;
            INSERT INTO post_fts(post_fts, rank) VALUES ('automerge', \(settings.automerge));
            INSERT INTO post_fts(post_fts, rank) VALUES ('pgsz', \(settings.pageSizeFTS));
            """
        if let hashsize = settings.hashsize {
            pragmas += "INSERT INTO post_fts(post_fts, rank) VALUES ('hashsize', \(hashsize));"
        }
        if let crisis = settings.crisismerge {
            pragmas += "INSERT INTO post_fts(post_fts, rank) VALUES ('crisismerge', \(crisis));"
        }
        if settings.deferReadIndexes {
            for index in StoreMigrations.readIndexes { pragmas += "DROP INDEX IF EXISTS \(index.name);" }
        }
        try execute(pragmas)
        let content = BatchWriter.postContentColumns
        let sql: [Table: String] = [
            .account: "INSERT INTO account(id, workspace_id, platform, platform_id, handle, handle_lower) VALUES (?, ?, ?, ?, ?, ?)",
            .post: """
                INSERT INTO post(workspace_id, platform, platform_id, author_account_id, \(content.joined(separator: ", ")))
                VALUES (?, ?, ?, ?, \(Array(repeating: "?", count: content.count).joined(separator: ", "))) ON CONFLICT DO NOTHING
                """,
            .fullText: FullTextDocuments.insertSQL,
            .hashtag: "INSERT INTO post_hashtag(post_id, position, tag, tag_lower) VALUES (?, ?, ?, ?)",
            .mention: "INSERT INTO post_mention(post_id, position, handle, handle_lower, account_platform_id) VALUES (?, ?, ?, ?, ?)",
            .url: "INSERT INTO post_url(post_id, position, url, domain) VALUES (?, ?, ?, ?)",
            .interaction: """
                INSERT INTO interaction(workspace_id, platform, kind, source_account_id, target_account_id,
                                        target_post_platform_id, via_platform_id, at, derived)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
            .version: "INSERT INTO post_version(post_id, version_platform_id, text, created_at, edited_at) VALUES (?, ?, ?, ?, ?)",
        ]
        for (table, text) in sql {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v3(connection, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
                  let statement else { throw failure("prepare") }
            statements[table] = statement
        }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(connection)
    }

    /// Inserts the rows of `batch` in one transaction; only the SQLite part is timed.
    public func write(_ batch: IngestBatch) throws {
        let preparing = ContinuousClock.now
        let steps = prepare(batch)
        preparingSeconds += (ContinuousClock.now - preparing).seconds
        let started = ContinuousClock.now
        try execute("BEGIN")
        var skipPost = false
        var lastPost: Int64 = 0
        for step in steps {
            if step.table == .post {
                try run(step, lastPost: 0)
                skipPost = sqlite3_changes(connection) == 0
                if !skipPost { posts += 1 }
                lastPost = sqlite3_last_insert_rowid(connection)
                continue
            }
            // A post already stored (a repeat in the file): the writer adds none of its rows.
            if skipPost, step.table != .account, step.table != .interaction || step.values.last.map(isDerived) == true { continue }
            try run(step, lastPost: lastPost)
        }
        try execute("COMMIT")
        sqliteSeconds += (ContinuousClock.now - started).seconds
        rows += steps.count
    }

    /// Builds the read indexes (timed, as an import's `endBulkLoad`).
    public func finish() throws {
        let started = ContinuousClock.now
        if settings.deferReadIndexes {
            try execute(StoreMigrations.readIndexes.map { "CREATE INDEX IF NOT EXISTS \($0.name) ON \($0.columns);" }.joined())
        }
        try execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sqliteSeconds += (ContinuousClock.now - started).seconds
    }

    private func isDerived(_ value: Value) -> Bool {
        if case .int(1) = value { return true }
        return false
    }

    // MARK: Values, computed before the clock starts

    private func account(_ platform: Platform, _ platformID: String, handle: String?, into steps: inout [Step]) -> Int64 {
        let key = platform.rawValue + "\u{0}" + platformID
        if let id = accountIDs[key] { return id }
        let id = nextAccountID
        nextAccountID += 1
        accountIDs[key] = id
        steps.append(Step(table: .account, values: [.int(id), .int(workspaceID), .text(platform.rawValue), .text(platformID),
                                                    text(handle), text(handle.map(caseFolded))]))
        return id
    }

    private func text(_ value: String?) -> Value { value.map(Value.text) ?? .null }
    private func int(_ value: Int64?) -> Value { value.map(Value.int) ?? .null }
    private func int(_ value: Int?) -> Value { value.map { Value.int(Int64($0)) } ?? .null }

    private func prepare(_ batch: IngestBatch) -> [Step] {
        var steps: [Step] = []
        steps.reserveCapacity(batch.items.count * 6)
        for item in batch.items {
            switch item {
            case .account(let account):
                _ = self.account(account.platform, account.platformID, handle: account.handle, into: &steps)
            case .post(let post):
                let author = account(post.platform, post.authorID, handle: post.authorHandle, into: &steps)
                let content = PostContent(post)
                var values: [Value] = [.int(workspaceID), .text(post.platform.rawValue), .text(post.rootID), .int(author)]
                values += [int(content.createdAt), int(content.versionAt), .text(content.currentVersionID), .text(content.text),
                           text(content.language), text(content.replyToPostID), text(content.replyToAccountID),
                           text(content.repostOfID), text(content.repostOfAccountID), text(content.quoteOfID),
                           text(content.quoteOfAccountID), text(content.conversationID), int(content.mediaCount),
                           text(content.source), int(content.metrics.likes), int(content.metrics.reposts),
                           int(content.metrics.replies), int(content.metrics.quotes), int(content.metrics.views),
                           int(content.metrics.observedAt), int(content.editedAt), text(content.withheldColumn)]
                steps.append(Step(table: .post, values: values))
                if settings.fullText {
                    let document = FTS5.columnValues(of: QueryIndex.document(for: post, stems: &stems))
                    steps.append(Step(table: .fullText, values: [.lastPost] + document.map(Value.text)))
                }
                if PostVersions.startsHistory(post) {
                    let entry = PostVersions.Entry(content)
                    steps.append(Step(table: .version, values: [.lastPost, .text(entry.versionID), .text(entry.text),
                                                                 int(entry.createdAt), int(entry.editedAt)]))
                }
                for (position, tag) in post.hashtags.enumerated() {
                    steps.append(Step(table: .hashtag, values: [.lastPost, .int(Int64(position)), .text(tag), .text(caseFolded(tag))]))
                }
                for (position, mention) in post.mentions.enumerated() {
                    steps.append(Step(table: .mention, values: [.lastPost, .int(Int64(position)), .text(mention.handle),
                                                                 .text(caseFolded(mention.handle)), text(mention.accountID)]))
                }
                for (position, link) in post.urls.enumerated() {
                    steps.append(Step(table: .url, values: [.lastPost, .int(Int64(position)), .text(link), text(linkDomain(link))]))
                }
                for (key, handle) in post.mentionedAccounts {
                    _ = account(key.platform, key.platformID, handle: handle, into: &steps)
                }
                for edge in post.derivedInteractions { interaction(edge, derived: true, into: &steps) }
            case .interaction(let edge):
                interaction(edge, derived: false, into: &steps)
            case .tombstone:
                continue
            }
        }
        return steps
    }

    private func interaction(_ edge: Interaction, derived: Bool, into steps: inout [Step]) {
        let source = account(edge.platform, edge.sourceAccountID, handle: nil, into: &steps)
        var target: Value = .null
        if let id = edge.targetAccountID {
            if let handle = Interaction.handle(ofTarget: id) {
                target = .int(account(edge.platform, Interaction.placeholderID(forHandle: handle), handle: handle, into: &steps))
            } else {
                target = .int(account(edge.platform, id, handle: nil, into: &steps))
            }
        }
        steps.append(Step(table: .interaction, values: [.int(workspaceID), .text(edge.platform.rawValue), .text(edge.kind.rawValue),
                                                         .int(source), target, text(edge.targetPostID), .text(edge.viaID),
                                                         .int(edge.at.unixMillis), .int(derived ? 1 : 0)]))
    }

    // MARK: SQLite

    private func run(_ step: Step, lastPost: Int64) throws {
        guard let statement = statements[step.table] else { return }
        sqlite3_reset(statement)
        for (offset, value) in step.values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .int(let number): sqlite3_bind_int64(statement, index, number)
            case .null: sqlite3_bind_null(statement, index)
            case .lastPost: sqlite3_bind_int64(statement, index, lastPost)
            case .text(var text):
                text.withUTF8 { bytes in
                    let start = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                        .assumingMemoryBound(to: CChar.self)
                    sqlite3_bind_text(statement, index, start, Int32(bytes.count), floorTransient)
                }
            }
        }
        guard sqlite3_step(statement) == SQLITE_DONE else { throw failure("insert into table \(step.table)") }
    }

    private func execute(_ sql: String) throws {
        guard sqlite3_exec(connection, sql, nil, nil, nil) == SQLITE_OK else { throw failure(sql) }
    }

    private func failure(_ what: String) -> StoreError {
        let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection"
        return StoreError(code: .backend, location: path, message: "\(what): \(message)")
    }
}

private let floorTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Duration {
    fileprivate var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
