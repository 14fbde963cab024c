import Foundation
import Logging
import PostgresNIO
import VigieCore

/// The PostgreSQL schema, one migration per released change (never edit a released one).
///
/// Conventions (docs/postgres.md, docs/scale-out.md):
/// - Every table of a workspace's data starts with `workspace_id`, and every primary and unique
///   key includes it: the tables can be distributed by workspace on Citus, and row-level
///   security keys on it. The small shared tables (workspaces, users, sessions, tokens, audit)
///   are reference tables.
/// - Times are BIGINT milliseconds since 1970, as in the SQLite store, so the core's write rules
///   compare the same values.
/// - `post` is partitioned by month of `created_at` (declarative partitioning): retention drops
///   a partition. Its uniqueness (workspace, platform, id) lives in `post_key`, since a unique
///   key of a partitioned table must include the partition column.
/// - `post.document` is the core's full-text document (``QueryIndex``) as a `tsvector` with a GIN
///   index; ``PostgresFullText`` spells it and renders the core's plans as `tsquery`.
enum PostgresSchema {
    static let migrations: [(name: String, sql: String)] = [("v1", v1), ("v2-observed-at-import", v2ObservedAtImport)]

    /// Marks an account whose observation date is only its import time (see `Account.observedAtIsImportTime`).
    static let v2ObservedAtImport = "ALTER TABLE account ADD COLUMN observed_at_import BOOLEAN;"

    /// Serialises concurrent migrations of several processes opening the same database.
    private static let lockKey: Int64 = 0x5649_4749_4531

    static func migrate(_ connection: PostgresConnection, logger: Logger, location: String) async throws {
        // Up to date: nothing to create (a role scoped to a workspace may not create anything).
        if try await hasMigrationLog(connection, logger: logger) {
            let applied = try await appliedMigrations(connection, logger: logger)
            try refuseNewer(applied, location: location)
            if migrations.allSatisfy({ applied.contains($0.name) }) { return }
        }
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS vigie_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let applied = try await appliedMigrations(connection, logger: logger)
            try refuseNewer(applied, location: location)
            for migration in migrations where !applied.contains(migration.name) {
                for statement in statements(of: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO vigie_migration(name) VALUES (\(migration.name))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The statements of a migration, one by one (the extended protocol runs one per query):
    /// split at each `;` that ends a line outside a `$$` block.
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBlock = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") && current.isEmpty { continue }
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBlock.toggle() }
            if !inBlock && trimmed.hasSuffix(";") {
                statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    /// A read-only open cannot migrate: the database must be at this version's schema already.
    static func checkCurrent(_ connection: PostgresConnection, logger: Logger, location: String) async throws {
        guard try await hasMigrationLog(connection, logger: logger) else {
            throw StoreError(code: .missing, location: location, message:
                "no Vigie data in this database: import data first, or name another database")
        }
        let applied = try await appliedMigrations(connection, logger: logger)
        try refuseNewer(applied, location: location)
        guard migrations.allSatisfy({ applied.contains($0.name) }) else {
            throw StoreError(code: .readOnly, location: location, message:
                "the database was written by an older version of vigie and must be upgraded: open it once with write access")
        }
    }

    private static func hasMigrationLog(_ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        var hasLog = false
        for try await value in try await connection.query("SELECT to_regclass('vigie_migration') IS NOT NULL", logger: logger)
            .decode(Bool.self) { hasLog = value }
        return hasLog
    }

    private static func appliedMigrations(_ connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var names = Set<String>()
        for try await name in try await connection.query("SELECT name FROM vigie_migration", logger: logger).decode(String.self) {
            names.insert(name)
        }
        return names
    }

    private static func refuseNewer(_ applied: Set<String>, location: String) throws {
        let known = Set(migrations.map(\.name))
        if !applied.isSubset(of: known) {
            throw StoreError(code: .newerSchema, location: location, message:
                "the database was written by a newer version of vigie; upgrade vigie to open it")
        }
    }

    /// The tables distributed by `workspace_id` on Citus (and under row-level security).
    static let workspaceTables = [
        "workspace_setting", "account", "account_metrics", "post_key", "post", "post_version", "interaction",
        "tombstone", "reject", "import_checkpoint", "watch", "watch_match", "post_change", "alert_rule",
        "fired_alert", "alert_delivery", "live_source", "source_cursor",
    ]
    /// Small shared tables: Citus reference tables (a copy on every node).
    static let referenceTables = ["workspace", "access_user", "access_membership", "access_session", "access_token", "audit_event"]

    private static let v1 = """
        CREATE EXTENSION IF NOT EXISTS unaccent;
        -- French and English with accents folded and Snowball stems, for ad-hoc SQL over post text
        -- (the query index itself holds Vigie's own tokens and stems, see PostgresFullText).
        CREATE TEXT SEARCH CONFIGURATION vigie_french (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION vigie_french ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        CREATE TEXT SEARCH CONFIGURATION vigie_english (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION vigie_english ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

        CREATE TABLE workspace (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );

        CREATE TABLE workspace_setting (
            workspace_id BIGINT NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (workspace_id, name)
        );

        CREATE TABLE account (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            platform TEXT NOT NULL,
            platform_id TEXT NOT NULL,
            handle TEXT,
            handle_lower TEXT,
            display_name TEXT,
            bio TEXT,
            created_at BIGINT,
            followers BIGINT,
            following BIGINT,
            posts_count BIGINT,
            listed_count BIGINT,
            verified BOOLEAN,
            declared_bot BOOLEAN,
            default_profile_image BOOLEAN,
            location TEXT,
            url TEXT,
            is_private BOOLEAN,
            status TEXT,
            observed_at BIGINT,
            PRIMARY KEY (workspace_id, id),
            UNIQUE (workspace_id, platform, platform_id)
        );
        CREATE INDEX account_handle ON account(workspace_id, handle_lower);

        CREATE TABLE account_metrics (
            workspace_id BIGINT NOT NULL,
            account_id BIGINT NOT NULL,
            observed_at BIGINT NOT NULL,
            followers BIGINT,
            following BIGINT,
            posts_count BIGINT,
            PRIMARY KEY (workspace_id, account_id, observed_at)
        );

        -- The unique key of a post (its root id) and where its row is: a partitioned table cannot
        -- enforce a unique key without the partition column.
        CREATE SEQUENCE post_id_seq;
        CREATE TABLE post_key (
            workspace_id BIGINT NOT NULL,
            platform TEXT NOT NULL,
            platform_id TEXT NOT NULL,
            post_id BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, platform, platform_id)
        );

        -- One row per post (its newest version); entities as arrays in the post's order;
        -- `document` is the query index's document (PostgresFullText).
        CREATE TABLE post (
            workspace_id BIGINT NOT NULL,
            id BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            platform TEXT NOT NULL,
            platform_id TEXT NOT NULL,
            author_account_id BIGINT NOT NULL,
            version_at BIGINT NOT NULL,
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
            likes BIGINT,
            reposts BIGINT,
            replies BIGINT,
            quotes BIGINT,
            views BIGINT,
            metrics_observed_at BIGINT,
            edited_at BIGINT,
            withheld_countries TEXT,
            hashtags TEXT[] NOT NULL DEFAULT '{}',
            mention_handles TEXT[] NOT NULL DEFAULT '{}',
            -- '' where a mention names no account id.
            mention_ids TEXT[] NOT NULL DEFAULT '{}',
            urls TEXT[] NOT NULL DEFAULT '{}',
            document TSVECTOR NOT NULL,
            PRIMARY KEY (workspace_id, id, created_at)
        ) PARTITION BY RANGE (created_at);
        CREATE INDEX post_time ON post(workspace_id, created_at);
        CREATE INDEX post_author ON post(workspace_id, author_account_id);
        CREATE INDEX post_document ON post USING gin (document);

        CREATE TABLE post_version (
            workspace_id BIGINT NOT NULL,
            post_id BIGINT NOT NULL,
            version_platform_id TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            edited_at BIGINT,
            UNIQUE (workspace_id, post_id, version_platform_id, text)
        );
        CREATE INDEX post_version_platform_id ON post_version(workspace_id, version_platform_id);

        CREATE TABLE interaction (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            platform TEXT NOT NULL,
            kind TEXT NOT NULL,
            source_account_id BIGINT NOT NULL,
            target_account_id BIGINT,
            target_post_platform_id TEXT,
            via_platform_id TEXT NOT NULL,
            at BIGINT NOT NULL,
            derived BOOLEAN NOT NULL,
            PRIMARY KEY (workspace_id, id)
        );
        CREATE UNIQUE INDEX interaction_key ON interaction(
            workspace_id, platform, kind, via_platform_id, coalesce(target_account_id, 0), coalesce(target_post_platform_id, ''))
            WHERE NOT derived;
        CREATE INDEX interaction_source ON interaction(workspace_id, source_account_id, kind);
        CREATE INDEX interaction_target ON interaction(workspace_id, target_account_id, kind);

        CREATE TABLE tombstone (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            platform TEXT NOT NULL,
            target TEXT NOT NULL,
            platform_id TEXT NOT NULL,
            account_platform_id TEXT,
            deleted_at BIGINT,
            reason TEXT NOT NULL,
            PRIMARY KEY (workspace_id, id),
            UNIQUE (workspace_id, platform, target, platform_id)
        );

        CREATE TABLE reject (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            file TEXT NOT NULL,
            line BIGINT NOT NULL,
            format TEXT NOT NULL,
            reason TEXT NOT NULL,
            excerpt TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, id),
            UNIQUE (workspace_id, file, line, reason)
        );

        CREATE TABLE import_checkpoint (
            workspace_id BIGINT NOT NULL,
            file TEXT NOT NULL,
            format TEXT NOT NULL,
            bytes_read BIGINT NOT NULL,
            bytes_total BIGINT NOT NULL,
            records BIGINT NOT NULL,
            completed BOOLEAN NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, file)
        );

        CREATE TABLE watch (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            name TEXT NOT NULL,
            query TEXT NOT NULL,
            stemmed BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL,
            post_mark BIGINT NOT NULL DEFAULT 0,
            change_mark BIGINT NOT NULL DEFAULT 0,
            refreshed_at BIGINT,
            PRIMARY KEY (workspace_id, id),
            UNIQUE (workspace_id, name)
        );

        CREATE TABLE watch_match (
            workspace_id BIGINT NOT NULL,
            watch_id BIGINT NOT NULL,
            post_id BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, watch_id, post_id),
            FOREIGN KEY (workspace_id, watch_id) REFERENCES watch(workspace_id, id) ON DELETE CASCADE
        );
        CREATE INDEX watch_match_time ON watch_match(workspace_id, watch_id, created_at, post_id);
        CREATE INDEX watch_match_post ON watch_match(workspace_id, post_id);

        CREATE TABLE post_change (
            workspace_id BIGINT NOT NULL,
            seq BIGINT GENERATED BY DEFAULT AS IDENTITY,
            post_id BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, seq)
        );

        CREATE TABLE alert_rule (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            watch_name TEXT,
            query TEXT,
            settings TEXT NOT NULL,
            webhook_url TEXT,
            enabled BOOLEAN NOT NULL DEFAULT true,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, id),
            UNIQUE (workspace_id, name)
        );

        CREATE TABLE fired_alert (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            rule_id BIGINT NOT NULL,
            dedup_key TEXT NOT NULL,
            fired_at BIGINT NOT NULL,
            observed_at BIGINT NOT NULL,
            summary TEXT NOT NULL,
            alert TEXT NOT NULL,
            payload TEXT NOT NULL,
            delivered BOOLEAN NOT NULL DEFAULT false,
            PRIMARY KEY (workspace_id, id),
            UNIQUE (workspace_id, rule_id, dedup_key),
            FOREIGN KEY (workspace_id, rule_id) REFERENCES alert_rule(workspace_id, id) ON DELETE CASCADE
        );

        CREATE TABLE alert_delivery (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            fired_alert_id BIGINT NOT NULL,
            attempt BIGINT NOT NULL,
            attempted_at BIGINT NOT NULL,
            url TEXT NOT NULL,
            status_code BIGINT,
            error TEXT,
            duration_ms BIGINT NOT NULL,
            delivered BOOLEAN NOT NULL,
            PRIMARY KEY (workspace_id, id),
            FOREIGN KEY (workspace_id, fired_alert_id) REFERENCES fired_alert(workspace_id, id) ON DELETE CASCADE
        );

        CREATE TABLE live_source (
            workspace_id BIGINT NOT NULL,
            id BIGINT GENERATED BY DEFAULT AS IDENTITY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            settings TEXT NOT NULL,
            token TEXT,
            paused BOOLEAN NOT NULL DEFAULT false,
            created_at BIGINT NOT NULL,
            status TEXT,
            PRIMARY KEY (workspace_id, id),
            UNIQUE (workspace_id, name)
        );

        CREATE TABLE source_cursor (
            workspace_id BIGINT NOT NULL,
            source TEXT NOT NULL,
            position TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, source)
        );

        CREATE TABLE access_user (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL,
            name_lower TEXT NOT NULL UNIQUE,
            display_name TEXT,
            password_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );

        CREATE TABLE access_membership (
            user_id BIGINT NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
            workspace_id BIGINT NOT NULL REFERENCES workspace(id),
            role TEXT NOT NULL CHECK (role IN ('owner', 'analyst', 'viewer')),
            granted_at BIGINT NOT NULL,
            PRIMARY KEY (user_id, workspace_id)
        );

        CREATE TABLE access_session (
            id_hash TEXT PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        CREATE INDEX access_session_user ON access_session(user_id);

        CREATE TABLE access_token (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            public_id TEXT NOT NULL UNIQUE,
            hash TEXT NOT NULL UNIQUE,
            user_id BIGINT NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            workspace_id BIGINT REFERENCES workspace(id),
            created_at BIGINT NOT NULL,
            expires_at BIGINT,
            last_used_at BIGINT,
            revoked_at BIGINT
        );

        CREATE TABLE audit_event (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            actor_lower TEXT NOT NULL,
            workspace_id BIGINT REFERENCES workspace(id),
            action TEXT NOT NULL,
            target TEXT,
            detail TEXT
        );
        CREATE INDEX audit_event_workspace ON audit_event(workspace_id, id);

        -- Row-level security: a role that does not own the tables sees only the rows of the
        -- workspace its session names (`SET vigie.workspace_id`); with no setting, none.
        DO $$
        DECLARE t TEXT;
        BEGIN
            FOREACH t IN ARRAY ARRAY[\(workspaceTables.map { "'\($0)'" }.joined(separator: ", "))] LOOP
                EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
                EXECUTE format('CREATE POLICY workspace_isolation ON %I USING (workspace_id = nullif(current_setting(''vigie.workspace_id'', true), '''')::bigint)', t);
            END LOOP;
        END $$;
        """
}
