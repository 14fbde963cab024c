import Foundation
import PostgresNIO
import VigieCore

/// Users, roles, sessions, tokens and the audit log: reference tables, shared by every workspace.
extension PostgresStore: AccessStore {
    public func addUser(_ user: UserAccount, passwordHash: String) async throws {
        try await transaction { connection in
            let inserted = try await self.changes(connection, """
                INSERT INTO access_user(name, name_lower, display_name, password_hash, created_at)
                VALUES (\(user.name), \(user.name.lowercased()), \(user.displayName), \(passwordHash), \(user.createdAt.pgMillis))
                ON CONFLICT (name_lower) DO NOTHING RETURNING 1
                """)
            if inserted == 0 {
                throw StoreError(code: .alreadyExists, location: self.location, message: "a user named '\(user.name)' already exists")
            }
        }
    }

    public func user(named name: String) async throws -> UserAccount? {
        try await users(where: name.lowercased()).first
    }

    public func users() async throws -> [UserAccount] {
        try await users(where: nil)
    }

    private func users(where nameLower: String?) async throws -> [UserAccount] {
        try await withConnection { connection in
            var users: [UserAccount] = []
            for try await (name, display, created) in try await connection.query("""
                SELECT name, display_name, created_at FROM access_user
                WHERE \(nameLower)::text IS NULL OR name_lower = \(nameLower) ORDER BY name_lower
                """, logger: self.logger).decode((String, String?, Int64).self) {
                users.append(UserAccount(name: name, displayName: display, createdAt: Date(pgMillis: created)))
            }
            return users
        }
    }

    public func passwordHash(user: String) async throws -> String? {
        try await withConnection { connection in
            try await self.one(connection, "SELECT password_hash FROM access_user WHERE name_lower = \(user.lowercased())", as: String.self)
        }
    }

    public func setPasswordHash(_ hash: String, user: String) async throws {
        try await transaction { connection in
            guard let userID = try await self.userID(connection, user) else { throw self.unknownUser(user) }
            try await self.run(connection, "UPDATE access_user SET password_hash = \(hash) WHERE id = \(userID)")
            try await self.run(connection, "DELETE FROM access_session WHERE user_id = \(userID)")
        }
    }

    @discardableResult
    public func removeUser(named name: String) async throws -> Bool {
        try await transaction { connection in
            try await self.changes(connection, "DELETE FROM access_user WHERE name_lower = \(name.lowercased()) RETURNING 1") > 0
        }
    }

    public func grant(_ role: WorkspaceRole, user: String, workspace: String, at date: Date) async throws {
        try validate(workspace: workspace)
        try refuseWrites()
        guard try await withConnection({ try await self.userID($0, user) }) != nil else { throw unknownUser(user) }
        let workspaceID = try await ensureWorkspace(workspace)
        try await transaction { connection in
            guard let userID = try await self.userID(connection, user) else { throw self.unknownUser(user) }
            try await self.run(connection, """
                INSERT INTO access_membership(user_id, workspace_id, role, granted_at)
                VALUES (\(userID), \(workspaceID), \(role.rawValue), \(date.pgMillis))
                ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at
                """)
        }
    }

    @discardableResult
    public func revokeMembership(user: String, workspace: String) async throws -> Bool {
        try await transaction { connection in
            try await self.changes(connection, """
                DELETE FROM access_membership
                WHERE user_id = (SELECT id FROM access_user WHERE name_lower = \(user.lowercased()))
                  AND workspace_id = (SELECT id FROM workspace WHERE name = \(workspace))
                RETURNING 1
                """) > 0
        }
    }

    public func memberships(user: String) async throws -> [Membership] {
        try await memberships("u.name_lower = $1", user.lowercased(), order: "w.name")
    }

    public func members(workspace: String) async throws -> [Membership] {
        try await memberships("w.name = $1", workspace, order: "u.name_lower")
    }

    private func memberships(_ condition: String, _ value: String, order: String) async throws -> [Membership] {
        var binds = PostgresBindings()
        binds.append(value)
        return try await withConnection { connection in
            var memberships: [Membership] = []
            for try await (user, workspace, role, granted) in try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT u.name, w.name, m.role, m.granted_at FROM access_membership m
                JOIN access_user u ON u.id = m.user_id JOIN workspace w ON w.id = m.workspace_id
                WHERE \(condition) ORDER BY \(order)
                """, binds: binds), logger: self.logger).decode((String, String, String, Int64).self) {
                guard let role = WorkspaceRole(rawValue: role) else {
                    throw StoreError(code: .unreadableData, location: self.location, message: "unknown role '\(role)' in access_membership")
                }
                memberships.append(Membership(user: user, workspace: workspace, role: role, grantedAt: Date(pgMillis: granted)))
            }
            return memberships
        }
    }

    // MARK: Sessions

    public func addSession(_ session: SessionRecord) async throws {
        try await transaction { connection in
            guard let userID = try await self.userID(connection, session.user) else { throw self.unknownUser(session.user) }
            try await self.run(connection, """
                INSERT INTO access_session(id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (\(session.idHash), \(userID), \(session.csrfToken), \(session.createdAt.pgMillis),
                        \(session.lastSeenAt.pgMillis), \(session.expiresAt.pgMillis))
                """)
        }
    }

    public func session(idHash: String) async throws -> SessionRecord? {
        try await withConnection { connection in
            for try await (hash, user, csrf, created, seen, expires) in try await connection.query("""
                SELECT s.id_hash, u.name, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
                FROM access_session s JOIN access_user u ON u.id = s.user_id WHERE s.id_hash = \(idHash)
                """, logger: self.logger).decode((String, String, String, Int64, Int64, Int64).self) {
                return SessionRecord(idHash: hash, user: user, csrfToken: csrf, createdAt: Date(pgMillis: created),
                                     lastSeenAt: Date(pgMillis: seen), expiresAt: Date(pgMillis: expires))
            }
            return nil
        }
    }

    public func extendSession(idHash: String, lastSeenAt: Date, expiresAt: Date) async throws {
        try await transaction { connection in
            try await self.run(connection, """
                UPDATE access_session SET last_seen_at = \(lastSeenAt.pgMillis), expires_at = \(expiresAt.pgMillis) WHERE id_hash = \(idHash)
                """)
        }
    }

    public func removeSession(idHash: String) async throws {
        try await transaction { connection in
            try await self.run(connection, "DELETE FROM access_session WHERE id_hash = \(idHash)")
        }
    }

    @discardableResult
    public func removeExpiredSessions(before date: Date) async throws -> Int {
        try await transaction { connection in
            try await self.changes(connection, "DELETE FROM access_session WHERE expires_at < \(date.pgMillis) RETURNING 1")
        }
    }

    // MARK: Tokens

    public func addToken(_ token: APITokenRecord) async throws {
        if let workspace = token.workspace { try validate(workspace: workspace) }
        try refuseWrites()
        let workspaceID = try await token.workspace.asyncMap { try await self.ensureWorkspace($0) }
        try await transaction { connection in
            guard let userID = try await self.userID(connection, token.user) else { throw self.unknownUser(token.user) }
            let exists = try await self.one(connection, """
                SELECT EXISTS (SELECT 1 FROM access_token WHERE public_id = \(token.id) OR hash = \(token.hash))
                """, as: Bool.self) ?? false
            if exists {
                throw StoreError(code: .alreadyExists, location: self.location, message: "a token with id '\(token.id)' already exists")
            }
            try await self.run(connection, """
                INSERT INTO access_token(public_id, hash, user_id, name, workspace_id, created_at, expires_at, last_used_at, revoked_at)
                VALUES (\(token.id), \(token.hash), \(userID), \(token.name), \(workspaceID), \(token.createdAt.pgMillis),
                        \(token.expiresAt?.pgMillis), \(token.lastUsedAt?.pgMillis), \(token.revokedAt?.pgMillis))
                """)
        }
    }

    private static let tokenSelect = """
        SELECT t.public_id, t.name, u.name, w.name, t.hash, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
        FROM access_token t JOIN access_user u ON u.id = t.user_id LEFT JOIN workspace w ON w.id = t.workspace_id
        """

    private func tokens(_ condition: String, _ value: String) async throws -> [APITokenRecord] {
        var binds = PostgresBindings()
        binds.append(value)
        return try await withConnection { connection in
            var tokens: [APITokenRecord] = []
            for try await (id, name, user, workspace, hash, created, expires, used, revoked) in try await connection.query(
                PostgresQuery(unsafeSQL: Self.tokenSelect + " WHERE " + condition, binds: binds), logger: self.logger)
                .decode((String, String, String, String?, String, Int64, Int64?, Int64?, Int64?).self) {
                tokens.append(APITokenRecord(id: id, name: name, user: user, workspace: workspace, hash: hash,
                                             createdAt: Date(pgMillis: created), expiresAt: expires.map(Date.init(pgMillis:)),
                                             lastUsedAt: used.map(Date.init(pgMillis:)), revokedAt: revoked.map(Date.init(pgMillis:))))
            }
            return tokens
        }
    }

    public func token(hash: String) async throws -> APITokenRecord? {
        try await tokens("t.hash = $1", hash).first
    }

    public func tokens(user: String) async throws -> [APITokenRecord] {
        try await tokens("u.name_lower = $1 ORDER BY t.created_at DESC, t.id DESC", user.lowercased())
    }

    @discardableResult
    public func revokeToken(id: String, at date: Date) async throws -> Bool {
        try await transaction { connection in
            try await self.changes(connection, """
                UPDATE access_token SET revoked_at = \(date.pgMillis) WHERE public_id = \(id) AND revoked_at IS NULL RETURNING 1
                """) > 0
        }
    }

    public func recordTokenUse(id: String, at date: Date) async throws {
        try await transaction { connection in
            try await self.run(connection, "UPDATE access_token SET last_used_at = \(date.pgMillis) WHERE public_id = \(id)")
        }
    }

    // MARK: Audit

    @discardableResult
    public func appendAudit(_ event: AuditEvent) async throws -> Int64 {
        if let workspace = event.workspace { try validate(workspace: workspace) }
        try refuseWrites()
        let workspaceID = try await event.workspace.asyncMap { try await self.ensureWorkspace($0) }
        return try await transaction { connection in
            guard let id = try await self.one(connection, """
                INSERT INTO audit_event(at, actor, actor_lower, workspace_id, action, target, detail)
                VALUES (\(event.at.pgMillis), \(event.actor), \(event.actor.lowercased()), \(workspaceID), \(event.action),
                        \(event.target), \(event.detail))
                RETURNING id
                """, as: Int64.self) else {
                throw StoreError(code: .backend, location: self.location, message: "audit insert returned no id")
            }
            return id
        }
    }

    public func auditEvents(workspace: String?, before: Int64?, limit: Int) async throws -> [AuditEvent] {
        let limit = max(0, limit)
        let before = before ?? Int64.max
        return try await withConnection { connection in
            let select = """
                SELECT e.id, e.at, e.actor, w.name, e.action, e.target, e.detail
                FROM audit_event e LEFT JOIN workspace w ON w.id = e.workspace_id
                """
            let query: PostgresQuery
            if let workspace {
                guard let id = try await self.workspaceID(connection, workspace) else { return [] }
                // The workspace's own events, and the account events of its current members.
                query = """
                    \(unescaped: select)
                    WHERE (e.workspace_id = \(id) OR (e.workspace_id IS NULL AND e.actor_lower IN (
                           SELECT u.name_lower FROM access_membership m JOIN access_user u ON u.id = m.user_id
                           WHERE m.workspace_id = \(id))))
                      AND e.id < \(before)
                    ORDER BY e.id DESC LIMIT \(limit)
                    """
            } else {
                query = "\(unescaped: select) WHERE e.id < \(before) ORDER BY e.id DESC LIMIT \(limit)"
            }
            var events: [AuditEvent] = []
            for try await (sequence, at, actor, workspace, action, target, detail) in try await connection.query(query, logger: self.logger)
                .decode((Int64, Int64, String, String?, String, String?, String?).self) {
                events.append(AuditEvent(sequence: sequence, at: Date(pgMillis: at), actor: actor, workspace: workspace,
                                         action: action, target: target, detail: detail))
            }
            return events
        }
    }

    // MARK: Rows

    func userID(_ connection: PostgresConnection, _ name: String) async throws -> Int64? {
        try await one(connection, "SELECT id FROM access_user WHERE name_lower = \(name.lowercased())", as: Int64.self)
    }

    func unknownUser(_ name: String) -> StoreError {
        StoreError(code: .notFound, location: location, message: "no user named '\(name)'")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
