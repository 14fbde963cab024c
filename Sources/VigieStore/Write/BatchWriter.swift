import Foundation
import GRDB
import VigieCore

/// Writes one batch inside the caller's transaction. Statements are prepared once per batch.
///
/// The write rules are the core's (post merge and versions: ``PostContent``, ``PostVersions``;
/// accounts: `Account.merged(with:)`; derived edges: `Post.derivedInteractions`; tombstones:
/// `Tombstone.Target.removesPosts` and its siblings): this type only says them in SQL.
struct BatchWriter {
    static let accountColumns = """
        workspace_id, platform, platform_id, handle, handle_lower, display_name, bio, created_at,
        followers, following, posts_count, listed_count, verified, declared_bot,
        default_profile_image, location, url, is_private, status, observed_at, observed_at_import
        """
    static let postContentColumns = PostContent.columnNames

    private static let postHidingTargets = Tombstone.Target.hidingPosts.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    private let db: Database
    private let workspaceID: Int64
    private var summary = WriteSummary()
    /// Whether the workspace holds post tombstones: when it holds none (the usual case), the
    /// per-post tombstone lookup is skipped.
    private var hasPostTombstones: Bool
    private var hasInteractionTombstones: Bool
    /// Whether the workspace has watches, which need edits and deletions logged in `post_change`.
    private let hasWatches: Bool
    /// Full-text documents built on another core while this batch is written.
    private let prefetch: FullTextPrefetch?

    // Hot statements (once or more per post) go through the C API; the rest through GRDB.
    private let insertAccountStub: HotStatement
    private let insertPost: HotStatement
    private let insertFullText: HotStatement
    private let insertHashtag: HotStatement
    private let insertMention: HotStatement
    private let insertURL: HotStatement
    private let insertInteraction: HotStatement
    private let selectPostTombstone: HotStatement
    private let selectAccountByKey: Statement
    private let fillAccountHandle: Statement
    private let selectAccountByHandle: Statement

    init(db: Database, workspace: String, cache: inout WriteCache, prefetch: FullTextPrefetch? = nil) throws {
        self.db = db
        self.prefetch = prefetch
        if let id = cache.workspaceIDs[workspace] {
            workspaceID = id
        } else {
            try db.execute(sql: "INSERT INTO workspace(name) VALUES (?) ON CONFLICT(name) DO NOTHING",
                           arguments: [workspace])
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM workspace WHERE name = ?", arguments: [workspace])
            guard let id else { throw DatabaseError(message: "workspace '\(workspace)' vanished") }
            cache.workspaceIDs[workspace] = id
            workspaceID = id
        }
        let targets = try String.fetchSet(db, sql: "SELECT DISTINCT target FROM tombstone WHERE workspace_id = ?",
                                          arguments: [workspaceID])
        let kinds = targets.compactMap(Tombstone.Target.init(rawValue:))
        hasPostTombstones = kinds.contains { $0.removesPosts }
        hasInteractionTombstones = kinds.contains { $0.removedInteractionKind != nil }
        hasWatches = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM watch WHERE workspace_id = ?)",
                                       arguments: [workspaceID]) ?? false

        insertAccountStub = try HotStatement(db, sql: """
            INSERT INTO account(workspace_id, platform, platform_id, handle, handle_lower) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        selectAccountByKey = try db.cachedStatement(sql: """
            SELECT id, handle FROM account WHERE workspace_id = ? AND platform = ? AND platform_id = ?
            """)
        fillAccountHandle = try db.cachedStatement(sql: """
            UPDATE account SET handle = ?, handle_lower = ? WHERE id = ? AND handle IS NULL
            """)
        selectAccountByHandle = try db.cachedStatement(sql: """
            SELECT id FROM account WHERE workspace_id = ? AND handle_lower = ? AND platform = ?
            ORDER BY platform_id LIKE '@%', id LIMIT 1
            """)
        let contentColumns = Self.postContentColumns.joined(separator: ", ")
        let contentPlaceholders = Array(repeating: "?", count: Self.postContentColumns.count).joined(separator: ", ")
        insertPost = try HotStatement(db, sql: """
            INSERT INTO post(workspace_id, platform, platform_id, author_account_id, \(contentColumns))
            VALUES (?, ?, ?, ?, \(contentPlaceholders))
            ON CONFLICT DO NOTHING
            """)
        insertHashtag = try HotStatement(db, sql: """
            INSERT INTO post_hashtag(post_id, position, tag, tag_lower) VALUES (?, ?, ?, ?)
            """)
        insertMention = try HotStatement(db, sql: """
            INSERT INTO post_mention(post_id, position, handle, handle_lower, account_platform_id)
            VALUES (?, ?, ?, ?, ?)
            """)
        insertURL = try HotStatement(db, sql: "INSERT INTO post_url(post_id, position, url, domain) VALUES (?, ?, ?, ?)")
        insertInteraction = try HotStatement(db, sql: """
            INSERT INTO interaction(workspace_id, platform, kind, source_account_id, target_account_id,
                                    target_post_platform_id, via_platform_id, at, derived)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        insertFullText = try HotStatement(db, sql: FullTextDocuments.insertSQL)
        // `Tombstone.hides(_: Post)`: a post-hiding target naming the post's id or its root id.
        selectPostTombstone = try HotStatement(db, sql: """
            SELECT 1 FROM tombstone
            WHERE workspace_id = ? AND platform = ? AND target IN (\(Self.postHidingTargets)) AND platform_id IN (?, ?) LIMIT 1
            """)
    }

    /// Writes the batch's items in order, then its rejects, checkpoint and source cursor.
    mutating func write(_ batch: IngestBatch, cache: inout WriteCache,
                        afterItem: ((Int) throws -> Void)? = nil) throws -> WriteSummary {
        for (index, item) in batch.items.enumerated() {
            switch item {
            case .account(let account): try write(account, cache: &cache)
            case .post(let post): try write(post, itemIndex: index, cache: &cache)
            case .interaction(let interaction): try write(interaction, cache: &cache)
            case .tombstone(let tombstone): try write(tombstone, cache: &cache)
            }
            try afterItem?(index)
        }
        for reject in batch.rejects { try write(reject) }
        if let checkpoint = batch.checkpoint { try write(checkpoint) }
        if let cursor = batch.sourceCursor { try Self.saveCursor(cursor, db: db, workspaceID: workspaceID) }
        return summary
    }

    // MARK: Accounts

    /// The row id of an account, creating a stub row (id and handle only) when it is unknown,
    /// and filling its handle when the stub had none.
    private mutating func accountRowID(platform: Platform, platformID: String, handle: String?,
                                       cache: inout WriteCache) throws -> Int64 {
        let key = WriteCache.AccountKey(workspaceID: workspaceID, platform: platform, platformID: platformID)
        if let known = cache.accounts[key], handle == nil || known.hasHandle { return known.rowID }
        let handleLower = handle.map(caseFolded)
        try insertAccountStub.run { row in
            row.add(workspaceID); row.add(platform.rawValue); row.add(platformID); row.add(handle); row.add(handleLower)
        }
        if insertAccountStub.changes > 0 {
            let rowID = insertAccountStub.lastInsertedRowID
            summary.accountsInserted += 1
            cache.remember(key, .init(rowID: rowID, hasHandle: handle != nil))
            return rowID
        }
        guard let row = try Row.fetchOne(selectAccountByKey, arguments: [workspaceID, platform.rawValue, platformID]) else {
            throw DatabaseError(message: "account \(platform.rawValue)/\(platformID) vanished")
        }
        let rowID: Int64 = row["id"]
        var hasHandle = row["handle"] != nil
        if !hasHandle, let handle {
            try fillAccountHandle.execute(arguments: [handle, handleLower, rowID])
            summary.accountsUpdated += 1
            hasHandle = true
        }
        cache.remember(key, .init(rowID: rowID, hasHandle: hasHandle))
        return rowID
    }

    /// The row id of an interaction target given as a platform id or as `@handle`.
    private mutating func targetRowID(platform: Platform, target: String, cache: inout WriteCache) throws -> Int64 {
        guard let handle = Interaction.handle(ofTarget: target) else {
            return try accountRowID(platform: platform, platformID: target, handle: nil, cache: &cache)
        }
        let stubID = Interaction.placeholderID(forHandle: handle)
        let key = WriteCache.AccountKey(workspaceID: workspaceID, platform: platform, platformID: stubID)
        if let known = cache.accounts[key] { return known.rowID }
        // Prefer an account that has a real id; fall back to a stub keyed by the handle.
        if let rowID = try Int64.fetchOne(selectAccountByHandle, arguments: [workspaceID, handle.lowercased(), platform.rawValue]) {
            cache.remember(key, .init(rowID: rowID, hasHandle: true))
            return rowID
        }
        return try accountRowID(platform: platform, platformID: stubID, handle: handle, cache: &cache)
    }

    private mutating func write(_ account: Account, cache: inout WriteCache) throws {
        let key = WriteCache.AccountKey(workspaceID: workspaceID, platform: account.platform, platformID: account.platformID)
        let stored = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM account WHERE workspace_id = ? AND platform = ? AND platform_id = ?
            """), arguments: [workspaceID, account.platform.rawValue, account.platformID])
        guard let stored else {
            let placeholders = Array(repeating: "?", count: 21).joined(separator: ", ")
            try db.cachedStatement(sql: "INSERT INTO account(\(Self.accountColumns)) VALUES (\(placeholders))")
                .execute(arguments: account.columnArguments(workspaceID: workspaceID))
            let rowID = db.lastInsertedRowID
            cache.remember(key, .init(rowID: rowID, hasHandle: account.handle != nil))
            summary.accountsInserted += 1
            try snapshotMetrics(of: account, rowID: rowID)
            return
        }
        let rowID: Int64 = stored["id"]
        let current = try Account(row: stored)
        let merged = current.merged(with: account)
        cache.remember(key, .init(rowID: rowID, hasHandle: merged.handle != nil))
        guard merged != current else { return }
        let assignments = Self.accountColumns.split(separator: ",").map { "\($0.trimmingCharacters(in: .whitespacesAndNewlines)) = ?" }
        var arguments = merged.columnArguments(workspaceID: workspaceID)
        arguments += [rowID]
        try db.cachedStatement(sql: "UPDATE account SET \(assignments.joined(separator: ", ")) WHERE id = ?")
            .execute(arguments: arguments)
        summary.accountsUpdated += 1
        try snapshotMetrics(of: account, rowID: rowID)
    }

    /// Keeps the counts an import saw (table `account_metrics`, migration v2-trust), when the
    /// record changed the account (`Account.metricSnapshot`).
    private func snapshotMetrics(of account: Account, rowID: Int64) throws {
        guard let snapshot = account.metricSnapshot else { return }
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO account_metrics(account_id, observed_at, followers, following, posts_count)
            VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [rowID, snapshot.at.unixMillis, snapshot.followers, snapshot.following,
                                     snapshot.postsCount])
    }

    // MARK: Posts

    private mutating func write(_ post: Post, itemIndex: Int, cache: inout WriteCache) throws {
        let rootID = post.rootID
        if hasPostTombstones, try selectPostTombstone.run({ row in
            row.add(workspaceID); row.add(post.platform.rawValue); row.add(rootID); row.add(post.platformID)
        }) {
            summary.postsSuppressed += 1
            return
        }
        let authorRowID = try accountRowID(platform: post.platform, platformID: post.authorID,
                                           handle: post.authorHandle, cache: &cache)
        let content = PostContent(post)
        try insertPost.run { row in
            row.add(workspaceID); row.add(post.platform.rawValue); row.add(rootID); row.add(authorRowID)
            content.bind(to: &row)
        }
        if insertPost.changes > 0 {
            // A post seen in one version only keeps its text in `post`; see `recordVersion`.
            let postRowID = insertPost.lastInsertedRowID
            let document = prefetch?.document(for: post, itemIndex: itemIndex, stems: &cache.stems)
                ?? FTS5.columnValues(of: QueryIndex.document(for: post, stems: &cache.stems))
            try insertFullText.run { row in row.add(postRowID); for column in document { row.add(column) } }
            if PostVersions.startsHistory(post) {
                let entry = PostVersions.Entry(content)
                try db.cachedStatement(sql: """
                    INSERT INTO post_version(post_id, version_platform_id, text, created_at, edited_at)
                    VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [postRowID, entry.versionID, entry.text, entry.createdAt, entry.editedAt])
            }
            try writeEntities(of: post, postRowID: postRowID)
            try writeDerivedInteractions(of: post, cache: &cache)
            summary.postsInserted += 1
            return
        }
        try merge(post, content: content, rootID: rootID, cache: &cache)
    }

    /// The slow path: the post is already stored (a re-import, an edit, fresher metrics).
    private mutating func merge(_ post: Post, content: PostContent, rootID: String,
                                cache: inout WriteCache) throws {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM post WHERE workspace_id = ? AND platform = ? AND platform_id = ?
            """), arguments: [workspaceID, post.platform.rawValue, rootID])
        guard let row else { throw DatabaseError(message: "post \(post.platform.rawValue)/\(rootID) vanished") }
        let postRowID: Int64 = row["id"]
        let authorRowID: Int64 = row["author_account_id"]
        let stored = try PostContent(row: row)
        let addedVersion = try recordVersion(content, stored: stored, postRowID: postRowID)
        let (merged, replacesVersion) = stored.merged(with: content)
        // The indexed document holds the hashtags and mentions too: read it before they change.
        let oldDocument = merged.text != stored.text || replacesVersion
            ? try FullTextDocuments.stored(db, postRowID: postRowID, text: stored.text) : nil
        if merged.text != stored.text {
            // A stored sentiment label (v9-speed) described the old text.
            try db.cachedStatement(sql: "DELETE FROM post_sentiment WHERE post_id = ?").execute(arguments: [postRowID])
        }
        if merged != stored {
            let assignments = Self.postContentColumns.map { "\($0) = ?" }.joined(separator: ", ")
            var arguments = merged.arguments
            arguments += [postRowID]
            try db.cachedStatement(sql: "UPDATE post SET \(assignments) WHERE id = ?").execute(arguments: arguments)
        }
        if replacesVersion {
            for table in ["post_hashtag", "post_mention", "post_url"] {
                try db.cachedStatement(sql: "DELETE FROM \(table) WHERE post_id = ?").execute(arguments: [postRowID])
            }
            try writeEntities(of: post, postRowID: postRowID)
            try deleteDerivedInteractions(authorRowID: authorRowID, rootID: rootID)
            try writeDerivedInteractions(of: post, cache: &cache)
        }
        if let oldDocument {
            let newDocument = try FullTextDocuments.stored(db, postRowID: postRowID, text: merged.text)
            if newDocument != oldDocument {
                try deleteFullText(postRowID: postRowID, document: oldDocument)
                try insertFullText.run { row in row.add(postRowID); for column in newDocument { row.add(column) } }
            }
        }
        if hasWatches, merged != stored || replacesVersion {
            try FullTextDocuments.logChange(db, postRowID: postRowID)
        }
        if merged != stored || addedVersion || replacesVersion {
            summary.postsUpdated += 1
        } else {
            summary.postsUnchanged += 1
        }
    }

    /// Keeps the edit history (``PostVersions``): `post_version` holds every distinct version of a
    /// post that has more than one, the first included. A post seen in one version only (nearly
    /// all of them) has no history rows, which saves a text copy and an index entry per post on
    /// ingest. Returns whether the history grew.
    private func recordVersion(_ content: PostContent, stored: PostContent, postRowID: Int64) throws -> Bool {
        guard PostVersions.isNewVersion(content, of: stored) else { return false }
        let insertVersion = try db.cachedStatement(sql: """
            INSERT INTO post_version(post_id, version_platform_id, text, created_at, edited_at)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        let hasHistory = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM post_version WHERE post_id = ?)
            """), arguments: [postRowID]) ?? false
        if !hasHistory {
            // The version stored so far becomes the first history row.
            let first = PostVersions.Entry(firstOf: stored)
            try insertVersion.execute(arguments: [postRowID, first.versionID, first.text, first.createdAt, first.editedAt])
        }
        let entry = PostVersions.Entry(content)
        try insertVersion.execute(arguments: [postRowID, entry.versionID, entry.text, entry.createdAt, entry.editedAt])
        return db.changesCount > 0
    }

    private func writeEntities(of post: Post, postRowID: Int64) throws {
        for (position, tag) in post.hashtags.enumerated() {
            try insertHashtag.run { row in row.add(postRowID); row.add(position); row.add(tag); row.add(caseFolded(tag)) }
        }
        for (position, mention) in post.mentions.enumerated() {
            try insertMention.run { row in
                row.add(postRowID); row.add(position); row.add(mention.handle); row.add(caseFolded(mention.handle))
                row.add(mention.accountID)
            }
        }
        for (position, link) in post.urls.enumerated() {
            try insertURL.run { row in row.add(postRowID); row.add(position); row.add(link); row.add(linkDomain(link)) }
        }
    }

    /// Edges are keyed by the post's root id, so all versions of a post share one set of edges.
    private mutating func writeDerivedInteractions(of post: Post, cache: inout WriteCache) throws {
        // Mentions resolved to an id also give the stub account its handle.
        for (key, handle) in post.mentionedAccounts {
            _ = try accountRowID(platform: key.platform, platformID: key.platformID, handle: handle, cache: &cache)
        }
        for edge in post.derivedInteractions {
            try insert(edge, derived: true, cache: &cache)
        }
    }

    /// Found through the author's edges (indexed by source), as derived edges have no key index.
    private func deleteDerivedInteractions(authorRowID: Int64, rootID: String) throws {
        try db.cachedStatement(sql: """
            DELETE FROM interaction WHERE source_account_id = ? AND derived = 1 AND via_platform_id = ?
            """).execute(arguments: [authorRowID, rootID])
    }

    // MARK: Interactions

    private mutating func write(_ interaction: Interaction, cache: inout WriteCache) throws {
        // `Tombstone.hides(_: Interaction)`.
        if hasInteractionTombstones, let target = Tombstone.Target(hiding: interaction.kind), try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM tombstone WHERE workspace_id = ? AND platform = ? AND target = ? AND platform_id = ?
            """), arguments: [workspaceID, interaction.platform.rawValue, target.rawValue, interaction.viaID]) != nil {
            return
        }
        try insert(interaction, derived: false, cache: &cache)
    }

    private mutating func insert(_ edge: Interaction, derived: Bool, cache: inout WriteCache) throws {
        let sourceRowID = try accountRowID(platform: edge.platform, platformID: edge.sourceAccountID, handle: nil, cache: &cache)
        var targetRowID: Int64?
        if let target = edge.targetAccountID {
            targetRowID = try self.targetRowID(platform: edge.platform, target: target, cache: &cache)
        }
        try insertInteraction.run { row in
            row.add(workspaceID); row.add(edge.platform.rawValue); row.add(edge.kind.rawValue); row.add(sourceRowID)
            row.add(targetRowID); row.add(edge.targetPostID); row.add(edge.viaID); row.add(edge.at.unixMillis)
            row.add(derived ? 1 : 0)
        }
        summary.interactionsInserted += insertInteraction.changes
    }

    // MARK: Tombstones

    private mutating func write(_ tombstone: Tombstone, cache: inout WriteCache) throws {
        try insertTombstone(tombstone)
        summary.tombstonesInserted += db.changesCount
        let target = tombstone.target
        if let kind = target.removedInteractionKind {
            hasInteractionTombstones = true
            try db.cachedStatement(sql: """
                DELETE FROM interaction WHERE workspace_id = ? AND platform = ? AND kind = ? AND via_platform_id = ?
                AND derived = 0
                """).execute(arguments: [workspaceID, tombstone.platform.rawValue, kind.rawValue, tombstone.platformID])
        }
        if target.removesPosts {
            hasPostTombstones = true
            // A repost stored as a post (a Twitter retweet) goes with its edge.
            if let rootID = try deletePost(platform: tombstone.platform, platformID: tombstone.platformID),
               let rootTombstone = tombstone.rootTombstone(removedRootID: rootID) {
                try insertTombstone(rootTombstone)
            }
        }
        if let status = tombstone.accountStatus {
            // Accounts stay (their edges are evidence); the status records what happened.
            let rowID = try accountRowID(platform: tombstone.platform, platformID: tombstone.platformID,
                                         handle: nil, cache: &cache)
            try db.cachedStatement(sql: "UPDATE account SET status = ? WHERE id = ? AND status IS NOT ?")
                .execute(arguments: [status.rawValue, rowID, status.rawValue])
            summary.accountsUpdated += db.changesCount
        }
    }

    private func insertTombstone(_ tombstone: Tombstone) throws {
        try db.cachedStatement(sql: """
            INSERT INTO tombstone(workspace_id, platform, target, platform_id, account_platform_id, deleted_at, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """).execute(arguments: [workspaceID, tombstone.platform.rawValue, tombstone.target.rawValue,
                                     tombstone.platformID, tombstone.accountID, tombstone.deletedAt?.unixMillis,
                                     tombstone.reason])
    }

    /// Deletes a post given its root id or the id of one of its versions, with its entities,
    /// versions and full-text entry (cascades and triggers) and its derived edges.
    /// Returns the deleted post's root id.
    private func deletePost(platform: Platform, platformID: String) throws -> String? {
        var row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, platform_id, text, author_account_id FROM post WHERE workspace_id = ? AND platform = ? AND platform_id = ?
            """), arguments: [workspaceID, platform.rawValue, platformID])
        if row == nil {
            row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT post.id, post.platform_id, post.text, post.author_account_id FROM post_version JOIN post ON post.id = post_version.post_id
                WHERE post_version.version_platform_id = ? AND post.workspace_id = ? AND post.platform = ?
                LIMIT 1
                """), arguments: [platformID, workspaceID, platform.rawValue])
        }
        guard let row else { return nil }
        let postRowID: Int64 = row["id"]
        let rootID: String = row["platform_id"]
        try deleteDerivedInteractions(authorRowID: row["author_account_id"], rootID: rootID)
        try deleteFullText(postRowID: postRowID,
                           document: try FullTextDocuments.stored(db, postRowID: postRowID, text: row["text"]))
        try db.cachedStatement(sql: "DELETE FROM post WHERE id = ?").execute(arguments: [postRowID])
        if hasWatches { try FullTextDocuments.logChange(db, postRowID: postRowID) }
        return rootID
    }

    /// A contentless FTS5 entry is removed by restating the document it indexed.
    private func deleteFullText(postRowID: Int64, document: [String]) throws {
        try db.cachedStatement(sql: FullTextDocuments.deleteSQL)
            .execute(arguments: StatementArguments([postRowID] as [any DatabaseValueConvertible] + document))
    }

    // MARK: Rejects and checkpoint

    private mutating func write(_ reject: Reject) throws {
        try db.cachedStatement(sql: """
            INSERT INTO reject(workspace_id, file, line, format, reason, excerpt, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """).execute(arguments: [workspaceID, reject.file, reject.line, reject.format, reject.reason,
                                     reject.excerpt, Date().unixMillis])
        summary.rejectsInserted += db.changesCount
    }

    private func write(_ checkpoint: ImportCheckpoint) throws {
        try db.cachedStatement(sql: """
            INSERT INTO import_checkpoint(workspace_id, file, format, bytes_read, bytes_total, records, completed, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(workspace_id, file) DO UPDATE SET
                format = excluded.format, bytes_read = excluded.bytes_read, bytes_total = excluded.bytes_total,
                records = excluded.records, completed = excluded.completed, updated_at = excluded.updated_at
            """).execute(arguments: [workspaceID, checkpoint.file, checkpoint.format, checkpoint.bytesRead,
                                     checkpoint.bytesTotal, checkpoint.records, checkpoint.completed, Date().unixMillis])
    }
}
