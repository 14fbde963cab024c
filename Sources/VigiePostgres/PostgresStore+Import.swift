import Foundation
import PostgresNIO
import VigieCore

/// What a copy from another store (`vigie migrate`) needs: an empty target, rows sent through
/// `COPY` with their ids kept, the post partitions, and the id sequences moved past the copied
/// ids afterwards.
extension PostgresStore {
    /// Whether the database holds no workspace and no user yet (it is migrated if new).
    public func isEmptyForImport() async throws -> Bool {
        try await withConnection { connection in
            let workspaces = try await self.one(connection, "SELECT count(*) FROM workspace", as: Int.self) ?? 0
            let users = try await self.one(connection, "SELECT count(*) FROM access_user", as: Int.self) ?? 0
            return workspaces == 0 && users == 0
        }
    }

    /// Sends `rows` (text `COPY` format, in `columns` order) into `table`, in one transaction.
    public func importRows(table: String, columns: [String], rows: CopyText) async throws {
        guard rows.rows > 0 else { return }
        guard (PostgresSchema.workspaceTables + PostgresSchema.referenceTables).contains(table) else {
            throw StoreError(code: .backend, location: location, message: "'\(table)' is not a Vigie table")
        }
        try await transaction { connection in
            try await connection.copyFrom(table: table, columns: columns, logger: self.logger) { writer in
                try await writer.write(rows.buffer)
            }
        }
    }

    /// Creates the month partitions of `post` for these creation times (milliseconds).
    public func preparePostPartitions(for times: [Int64]) async throws {
        try await ensurePartitions(for: times)
    }

    /// The `post.document` value of a post (the `tsvector` literal of its query-index document).
    public static func documentVector(for post: Post, stems: inout StemCache) -> String {
        PostgresFullText.vector(QueryIndex.document(for: post, stems: &stems))
    }

    /// Moves every id sequence past the largest id copied, so new rows get new ids.
    public func finishImport() async throws {
        let identities = ["workspace", "account", "interaction", "tombstone", "reject", "watch", "post_change", "alert_rule",
                          "fired_alert", "alert_delivery", "live_source", "access_user", "access_token", "audit_event"]
        try await transaction { connection in
            for table in identities {
                let column = table == "post_change" ? "seq" : "id"
                try await self.run(connection, PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce(max(\(column)), 0) + 1, false) FROM \(table)
                    """))
            }
            try await self.run(connection, "SELECT setval('post_id_seq', coalesce(max(id), 0) + 1, false) FROM post")
        }
        workspaceIDs.withLock { $0.removeAll() }
    }
}

extension PostgresStore {
    /// The columns of a `post` row sent through ``importRows(table:columns:rows:)``: workspace,
    /// id, platform, root id, author id, the content columns (as the SQLite store names them),
    /// `hashtags`, `mention_handles`, `mention_ids`, `urls`, `document`.
    public static let postCopyColumns = PostgresPostColumns.copied
}

extension PostgresStore {
    /// New posts already go through `COPY` and PostgreSQL keeps its indexes up to date cheaply
    /// enough: nothing is suspended. A read-only store refuses, as it refuses every write.
    @discardableResult
    public func beginBulkLoad(inputBytes: Int) async throws -> Bool {
        try refuseWrites()
        return false
    }

    public func endBulkLoad() async throws {
        try refuseWrites()
    }
}
