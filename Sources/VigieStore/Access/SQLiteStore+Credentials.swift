import Foundation
import GRDB
import VigieCore

/// Sign-in sessions and API tokens, both found by the hash of their secret.
extension SQLiteStore {
    public func addSession(_ session: SessionRecord) async throws {
        let path = self.path
        try await write { db in
            guard let userID = try Self.userID(db, session.user) else { throw Self.unknownUser(session.user, path: path) }
            try db.execute(sql: """
                INSERT INTO access_session(id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [session.idHash, userID, session.csrfToken, session.createdAt.accessMillis,
                                 session.lastSeenAt.accessMillis, session.expiresAt.accessMillis])
        }
    }

    public func session(idHash: String) async throws -> SessionRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.id_hash, u.name, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
                FROM access_session s JOIN access_user u ON u.id = s.user_id WHERE s.id_hash = ?
                """, arguments: [idHash]).map { row in
                SessionRecord(idHash: row[0], user: row[1], csrfToken: row[2], createdAt: Date(accessMillis: row[3]),
                              lastSeenAt: Date(accessMillis: row[4]), expiresAt: Date(accessMillis: row[5]))
            }
        }
    }

    public func extendSession(idHash: String, lastSeenAt: Date, expiresAt: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE access_session SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?",
                           arguments: [lastSeenAt.accessMillis, expiresAt.accessMillis, idHash])
        }
    }

    public func removeSession(idHash: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_session WHERE id_hash = ?", arguments: [idHash])
        }
    }

    @discardableResult
    public func removeExpiredSessions(before date: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_session WHERE expires_at < ?", arguments: [date.accessMillis])
            return db.changesCount
        }
    }

    // MARK: Tokens

    public func addToken(_ token: APITokenRecord) async throws {
        if let workspace = token.workspace { try validate(workspace: workspace) }
        let path = self.path
        try await write { db in
            guard let userID = try Self.userID(db, token.user) else { throw Self.unknownUser(token.user, path: path) }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM access_token WHERE public_id = ? OR hash = ?)",
                                 arguments: [token.id, token.hash]) == true {
                throw StoreError(code: .alreadyExists, location: path, message: "a token with id '\(token.id)' already exists")
            }
            let workspaceID = try token.workspace.map { try Self.ensureAccessWorkspace(db, $0) }
            try db.execute(sql: """
                INSERT INTO access_token(public_id, hash, user_id, name, workspace_id, created_at, expires_at, last_used_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [token.id, token.hash, userID, token.name, workspaceID, token.createdAt.accessMillis,
                                 token.expiresAt?.accessMillis, token.lastUsedAt?.accessMillis, token.revokedAt?.accessMillis])
        }
    }

    public func token(hash: String) async throws -> APITokenRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: Self.tokenSelect + " WHERE t.hash = ?", arguments: [hash]).map(Self.tokenRecord)
        }
    }

    public func tokens(user: String) async throws -> [APITokenRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: Self.tokenSelect + " WHERE u.name_lower = ? ORDER BY t.created_at DESC, t.id DESC",
                             arguments: [user.lowercased()]).map(Self.tokenRecord)
        }
    }

    @discardableResult
    public func revokeToken(id: String, at date: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE access_token SET revoked_at = ? WHERE public_id = ? AND revoked_at IS NULL",
                           arguments: [date.accessMillis, id])
            return db.changesCount > 0
        }
    }

    public func recordTokenUse(id: String, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE access_token SET last_used_at = ? WHERE public_id = ?", arguments: [date.accessMillis, id])
        }
    }

    private static let tokenSelect = """
        SELECT t.public_id, t.name, u.name, w.name, t.hash, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
        FROM access_token t JOIN access_user u ON u.id = t.user_id LEFT JOIN workspace w ON w.id = t.workspace_id
        """

    private static func tokenRecord(_ row: Row) -> APITokenRecord {
        let expires: Int64? = row[6]
        let used: Int64? = row[7]
        let revoked: Int64? = row[8]
        return APITokenRecord(id: row[0], name: row[1], user: row[2], workspace: row[3], hash: row[4],
                              createdAt: Date(accessMillis: row[5]), expiresAt: expires.map(Date.init(accessMillis:)),
                              lastUsedAt: used.map(Date.init(accessMillis:)), revokedAt: revoked.map(Date.init(accessMillis:)))
    }
}
