import Foundation
import GRDB
import VigieCore

extension SQLiteStore: CampaignStore {
    // MARK: Campaigns

    public func addCampaign(_ campaign: Campaign, workspace: String) async throws {
        try validate(workspace: workspace)
        try await write { db in
            try db.execute(sql: "INSERT INTO workspace(name) VALUES (?) ON CONFLICT(name) DO NOTHING", arguments: [workspace])
            let workspaceID = try Self.workspaceID(db, workspace)!
            if try Self.campaignID(db, workspaceID, campaign.name) != nil {
                throw StoreError(code: .alreadyExists, location: self.path, message:
                    "a campaign named '\(campaign.name)' already exists in workspace '\(workspace)': choose another name")
            }
            try db.execute(sql: """
                INSERT INTO campaign(workspace_id, name, objective, starts_at, ends_at, budget_minor, currency, watch, link_base, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspaceID, campaign.name, campaign.objective.rawValue, campaign.startsAt.unixMillis,
                                 campaign.endsAt?.unixMillis, campaign.budget?.minorUnits, campaign.currency.code, campaign.watch,
                                 campaign.linkBase, campaign.createdAt.unixMillis])
            try Self.saveInfluencers(campaign, campaignID: db.lastInsertedRowID, db: db)
        }
    }

    @discardableResult
    public func updateCampaign(_ campaign: Campaign, workspace: String) async throws -> Bool {
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let campaignID = try Self.campaignID(db, workspaceID, campaign.name) else { return false }
            try db.execute(sql: """
                UPDATE campaign SET objective = ?, starts_at = ?, ends_at = ?, budget_minor = ?, currency = ?, watch = ?, link_base = ?
                WHERE id = ?
                """, arguments: [campaign.objective.rawValue, campaign.startsAt.unixMillis, campaign.endsAt?.unixMillis,
                                 campaign.budget?.minorUnits, campaign.currency.code, campaign.watch, campaign.linkBase, campaignID])
            try db.execute(sql: "DELETE FROM campaign_influencer WHERE campaign_id = ?", arguments: [campaignID])
            try Self.saveInfluencers(campaign, campaignID: campaignID, db: db)
            return true
        }
    }

    public func campaigns(workspace: String) async throws -> [Campaign] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM campaign WHERE workspace_id = ? ORDER BY starts_at, name",
                                    arguments: [workspaceID]).map { try self.campaign($0, db: db) }
        }
    }

    public func campaign(named name: String, workspace: String) async throws -> Campaign? {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM campaign WHERE workspace_id = ? AND name = ?",
                                    arguments: [workspaceID, name]).map { try self.campaign($0, db: db) }
        }
    }

    // MARK: Links

    public func addLink(_ link: ShortLink, workspace: String) async throws {
        let utm = try Self.campaignJSON(link.utm)
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let campaignID = try Self.campaignID(db, workspaceID, link.campaign) else {
                throw StoreError(code: .notFound, location: self.path, message:
                    "no campaign named '\(link.campaign)' in workspace '\(workspace)': add the campaign first")
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM short_link WHERE code = ?)", arguments: [link.code]) == true {
                throw StoreError(code: .alreadyExists, location: self.path, message: "the short code '\(link.code)' is taken: make another")
            }
            try db.execute(sql: """
                INSERT INTO short_link(workspace_id, campaign_id, code, target, utm, influencer_platform, influencer_platform_id,
                                       channel, permanent, click_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspaceID, campaignID, link.code, link.target, utm, link.influencer?.platform.rawValue,
                                 link.influencer?.platformID, link.channel, link.permanent, link.appendsClickID,
                                 link.createdAt.unixMillis])
        }
    }

    public func links(workspace: String, campaign: String?) async throws -> [ShortLink] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return [] }
            var sql = """
                SELECT l.*, c.name AS campaign_name FROM short_link l JOIN campaign c ON c.id = l.campaign_id
                WHERE l.workspace_id = ?
                """
            var arguments: StatementArguments = [workspaceID]
            if let campaign {
                sql += " AND c.name = ?"
                arguments += [campaign]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY l.id", arguments: arguments).map { try self.shortLink($0) }
        }
    }

    public func resolveLink(code: String) async throws -> ResolvedLink? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT l.*, c.name AS campaign_name, w.name AS workspace_name
                FROM short_link l JOIN campaign c ON c.id = l.campaign_id JOIN workspace w ON w.id = l.workspace_id
                WHERE l.code = ?
                """, arguments: [code]).map { ResolvedLink(workspace: $0["workspace_name"], link: try self.shortLink($0)) }
        }
    }

    // MARK: Clicks

    @discardableResult
    public func recordClicks(_ clicks: [LinkClick]) async throws -> Int {
        guard !clicks.isEmpty else { return 0 }
        return try await write { db in
            var linkIDs: [String: Int64?] = [:]
            let find = try db.cachedStatement(sql: "SELECT id FROM short_link WHERE code = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO link_click(link_id, at_s, visitor, click_id, kind, source, referrer_domain, device, country)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            var stored = 0
            // The counters go in the same transaction as the clicks: a report never sees one
            // without the other, and the redirector still pays one commit per batch.
            var counters = try ClickCounters.Batch(db)
            for click in clicks {
                let linkID: Int64?
                if let known = linkIDs[click.code] {
                    linkID = known
                } else {
                    linkID = try Int64.fetchOne(find, arguments: [click.code])
                    linkIDs[click.code] = linkID
                }
                guard let linkID else { continue }
                let atSeconds = Int64(click.at.timeIntervalSince1970)
                try insert.execute(arguments: [linkID, atSeconds, click.visitor, click.clickID,
                                               click.kind.rawValue, click.source, click.referrerDomain, click.device.rawValue,
                                               click.country])
                // A click id seen before stores nothing and counts nothing.
                guard db.changesCount > 0 else { continue }
                stored += 1
                try counters.count(click, linkID: linkID, atSeconds: atSeconds, db: db)
            }
            try counters.save(db)
            return stored
        }
    }

    public func click(id clickID: String) async throws -> ClickReference? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT w.name AS workspace, l.code, k.at_s, k.visitor FROM link_click k
                JOIN short_link l ON l.id = k.link_id JOIN workspace w ON w.id = l.workspace_id
                WHERE k.click_id = ?
                """, arguments: [clickID]).map(Self.clickReference)
        }
    }

    public func lastClick(code: String, visitor: String, notBefore: Date) async throws -> ClickReference? {
        let known: StatementArguments = [code, Int64(notBefore.timeIntervalSince1970.rounded(.down)), visitor]
        let arguments = known + Self.humanKinds
        return try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT w.name AS workspace, l.code, k.at_s, k.visitor FROM link_click k
                JOIN short_link l ON l.id = k.link_id JOIN workspace w ON w.id = l.workspace_id
                WHERE l.code = ? AND k.at_s >= ? AND k.visitor = ? AND k.kind IN (?, ?, ?, ?)
                ORDER BY k.at_s DESC, k.id DESC LIMIT 1
                """, arguments: arguments).map(Self.clickReference)
        }
    }

    // MARK: Conversions

    public func recordConversion(_ conversion: Conversion, workspace: String) async throws -> Bool {
        try validate(workspace: workspace)
        return try await write { db in
            try db.execute(sql: "INSERT INTO workspace(name) VALUES (?) ON CONFLICT(name) DO NOTHING", arguments: [workspace])
            let workspaceID = try Self.workspaceID(db, workspace)!
            var linkID: Int64?
            if let code = conversion.code {
                linkID = try Int64.fetchOne(db, sql: "SELECT id FROM short_link WHERE code = ? AND workspace_id = ?",
                                            arguments: [code, workspaceID])
                guard linkID != nil else {
                    throw StoreError(code: .notFound, location: self.path, message: "no link '\(code)' in workspace '\(workspace)'")
                }
            }
            try db.execute(sql: """
                INSERT INTO conversion(workspace_id, idempotency_key, at, value_minor, currency, link_id, click_at_s)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(workspace_id, idempotency_key) DO NOTHING
                """, arguments: [workspaceID, conversion.idempotencyKey, conversion.at.unixMillis, conversion.value.minorUnits,
                                 conversion.value.currency.code, linkID, conversion.clickAt.map { Int64($0.timeIntervalSince1970) }])
            return db.changesCount > 0
        }
    }

    public func conversions(workspace: String, campaign: String) async throws -> [Conversion] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let campaignID = try Self.campaignID(db, workspaceID, campaign) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT v.*, l.code FROM conversion v JOIN short_link l ON l.id = v.link_id
                WHERE l.campaign_id = ? ORDER BY v.at, v.id
                """, arguments: [campaignID]).map { row in
                    let code: String = row["currency"]
                    guard let currency = Currency(code: code) else {
                        throw StoreError(code: .unreadableData, location: self.path, message: "a stored conversion has currency '\(code)'")
                    }
                    let clickAt: Int64? = row["click_at_s"]
                    return Conversion(idempotencyKey: row["idempotency_key"], at: Date(unixMillis: row["at"]),
                                      value: Money(minorUnits: row["value_minor"], currency: currency), code: row["code"],
                                      clickAt: clickAt.map { Date(timeIntervalSince1970: TimeInterval($0)) })
                }
        }
    }

    // MARK: Traffic and retention

    public func linkTraffic(workspace: String, campaign: String) async throws -> [LinkTraffic] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  let campaignID = try Self.campaignID(db, workspaceID, campaign) else { return [] }
            let links = try Row.fetchAll(db, sql: "SELECT id, code FROM short_link WHERE campaign_id = ? ORDER BY id",
                                         arguments: [campaignID]).map { (id: $0[0] as Int64, code: $0[1] as String) }
            // Only the counters are read (see ``ClickCounters``): a few rows per link and day.
            var traffic: [LinkTraffic] = []
            for link in links {
                var counts: [TrafficCount] = []
                for row in try Row.fetchAll(db, sql: """
                    SELECT kind, source, sum(clicks) FROM link_click_day WHERE link_id = ? GROUP BY kind, source
                    """, arguments: [link.id]) {
                    // A class this version does not know (written by a newer one) is left out.
                    guard let kind = ClickClass(rawValue: row[0]) else { continue }
                    let source: String = row[1]
                    counts.append(TrafficCount(code: link.code, kind: kind, source: source.isEmpty ? nil : source, clicks: row[2]))
                }
                let visitors = try Int.fetchOne(db, sql: "SELECT coalesce(sum(visitors), 0) FROM link_visitor_day WHERE link_id = ?",
                                                arguments: [link.id]) ?? 0
                counts.sort { ($0.kind.rawValue, $0.source ?? "") < ($1.kind.rawValue, $1.source ?? "") }
                traffic.append(LinkTraffic(code: link.code, counts: counts, uniqueVisitors: visitors))
            }
            return traffic
        }
    }

    @discardableResult
    public func compactClicks(before: Date, workspace: String) async throws -> Int {
        // Whole days only: a day is folded once, when all of it is older than `before`.
        let lastDay = Int64(before.timeIntervalSince1970.rounded(.down)) / 86_400
        let limit = lastDay * 86_400
        return try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return 0 }
            // The counters already hold these clicks (they are kept at write time): folding is
            // deleting the detail. The day's visitor keys go too, as the raw clicks' did before.
            let links = "link_id IN (SELECT id FROM short_link WHERE workspace_id = ?)"
            try db.execute(sql: "DELETE FROM link_visitor_key WHERE \(links) AND day < ?", arguments: [workspaceID, lastDay])
            try db.execute(sql: "DELETE FROM link_click WHERE \(links) AND at_s < ?", arguments: [workspaceID, limit])
            return db.changesCount
        }
    }

    // MARK: Rows

    /// The four classes of people's visits, as SQL arguments (`kind IN (?, ?, ?, ?)`).
    static var humanKinds: StatementArguments {
        StatementArguments(ClickClass.allCases.filter(\.isHuman).map(\.rawValue))
    }

    static func campaignID(_ db: Database, _ workspaceID: Int64, _ name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM campaign WHERE workspace_id = ? AND name = ?", arguments: [workspaceID, name])
    }

    private static func saveInfluencers(_ campaign: Campaign, campaignID: Int64, db: Database) throws {
        for (position, influencer) in campaign.influencers.enumerated() {
            try db.execute(sql: """
                INSERT INTO campaign_influencer(campaign_id, position, platform, platform_id, handle, fee_minor)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [campaignID, position, influencer.account.platform.rawValue, influencer.account.platformID,
                                 influencer.handle, influencer.fee?.minorUnits])
        }
    }

    private func campaign(_ row: Row, db: Database) throws -> Campaign {
        let name: String = row["name"]
        let currencyCode: String = row["currency"]
        let objectiveText: String = row["objective"]
        guard let currency = Currency(code: currencyCode), let objective = Campaign.Objective(rawValue: objectiveText) else {
            throw StoreError(code: .unreadableData, location: path, message:
                "campaign '\(name)' has a currency or objective this version of vigie does not know")
        }
        let influencers = try Row.fetchAll(db, sql: """
            SELECT * FROM campaign_influencer WHERE campaign_id = ? ORDER BY position
            """, arguments: [row["id"] as Int64]).map { influencer -> CampaignInfluencer in
                let platformText: String = influencer["platform"]
                guard let platform = Platform(rawValue: platformText) else {
                    throw StoreError(code: .unreadableData, location: path, message: "campaign '\(name)' names an unknown platform")
                }
                let fee: Int64? = influencer["fee_minor"]
                return CampaignInfluencer(account: AccountKey(platform: platform, platformID: influencer["platform_id"]),
                                          handle: influencer["handle"], fee: fee.map { Money(minorUnits: $0, currency: currency) })
            }
        let budget: Int64? = row["budget_minor"]
        let endsAt: Int64? = row["ends_at"]
        return Campaign(name: name, objective: objective, startsAt: Date(unixMillis: row["starts_at"]),
                        endsAt: endsAt.map(Date.init(unixMillis:)), budget: budget.map { Money(minorUnits: $0, currency: currency) },
                        currency: currency, influencers: influencers, watch: row["watch"], linkBase: row["link_base"],
                        createdAt: Date(unixMillis: row["created_at"]))
    }

    private func shortLink(_ row: Row) throws -> ShortLink {
        let code: String = row["code"]
        let utm = try Self.decodeCampaignJSON(UTMParameters.self, row["utm"], location: path, what: "UTM parameters of link '\(code)'")
        var influencer: AccountKey?
        if let platformText: String = row["influencer_platform"] {
            guard let platform = Platform(rawValue: platformText) else {
                throw StoreError(code: .unreadableData, location: path, message: "link '\(code)' names an unknown platform")
            }
            influencer = AccountKey(platform: platform, platformID: row["influencer_platform_id"])
        }
        return ShortLink(code: code, campaign: row["campaign_name"], influencer: influencer, channel: row["channel"],
                         target: row["target"], utm: utm, permanent: row["permanent"], appendsClickID: row["click_id"],
                         createdAt: Date(unixMillis: row["created_at"]))
    }

    private static func clickReference(_ row: Row) -> ClickReference {
        ClickReference(workspace: row["workspace"], code: row["code"],
                       at: Date(timeIntervalSince1970: TimeInterval(row["at_s"] as Int64)), visitor: row["visitor"])
    }

    private static func campaignJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decodeCampaignJSON<T: Decodable>(_ type: T.Type, _ json: String, location: String, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch {
            throw StoreError(code: .unreadableData, location: location, message: "the stored \(what) cannot be read by this version of vigie")
        }
    }
}
