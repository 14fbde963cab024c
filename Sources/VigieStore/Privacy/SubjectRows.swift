import Foundation
import GRDB
import VigieCore

/// One data subject as the SQLite schema holds them: their account row, the placeholder row of
/// their handle (an account only known from `@handle` mentions), their identifiers and the ids
/// of their posts. Built once per request, in the request's transaction.
struct SubjectRows {
    let workspaceID: Int64
    let key: AccountKey
    let account: Row?
    /// Their account row and the placeholder row of their handle, when present.
    let accountRowIDs: [Int64]
    let handleLower: String?
    /// Root ids of their posts and the ids of every stored version (empty unless asked for:
    /// reading them costs a lookup per post, which an erasure's short transactions skip).
    let postIDs: Set<String>

    init?(_ db: Database, workspace: String, key: AccountKey, includingPostIDs: Bool = true) throws {
        guard let workspaceID = try SQLiteStore.workspaceID(db, workspace) else { return nil }
        self.workspaceID = workspaceID
        self.key = key
        account = try Row.fetchOne(db, sql: """
            SELECT * FROM account WHERE workspace_id = ? AND platform = ? AND platform_id = ?
            """, arguments: [workspaceID, key.platform.rawValue, key.platformID])
        var handle: String? = account?["handle_lower"]
        if handle == nil, let placeholderHandle = Interaction.handle(ofTarget: key.platformID) { handle = placeholderHandle.lowercased() }
        handleLower = handle
        var rowIDs: [Int64] = account.map { [$0["id"]] } ?? []
        if let handle, let placeholder = try Int64.fetchOne(db, sql: """
            SELECT id FROM account WHERE workspace_id = ? AND platform = ? AND platform_id = ?
            """, arguments: [workspaceID, key.platform.rawValue, Interaction.placeholderID(forHandle: handle)]),
            !rowIDs.contains(placeholder) {
            rowIDs.append(placeholder)
        }
        accountRowIDs = rowIDs
        var ids = Set<String>()
        if includingPostIDs, !rowIDs.isEmpty {
            ids.formUnion(try String.fetchAll(db, sql: "SELECT platform_id FROM post WHERE author_account_id IN (\(Self.list(rowIDs)))"))
            ids.formUnion(try String.fetchAll(db, sql: """
                SELECT post_version.version_platform_id FROM post_version JOIN post ON post.id = post_version.post_id
                WHERE post.author_account_id IN (\(Self.list(rowIDs)))
                """))
        }
        postIDs = ids
    }

    var isKnown: Bool { !accountRowIDs.isEmpty }
    var rowList: String { Self.list(accountRowIDs) }

    static func list(_ ids: [Int64]) -> String { ids.map(String.init).joined(separator: ",") }

    /// Whether a stored JSON document (an alert's evidence, a webhook payload) names the
    /// subject: their id, handle or one of their post ids as a JSON string, or `@handle`.
    func isNamed(inJSON text: String) -> Bool {
        if text.contains("\"\(key.platformID)\"") { return true }
        if let handleLower {
            let lowered = text.lowercased()
            if lowered.contains("\"\(handleLower)\"") || lowered.contains("\"@\(handleLower)\"")
                || lowered.contains("@\(handleLower) ") { return true }
        }
        return postIDs.contains { text.contains("\"\($0)\"") }
    }

    /// The condition on `reject` rows whose raw excerpt names the subject. Short ids and handles
    /// would match unrelated lines, so only ids of 5 or more characters and handles of 3 or more
    /// are looked for.
    func rejectCondition() -> (sql: String, arguments: StatementArguments)? {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if key.platformID.count >= 5 { clauses.append("instr(excerpt, ?) > 0"); arguments += [key.platformID] }
        if let handleLower, handleLower.count >= 3 { clauses.append("instr(lower(excerpt), ?) > 0"); arguments += [handleLower] }
        return clauses.isEmpty ? nil : ("(" + clauses.joined(separator: " OR ") + ")", arguments)
    }

    /// The lookups of others' posts that repost or name an account, each through its naming index
    /// (``StoreMigrations/namingIndexes``); arguments: the account's platform id (the lowercased
    /// handle for the last one), the workspace id, the platform. The `+` keeps the planner from
    /// reading every post of the workspace by `post_time` instead.
    static let repostsQuery = """
        SELECT id FROM post WHERE repost_of_account_platform_id = ? AND +workspace_id = ? AND +platform = ? ORDER BY id
        """
    static let mentionsByIDQuery = """
        SELECT post_mention.post_id FROM post_mention JOIN post ON post.id = post_mention.post_id
        WHERE post_mention.account_platform_id = ? AND +post.workspace_id = ? AND +post.platform = ?
        """
    static let namingQueries = [
        "SELECT id FROM post WHERE reply_to_account_platform_id = ? AND +workspace_id = ? AND +platform = ?",
        "SELECT id FROM post WHERE quote_of_account_platform_id = ? AND +workspace_id = ? AND +platform = ?",
        mentionsByIDQuery,
    ]
    static let mentionsByHandleQuery = """
        SELECT post_mention.post_id FROM post_mention JOIN post ON post.id = post_mention.post_id
        WHERE post_mention.handle_lower = ? AND +post.workspace_id = ? AND +post.platform = ?
        """

    /// Post rows of other accounts that name the subject: mentions, replies and quotes of them.
    func namingPostRowIDs(_ db: Database) throws -> [Int64] {
        var ids = Set<Int64>()
        for query in Self.namingQueries {
            ids.formUnion(try Int64.fetchAll(db, sql: query, arguments: [key.platformID, workspaceID, key.platform.rawValue]))
        }
        if let handleLower {
            ids.formUnion(try Int64.fetchAll(db, sql: Self.mentionsByHandleQuery,
                                             arguments: [handleLower, workspaceID, key.platform.rawValue]))
        }
        if !accountRowIDs.isEmpty {
            ids.subtract(try Int64.fetchAll(db, sql: "SELECT id FROM post WHERE author_account_id IN (\(rowList))"))
        }
        return ids.sorted()
    }
}

/// The workspace's HMAC key and suppression list.
enum PrivacyKeys {
    static func key(_ db: Database, workspaceID: Int64) throws -> [UInt8] {
        if let stored = try Data.fetchOne(db, sql: "SELECT key FROM privacy_key WHERE workspace_id = ?",
                                          arguments: [workspaceID]) {
            return Array(stored)
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try db.execute(sql: "INSERT INTO privacy_key(workspace_id, key) VALUES (?, ?)", arguments: [workspaceID, Data(key)])
        return key
    }

    /// The list a write applies; `nil` when the workspace has suppressed nobody (the usual case,
    /// answered by one indexed lookup).
    static func suppressionList(_ db: Database, workspace: String) throws -> SuppressionList? {
        guard let workspaceID = try SQLiteStore.workspaceID(db, workspace),
              try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM suppression WHERE workspace_id = ?)",
                                arguments: [workspaceID]) == true else { return nil }
        var list = SuppressionList(key: try key(db, workspaceID: workspaceID))
        for row in try Row.fetchAll(db, sql: "SELECT kind, hash FROM suppression WHERE workspace_id = ?", arguments: [workspaceID]) {
            let kind: String = row["kind"]
            if kind == "handle" { list.handleHashes.insert(row["hash"]) } else { list.accountHashes.insert(row["hash"]) }
        }
        return list
    }

    static func suppress(_ db: Database, workspaceID: Int64, key: AccountKey, handle: String?) throws {
        let list = SuppressionList(key: try self.key(db, workspaceID: workspaceID))
        let now = Date().unixMillis
        try db.execute(sql: """
            INSERT OR IGNORE INTO suppression(workspace_id, kind, hash, created_at) VALUES (?, 'account', ?, ?)
            """, arguments: [workspaceID, list.hash(key), now])
        if let handle {
            try db.execute(sql: """
                INSERT OR IGNORE INTO suppression(workspace_id, kind, hash, created_at) VALUES (?, 'handle', ?, ?)
                """, arguments: [workspaceID, list.hash(platform: key.platform, handle: handle), now])
        }
    }
}
