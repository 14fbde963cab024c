import Foundation
import GRDB
import VigieCore

/// Users and their roles per workspace (tables in ``AccessSchema``).
extension SQLiteStore: AccessStore {
    public func addUser(_ user: UserAccount, passwordHash: String) async throws {
        let path = self.path
        try await write { db in
            if try Self.userID(db, user.name) != nil {
                throw StoreError(code: .alreadyExists, location: path, message: "a user named '\(user.name)' already exists")
            }
            try db.execute(sql: """
                INSERT INTO access_user(name, name_lower, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [user.name, user.name.lowercased(), user.displayName, passwordHash, user.createdAt.accessMillis])
        }
    }

    public func user(named name: String) async throws -> UserAccount? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT name, display_name, created_at FROM access_user WHERE name_lower = ?",
                             arguments: [name.lowercased()]).map(Self.userAccount)
        }
    }

    public func users() async throws -> [UserAccount] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, display_name, created_at FROM access_user ORDER BY name_lower")
                .map(Self.userAccount)
        }
    }

    public func passwordHash(user: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM access_user WHERE name_lower = ?", arguments: [user.lowercased()])
        }
    }

    public func setPasswordHash(_ hash: String, user: String) async throws {
        let path = self.path
        try await write { db in
            guard let userID = try Self.userID(db, user) else { throw Self.unknownUser(user, path: path) }
            try db.execute(sql: "UPDATE access_user SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
            try db.execute(sql: "DELETE FROM access_session WHERE user_id = ?", arguments: [userID])
        }
    }

    @discardableResult
    public func removeUser(named name: String) async throws -> Bool {
        try await write { db in
            // Memberships, sessions and tokens go with the user (ON DELETE CASCADE).
            try db.execute(sql: "DELETE FROM access_user WHERE name_lower = ?", arguments: [name.lowercased()])
            return db.changesCount > 0
        }
    }

    public func grant(_ role: WorkspaceRole, user: String, workspace: String, at date: Date) async throws {
        try validate(workspace: workspace)
        let path = self.path
        try await write { db in
            guard let userID = try Self.userID(db, user) else { throw Self.unknownUser(user, path: path) }
            let workspaceID = try Self.ensureAccessWorkspace(db, workspace)
            try db.execute(sql: """
                INSERT INTO access_membership(user_id, workspace_id, role, granted_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(user_id, workspace_id) DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at
                """, arguments: [userID, workspaceID, role.rawValue, date.accessMillis])
        }
    }

    @discardableResult
    public func revokeMembership(user: String, workspace: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM access_membership
                WHERE user_id = (SELECT id FROM access_user WHERE name_lower = ?)
                  AND workspace_id = (SELECT id FROM workspace WHERE name = ?)
                """, arguments: [user.lowercased(), workspace])
            return db.changesCount > 0
        }
    }

    public func memberships(user: String) async throws -> [Membership] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT u.name, w.name, m.role, m.granted_at FROM access_membership m
                JOIN access_user u ON u.id = m.user_id JOIN workspace w ON w.id = m.workspace_id
                WHERE u.name_lower = ? ORDER BY w.name
                """, arguments: [user.lowercased()]).map(Self.membership)
        }
    }

    public func members(workspace: String) async throws -> [Membership] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT u.name, w.name, m.role, m.granted_at FROM access_membership m
                JOIN access_user u ON u.id = m.user_id JOIN workspace w ON w.id = m.workspace_id
                WHERE w.name = ? ORDER BY u.name_lower
                """, arguments: [workspace]).map(Self.membership)
        }
    }

    // MARK: Rows

    static func userID(_ db: Database, _ name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM access_user WHERE name_lower = ?", arguments: [name.lowercased()])
    }

    static func accessWorkspaceID(_ db: Database, _ name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM workspace WHERE name = ?", arguments: [name])
    }

    static func ensureAccessWorkspace(_ db: Database, _ name: String) throws -> Int64 {
        try db.execute(sql: "INSERT INTO workspace(name) VALUES (?) ON CONFLICT(name) DO NOTHING", arguments: [name])
        guard let id = try accessWorkspaceID(db, name) else { throw DatabaseError(message: "workspace '\(name)' vanished") }
        return id
    }

    static func unknownUser(_ name: String, path: String) -> StoreError {
        StoreError(code: .notFound, location: path, message: "no user named '\(name)'")
    }

    private static func userAccount(_ row: Row) -> UserAccount {
        UserAccount(name: row[0], displayName: row[1], createdAt: Date(accessMillis: row[2]))
    }

    private static func membership(_ row: Row) throws -> Membership {
        let role: String = row[2]
        guard let parsed = WorkspaceRole(rawValue: role) else {
            throw DatabaseError(message: "unknown role '\(role)' in access_membership")
        }
        return Membership(user: row[0], workspace: row[1], role: parsed, grantedAt: Date(accessMillis: row[3]))
    }
}
