import Foundation
import GRDB
import VigieCore

/// `PrivacyStore`: data subjects' requests (table `privacy_request`, migration v10).
extension SQLiteStore {
    public func addPrivacyRequest(_ request: PrivacyRequest, workspace: String) async throws -> PrivacyRequest {
        try validate(workspace: workspace)
        return try await write { db in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            try db.execute(sql: """
                INSERT INTO privacy_request(workspace_id, kind, subject, requester, identity_check, received_at, due_at, state,
                                            exported_at, export_digest, erasure_receipt_id, closed_at, note, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspaceID, request.kind.rawValue, request.subject, request.requester, request.identityCheck,
                                 request.receivedAt.unixMillis, request.dueAt.unixMillis, request.state.rawValue,
                                 request.exportedAt?.unixMillis, request.exportDigest, request.erasureReceipt,
                                 request.closedAt?.unixMillis, request.note, request.actor])
            var stored = request
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func privacyRequest(id: Int64, workspace: String) async throws -> PrivacyRequest? {
        try validate(workspace: workspace)
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM privacy_request WHERE workspace_id = ? AND id = ?",
                                    arguments: [workspaceID, id]).map { try Self.privacyRequest(row: $0, path: self.path) }
        }
    }

    public func privacyRequests(workspace: String, filter: PrivacyRequestFilter) async throws -> [PrivacyRequest] {
        try validate(workspace: workspace)
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            let open = "state IN ('\(PrivacyRequest.State.received.rawValue)', '\(PrivacyRequest.State.verified.rawValue)')"
            return try Row.fetchAll(db, sql: """
                SELECT * FROM privacy_request WHERE workspace_id = ? \(filter.openOnly ? "AND \(open)" : "")
                ORDER BY \(open) DESC, CASE WHEN \(open) THEN due_at ELSE -id END LIMIT ?
                """, arguments: [workspaceID, filter.limit]).map { try Self.privacyRequest(row: $0, path: self.path) }
        }
    }

    @discardableResult
    public func updatePrivacyRequest(_ request: PrivacyRequest, workspace: String) async throws -> Bool {
        try validate(workspace: workspace)
        return try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return false }
            try db.execute(sql: """
                UPDATE privacy_request SET kind = ?, subject = ?, requester = ?, identity_check = ?, received_at = ?, due_at = ?,
                    state = ?, exported_at = ?, export_digest = ?, erasure_receipt_id = ?, closed_at = ?, note = ?
                WHERE workspace_id = ? AND id = ?
                """, arguments: [request.kind.rawValue, request.subject, request.requester, request.identityCheck,
                                 request.receivedAt.unixMillis, request.dueAt.unixMillis, request.state.rawValue,
                                 request.exportedAt?.unixMillis, request.exportDigest, request.erasureReceipt,
                                 request.closedAt?.unixMillis, request.note, workspaceID, request.id])
            return db.changesCount > 0
        }
    }

    /// Requests about an erased person stay as the proof of the answer, naming them by hash only.
    static func pseudonymiseRequests(_ db: Database, subject: SubjectRows, hash: String) throws -> Int {
        var handles: [String] = []
        if let handle = subject.handleLower { handles = [handle] }
        try db.execute(sql: """
            UPDATE privacy_request SET subject = ?
            WHERE workspace_id = ? AND (subject = ? OR ltrim(lower(subject), '@') IN (\(handles.map { _ in "?" }.joined(separator: ","))))
            """, arguments: [PrivacyRequest.erasedSubject(hash: hash), subject.workspaceID,
                             SuppressionList.accountMessage(subject.key)] + StatementArguments(handles))
        return db.changesCount
    }

    private static func privacyRequest(row: Row, path: String) throws -> PrivacyRequest {
        let kind: String = row["kind"]
        let state: String = row["state"]
        guard let decodedKind = PrivacyRequest.Kind(rawValue: kind), let decodedState = PrivacyRequest.State(rawValue: state) else {
            throw StoreError(code: .unreadableData, location: path,
                             message: "privacy_request \(row["id"] as Int64) has kind '\(kind)' and state '\(state)'")
        }
        let exportedAt: Int64? = row["exported_at"]
        let closedAt: Int64? = row["closed_at"]
        return PrivacyRequest(id: row["id"], kind: decodedKind, subject: row["subject"], requester: row["requester"],
                              identityCheck: row["identity_check"], receivedAt: Date(unixMillis: row["received_at"]),
                              dueAt: Date(unixMillis: row["due_at"]), state: decodedState,
                              exportedAt: exportedAt.map(Date.init(unixMillis:)), exportDigest: row["export_digest"],
                              erasureReceipt: row["erasure_receipt_id"], closedAt: closedAt.map(Date.init(unixMillis:)),
                              note: row["note"], actor: row["actor"])
    }
}
