import Foundation
import GRDB
import VigieCore

extension StoreMigrations {
    /// Live sources (configuration, token, pause and last status report) and their cursors.
    /// A cursor is keyed by the source's name, not its row: it is written by whoever writes the
    /// batch (a listener, or a bus worker in another process), with the batch.
    static func createV4LiveSources(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE live_source (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                settings TEXT NOT NULL,
                token TEXT,
                paused INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                status TEXT,
                UNIQUE (workspace_id, name)
            );

            CREATE TABLE source_cursor (
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                source TEXT NOT NULL,
                position TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, source)
            ) WITHOUT ROWID;
            """)
    }
}

extension BatchWriter {
    /// Saves a live source's cursor inside the batch's transaction (see ``IngestBatch/sourceCursor``).
    /// Only a configured source has one: a batch that was in flight when its source was removed
    /// does not bring the cursor back.
    static func saveCursor(_ cursor: SourceCursor, db: Database, workspaceID: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO source_cursor(workspace_id, source, position, updated_at)
            SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM live_source WHERE workspace_id = ? AND name = ?)
            ON CONFLICT(workspace_id, source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            """).execute(arguments: [workspaceID, cursor.source, cursor.position.encodedJSON(), Date().unixMillis,
                                     workspaceID, cursor.source])
    }
}
