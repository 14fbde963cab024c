import Foundation
import GRDB
import VigieCore

extension StoreMigrations {
    /// Data-subject operations (docs/privacy.md): each workspace's privacy key, the suppression
    /// list of erased people (keyed hashes only) and the erasure receipts. Retention periods are
    /// workspace settings (`privacy.retention.<kind>`).
    static func createV6Privacy(_ db: Database) throws {
        try db.execute(sql: """
            -- The HMAC key of the workspace's hashes: random, made on first use, never exported.
            CREATE TABLE privacy_key (
                workspace_id INTEGER PRIMARY KEY REFERENCES workspace(id),
                key BLOB NOT NULL
            );

            -- kind: 'account' (hash of "platform:id") or 'handle' (hash of "platform:@handle").
            CREATE TABLE suppression (
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                kind TEXT NOT NULL,
                hash TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, kind, hash)
            ) WITHOUT ROWID;

            -- What an erasure removed, naming the person by hash only.
            CREATE TABLE erasure_receipt (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                subject_hash TEXT NOT NULL,
                platform TEXT NOT NULL,
                erased_at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT NOT NULL,
                counts TEXT NOT NULL,
                compacted INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL
            );
            CREATE INDEX erasure_receipt_workspace ON erasure_receipt(workspace_id, id);
            """)
    }

    /// Data subjects' requests as a tracked process (docs/privacy.md): requester, identity
    /// check, deadline, state and the answer. `subject` becomes `erased:<hash>` when the person
    /// is erased.
    static func createV10PrivacyRequests(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE privacy_request (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                requester TEXT NOT NULL,
                identity_check TEXT,
                received_at INTEGER NOT NULL,
                due_at INTEGER NOT NULL,
                state TEXT NOT NULL,
                exported_at INTEGER,
                export_digest TEXT,
                erasure_receipt_id INTEGER REFERENCES erasure_receipt(id),
                closed_at INTEGER,
                note TEXT,
                actor TEXT NOT NULL
            );
            CREATE INDEX privacy_request_due ON privacy_request(workspace_id, due_at);
            """)
    }

    /// Erasures under way (docs/privacy.md): an erasure runs as many short transactions, and
    /// this row, updated in each of them, keeps its counts and stage so that an erasure stopped
    /// midway is finished by running it again, with a receipt that counts every row. The person
    /// is named by keyed hash only, as in the receipt.
    static func createV12ErasureProgress(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE erasure_progress (
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                subject_hash TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                -- 'rows' while rows are removed, then 'compaction' (the full-text index merge)
                stage TEXT NOT NULL,
                counts TEXT NOT NULL,
                PRIMARY KEY (workspace_id, subject_hash)
            ) WITHOUT ROWID;
            """)
    }

    /// The indexes an erasure reads others' posts naming the person through
    /// (``StoreMigrations/namingIndexes``): without them it read every post of the store.
    static func createV13NamingIndexes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX IF NOT EXISTS post_repost_of_account ON post(repost_of_account_platform_id)
                WHERE repost_of_account_platform_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS post_reply_to_account ON post(reply_to_account_platform_id)
                WHERE reply_to_account_platform_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS post_quote_of_account ON post(quote_of_account_platform_id)
                WHERE quote_of_account_platform_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS post_mention_account ON post_mention(account_platform_id)
                WHERE account_platform_id IS NOT NULL;
            """)
    }
}

/// Where each table of the schema stands with respect to a data subject's erasure: every table
/// must be listed, so that a new table holding personal data cannot be forgotten (a test reads
/// the schema and fails on a table missing here).
enum PrivacyCoverage {
    enum Handling: Equatable {
        /// Rows about the person are deleted or rewritten by the erasure.
        case erased
        /// Holds no data about the people in the corpus; the reason says why.
        case noSubjectData(String)
    }

    static let tables: [String: Handling] = [
        "account": .erased,
        "account_metrics": .erased,
        "post": .erased,
        "post_version": .erased,
        "post_hashtag": .erased,
        "post_mention": .erased,
        "post_url": .erased,
        "post_fts": .erased,
        "post_sentiment": .erased,
        "campaign_influencer": .erased,
        "short_link": .erased,
        "campaign": .noSubjectData("the brand's campaigns: names, dates, budgets"),
        "link_click": .noSubjectData("clicks keyed by a salted hash whose salt is deleted after 48 h; no address"),
        "link_click_day": .noSubjectData("click counts per day"),
        "link_visitor_day": .noSubjectData("visitor counts per day"),
        "link_visitor_key": .noSubjectData("the salted visitor keys of each link and day, deleted with their clicks; no address"),
        "conversion": .noSubjectData("conversion values and times"),
        "sentiment_model": .noSubjectData("the sentiment model's name per workspace"),
        "post_fts_data": .erased,
        "post_fts_idx": .erased,
        "post_fts_docsize": .erased,
        "post_fts_config": .noSubjectData("FTS5 settings"),
        "interaction": .erased,
        "tombstone": .erased,
        "reject": .erased,
        "watch_match": .erased,
        "post_change": .noSubjectData("post row numbers only"),
        "fired_alert": .erased,
        "alert_delivery": .erased,
        "suppression": .noSubjectData("keyed hashes only"),
        "erasure_receipt": .noSubjectData("keyed hashes and counts only"),
        "erasure_progress": .noSubjectData("keyed hashes and counts only, while an erasure runs"),
        "privacy_request": .erased,
        "privacy_key": .noSubjectData("the workspace's hash key"),
        "workspace": .noSubjectData("workspace names"),
        "workspace_setting": .noSubjectData("time zone and retention periods"),
        "import_checkpoint": .noSubjectData("file names and byte counts"),
        "watch": .noSubjectData("saved queries written by users (an erasure notes a query naming the person)"),
        "alert_rule": .noSubjectData("rules written by users (an erasure notes a query naming the person)"),
        "live_source": .noSubjectData("source settings written by users"),
        "source_cursor": .noSubjectData("stream positions"),
        "access_user": .noSubjectData("Vigie's own users, not corpus subjects"),
        "access_membership": .noSubjectData("Vigie's own users"),
        "access_session": .noSubjectData("hashed session ids"),
        "access_token": .noSubjectData("hashed API tokens"),
        "audit_event": .noSubjectData("privacy actions are audited by subject hash"),
        "grdb_migrations": .noSubjectData("schema versions"),
        "sqlite_sequence": .noSubjectData("row counters"),
        "sqlite_stat1": .noSubjectData("planner statistics"),
    ]
}

extension SQLiteStore {
    /// The batch without the workspace's suppressed people, and how many posts that dropped.
    /// One indexed lookup when the workspace has suppressed nobody.
    static func applySuppression(to batch: IngestBatch, db: Database, workspace: String) throws -> (IngestBatch, Int) {
        guard let list = try PrivacyKeys.suppressionList(db, workspace: workspace) else { return (batch, 0) }
        let filtered = batch.suppressing(list).batch
        func posts(_ batch: IngestBatch) -> Int { batch.items.reduce(0) { if case .post = $1 { $0 + 1 } else { $0 } } }
        return (filtered, posts(batch) - posts(filtered))
    }
}
