import Foundation
import Logging
import PostgresNIO
import VigieCore

/// Writes one batch inside the caller's transaction, with the core's write rules
/// (``PostContent``, ``PostVersions``, `Account.merged(with:)`, `Post.derivedInteractions`,
/// `Tombstone.Target.removesPosts` and its siblings): this type only says them in SQL.
///
/// The fast path: a post that is new (not stored, not hidden, not seen earlier in the batch)
/// is queued, and the queue goes to the server through `COPY` (its key, its row with its
/// full-text document, its history and derived edges) — before any item that could read it
/// (a tombstone, the same post again) and at the end. Everything else is a statement.
struct PostgresBatchWriter {
    let connection: PostgresConnection
    let store: PostgresStore
    let workspaceID: Int64
    var logger: Logger { store.logger }
    private(set) var summary = WriteSummary()
    private var hasPostTombstones: Bool
    private var hasInteractionTombstones: Bool
    private let hasWatches: Bool
    /// Root ids (by platform) already stored, or queued, in this workspace.
    private var storedPosts: Set<PostKey> = []
    /// Ids hidden by a post or repost tombstone.
    private var hiddenPosts: Set<PostKey> = []
    /// Post ids reserved for this batch's new posts, used in order.
    private var reservedIDs: [Int64] = []
    private var queue = Queue()

    struct PostKey: Hashable {
        var platform: Platform
        var id: String
    }

    private struct Queue {
        var keys = CopyText()
        var posts = CopyText()
        var versions = CopyText()
        var edges = CopyText()
        var isEmpty: Bool { keys.rows == 0 && edges.rows == 0 }
    }

    init(connection: PostgresConnection, store: PostgresStore, workspaceID: Int64, batch: IngestBatch) async throws {
        self.connection = connection
        self.store = store
        self.workspaceID = workspaceID
        let targets = try await store.all(connection, "SELECT DISTINCT target FROM tombstone WHERE workspace_id = \(workspaceID)",
                                          as: String.self).compactMap(Tombstone.Target.init(rawValue:))
        hasPostTombstones = targets.contains { $0.removesPosts }
        hasInteractionTombstones = targets.contains { $0.removedInteractionKind != nil }
        hasWatches = try await store.one(connection, "SELECT EXISTS (SELECT 1 FROM watch WHERE workspace_id = \(workspaceID))",
                                         as: Bool.self) ?? false
        // What the batch's posts need to know, in two queries for the whole batch.
        var ids: [String] = []
        var postCount = 0
        for case .post(let post) in batch.items {
            ids.append(post.rootID)
            if post.rootID != post.platformID { ids.append(post.platformID) }
            postCount += 1
        }
        guard postCount > 0 else { return }
        for try await (platform, id) in try await connection.query("""
            SELECT platform, platform_id FROM post_key WHERE workspace_id = \(workspaceID) AND platform_id = ANY(\(ids))
            """, logger: store.logger).decode((String, String).self) {
            storedPosts.insert(PostKey(platform: Platform(rawValue: platform) ?? .other, id: id))
        }
        if hasPostTombstones {
            let hiding = Tombstone.Target.hidingPosts.map(\.rawValue)
            for try await (platform, id) in try await connection.query("""
                SELECT platform, platform_id FROM tombstone
                WHERE workspace_id = \(workspaceID) AND target = ANY(\(hiding)) AND platform_id = ANY(\(ids))
                """, logger: store.logger).decode((String, String).self) {
                hiddenPosts.insert(PostKey(platform: Platform(rawValue: platform) ?? .other, id: id))
            }
        }
        reservedIDs = try await store.all(connection, """
            SELECT nextval('post_id_seq') FROM generate_series(1, \(postCount))
            """, as: Int64.self).sorted(by: >)
    }

    /// Writes the batch's items in order, then its rejects, checkpoint and source cursor.
    mutating func write(_ batch: IngestBatch, cache: inout PostgresWriteCache) async throws -> WriteSummary {
        for item in batch.items {
            switch item {
            case .account(let account): try await write(account, cache: &cache)
            case .post(let post): try await write(post, cache: &cache)
            case .interaction(let interaction): try await write(interaction, cache: &cache)
            case .tombstone(let tombstone):
                try await flush()
                try await write(tombstone, cache: &cache)
            }
        }
        try await flush()
        for reject in batch.rejects {
            summary.rejectsInserted += try await store.changes(connection, """
                INSERT INTO reject(workspace_id, file, line, format, reason, excerpt, created_at)
                VALUES (\(workspaceID), \(reject.file), \(reject.line), \(reject.format), \(storable(reject.reason)),
                        \(storable(reject.excerpt)), \(Date().pgMillis))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
        }
        if let checkpoint = batch.checkpoint {
            try await store.run(connection, """
                INSERT INTO import_checkpoint(workspace_id, file, format, bytes_read, bytes_total, records, completed, updated_at)
                VALUES (\(workspaceID), \(checkpoint.file), \(checkpoint.format), \(checkpoint.bytesRead), \(checkpoint.bytesTotal),
                        \(checkpoint.records), \(checkpoint.completed), \(Date().pgMillis))
                ON CONFLICT (workspace_id, file) DO UPDATE SET
                    format = excluded.format, bytes_read = excluded.bytes_read, bytes_total = excluded.bytes_total,
                    records = excluded.records, completed = excluded.completed, updated_at = excluded.updated_at
                """)
        }
        if let cursor = batch.sourceCursor {
            try await store.run(connection, """
                INSERT INTO source_cursor(workspace_id, source, position, updated_at)
                SELECT \(workspaceID), \(cursor.source), \(cursor.position.encodedJSON()), \(Date().pgMillis)
                WHERE EXISTS (SELECT 1 FROM live_source WHERE workspace_id = \(workspaceID) AND name = \(cursor.source))
                ON CONFLICT (workspace_id, source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """)
        }
        return summary
    }

    // MARK: Accounts

    /// The id of an account, creating a stub (id and handle only) when it is unknown, and
    /// filling its handle when the stub had none.
    private mutating func accountRowID(platform: Platform, platformID: String, handle: String?,
                                       cache: inout PostgresWriteCache) async throws -> Int64 {
        let key = PostgresWriteCache.Key(workspaceID: workspaceID, platform: platform, platformID: platformID)
        if let known = cache.accounts[key], handle == nil || known.hasHandle { return known.rowID }
        let handleLower = handle.map(caseFoldedHandle)
        if let rowID = try await store.one(connection, """
            INSERT INTO account(workspace_id, platform, platform_id, handle, handle_lower)
            VALUES (\(workspaceID), \(platform.rawValue), \(platformID), \(handle), \(handleLower))
            ON CONFLICT DO NOTHING RETURNING id
            """, as: Int64.self) {
            summary.accountsInserted += 1
            cache.remember(key, .init(rowID: rowID, hasHandle: handle != nil))
            return rowID
        }
        var found: (Int64, String?)?
        for try await row in try await connection.query("""
            SELECT id, handle FROM account WHERE workspace_id = \(workspaceID) AND platform = \(platform.rawValue)
            AND platform_id = \(platformID)
            """, logger: logger).decode((Int64, String?).self) { found = row }
        guard let (rowID, storedHandle) = found else {
            throw StoreError(code: .backend, location: store.location, message: "account \(platform.rawValue)/\(platformID) vanished")
        }
        var hasHandle = storedHandle != nil
        if !hasHandle, let handle {
            try await store.run(connection, """
                UPDATE account SET handle = \(handle), handle_lower = \(handleLower)
                WHERE workspace_id = \(workspaceID) AND id = \(rowID) AND handle IS NULL
                """)
            summary.accountsUpdated += 1
            hasHandle = true
        }
        cache.remember(key, .init(rowID: rowID, hasHandle: hasHandle))
        return rowID
    }

    /// The id of an interaction target given as a platform id or as `@handle`.
    private mutating func targetRowID(platform: Platform, target: String, cache: inout PostgresWriteCache) async throws -> Int64 {
        guard let handle = Interaction.handle(ofTarget: target) else {
            return try await accountRowID(platform: platform, platformID: target, handle: nil, cache: &cache)
        }
        let stubID = Interaction.placeholderID(forHandle: handle)
        let key = PostgresWriteCache.Key(workspaceID: workspaceID, platform: platform, platformID: stubID)
        if let known = cache.accounts[key] { return known.rowID }
        // Prefer an account that has a real id; fall back to a stub keyed by the handle.
        if let rowID = try await store.one(connection, """
            SELECT id FROM account WHERE workspace_id = \(workspaceID) AND handle_lower = \(handle.lowercased())
            AND platform = \(platform.rawValue) ORDER BY platform_id LIKE '@%', id LIMIT 1
            """, as: Int64.self) {
            cache.remember(key, .init(rowID: rowID, hasHandle: true))
            return rowID
        }
        return try await accountRowID(platform: platform, platformID: stubID, handle: handle, cache: &cache)
    }

    private mutating func write(_ account: Account, cache: inout PostgresWriteCache) async throws {
        let key = PostgresWriteCache.Key(workspaceID: workspaceID, platform: account.platform, platformID: account.platformID)
        let columns = PostgresAccountColumns.all.joined(separator: ", ")
        let stored = try await store.rows(connection, """
            SELECT id, \(unescaped: columns) FROM account
            WHERE workspace_id = \(workspaceID) AND platform = \(account.platform.rawValue) AND platform_id = \(account.platformID)
            FOR UPDATE
            """).first
        let binds = try PostgresAccountColumns.binds(account, workspaceID: workspaceID)
        guard let stored else {
            let placeholders = (1...binds.count).map { "$\($0)" }.joined(separator: ", ")
            guard let rowID = try await store.one(connection, PostgresQuery(unsafeSQL: """
                INSERT INTO account(workspace_id, \(columns)) VALUES (\(placeholders)) RETURNING id
                """, binds: binds), as: Int64.self) else {
                throw StoreError(code: .backend, location: store.location, message: "account insert returned no id")
            }
            cache.remember(key, .init(rowID: rowID, hasHandle: account.handle != nil))
            summary.accountsInserted += 1
            try await snapshotMetrics(of: account, rowID: rowID)
            return
        }
        let rowID: Int64 = try stored.value("id")
        let current = try PostgresAccountColumns.account(stored)
        let merged = current.merged(with: account)
        cache.remember(key, .init(rowID: rowID, hasHandle: merged.handle != nil))
        guard merged != current else { return }
        var mergedBinds = try PostgresAccountColumns.binds(merged, workspaceID: workspaceID)
        mergedBinds.append(rowID)
        // $1 is the workspace, then the columns from $2; the row id is last.
        let assignments = PostgresAccountColumns.all.enumerated().map { "\($1) = $\($0 + 2)" }.joined(separator: ", ")
        try await store.run(connection, PostgresQuery(unsafeSQL: """
            UPDATE account SET \(assignments) WHERE workspace_id = $1 AND id = $\(mergedBinds.count)
            """, binds: mergedBinds))
        summary.accountsUpdated += 1
        try await snapshotMetrics(of: account, rowID: rowID)
    }

    private func snapshotMetrics(of account: Account, rowID: Int64) async throws {
        guard let snapshot = account.metricSnapshot else { return }
        try await store.run(connection, """
            INSERT INTO account_metrics(workspace_id, account_id, observed_at, followers, following, posts_count)
            VALUES (\(workspaceID), \(rowID), \(snapshot.at.pgMillis), \(snapshot.followers), \(snapshot.following),
                    \(snapshot.postsCount))
            ON CONFLICT DO NOTHING
            """)
    }

    // MARK: Posts

    private mutating func write(_ incoming: Post, cache: inout PostgresWriteCache) async throws {
        var post = incoming
        post.text = storable(post.text)
        let rootID = post.rootID
        // `Tombstone.hides(_: Post)`.
        if hiddenPosts.contains(PostKey(platform: post.platform, id: rootID))
            || hiddenPosts.contains(PostKey(platform: post.platform, id: post.platformID)) {
            summary.postsSuppressed += 1
            return
        }
        let key = PostKey(platform: post.platform, id: rootID)
        if storedPosts.contains(key) {
            try await flush()
            try await merge(post, rootID: rootID, cache: &cache)
            return
        }
        let authorRowID = try await accountRowID(platform: post.platform, platformID: post.authorID,
                                                 handle: post.authorHandle, cache: &cache)
        let postID = try await nextPostID()
        try await store.ensurePartitions(for: [PostContent(post).createdAt])
        storedPosts.insert(key)
        let content = PostContent(post)
        queue.keys.add(workspaceID); queue.keys.add(post.platform.rawValue); queue.keys.add(rootID); queue.keys.add(postID)
        queue.keys.endRow()
        let document = PostgresFullText.vector(QueryIndex.document(for: post, stems: &cache.stems))
        Self.addRow(to: &queue.posts, workspaceID: workspaceID, postID: postID, platform: post.platform, rootID: rootID,
                    authorRowID: authorRowID, content: content, hashtags: post.hashtags, mentions: post.mentions,
                    urls: post.urls, document: document)
        if PostVersions.startsHistory(post) {
            addVersion(PostVersions.Entry(content), postID: postID)
        }
        try await queueDerivedInteractions(of: post, cache: &cache)
        summary.postsInserted += 1
    }

    private mutating func nextPostID() async throws -> Int64 {
        if let id = reservedIDs.popLast() { return id }
        guard let id = try await store.one(connection, "SELECT nextval('post_id_seq')", as: Int64.self) else {
            throw StoreError(code: .backend, location: store.location, message: "post_id_seq gave no value")
        }
        return id
    }

    static func addRow(to copy: inout CopyText, workspaceID: Int64, postID: Int64, platform: Platform, rootID: String,
                       authorRowID: Int64, content c: PostContent, hashtags: [String], mentions: [Mention], urls: [String],
                       document: String) {
        copy.add(workspaceID); copy.add(postID); copy.add(platform.rawValue); copy.add(rootID); copy.add(authorRowID)
        copy.add(c.createdAt); copy.add(c.versionAt); copy.add(c.currentVersionID); copy.add(c.text); copy.add(c.language)
        copy.add(c.replyToPostID); copy.add(c.replyToAccountID); copy.add(c.repostOfID); copy.add(c.repostOfAccountID)
        copy.add(c.quoteOfID); copy.add(c.quoteOfAccountID); copy.add(c.conversationID); copy.add(c.mediaCount)
        copy.add(c.source); copy.add(c.metrics.likes); copy.add(c.metrics.reposts); copy.add(c.metrics.replies)
        copy.add(c.metrics.quotes); copy.add(c.metrics.views); copy.add(c.metrics.observedAt); copy.add(c.editedAt)
        copy.add(c.withheldCountries?.joined(separator: ","))
        copy.add(hashtags.map(storable)); copy.add(mentions.map { storable($0.handle) }); copy.add(mentions.map { $0.accountID ?? "" })
        copy.add(urls.map(storable)); copy.add(document)
        copy.endRow()
    }

    private mutating func addVersion(_ entry: PostVersions.Entry, postID: Int64) {
        queue.versions.add(workspaceID); queue.versions.add(postID); queue.versions.add(entry.versionID)
        queue.versions.add(entry.text); queue.versions.add(entry.createdAt); queue.versions.add(entry.editedAt)
        queue.versions.endRow()
    }

    /// Edges are keyed by the post's root id, so all versions of a post share one set of edges.
    private mutating func queueDerivedInteractions(of post: Post, cache: inout PostgresWriteCache) async throws {
        for (key, handle) in post.mentionedAccounts {
            _ = try await accountRowID(platform: key.platform, platformID: key.platformID, handle: handle, cache: &cache)
        }
        for edge in post.derivedInteractions {
            let sourceRowID = try await accountRowID(platform: edge.platform, platformID: edge.sourceAccountID, handle: nil, cache: &cache)
            var targetRowID: Int64?
            if let target = edge.targetAccountID {
                targetRowID = try await self.targetRowID(platform: edge.platform, target: target, cache: &cache)
            }
            // Derived edges have no unique key: each one is a new row.
            queue.edges.add(workspaceID); queue.edges.add(edge.platform.rawValue); queue.edges.add(edge.kind.rawValue)
            queue.edges.add(sourceRowID); queue.edges.add(targetRowID); queue.edges.add(edge.targetPostID)
            queue.edges.add(edge.viaID); queue.edges.add(edge.at.pgMillis); queue.edges.add(true)
            queue.edges.endRow()
            summary.interactionsInserted += 1
        }
    }

    /// Sends the queued rows through `COPY`.
    private mutating func flush() async throws {
        guard !queue.isEmpty else { return }
        let pending = queue
        queue = Queue()
        let logger = self.logger
        func copy(_ text: CopyText, _ table: String, _ columns: [String]) async throws {
            guard text.rows > 0 else { return }
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                try await writer.write(text.buffer)
            }
        }
        try await copy(pending.keys, "post_key", ["workspace_id", "platform", "platform_id", "post_id"])
        try await copy(pending.posts, "post", PostgresPostColumns.copied)
        try await copy(pending.versions, "post_version", ["workspace_id", "post_id", "version_platform_id", "text", "created_at", "edited_at"])
        try await copy(pending.edges, "interaction", ["workspace_id", "platform", "kind", "source_account_id", "target_account_id",
                                                      "target_post_platform_id", "via_platform_id", "at", "derived"])
    }

    /// The slow path: the post is already stored (a re-import, an edit, fresher metrics).
    private mutating func merge(_ post: Post, rootID: String, cache: inout PostgresWriteCache) async throws {
        guard let row = try await store.rows(connection, """
            SELECT p.* FROM post_key k JOIN post p ON p.workspace_id = k.workspace_id AND p.id = k.post_id
            WHERE k.workspace_id = \(workspaceID) AND k.platform = \(post.platform.rawValue) AND k.platform_id = \(rootID)
            FOR UPDATE OF p
            """).first else {
            throw StoreError(code: .backend, location: store.location, message: "post \(post.platform.rawValue)/\(rootID) vanished")
        }
        let postID: Int64 = try row.value("id")
        let authorRowID: Int64 = try row.value("author_account_id")
        let stored = try PostgresPostDecoding.content(row)
        let content = PostContent(post)
        let addedVersion = try await recordVersion(content, stored: stored, postID: postID)
        let (merged, replacesVersion) = stored.merged(with: content)
        var hashtags: [String] = try row.value("hashtags")
        var mentions = PostgresPostDecoding.mentions(handles: try row.value("mention_handles"), ids: try row.value("mention_ids"))
        var urls: [String] = try row.value("urls")
        if replacesVersion {
            hashtags = post.hashtags
            mentions = post.mentions
            urls = post.urls
        }
        if merged != stored || replacesVersion {
            try await store.ensurePartitions(for: [merged.createdAt])
            let document = PostgresFullText.vector(QueryIndex.document(for: Post(
                platform: post.platform, platformID: "", authorID: "", createdAt: Date(pgMillis: merged.createdAt),
                text: merged.text, hashtags: hashtags, mentions: mentions, urls: urls), stems: &cache.stems))
            var binds = PostgresBindings()
            Self.bindContent(merged, to: &binds)
            binds.append(hashtags.map(storable))
            binds.append(mentions.map { storable($0.handle) })
            binds.append(mentions.map { $0.accountID ?? "" })
            binds.append(urls.map(storable))
            binds.append(document)
            binds.append(workspaceID)
            binds.append(postID)
            let columns = PostgresPostColumns.content + PostgresPostColumns.entities
            var assignments = columns.enumerated().map { "\($1) = $\($0 + 1)" }
            assignments.append("document = $\(columns.count + 1)::tsvector")
            try await store.run(connection, PostgresQuery(unsafeSQL: """
                UPDATE post SET \(assignments.joined(separator: ", "))
                WHERE workspace_id = $\(columns.count + 2) AND id = $\(columns.count + 3)
                """, binds: binds))
        }
        if replacesVersion {
            try await deleteDerivedInteractions(authorRowID: authorRowID, rootID: rootID)
            try await queueDerivedInteractions(of: post, cache: &cache)
            try await flush()
        }
        if hasWatches, merged != stored || replacesVersion {
            try await logChange(postID: postID)
        }
        if merged != stored || addedVersion || replacesVersion {
            summary.postsUpdated += 1
        } else {
            summary.postsUnchanged += 1
        }
    }

    static func bindContent(_ c: PostContent, to binds: inout PostgresBindings) {
        binds.append(c.createdAt); binds.append(c.versionAt); binds.append(c.currentVersionID); binds.append(c.text)
        binds.append(c.language); binds.append(c.replyToPostID); binds.append(c.replyToAccountID); binds.append(c.repostOfID)
        binds.append(c.repostOfAccountID); binds.append(c.quoteOfID); binds.append(c.quoteOfAccountID)
        binds.append(c.conversationID); binds.append(c.mediaCount); binds.append(c.source); binds.append(c.metrics.likes)
        binds.append(c.metrics.reposts); binds.append(c.metrics.replies); binds.append(c.metrics.quotes)
        binds.append(c.metrics.views); binds.append(c.metrics.observedAt); binds.append(c.editedAt)
        binds.append(c.withheldCountries?.joined(separator: ","))
    }

    /// Keeps the edit history (``PostVersions``); returns whether it grew.
    private func recordVersion(_ content: PostContent, stored: PostContent, postID: Int64) async throws -> Bool {
        guard PostVersions.isNewVersion(content, of: stored) else { return false }
        let hasHistory = try await store.one(connection, """
            SELECT EXISTS (SELECT 1 FROM post_version WHERE workspace_id = \(workspaceID) AND post_id = \(postID))
            """, as: Bool.self) ?? false
        if !hasHistory {
            let first = PostVersions.Entry(firstOf: stored)
            try await store.run(connection, """
                INSERT INTO post_version(workspace_id, post_id, version_platform_id, text, created_at, edited_at)
                VALUES (\(workspaceID), \(postID), \(first.versionID), \(first.text), \(first.createdAt), \(first.editedAt))
                ON CONFLICT DO NOTHING
                """)
        }
        let entry = PostVersions.Entry(content)
        return try await store.changes(connection, """
            INSERT INTO post_version(workspace_id, post_id, version_platform_id, text, created_at, edited_at)
            VALUES (\(workspaceID), \(postID), \(entry.versionID), \(entry.text), \(entry.createdAt), \(entry.editedAt))
            ON CONFLICT DO NOTHING RETURNING 1
            """) > 0
    }

    private func deleteDerivedInteractions(authorRowID: Int64, rootID: String) async throws {
        try await store.run(connection, """
            DELETE FROM interaction WHERE workspace_id = \(workspaceID) AND source_account_id = \(authorRowID)
            AND derived AND via_platform_id = \(rootID)
            """)
    }

    private func logChange(postID: Int64) async throws {
        try await store.run(connection, "INSERT INTO post_change(workspace_id, post_id) VALUES (\(workspaceID), \(postID))")
    }

    // MARK: Interactions

    private mutating func write(_ interaction: Interaction, cache: inout PostgresWriteCache) async throws {
        // Edges are read back in storage order: the queued derived edges of earlier posts go first.
        if queue.edges.rows > 0 { try await flush() }
        // `Tombstone.hides(_: Interaction)`.
        if hasInteractionTombstones, let target = Tombstone.Target(hiding: interaction.kind), try await store.one(connection, """
            SELECT 1 FROM tombstone WHERE workspace_id = \(workspaceID) AND platform = \(interaction.platform.rawValue)
            AND target = \(target.rawValue) AND platform_id = \(interaction.viaID)
            """, as: Int.self) != nil {
            return
        }
        let sourceRowID = try await accountRowID(platform: interaction.platform, platformID: interaction.sourceAccountID,
                                                 handle: nil, cache: &cache)
        var targetRowID: Int64?
        if let target = interaction.targetAccountID {
            targetRowID = try await self.targetRowID(platform: interaction.platform, target: target, cache: &cache)
        }
        summary.interactionsInserted += try await store.changes(connection, """
            INSERT INTO interaction(workspace_id, platform, kind, source_account_id, target_account_id,
                                    target_post_platform_id, via_platform_id, at, derived)
            VALUES (\(workspaceID), \(interaction.platform.rawValue), \(interaction.kind.rawValue), \(sourceRowID),
                    \(targetRowID), \(interaction.targetPostID), \(interaction.viaID), \(interaction.at.pgMillis), false)
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    // MARK: Tombstones

    private mutating func write(_ tombstone: Tombstone, cache: inout PostgresWriteCache) async throws {
        summary.tombstonesInserted += try await insertTombstone(tombstone)
        let target = tombstone.target
        if let kind = target.removedInteractionKind {
            hasInteractionTombstones = true
            try await store.run(connection, """
                DELETE FROM interaction WHERE workspace_id = \(workspaceID) AND platform = \(tombstone.platform.rawValue)
                AND kind = \(kind.rawValue) AND via_platform_id = \(tombstone.platformID) AND NOT derived
                """)
        }
        if target.removesPosts {
            hasPostTombstones = true
            hiddenPosts.insert(PostKey(platform: tombstone.platform, id: tombstone.platformID))
            if let rootID = try await deletePost(platform: tombstone.platform, platformID: tombstone.platformID) {
                hiddenPosts.insert(PostKey(platform: tombstone.platform, id: rootID))
                if let rootTombstone = tombstone.rootTombstone(removedRootID: rootID) {
                    _ = try await insertTombstone(rootTombstone)
                }
            }
        }
        if let status = tombstone.accountStatus {
            // Accounts stay (their edges are evidence); the status records what happened.
            let rowID = try await accountRowID(platform: tombstone.platform, platformID: tombstone.platformID,
                                               handle: nil, cache: &cache)
            summary.accountsUpdated += try await store.changes(connection, """
                UPDATE account SET status = \(status.rawValue)
                WHERE workspace_id = \(workspaceID) AND id = \(rowID) AND status IS DISTINCT FROM \(status.rawValue)
                RETURNING 1
                """)
        }
    }

    private func insertTombstone(_ tombstone: Tombstone) async throws -> Int {
        try await store.changes(connection, """
            INSERT INTO tombstone(workspace_id, platform, target, platform_id, account_platform_id, deleted_at, reason)
            VALUES (\(workspaceID), \(tombstone.platform.rawValue), \(tombstone.target.rawValue), \(tombstone.platformID),
                    \(tombstone.accountID), \(tombstone.deletedAt?.pgMillis), \(tombstone.reason))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    /// Deletes a post given its root id or the id of one of its versions, with its history,
    /// key, watch matches and derived edges. Returns the deleted post's root id.
    private mutating func deletePost(platform: Platform, platformID: String) async throws -> String? {
        var found: (Int64, String, Int64)?
        for try await row in try await connection.query("""
            SELECT p.id, p.platform_id, p.author_account_id FROM post_key k
            JOIN post p ON p.workspace_id = k.workspace_id AND p.id = k.post_id
            WHERE k.workspace_id = \(workspaceID) AND k.platform = \(platform.rawValue) AND k.platform_id = \(platformID)
            """, logger: logger).decode((Int64, String, Int64).self) { found = row }
        if found == nil {
            for try await row in try await connection.query("""
                SELECT p.id, p.platform_id, p.author_account_id FROM post_version v
                JOIN post p ON p.workspace_id = v.workspace_id AND p.id = v.post_id
                WHERE v.workspace_id = \(workspaceID) AND v.version_platform_id = \(platformID) AND p.platform = \(platform.rawValue)
                LIMIT 1
                """, logger: logger).decode((Int64, String, Int64).self) { found = row }
        }
        guard let (postID, rootID, authorRowID) = found else { return nil }
        try await deleteDerivedInteractions(authorRowID: authorRowID, rootID: rootID)
        try await store.run(connection, "DELETE FROM post WHERE workspace_id = \(workspaceID) AND id = \(postID)")
        try await store.run(connection, "DELETE FROM post_key WHERE workspace_id = \(workspaceID) AND post_id = \(postID)")
        try await store.run(connection, "DELETE FROM post_version WHERE workspace_id = \(workspaceID) AND post_id = \(postID)")
        try await store.run(connection, "DELETE FROM watch_match WHERE workspace_id = \(workspaceID) AND post_id = \(postID)")
        storedPosts.remove(PostKey(platform: platform, id: rootID))
        if hasWatches { try await logChange(postID: postID) }
        return rootID
    }
}
