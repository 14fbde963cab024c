import Foundation
import GRDB
import VigieCore

extension SQLiteStore {
    /// At most this many ids in one `IN (…)` list.
    static let trustChunk = 500

    public func accountKeys(workspace: String, handle: String) async throws -> [AccountKey] {
        let needle = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        let platforms = Platform.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT platform, platform_id FROM account WHERE workspace_id = ?1 AND handle_lower = ?2
                UNION
                SELECT platform, platform_id FROM account WHERE workspace_id = ?1 AND platform IN (\(platforms)) AND platform_id = ?3
                ORDER BY 1, 2
                """, arguments: [workspaceID, needle.lowercased(), needle]).compactMap(Self.accountKey)
        }
    }

    /// The key of a `(platform, platform_id)` row.
    static func accountKey(_ row: Row) -> AccountKey? {
        let platform: String = row[0]
        return Platform(rawValue: platform).map { AccountKey(platform: $0, platformID: row[1]) }
    }

    /// The row ids of `keys` in the workspace, in the keys' order, unknown keys left out.
    static func accountRowIDs(_ db: Database, workspaceID: Int64, keys: [AccountKey]) throws -> [Int64] {
        let statement = try db.cachedStatement(sql: """
            SELECT id FROM account WHERE workspace_id = ? AND platform = ? AND platform_id = ?
            """)
        return try keys.compactMap { key in
            try Int64.fetchOne(statement, arguments: [workspaceID, key.platform.rawValue, key.platformID])
        }
    }

    public func trustSubjects(workspace: String, accounts keys: [AccountKey]) async throws -> [TrustSubject] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Self.trustSubjects(db, workspaceID: workspaceID,
                                          accountIDs: try Self.accountRowIDs(db, workspaceID: workspaceID, keys: keys))
        }
    }

    /// The same computation as `trustSubjects(workspace:)`, restricted to `accountIDs`: their
    /// rows, their posts (through the author index), the interactions they made and received
    /// (through the source and target indexes), and one scan of the workspace's bios.
    static func trustSubjects(_ db: Database, workspaceID: Int64, accountIDs: [Int64]) throws -> [TrustSubject] {
        let ids = Array(Set(accountIDs)).sorted()
        do {
            guard !ids.isEmpty else { return [] }
            var subjects: [TrustSubject] = []
            var index: [Int64: Int] = [:]
            for chunk in stride(from: 0, to: ids.count, by: Self.trustChunk).map({ Array(ids[$0..<min($0 + Self.trustChunk, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM account WHERE workspace_id = ? AND id IN (\(marks)) ORDER BY id",
                                               arguments: StatementArguments([workspaceID] + chunk))
                while let row = try rows.next() {
                    let id: Int64 = row["id"]
                    index[id] = subjects.count
                    subjects.append(TrustSubject(account: try Account(row: row)))
                }
            }
            // Shared bios: counted over the whole workspace, as the full pass does.
            var wanted: [String: Int] = [:]
            for subject in subjects {
                if let bio = subject.account.bio?.trimmingCharacters(in: .whitespacesAndNewlines), !bio.isEmpty { wanted[bio] = 0 }
            }
            if !wanted.isEmpty {
                let bios = try String.fetchCursor(db, sql: "SELECT bio FROM account WHERE workspace_id = ? AND bio IS NOT NULL AND bio <> ''",
                                                  arguments: [workspaceID])
                while let bio = try bios.next() {
                    let trimmed = bio.trimmingCharacters(in: .whitespacesAndNewlines)
                    if let count = wanted[trimmed] { wanted[trimmed] = count + 1 }
                }
            }
            for i in subjects.indices {
                if let bio = subjects[i].account.bio?.trimmingCharacters(in: .whitespacesAndNewlines) {
                    subjects[i].bioSharedWith = bio.isEmpty ? 0 : max((wanted[bio] ?? 1) - 1, 0)
                }
            }

            var activities = [PostingActivity](repeating: PostingActivity(), count: subjects.count)
            var sourceKinds: [String: SourceApplication] = [:]
            var outgoing = [Set<Int64>](repeating: [], count: subjects.count)
            var incoming = [Set<Int64>](repeating: [], count: subjects.count)
            var received = [[Interaction.Kind: Int]](repeating: [:], count: subjects.count)
            for chunk in stride(from: 0, to: ids.count, by: Self.trustChunk).map({ Array(ids[$0..<min($0 + Self.trustChunk, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let arguments = StatementArguments([workspaceID] + chunk)
                let posts = try Row.fetchCursor(db, sql: """
                    \(Self.trustPostColumns) WHERE p.workspace_id = ? AND p.author_account_id IN (\(marks)) ORDER BY p.id
                    """, arguments: arguments)
                while let row = try posts.next() {
                    guard let i = index[row[0]] else { continue }
                    Self.addTrustPost(row, to: &activities[i], kinds: &sourceKinds)
                }
                let made = try Row.fetchCursor(db, sql: """
                    SELECT source_account_id, target_account_id FROM interaction
                    WHERE workspace_id = ? AND source_account_id IN (\(marks)) AND target_account_id IS NOT NULL
                    """, arguments: arguments)
                while let row = try made.next() {
                    let source: Int64 = row[0], target: Int64 = row[1]
                    guard source != target, let s = index[source] else { continue }
                    outgoing[s].insert(target)
                }
                let got = try Row.fetchCursor(db, sql: """
                    SELECT source_account_id, target_account_id, kind FROM interaction
                    WHERE workspace_id = ? AND target_account_id IN (\(marks))
                    """, arguments: arguments)
                while let row = try got.next() {
                    let source: Int64 = row[0], target: Int64 = row[1]
                    guard source != target, let t = index[target] else { continue }
                    incoming[t].insert(source)
                    if let kind = Interaction.Kind(rawValue: row[2]) { received[t][kind, default: 0] += 1 }
                }
            }
            for i in subjects.indices {
                if activities[i].posts > 0 {
                    subjects[i].activity = activities[i]
                    if let last = activities[i].times.max() {
                        subjects[i].referenceDate = Date(timeIntervalSince1970: TimeInterval(last))
                    }
                }
                let targets = outgoing[i].count
                if targets > 0 || !received[i].isEmpty {
                    subjects[i].graph = GraphActivity(targets: targets, reciprocated: outgoing[i].intersection(incoming[i]).count,
                                                      received: received[i])
                }
            }
            return subjects
        }
    }

    public func recentEngagement(workspace: String, tier: InfluenceTier) async throws -> [PostingActivity] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var index: [Int64: Int] = [:]
            let accounts = try Row.fetchCursor(db, sql: """
                SELECT id, followers FROM account WHERE workspace_id = ? AND followers IS NOT NULL ORDER BY id
                """, arguments: [workspaceID])
            while let row = try accounts.next() {
                let followers: Int = row[1]
                if InfluenceTier(followers: followers) == tier { index[row[0]] = index.count }
            }
            guard !index.isEmpty else { return [] }
            var activities = [PostingActivity](repeating: PostingActivity(), count: index.count)
            let posts = try Row.fetchCursor(db, sql: """
                SELECT author_account_id, created_at, likes, replies, reposts FROM post
                WHERE workspace_id = ? AND repost_of_platform_id IS NULL
                  AND (likes IS NOT NULL OR replies IS NOT NULL OR reposts IS NOT NULL)
                """, arguments: [workspaceID])
            while let row = try posts.next() {
                guard let i = index[row[0]] else { continue }
                let millis: Int64 = row[1]
                activities[i].add(at: millis / 1000, text: "", isRepost: false, urls: 0, hashtags: 0, sourceKind: nil,
                                  likes: row[2], replies: row[3], reposts: row[4])
            }
            return activities.filter { !$0.recentEngagement.isEmpty }
        }
    }
}
