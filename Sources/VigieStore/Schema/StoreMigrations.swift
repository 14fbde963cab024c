import GRDB

/// The schema, one migration per released change. Never edit a released migration: add one.
///
/// Conventions:
/// - Integer primary keys everywhere, so later analyses can build compact graphs from row ids.
/// - Every timestamp is an INTEGER of milliseconds since the Unix epoch (UTC): exact, compact,
///   and fast to range-scan (`post(workspace_id, created_at)`).
/// - Platform, kinds and statuses are stored as their Swift raw values (`twitter`, `reply`…).
/// - Booleans are 0/1; `NULL` means unknown, as in the model.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createV1)
        migrator.registerMigration("v2-watches", migrate: createV2Watches)
        migrator.registerMigration("v2-alerts", migrate: createV2Alerts)
        migrator.registerMigration("v2-trust", migrate: createV2Trust)
        migrator.registerMigration("v3-query-stems", migrate: createV3QueryStems)
        migrator.registerMigration("v4-access", migrate: AccessSchema.createV4Access)
        migrator.registerMigration("v5-live-sources", migrate: createV4LiveSources)
        migrator.registerMigration("v5-observed-at-import", migrate: createObservedAtImport)
        migrator.registerMigration("v6-privacy", migrate: createV6Privacy)
        migrator.registerMigration("v7-campaigns", migrate: createV7Campaigns)
        migrator.registerMigration("v9-speed", migrate: SpeedSchema.createV9Speed)
        migrator.registerMigration("v10-privacy-requests", migrate: createV10PrivacyRequests)
        migrator.registerMigration("v11-click-counters", migrate: createV11ClickCounters)
        migrator.registerMigration("v12-erasure-progress", migrate: createV12ErasureProgress)
        migrator.registerMigration("v13-naming-indexes", migrate: createV13NamingIndexes)
        return migrator
    }

    /// Indexes that only reads use: writes never look rows up through them, so a bulk load
    /// may drop them and build them once at the end (see `SQLiteStore.beginBulkLoad`).
    static let readIndexes: [(name: String, columns: String)] = [
        ("post_time", "post(workspace_id, created_at)"),
        ("post_author", "post(author_account_id, created_at)"),
        ("post_hashtag_tag", "post_hashtag(tag_lower)"),
        ("post_mention_handle", "post_mention(handle_lower)"),
        ("post_url_domain", "post_url(domain)"),
        ("interaction_target", "interaction(target_account_id, kind)"),
    ] + namingIndexes

    /// The posts that repost, answer, quote or mention an account, found by its platform id (an
    /// erasure's search for others' posts naming the person, which otherwise reads every post).
    /// Partial: only the rows that name someone.
    static let namingIndexes: [(name: String, columns: String)] = [
        ("post_repost_of_account", "post(repost_of_account_platform_id) WHERE repost_of_account_platform_id IS NOT NULL"),
        ("post_reply_to_account", "post(reply_to_account_platform_id) WHERE reply_to_account_platform_id IS NOT NULL"),
        ("post_quote_of_account", "post(quote_of_account_platform_id) WHERE quote_of_account_platform_id IS NOT NULL"),
        ("post_mention_account", "post_mention(account_platform_id) WHERE account_platform_id IS NOT NULL"),
    ]

    /// Whether any read index is missing (a bulk load is running or was interrupted).
    static func readIndexesMissing(_ db: Database) throws -> Bool {
        let names = readIndexes.map { "'\($0.name)'" }.joined(separator: ",")
        let present = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (\(names))
            """) ?? 0
        return present < readIndexes.count
    }

    /// Creates the read indexes that are missing: after a bulk load, or one that was interrupted.
    static func createReadIndexes(_ db: Database) throws {
        for index in readIndexes {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.columns)")
        }
    }

    private static func createV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workspace (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            );

            CREATE TABLE account (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                platform TEXT NOT NULL,
                platform_id TEXT NOT NULL,
                handle TEXT,
                handle_lower TEXT,
                display_name TEXT,
                bio TEXT,
                created_at INTEGER,
                followers INTEGER,
                following INTEGER,
                posts_count INTEGER,
                listed_count INTEGER,
                verified INTEGER,
                declared_bot INTEGER,
                default_profile_image INTEGER,
                location TEXT,
                url TEXT,
                is_private INTEGER,
                status TEXT,
                observed_at INTEGER,
                UNIQUE (workspace_id, platform, platform_id)
            );
            CREATE INDEX account_handle ON account(workspace_id, handle_lower);

            -- One row per post, keyed by its root id (the original's id across Twitter edits);
            -- the columns describe the newest version seen (`current_version_id`, `version_at`).
            CREATE TABLE post (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                platform TEXT NOT NULL,
                platform_id TEXT NOT NULL,
                author_account_id INTEGER NOT NULL REFERENCES account(id),
                created_at INTEGER NOT NULL,
                version_at INTEGER NOT NULL,
                current_version_id TEXT NOT NULL,
                text TEXT NOT NULL,
                language TEXT,
                reply_to_platform_id TEXT,
                reply_to_account_platform_id TEXT,
                repost_of_platform_id TEXT,
                repost_of_account_platform_id TEXT,
                quote_of_platform_id TEXT,
                quote_of_account_platform_id TEXT,
                conversation_id TEXT,
                media_count INTEGER NOT NULL DEFAULT 0,
                source TEXT,
                likes INTEGER,
                reposts INTEGER,
                replies INTEGER,
                quotes INTEGER,
                views INTEGER,
                metrics_observed_at INTEGER,
                edited_at INTEGER,
                withheld_countries TEXT,
                UNIQUE (workspace_id, platform, platform_id)
            );

            -- Edit history: every distinct version (the first included) of the posts that have
            -- more than one. A post seen in one version only has its text in `post` alone.
            CREATE TABLE post_version (
                post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                version_platform_id TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                edited_at INTEGER,
                UNIQUE (post_id, version_platform_id, text)
            );
            -- A tombstone may name an edit's own id (Twitter gives each version an id).
            CREATE INDEX post_version_platform_id ON post_version(version_platform_id);

            -- Entities keep the post's order (`position`) so a post is rebuilt exactly as written.
            CREATE TABLE post_hashtag (
                post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                tag TEXT NOT NULL,
                tag_lower TEXT NOT NULL,
                PRIMARY KEY (post_id, position)
            ) WITHOUT ROWID;

            CREATE TABLE post_mention (
                post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                handle TEXT NOT NULL,
                handle_lower TEXT NOT NULL,
                account_platform_id TEXT,
                PRIMARY KEY (post_id, position)
            ) WITHOUT ROWID;

            CREATE TABLE post_url (
                post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                url TEXT NOT NULL,
                domain TEXT,
                PRIMARY KEY (post_id, position)
            ) WITHOUT ROWID;

            -- Directed edges between account rows. A target that is only known by id or `@handle`
            -- gets a stub account row, so both ends are always integers when known at all.
            CREATE TABLE interaction (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                platform TEXT NOT NULL,
                kind TEXT NOT NULL,
                source_account_id INTEGER NOT NULL REFERENCES account(id),
                target_account_id INTEGER REFERENCES account(id),
                target_post_platform_id TEXT,
                via_platform_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                -- 1 for edges implied by a post (reply, repost, quote, mention), written once per
                -- stored version of the post and found again through their source (the author);
                -- 0 for explicit edges (likes, follows, Bluesky reposts), deduplicated by key.
                derived INTEGER NOT NULL
            );
            -- NULLs are distinct in a UNIQUE constraint, hence the IFNULLs. Partial: derived edges
            -- need no key, and skipping this wide index for them speeds up ingest.
            CREATE UNIQUE INDEX interaction_key ON interaction(
                workspace_id, platform, kind, via_platform_id,
                IFNULL(target_account_id, 0), IFNULL(target_post_platform_id, '')) WHERE derived = 0;
            CREATE INDEX interaction_source ON interaction(source_account_id, kind);

            CREATE TABLE tombstone (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                platform TEXT NOT NULL,
                target TEXT NOT NULL,
                platform_id TEXT NOT NULL,
                account_platform_id TEXT,
                deleted_at INTEGER,
                reason TEXT NOT NULL,
                UNIQUE (workspace_id, platform, target, platform_id)
            );
            CREATE INDEX tombstone_target ON tombstone(workspace_id, target);

            CREATE TABLE reject (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                format TEXT NOT NULL,
                reason TEXT NOT NULL,
                excerpt TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                UNIQUE (workspace_id, file, line, reason)
            );

            CREATE TABLE import_checkpoint (
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                file TEXT NOT NULL,
                format TEXT NOT NULL,
                bytes_read INTEGER NOT NULL,
                bytes_total INTEGER NOT NULL,
                records INTEGER NOT NULL,
                completed INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, file)
            );

            -- External-content full-text index over post text (rowid = post.id). The batch writer
            -- keeps it in sync on insert, update and delete. Not triggers: a trigger (like RETURNING)
            -- makes SQLite open a statement savepoint per insert, and FTS5 flushes its in-memory
            -- terms at every savepoint, which made ingest four times slower.
            -- `remove_diacritics 2` folds accents so `reseau` finds `réseau` and `RÉSEAU`.
            CREATE VIRTUAL TABLE post_fts USING fts5(
                text, content = 'post', content_rowid = 'id',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            -- Merge segments in larger steps and use leaf pages that fill a database page: measured
            -- about 1.7x faster FTS inserts, for slightly more segments to read per query.
            INSERT INTO post_fts(post_fts, rank) VALUES ('automerge', 8);
            INSERT INTO post_fts(post_fts, rank) VALUES ('pgsz', 8000);
            """)
        try createReadIndexes(db)
    }

    /// Watches (saved queries) with their matches, the post change log that keeps them up to date,
    /// workspace settings (the time zone of dashboards), and a full-text index that answers most
    /// queries alone: `post_fts` now holds the five columns of ``QueryIndex/document(for:)`` instead
    /// of the raw text, so it is rebuilt. See docs/watches.md.
    private static func createV2Watches(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workspace_setting (
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                name TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (workspace_id, name)
            ) WITHOUT ROWID;

            -- `post_mark`: every post with a smaller or equal row id has been tested (it may go down
            -- when the newest posts are deleted, so that a reused row id is tested again).
            -- `change_mark`: every `post_change` entry up to it has been applied.
            CREATE TABLE watch (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                name TEXT NOT NULL,
                query TEXT NOT NULL,
                stemmed INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                post_mark INTEGER NOT NULL DEFAULT 0,
                change_mark INTEGER NOT NULL DEFAULT 0,
                refreshed_at INTEGER,
                UNIQUE (workspace_id, name)
            );

            -- The post's created_at is copied so that a watch's volume is read from this index alone.
            CREATE TABLE watch_match (
                watch_id INTEGER NOT NULL REFERENCES watch(id) ON DELETE CASCADE,
                post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (watch_id, post_id)
            ) WITHOUT ROWID;
            CREATE INDEX watch_match_time ON watch_match(watch_id, created_at);
            CREATE INDEX watch_match_post ON watch_match(post_id);

            -- Posts edited or deleted after they were stored, written by the batch writer while the
            -- workspace has watches; trimmed once every watch has applied an entry.
            CREATE TABLE post_change (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                post_id INTEGER NOT NULL
            );

            -- What a query answered by the full-text index reads of each hit: a small covering
            -- index instead of the wide post rows (a frequent word otherwise touches every page of
            -- the table). Appended in id order on import, so it costs little to keep.
            CREATE INDEX post_query_meta ON post(id, workspace_id, created_at, author_account_id, platform, language);
            -- `author:eric` must find `Éric`: the few handles with non-ASCII letters are folded one
            -- by one, found through this partial index instead of a scan of every account.
            CREATE INDEX account_folded_handle ON account(workspace_id) WHERE handle_lower GLOB '*[^ -~]*';

            DROP TABLE post_fts;
            -- Contentless: the indexed document is not the post's text, so nothing can be read back
            -- from it; a delete restates the document (see `FullTextDocuments`). Every FTS5 token is
            -- one query token, encoded in ASCII letters and digits (`FTS5.encode`).
            CREATE VIRTUAL TABLE post_fts USING fts5(
                pos, nw, tags, handles, sites, content = '', tokenize = 'unicode61'
            );
            INSERT INTO post_fts(post_fts, rank) VALUES ('automerge', 8);
            INSERT INTO post_fts(post_fts, rank) VALUES ('pgsz', 8000);
            """)
        // The index is filled by v3-query-stems, which runs right after and replaces this table.
    }

    /// Alert rules, the alerts they fired and the webhook delivery log. Rules name their watch
    /// (`watch_name`) instead of a foreign key: watches live in their own migration.
    private static func createV2Alerts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE alert_rule (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                -- Exactly one target: a watch by name, a query, or neither (all posts).
                watch_name TEXT,
                query TEXT,
                settings TEXT NOT NULL,        -- AlertSettings as JSON
                webhook_url TEXT,
                enabled INTEGER NOT NULL DEFAULT 1,
                created_at INTEGER NOT NULL,
                UNIQUE (workspace_id, name)
            );

            CREATE TABLE fired_alert (
                id INTEGER PRIMARY KEY,
                rule_id INTEGER NOT NULL REFERENCES alert_rule(id) ON DELETE CASCADE,
                dedup_key TEXT NOT NULL,       -- the event: a spike's start, a signal's item…
                fired_at INTEGER NOT NULL,
                observed_at INTEGER NOT NULL,
                summary TEXT NOT NULL,
                alert TEXT NOT NULL,           -- FiredAlert as JSON (evidence included)
                payload TEXT NOT NULL,         -- the webhook document
                delivered INTEGER NOT NULL DEFAULT 0,
                UNIQUE (rule_id, dedup_key)
            );
            CREATE INDEX fired_alert_time ON fired_alert(rule_id, fired_at);

            CREATE TABLE alert_delivery (
                id INTEGER PRIMARY KEY,
                fired_alert_id INTEGER NOT NULL REFERENCES fired_alert(id) ON DELETE CASCADE,
                attempt INTEGER NOT NULL,
                attempted_at INTEGER NOT NULL,
                url TEXT NOT NULL,
                status_code INTEGER,
                error TEXT,
                duration_ms INTEGER NOT NULL,
                delivered INTEGER NOT NULL
            );
            CREATE INDEX alert_delivery_alert ON alert_delivery(fired_alert_id);
            """)
    }

    /// Follower/following/post counts of an account each time an import saw them change, so
    /// trust analyses can find sudden follower jumps (the account row keeps the latest only).
    private static func createV2Trust(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE account_metrics (
                account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                observed_at INTEGER NOT NULL,
                followers INTEGER,
                following INTEGER,
                posts_count INTEGER,
                PRIMARY KEY (account_id, observed_at)
            ) WITHOUT ROWID;
            """)
    }

    /// The query index gains the French and English stems of each post's words (columns `fr` and
    /// `en` of ``QueryIndex/document(for:)``), so that stemmed queries are answered by FTS5 alone;
    /// the table is rebuilt from the stored posts and their entities.
    private static func createV3QueryStems(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE post_fts;
            CREATE VIRTUAL TABLE post_fts USING fts5(
                pos, nw, tags, handles, sites, fr, en, content = '', tokenize = 'unicode61'
            );
            INSERT INTO post_fts(post_fts, rank) VALUES ('automerge', 8);
            INSERT INTO post_fts(post_fts, rank) VALUES ('pgsz', 8000);
            """)
        try FullTextDocuments.rebuild(db)
    }

    /// Marks an account whose observation date is only its import time (the source gave none
    /// and no `--observed-at`), so that any real date supersedes it and trust can say so.
    private static func createObservedAtImport(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE account ADD COLUMN observed_at_import INTEGER")
    }
}
