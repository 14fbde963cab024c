import Foundation
import GRDB
import VigieCore

/// `PrivacyStore`: the pseudonymisation mode (workspace setting `privacy.pseudonymise`) and its
/// pseudonyms, made with the workspace's privacy key (`privacy_key`).
extension SQLiteStore {
    private static let pseudonymiseSetting = "privacy.pseudonymise"

    public func isPseudonymising(workspace: String) async throws -> Bool {
        try validate(workspace: workspace)
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return false }
            return try String.fetchOne(db, sql: "SELECT value FROM workspace_setting WHERE workspace_id = ? AND name = ?",
                                       arguments: [workspaceID, Self.pseudonymiseSetting]) == "on"
        }
    }

    public func setPseudonymising(_ on: Bool, workspace: String) async throws {
        try validate(workspace: workspace)
        try await write { db in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            // The key exists from now on, so read-only commands can pseudonymise.
            _ = try PrivacyKeys.key(db, workspaceID: workspaceID)
            try db.execute(sql: """
                INSERT INTO workspace_setting(workspace_id, name, value) VALUES (?, ?, ?)
                ON CONFLICT(workspace_id, name) DO UPDATE SET value = excluded.value
                """, arguments: [workspaceID, Self.pseudonymiseSetting, on ? "on" : "off"])
        }
    }

    public func pseudonymizer(workspace: String) async throws -> Pseudonymizer {
        try validate(workspace: workspace)
        let stored = try await read { db -> [UInt8]? in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try Data.fetchOne(db, sql: "SELECT key FROM privacy_key WHERE workspace_id = ?", arguments: [workspaceID])
                .map(Array.init)
        }
        if let stored { return Pseudonymizer(key: stored) }
        return try await write { db in
            Pseudonymizer(key: try PrivacyKeys.key(db, workspaceID: try Self.ensureWorkspace(db, workspace)))
        }
    }

    /// Recomputes the pseudonym of every account (by id) and every mentioned handle: one HMAC
    /// each, so an owner's reveal reads the workspace once.
    public func revealPseudonym(_ pseudonym: String, workspace: String) async throws -> [PseudonymOwner] {
        let name = pseudonym.trimmingCharacters(in: .whitespaces).drop { $0 == "@" }
        guard name.hasPrefix(Pseudonymizer.prefix) else { return [] }
        let pseudonyms = try await pseudonymizer(workspace: workspace)
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var owners: [PseudonymOwner] = []
            let accounts = try Row.fetchCursor(db, sql: "SELECT platform, platform_id, handle FROM account WHERE workspace_id = ?",
                                               arguments: [workspaceID])
            while let row = try accounts.next() {
                guard let platform = Platform(rawValue: row["platform"]) else { continue }
                let key = AccountKey(platform: platform, platformID: row["platform_id"])
                if pseudonyms.pseudonym(key) == name {
                    owners.append(PseudonymOwner(platform: platform, platformID: key.platformID, handle: row["handle"]))
                }
            }
            let handles = try Row.fetchCursor(db, sql: """
                SELECT DISTINCT post.platform, post_mention.handle_lower FROM post_mention JOIN post ON post.id = post_mention.post_id
                WHERE post.workspace_id = ?
                """, arguments: [workspaceID])
            while let row = try handles.next() {
                guard let platform = Platform(rawValue: row["platform"]) else { continue }
                let handle: String = row["handle_lower"]
                if pseudonyms.pseudonym(platform: platform, handle: handle) == name {
                    owners.append(PseudonymOwner(platform: platform, platformID: nil, handle: handle))
                }
            }
            return owners
        }
    }
}
