import Foundation
import GRDB
import VigieCore

/// `PrivacyStore`: finding a data subject and reading everything held about them (Art. 15).
extension SQLiteStore {
    public func findSubjects(_ search: SubjectSearch, workspace: String, limit: Int) async throws -> [SubjectMatch] {
        try validate(workspace: workspace)
        let text = search.normalizedText
        guard !text.isEmpty else { return [] }
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var platformClause = ""
            var arguments: StatementArguments = [workspaceID]
            if let platform = search.platform { platformClause = "AND platform = ?"; arguments += [platform.rawValue] }
            let condition: String
            switch search.kind {
            case .handle:
                condition = "instr(handle_lower, ?) > 0 ORDER BY handle_lower = ? DESC, length(handle_lower)"
                arguments += [text, text]
            case .platformID:
                condition = "platform_id = ? ORDER BY id"
                arguments += [text]
            case .displayName:
                condition = "instr(lower(display_name), ?) > 0 ORDER BY lower(display_name) = ? DESC, length(display_name)"
                arguments += [text, text]
            case .mention:
                // People named in others' posts: by the handle a post mentions, or by their full name.
                condition = """
                    (handle_lower IN (SELECT handle_lower FROM post_mention WHERE handle_lower = ?) OR lower(display_name) = ?)
                    ORDER BY id
                    """
                arguments += [text, text]
            }
            arguments += [limit]
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, platform, platform_id, handle, handle_lower, display_name, observed_at FROM account
                WHERE workspace_id = ? \(platformClause) AND \(condition) LIMIT ?
                """, arguments: arguments)
            return try rows.compactMap { row -> SubjectMatch? in
                guard let platform = Platform(rawValue: row["platform"]) else { return nil }
                let rowID: Int64 = row["id"]
                let key = AccountKey(platform: platform, platformID: row["platform_id"])
                let handleLower: String? = row["handle_lower"]
                let posts = try Int.fetchOne(db, sql: "SELECT count(*) FROM post WHERE author_account_id = ?", arguments: [rowID]) ?? 0
                let interactions = try Int.fetchOne(db, sql: """
                    SELECT (SELECT count(*) FROM interaction WHERE source_account_id = ?)
                         + (SELECT count(*) FROM interaction WHERE target_account_id = ?)
                    """, arguments: [rowID, rowID]) ?? 0
                // Through the handle and naming indexes: as one condition, the planner read every
                // post of the workspace (seconds on a large store, before each erasure too).
                let mentionedIn = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM (\(SubjectRows.mentionsByHandleQuery) UNION \(SubjectRows.mentionsByIDQuery))
                    """, arguments: [handleLower ?? "", workspaceID, platform.rawValue,
                                     key.platformID, workspaceID, platform.rawValue]) ?? 0
                let observedAt: Int64? = row["observed_at"]
                return SubjectMatch(key: key, handle: row["handle"], displayName: row["display_name"], matchedBy: search.kind,
                                    posts: posts, interactions: interactions, mentionedIn: mentionedIn,
                                    isStub: observedAt == nil && row["display_name"] == nil)
            }
        }
    }

    public func subjectRecords(_ account: AccountKey, workspace: String) async throws -> SubjectRecords? {
        try validate(workspace: workspace)
        return try await read { db in
            guard let subject = try SubjectRows(db, workspace: workspace, key: account), subject.isKnown else { return nil }
            let stored = try subject.account.map(Account.init(row:))
                ?? Account(platform: account.platform, platformID: account.platformID, handle: subject.handleLower)
            var records = SubjectRecords(workspace: workspace, account: stored)
            let rows = subject.rowList
            records.metricHistory = try Row.fetchAll(db, sql: """
                SELECT observed_at, followers, following, posts_count FROM account_metrics WHERE account_id IN (\(rows))
                ORDER BY observed_at
                """).map { row in
                MetricSnapshot(at: Date(unixMillis: row["observed_at"]), followers: row["followers"],
                               following: row["following"], postsCount: row["posts_count"])
            }
            let postRows = try Row.fetchAll(db, sql: """
                \(PostDecoding.select) WHERE post.author_account_id IN (\(rows)) ORDER BY post.created_at, post.id
                """)
            for start in stride(from: 0, to: postRows.count, by: 500) {
                records.posts += try PostDecoding.posts(from: Array(postRows[start..<min(start + 500, postRows.count)]), db: db)
            }
            records.versions = try Row.fetchAll(db, sql: """
                SELECT post.platform_id AS post_id, post_version.* FROM post_version JOIN post ON post.id = post_version.post_id
                WHERE post.author_account_id IN (\(rows)) ORDER BY post.id, post_version.created_at
                """).map { row in
                let editedAt: Int64? = row["edited_at"]
                return SubjectRecords.VersionRecord(postID: row["post_id"], versionID: row["version_platform_id"],
                                                    text: row["text"], createdAt: Date(unixMillis: row["created_at"]),
                                                    editedAt: editedAt.map(Date.init(unixMillis:)))
            }
            records.interactionsMade = try Self.interactions(db, ownColumn: "source_account_id", otherColumn: "target_account_id", rows: rows)
            records.interactionsReceived = try Self.interactions(db, ownColumn: "target_account_id", otherColumn: "source_account_id", rows: rows)
            let namingIDs = try subject.namingPostRowIDs(db)
            for start in stride(from: 0, to: namingIDs.count, by: 500) {
                let chunk = SubjectRows.list(Array(namingIDs[start..<min(start + 500, namingIDs.count)]))
                records.mentionedIn += try Row.fetchAll(db, sql: """
                    SELECT post.platform_id, post.created_at, account.platform, account.platform_id AS author FROM post
                    JOIN account ON account.id = post.author_account_id WHERE post.id IN (\(chunk))
                    """).map { row in
                    SubjectRecords.MentionRecord(postID: row["platform_id"],
                                                 author: AccountKey(platform: account.platform, platformID: row["author"]),
                                                 at: Date(unixMillis: row["created_at"]))
                }
            }
            records.watchMatches = try Row.fetchAll(db, sql: """
                SELECT watch.name, post.platform_id FROM watch_match JOIN watch ON watch.id = watch_match.watch_id
                JOIN post ON post.id = watch_match.post_id WHERE post.author_account_id IN (\(rows))
                ORDER BY watch.name, post.created_at
                """).map { SubjectRecords.WatchMatchRecord(watch: $0["name"], postID: $0["platform_id"]) }
            records.alerts = try Self.namingAlerts(db, subject: subject).map { row in
                SubjectRecords.AlertRecord(id: row["id"], rule: row["rule"], firedAt: Date(unixMillis: row["fired_at"]),
                                           summary: row["summary"])
            }
            records.tombstones = try Self.namingTombstones(db, subject: subject).compactMap { row in
                guard let target = Tombstone.Target(rawValue: row["target"]) else { return nil }
                let deletedAt: Int64? = row["deleted_at"]
                return Tombstone(platform: account.platform, target: target, platformID: row["platform_id"],
                                 accountID: row["account_platform_id"], deletedAt: deletedAt.map(Date.init(unixMillis:)),
                                 reason: row["reason"])
            }
            if let condition = subject.rejectCondition() {
                records.rejects = try Row.fetchAll(db, sql: """
                    SELECT file, line, reason, excerpt FROM reject WHERE workspace_id = ? AND \(condition.sql) ORDER BY file, line
                    """, arguments: [subject.workspaceID] + condition.arguments).map { row in
                    SubjectRecords.RejectRecord(file: row["file"], line: row["line"], reason: row["reason"], excerpt: row["excerpt"])
                }
            }
            records.campaigns = try Self.campaignRecords(db, subject: subject)
            records.links = try Self.linkRecords(db, subject: subject)
            return records
        }
    }

    public func subjectHash(_ account: AccountKey, workspace: String) async throws -> String {
        try validate(workspace: workspace)
        return try await write { db in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            return SuppressionList(key: try PrivacyKeys.key(db, workspaceID: workspaceID)).hash(account)
        }
    }

    public func isSuppressed(_ account: AccountKey, workspace: String) async throws -> Bool {
        try validate(workspace: workspace)
        return try await read { db in
            try PrivacyKeys.suppressionList(db, workspace: workspace)?.suppresses(account) ?? false
        }
    }

    public func erasureReceipts(workspace: String, limit: Int) async throws -> [ErasureReceipt] {
        try validate(workspace: workspace)
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT * FROM erasure_receipt WHERE workspace_id = ? ORDER BY id DESC LIMIT ?
                """, arguments: [workspaceID, limit]).map { row in
                let counts: String = row["counts"]
                let durationMS: Int64 = row["duration_ms"]
                return ErasureReceipt(
                    id: row["id"], workspace: workspace, subjectHash: row["subject_hash"],
                    platform: Platform(rawValue: row["platform"]) ?? .other, erasedAt: Date(unixMillis: row["erased_at"]),
                    actor: row["actor"], reason: row["reason"],
                    counts: (try? JSONDecoder().decode([String: Int].self, from: Data(counts.utf8))) ?? [:],
                    compacted: row["compacted"], durationSeconds: Double(durationMS) / 1000)
            }
        }
    }

    // MARK: Shared with the erasure

    private static func interactions(_ db: Database, ownColumn: String, otherColumn: String,
                                     rows: String) throws -> [SubjectRecords.InteractionRecord] {
        try Row.fetchAll(db, sql: """
            SELECT interaction.kind, interaction.target_post_platform_id, interaction.via_platform_id, interaction.at,
                   other.platform AS other_platform, other.platform_id AS other_id, other.handle AS other_handle
            FROM interaction LEFT JOIN account AS other ON other.id = interaction.\(otherColumn)
            WHERE interaction.\(ownColumn) IN (\(rows)) ORDER BY interaction.at, interaction.id
            """).compactMap { row -> SubjectRecords.InteractionRecord? in
            guard let kind = Interaction.Kind(rawValue: row["kind"]) else { return nil }
            let platform: String? = row["other_platform"]
            let otherID: String? = row["other_id"]
            var counterpart: AccountKey?
            if let platform = platform.flatMap(Platform.init(rawValue:)), let otherID {
                counterpart = AccountKey(platform: platform, platformID: otherID)
            }
            return SubjectRecords.InteractionRecord(kind: kind, counterpart: counterpart, counterpartHandle: row["other_handle"],
                                                    targetPostID: row["target_post_platform_id"], viaID: row["via_platform_id"],
                                                    at: Date(unixMillis: row["at"]))
        }
    }

    /// The campaigns listing the subject among their influencers.
    private static func campaignRecords(_ db: Database, subject: SubjectRows) throws -> [SubjectRecords.CampaignRecord] {
        try Row.fetchAll(db, sql: """
            SELECT campaign.name, campaign.starts_at, campaign.ends_at, campaign.currency, influencer.handle, influencer.fee_minor
            FROM campaign_influencer AS influencer JOIN campaign ON campaign.id = influencer.campaign_id
            WHERE campaign.workspace_id = ? AND influencer.platform = ? AND influencer.platform_id = ?
            ORDER BY campaign.starts_at, campaign.name
            """, arguments: [subject.workspaceID, subject.key.platform.rawValue, subject.key.platformID]).map { row in
            let fee: Int64? = row["fee_minor"]
            let endsAt: Int64? = row["ends_at"]
            return SubjectRecords.CampaignRecord(
                campaign: row["name"], handle: row["handle"],
                fee: fee.flatMap { minor in Currency(code: row["currency"]).map { Money(minorUnits: minor, currency: $0) } },
                startsAt: Date(unixMillis: row["starts_at"]), endsAt: endsAt.map(Date.init(unixMillis:)))
        }
    }

    /// The short links made for the subject, with their click and conversion totals (the daily
    /// counters hold every click, raw or folded: see `ClickCounters`).
    private static func linkRecords(_ db: Database, subject: SubjectRows) throws -> [SubjectRecords.LinkRecord] {
        try Row.fetchAll(db, sql: """
            SELECT link.id, link.code, link.target, link.channel, link.created_at, campaign.name AS campaign,
                   (SELECT coalesce(sum(clicks), 0) FROM link_click_day WHERE link_id = link.id) AS clicks
            FROM short_link AS link JOIN campaign ON campaign.id = link.campaign_id
            WHERE link.workspace_id = ? AND link.influencer_platform = ? AND link.influencer_platform_id = ?
            ORDER BY link.id
            """, arguments: [subject.workspaceID, subject.key.platform.rawValue, subject.key.platformID]).map { row in
            let linkID: Int64 = row["id"]
            var conversions = 0
            var value: [Money] = []
            for sum in try Row.fetchAll(db, sql: """
                SELECT currency, count(*) AS n, sum(value_minor) AS total FROM conversion WHERE link_id = ? GROUP BY currency ORDER BY currency
                """, arguments: [linkID]) {
                conversions += sum["n"] as Int
                if let currency = Currency(code: sum["currency"]) { value.append(Money(minorUnits: sum["total"], currency: currency)) }
            }
            return SubjectRecords.LinkRecord(code: row["code"], campaign: row["campaign"], target: row["target"],
                                             channel: row["channel"], createdAt: Date(unixMillis: row["created_at"]),
                                             clicks: row["clicks"], conversions: conversions, conversionValue: value)
        }
    }

    static func namingAlerts(_ db: Database, subject: SubjectRows) throws -> [Row] {
        try Row.fetchAll(db, sql: """
            SELECT fired_alert.id, fired_alert.fired_at, fired_alert.summary, fired_alert.alert, fired_alert.payload,
                   alert_rule.name AS rule
            FROM fired_alert JOIN alert_rule ON alert_rule.id = fired_alert.rule_id
            WHERE alert_rule.workspace_id = ? ORDER BY fired_alert.id
            """, arguments: [subject.workspaceID]).filter { row in
            subject.isNamed(inJSON: row["alert"]) || subject.isNamed(inJSON: row["payload"]) || subject.isNamed(inJSON: row["summary"])
        }
    }

    static func namingTombstones(_ db: Database, subject: SubjectRows) throws -> [Row] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM tombstone WHERE workspace_id = ? AND platform = ?
            AND (account_platform_id = ? OR platform_id = ? OR target IN ('post', 'repost', 'like'))
            """, arguments: [subject.workspaceID, subject.key.platform.rawValue, subject.key.platformID, subject.key.platformID])
        return rows.filter { row in
            let accountID: String? = row["account_platform_id"]
            let platformID: String = row["platform_id"]
            return accountID == subject.key.platformID || platformID == subject.key.platformID
                || subject.postIDs.contains(platformID)
        }
    }
}
