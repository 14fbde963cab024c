import Foundation
import GRDB

/// The tables of ``AccessStore`` (users, memberships, sessions, API tokens, audit log), added by
/// the migration `v4-access`. Secrets are stored hashed by the server; users are found by their
/// lowercased name, so `Alice` and `alice` are one login.
enum AccessSchema {
    static func createV4Access(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE access_user (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                name_lower TEXT NOT NULL UNIQUE,
                display_name TEXT,
                password_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );

            CREATE TABLE access_membership (
                user_id INTEGER NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                role TEXT NOT NULL CHECK (role IN ('owner', 'analyst', 'viewer')),
                granted_at INTEGER NOT NULL,
                PRIMARY KEY (user_id, workspace_id)
            ) WITHOUT ROWID;
            CREATE INDEX access_membership_workspace ON access_membership(workspace_id);

            CREATE TABLE access_session (
                id_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX access_session_user ON access_session(user_id);
            CREATE INDEX access_session_expiry ON access_session(expires_at);

            CREATE TABLE access_token (
                id INTEGER PRIMARY KEY,
                public_id TEXT NOT NULL UNIQUE,
                hash TEXT NOT NULL UNIQUE,
                user_id INTEGER NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                workspace_id INTEGER REFERENCES workspace(id),
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                last_used_at INTEGER,
                revoked_at INTEGER
            );
            CREATE INDEX access_token_user ON access_token(user_id, created_at);

            -- The actor is kept as text: the log outlives the users it names.
            CREATE TABLE audit_event (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                actor_lower TEXT NOT NULL,
                workspace_id INTEGER REFERENCES workspace(id),
                action TEXT NOT NULL,
                target TEXT,
                detail TEXT
            );
            CREATE INDEX audit_event_workspace ON audit_event(workspace_id, id);
            CREATE INDEX audit_event_account ON audit_event(actor_lower, id) WHERE workspace_id IS NULL;
            """)
    }
}

/// Dates as the schema stores them: milliseconds since 1970, UTC.
extension Date {
    var accessMillis: Int64 { unixMillis }

    init(accessMillis millis: Int64) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }
}
