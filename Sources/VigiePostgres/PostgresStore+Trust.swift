import Foundation
import PostgresNIO
import VigieCore

extension PostgresStore: TrustStore {
    /// The post columns trust scoring reads: author, time, text, repost flag, application,
    /// counts, and the numbers of links and hashtags.
    private static let trustPostColumns = """
        SELECT author_account_id, created_at, text, repost_of_platform_id IS NOT NULL, source, likes, replies, reposts,
               cardinality(urls), cardinality(hashtags)
        FROM post
        """
    private typealias TrustPostRow = (Int64, Int64, String, Bool, String?, Int?, Int?, Int?, Int, Int)

    private static func addTrustPost(_ row: TrustPostRow, to activity: inout PostingActivity,
                                     kinds: inout [String: SourceApplication]) {
        let (_, millis, text, isRepost, source, likes, replies, reposts, urls, hashtags) = row
        var kind: SourceApplication?
        if let source, !source.isEmpty {
            if let known = kinds[source] {
                kind = known
            } else {
                kind = SourceApplication.classify(source)
                kinds[source] = kind
            }
        }
        activity.add(at: millis / 1000, text: isRepost ? "" : text, isRepost: isRepost, urls: urls, hashtags: hashtags,
                     sourceKind: kind, likes: likes, replies: replies, reposts: reposts)
    }

    private func accountRows(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [(Int64, Account)] {
        try await rows(connection, query).map { (try $0.value("id"), try PostgresAccountColumns.account($0)) }
    }

    public func trustSubjects(workspace: String) async throws -> [TrustSubject] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            let columns = PostgresAccountColumns.all.joined(separator: ", ")
            let accounts = try await self.accountRows(connection, "SELECT id, \(unescaped: columns) FROM account WHERE workspace_id = \(id) ORDER BY id")
            return try await self.subjects(connection, workspaceID: id, accounts: accounts, whole: true)
        }
    }

    public func trustSubjects(workspace: String, accounts keys: [AccountKey]) async throws -> [TrustSubject] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace), !keys.isEmpty else { return [] }
            let columns = PostgresAccountColumns.all.joined(separator: ", ")
            let accounts = try await self.accountRows(connection, """
                SELECT id, \(unescaped: columns) FROM account a
                JOIN unnest(\(keys.map(\.platform.rawValue)), \(keys.map(\.platformID))) AS k(key_platform, key_platform_id)
                  ON a.platform = k.key_platform AND a.platform_id = k.key_platform_id
                WHERE a.workspace_id = \(id) ORDER BY a.id
                """)
            var seen = Set<Int64>()
            return try await self.subjects(connection, workspaceID: id, accounts: accounts.filter { seen.insert($0.0).inserted }, whole: false)
        }
    }

    /// The subjects of `accounts`: their posting behaviour, shared bios and reciprocity. With
    /// `whole`, the accounts are the whole workspace and posts and edges are read in one pass each.
    private func subjects(_ connection: PostgresConnection, workspaceID id: Int64, accounts: [(Int64, Account)],
                          whole: Bool) async throws -> [TrustSubject] {
        var subjects = accounts.map { TrustSubject(account: $0.1) }
        var index: [Int64: Int] = [:]
        for (position, account) in accounts.enumerated() { index[account.0] = position }
        guard !subjects.isEmpty else { return [] }
        let ids = accounts.map(\.0)
        // Shared bios: counted over the whole workspace.
        var bios: [String: Int] = [:]
        for try await bio in try await connection.query("""
            SELECT bio FROM account WHERE workspace_id = \(id) AND bio IS NOT NULL AND bio <> ''
            """, logger: logger).decode(String.self) {
            let trimmed = bio.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { bios[trimmed, default: 0] += 1 }
        }
        for i in subjects.indices {
            if let bio = subjects[i].account.bio?.trimmingCharacters(in: .whitespacesAndNewlines) {
                subjects[i].bioSharedWith = bio.isEmpty ? 0 : max((bios[bio] ?? 1) - 1, 0)
            }
        }
        var activities = [PostingActivity](repeating: PostingActivity(), count: subjects.count)
        var sourceKinds: [String: SourceApplication] = [:]
        let authorFilter = whole ? "" : " AND author_account_id = ANY($2)"
        var postBinds = PostgresBindings()
        postBinds.append(id)
        if !whole { postBinds.append(ids) }
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: """
            \(Self.trustPostColumns) WHERE workspace_id = $1\(authorFilter) ORDER BY id
            """, binds: postBinds), logger: logger).decode(TrustPostRow.self) {
            guard let i = index[row.0] else { continue }
            Self.addTrustPost(row, to: &activities[i], kinds: &sourceKinds)
        }
        var outgoing = [Set<Int64>](repeating: [], count: subjects.count)
        var incoming = [Set<Int64>](repeating: [], count: subjects.count)
        var received = [[Interaction.Kind: Int]](repeating: [:], count: subjects.count)
        let edgeFilter = whole ? "" : " AND (source_account_id = ANY($2) OR target_account_id = ANY($2))"
        for try await (source, target, kind) in try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT source_account_id, target_account_id, kind FROM interaction
            WHERE workspace_id = $1 AND target_account_id IS NOT NULL\(edgeFilter)
            """, binds: postBinds), logger: logger).decode((Int64, Int64, String).self) {
            guard source != target else { continue }
            if let s = index[source] { outgoing[s].insert(target) }
            if let t = index[target] {
                incoming[t].insert(source)
                if let kind = Interaction.Kind(rawValue: kind) { received[t][kind, default: 0] += 1 }
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

    public func accountKeys(workspace: String, handle: String) async throws -> [AccountKey] {
        let needle = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        return try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            var keys: [AccountKey] = []
            for try await (platform, platformID) in try await connection.query("""
                SELECT DISTINCT platform, platform_id FROM account
                WHERE workspace_id = \(id) AND (handle_lower = \(needle.lowercased()) OR platform_id = \(needle))
                ORDER BY 1, 2
                """, logger: self.logger).decode((String, String).self) {
                if let platform = Platform(rawValue: platform) { keys.append(AccountKey(platform: platform, platformID: platformID)) }
            }
            return keys
        }
    }

    private func accountRowID(_ connection: PostgresConnection, workspaceID: Int64, key: AccountKey) async throws -> Int64? {
        try await one(connection, """
            SELECT id FROM account WHERE workspace_id = \(workspaceID) AND platform = \(key.platform.rawValue) AND platform_id = \(key.platformID)
            """, as: Int64.self)
    }

    public func engagements(workspace: String, account: AccountKey) async throws -> [Engagement] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace),
                  let accountID = try await self.accountRowID(connection, workspaceID: id, key: account) else { return [] }
            var engagements: [Engagement] = []
            for try await (platform, platformID, kind, postID, at) in try await connection.query("""
                SELECT s.platform, s.platform_id, i.kind, i.target_post_platform_id, i.at
                FROM interaction i JOIN account s ON s.workspace_id = i.workspace_id AND s.id = i.source_account_id
                WHERE i.workspace_id = \(id) AND i.target_account_id = \(accountID)
                  AND i.kind IN ('like', 'repost', 'reply', 'quote', 'follow') AND i.source_account_id <> i.target_account_id
                ORDER BY i.id
                """, logger: self.logger).decode((String, String, String, String?, Int64).self) {
                guard let platform = Platform(rawValue: platform), let kind = Interaction.Kind(rawValue: kind) else { continue }
                engagements.append(Engagement(source: AccountKey(platform: platform, platformID: platformID), kind: kind,
                                              postID: postID, at: Date(pgMillis: at)))
            }
            return engagements
        }
    }

    public func metricSnapshots(workspace: String, account: AccountKey) async throws -> [MetricSnapshot] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace),
                  let accountID = try await self.accountRowID(connection, workspaceID: id, key: account) else { return [] }
            var snapshots: [MetricSnapshot] = []
            for try await (at, followers, following, posts) in try await connection.query("""
                SELECT observed_at, followers, following, posts_count FROM account_metrics
                WHERE workspace_id = \(id) AND account_id = \(accountID) ORDER BY observed_at
                """, logger: self.logger).decode((Int64, Int?, Int?, Int?).self) {
                snapshots.append(MetricSnapshot(at: Date(pgMillis: at), followers: followers, following: following, postsCount: posts))
            }
            return snapshots
        }
    }

    public func recentEngagement(workspace: String, tier: InfluenceTier) async throws -> [PostingActivity] {
        try await withConnection { connection in
            guard let id = try await self.workspaceID(connection, workspace) else { return [] }
            var index: [Int64: Int] = [:]
            for try await (accountID, followers) in try await connection.query("""
                SELECT id, followers FROM account WHERE workspace_id = \(id) AND followers IS NOT NULL ORDER BY id
                """, logger: self.logger).decode((Int64, Int).self) {
                if InfluenceTier(followers: followers) == tier { index[accountID] = index.count }
            }
            guard !index.isEmpty else { return [] }
            var activities = [PostingActivity](repeating: PostingActivity(), count: index.count)
            for try await (author, millis, likes, replies, reposts) in try await connection.query("""
                SELECT author_account_id, created_at, likes, replies, reposts FROM post
                WHERE workspace_id = \(id) AND repost_of_platform_id IS NULL
                  AND (likes IS NOT NULL OR replies IS NOT NULL OR reposts IS NOT NULL)
                ORDER BY id
                """, logger: self.logger).decode((Int64, Int64, Int?, Int?, Int?).self) {
                guard let i = index[author] else { continue }
                activities[i].add(at: millis / 1000, text: "", isRepost: false, urls: 0, hashtags: 0, sourceKind: nil,
                                  likes: likes, replies: replies, reposts: reposts)
            }
            return activities.filter { !$0.recentEngagement.isEmpty }
        }
    }
}
