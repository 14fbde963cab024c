import Foundation
import GRDB
import VigieCore

extension SQLiteStore: TrustStore {
    /// Reads accounts, then posts, then interactions, each in one sequential scan; accounts are
    /// addressed by dense integer indexes, never by per-account queries.
    public func trustSubjects(workspace: String) async throws -> [TrustSubject] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var subjects: [TrustSubject] = []
            var index: [Int64: Int] = [:]
            let accounts = try Row.fetchCursor(db, sql: "SELECT * FROM account WHERE workspace_id = ? ORDER BY id",
                                               arguments: [workspaceID])
            var bios: [String: Int] = [:]
            while let row = try accounts.next() {
                let id: Int64 = row["id"]
                let account = try Account(row: row)
                index[id] = subjects.count
                if let bio = account.bio?.trimmingCharacters(in: .whitespacesAndNewlines), !bio.isEmpty {
                    bios[bio, default: 0] += 1
                }
                subjects.append(TrustSubject(account: account))
            }
            for i in subjects.indices {
                if let bio = subjects[i].account.bio?.trimmingCharacters(in: .whitespacesAndNewlines) {
                    subjects[i].bioSharedWith = bio.isEmpty ? 0 : (bios[bio] ?? 1) - 1
                }
            }

            var activities = [PostingActivity](repeating: PostingActivity(), count: subjects.count)
            // A workspace has a few hundred application names at most: classify each once.
            var sourceKinds: [String: SourceApplication] = [:]
            let posts = try Row.fetchCursor(db, sql: "\(Self.trustPostColumns) WHERE p.workspace_id = ?",
                                            arguments: [workspaceID])
            while let row = try posts.next() {
                guard let i = index[row[0]] else { continue }
                Self.addTrustPost(row, to: &activities[i], kinds: &sourceKinds)
            }
            for i in subjects.indices where activities[i].posts > 0 {
                let activity = activities[i]
                subjects[i].activity = activity
                if let last = activity.times.max() {
                    subjects[i].referenceDate = Date(timeIntervalSince1970: TimeInterval(last))
                }
            }

            // Distinct (source, target) pairs as one integer each: dense indexes fit in 32 bits.
            var pairs = Set<UInt64>()
            var received = [[Interaction.Kind: Int]](repeating: [:], count: subjects.count)
            let edges = try Row.fetchCursor(db, sql: """
                SELECT source_account_id, target_account_id, kind FROM interaction
                WHERE workspace_id = ? AND target_account_id IS NOT NULL
                """, arguments: [workspaceID])
            while let row = try edges.next() {
                guard let s = index[row[0]], let t = index[row[1]], s != t else { continue }
                pairs.insert(UInt64(s) << 32 | UInt64(t))
                if let kind = Interaction.Kind(rawValue: row[2]) { received[t][kind, default: 0] += 1 }
            }
            var targets = [Int](repeating: 0, count: subjects.count)
            var reciprocated = [Int](repeating: 0, count: subjects.count)
            for pair in pairs {
                let s = Int(pair >> 32), t = Int(pair & 0xFFFF_FFFF)
                targets[s] += 1
                if pairs.contains(UInt64(t) << 32 | UInt64(s)) { reciprocated[s] += 1 }
            }
            for i in subjects.indices where targets[i] > 0 || !received[i].isEmpty {
                subjects[i].graph = GraphActivity(targets: targets[i], reciprocated: reciprocated[i], received: received[i])
            }
            return subjects
        }
    }

    /// The post columns trust scoring reads: author, time, text, repost flag, application,
    /// counts, and the numbers of links and hashtags.
    static let trustPostColumns = """
        SELECT p.author_account_id, p.created_at, p.text, p.repost_of_platform_id IS NOT NULL,
               p.source, p.likes, p.replies, p.reposts,
               (SELECT COUNT(*) FROM post_url AS u WHERE u.post_id = p.id),
               (SELECT COUNT(*) FROM post_hashtag AS h WHERE h.post_id = p.id)
        FROM post AS p
        """

    /// Adds one row of `trustPostColumns` to its author's activity; a workspace has a few
    /// hundred application names at most, each classified once (`kinds`).
    static func addTrustPost(_ row: Row, to activity: inout PostingActivity, kinds: inout [String: SourceApplication]) {
        let millis: Int64 = row[1]
        let isRepost: Bool = row[3]
        let text: String = isRepost ? "" : row[2]
        var kind: SourceApplication?
        if let source: String = row[4], !source.isEmpty {
            if let known = kinds[source] {
                kind = known
            } else {
                kind = SourceApplication.classify(source)
                kinds[source] = kind
            }
        }
        activity.add(at: millis / 1000, text: text, isRepost: isRepost, urls: row[8], hashtags: row[9],
                     sourceKind: kind, likes: row[5], replies: row[6], reposts: row[7])
    }

    public func engagements(workspace: String, account: AccountKey) async throws -> [Engagement] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let accountID = try Self.accountRowIDs(db, workspaceID: workspaceID, keys: [account]).first else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT source.platform, source.platform_id, i.kind, i.target_post_platform_id, i.at
                FROM interaction AS i JOIN account AS source ON source.id = i.source_account_id
                WHERE i.target_account_id = ? AND i.workspace_id = ? AND i.kind IN ('like', 'repost', 'reply', 'quote', 'follow')
                  AND i.source_account_id <> i.target_account_id
                """, arguments: [accountID, workspaceID]).compactMap { row in
                guard let source = Self.accountKey(row), let kind = Interaction.Kind(rawValue: row[2]) else { return nil }
                let at: Int64 = row[4]
                return Engagement(source: source, kind: kind, postID: row[3], at: Date(unixMillis: at))
            }
        }
    }

    public func metricSnapshots(workspace: String, account: AccountKey) async throws -> [MetricSnapshot] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let accountID = try Self.accountRowIDs(db, workspaceID: workspaceID, keys: [account]).first else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT observed_at, followers, following, posts_count FROM account_metrics
                WHERE account_id = ? ORDER BY observed_at
                """, arguments: [accountID]).map { row in
                let at: Int64 = row[0]
                return MetricSnapshot(at: Date(unixMillis: at), followers: row[1], following: row[2], postsCount: row[3])
            }
        }
    }
}
