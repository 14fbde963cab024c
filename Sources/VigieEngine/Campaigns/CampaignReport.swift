import Foundation
import VigieCore

/// The figures of a campaign, of one influencer, of one channel or of one link. Amounts are in
/// the campaign's currency; conversions in other currencies are counted apart, never converted.
public struct CampaignFigures: Sendable, Codable, Hashable {
    /// Human visits (dark + social + search + web): bots and previews excluded.
    public var clicks = 0
    /// Distinct visitor keys per UTC day and link, summed.
    public var uniqueVisitors = 0
    /// Messaging apps' preview fetches: private shares.
    public var privateShares = 0
    /// Public networks' card fetches.
    public var publicPreviews = 0
    public var bots = 0
    public var dark = 0
    public var social = 0
    public var search = 0
    public var web = 0
    /// dark / clicks.
    public var darkShare: Double?
    public var conversions = 0
    public var revenue: Double = 0
    /// Conversions in another currency than the campaign's (not in revenue or ROI).
    public var otherCurrencyConversions = 0
    /// What was paid: a fee, the sum of fees, or the budget.
    public var spend: Double?
    public var costPerClick: Double?
    public var costPerConversion: Double?
    public var conversionRate: Double?
    /// (revenue − spend) / spend.
    public var roi: Double?
    /// revenue / spend, to compare with the field's 5.20 per 1 spent.
    public var revenuePerUnitSpent: Double?

    mutating func add(_ count: TrafficCount) {
        switch count.kind {
        case .privatePreview: privateShares += count.clicks
        case .publicPreview: publicPreviews += count.clicks
        case .bot: bots += count.clicks
        case .dark: dark += count.clicks
        case .social: social += count.clicks
        case .search: search += count.clicks
        case .web: web += count.clicks
        }
        if count.kind.isHuman { clicks += count.clicks }
    }

    mutating func add(_ other: CampaignFigures) {
        clicks += other.clicks
        uniqueVisitors += other.uniqueVisitors
        privateShares += other.privateShares
        publicPreviews += other.publicPreviews
        bots += other.bots
        dark += other.dark
        social += other.social
        search += other.search
        web += other.web
        conversions += other.conversions
        revenue += other.revenue
        otherCurrencyConversions += other.otherCurrencyConversions
    }

    /// Fills the ratios from the counts and `spend`.
    mutating func finish(spend: Double?) {
        self.spend = spend
        darkShare = clicks > 0 ? Double(dark) / Double(clicks) : nil
        conversionRate = clicks > 0 ? Double(conversions) / Double(clicks) : nil
        guard let spend, spend > 0 else { return }
        costPerClick = clicks > 0 ? spend / Double(clicks) : nil
        costPerConversion = conversions > 0 ? spend / Double(conversions) : nil
        roi = (revenue - spend) / spend
        revenuePerUnitSpent = revenue / spend
    }
}

/// A campaign's report: totals, each influencer (with fee, reach and audience quality), each
/// channel and each link; where private shares came from; the public posts found; the field's
/// benchmarks beside; and how every figure was computed.
public struct CampaignReport: Sendable, Codable {
    public struct InfluencerLine: Sendable, Codable, Hashable {
        public var handle: String
        public var account: AccountKey
        public var fee: Double?
        public var figures: CampaignFigures
        public var followers: Int?
        public var tier: InfluenceTier?
        public var engagementRate: Double?
        public var tierBenchmarkRate: Double?
        /// Share of the audience judged inauthentic (followers, else engagers), when scored.
        public var suspiciousAudienceShare: Double?
        /// followers × (1 − suspicious share).
        public var authenticityAdjustedReach: Int?
    }

    public struct ChannelLine: Sendable, Codable, Hashable {
        public var channel: String
        public var figures: CampaignFigures
    }

    public struct LinkLine: Sendable, Codable, Hashable {
        public var code: String
        public var shortURL: String?
        public var influencer: String?
        public var channel: String?
        public var figures: CampaignFigures
    }

    public var campaign: Campaign
    public var generatedAt: Date
    public var totals: CampaignFigures
    public var influencers: [InfluencerLine]
    public var channels: [ChannelLine]
    public var links: [LinkLine]
    /// Preview fetches by messaging app (`whatsapp`: 12).
    public var privateSharesByApp: [String: Int]
    /// Human clicks by public network (`instagram`: 40).
    public var socialByNetwork: [String: Int]
    /// Public posts carrying a campaign link, or matching the campaign's watch over its dates.
    public var publicShares: Int?
    /// privateShares / publicShares.
    public var privateToPublicRatio: Double?
    public var benchmarks: Benchmarks
    /// Each figure's name and how it was computed.
    public var explanations: [String: String]
    public var notes: [String]

    public struct Benchmarks: Sendable, Codable, Hashable {
        /// The field's range of dark-social share of traffic (56–84%).
        public var darkShareLow = 0.56
        public var darkShareHigh = 0.84
        /// Private shares for each public one (about 7).
        public var privatePerPublic = 7.0
        /// Revenue per unit spent on influencer marketing (5.20).
        public var revenuePerUnitSpent = 5.20
    }
}

public struct CampaignReportRequest: Sendable, Hashable {
    public var campaign: String
    /// Look up each influencer's audience quality with the trust model (when one is found).
    public var audience: Bool

    public init(campaign: String = "", audience: Bool = true) {
        self.campaign = campaign
        self.audience = audience
    }
}

extension Engine {
    /// The campaign's report, per influencer, channel and link.
    ///
    /// ```swift
    /// let report = try await engine.campaignReport(CampaignReportRequest(campaign: "spring"))
    /// print(report.totals.clicks, report.totals.darkShare ?? 0, report.totals.roi ?? 0)
    /// ```
    public func campaignReport(_ request: CampaignReportRequest, now: Date = Date()) async throws -> CampaignReport {
        let campaign = try await requireCampaign(request.campaign)
        let links = try await store.links(workspace: workspace, campaign: campaign.name)
        let traffic = Dictionary(try await store.linkTraffic(workspace: workspace, campaign: campaign.name).map { ($0.code, $0) }) { a, _ in a }
        let conversions = try await store.conversions(workspace: workspace, campaign: campaign.name)
        try Task.checkCancellation()
        var notes: [String] = []

        var byLink: [String: CampaignFigures] = [:]
        var privateByApp: [String: Int] = [:]
        var socialByNetwork: [String: Int] = [:]
        for link in links {
            var figures = CampaignFigures()
            for count in traffic[link.code]?.counts ?? [] {
                figures.add(count)
                if count.kind == .privatePreview { privateByApp[count.source ?? "other", default: 0] += count.clicks }
                if count.kind == .social { socialByNetwork[count.source ?? "other", default: 0] += count.clicks }
            }
            figures.uniqueVisitors = traffic[link.code]?.uniqueVisitors ?? 0
            byLink[link.code] = figures
        }
        for conversion in conversions {
            guard let code = conversion.code else { continue }
            if conversion.value.currency == campaign.currency {
                byLink[code, default: CampaignFigures()].conversions += 1
                byLink[code, default: CampaignFigures()].revenue += conversion.value.units
            } else {
                byLink[code, default: CampaignFigures()].otherCurrencyConversions += 1
            }
        }

        let linkLines = links.map { link -> CampaignReport.LinkLine in
            var figures = byLink[link.code] ?? CampaignFigures()
            figures.finish(spend: nil)
            let view = Self.view(link, campaign: campaign)
            return CampaignReport.LinkLine(code: link.code, shortURL: view.shortURL, influencer: view.influencer, channel: link.channel,
                                           figures: figures)
        }
        var totals = CampaignFigures()
        for line in linkLines { totals.add(line.figures) }
        totals.finish(spend: campaign.spend?.units)

        var channels: [String: CampaignFigures] = [:]
        for line in linkLines { channels[line.channel ?? "(none)", default: CampaignFigures()].add(line.figures) }
        let channelLines = channels.keys.sorted().map { name -> CampaignReport.ChannelLine in
            var figures = channels[name]!
            figures.finish(spend: nil)
            return CampaignReport.ChannelLine(channel: name, figures: figures)
        }

        var audiences: [AccountKey: AudienceQuality] = [:]
        if request.audience, !campaign.influencers.isEmpty {
            do {
                let model = try resources.trustModel()
                let keys = campaign.influencers.map(\.account)
                for trust in try await scoreAccounts(keys, model: model, reasons: 0) {
                    guard let audience = trust.audience,
                          let key = keys.first(where: { $0.platform.rawValue == trust.platform && $0.platformID == trust.id }) else { continue }
                    audiences[key] = audience
                }
            } catch let error as EngineError where error.code == .resourceMissing {
                notes.append("no trust model: audience quality and authenticity-adjusted reach are left out (\(error.message))")
            }
        }
        let influencerLines = campaign.influencers.map { influencer -> CampaignReport.InfluencerLine in
            var figures = CampaignFigures()
            for link in links where link.influencer == influencer.account { figures.add(byLink[link.code] ?? CampaignFigures()) }
            figures.finish(spend: influencer.fee?.units)
            let audience = audiences[influencer.account]
            let suspicious = audience?.followersSuspicious?.share ?? audience?.engagersSuspicious?.share
            let reach = audience?.followers.flatMap { followers in suspicious.map { Int((Double(followers) * (1 - $0)).rounded()) } }
            return CampaignReport.InfluencerLine(
                handle: influencer.handle, account: influencer.account, fee: influencer.fee?.units, figures: figures,
                followers: audience?.followers, tier: audience?.tier, engagementRate: audience?.engagementRate,
                tierBenchmarkRate: audience?.benchmark?.meanRate, suspiciousAudienceShare: suspicious, authenticityAdjustedReach: reach)
        }

        let publicShares = try await publicShareCount(campaign, links: links, notes: &notes)
        let otherCurrencies = totals.otherCurrencyConversions
        if otherCurrencies > 0 {
            notes.append("\(otherCurrencies) conversions in another currency than \(campaign.currency.code) are counted apart: "
                         + "revenue and ROI leave them out (no exchange rates)")
        }
        if campaign.spend == nil { notes.append("no fees and no budget: cost per click, cost per conversion and ROI are left out") }
        return CampaignReport(
            campaign: campaign, generatedAt: now, totals: totals, influencers: influencerLines, channels: channelLines, links: linkLines,
            privateSharesByApp: privateByApp, socialByNetwork: socialByNetwork, publicShares: publicShares,
            privateToPublicRatio: publicShares.flatMap { $0 > 0 ? Double(totals.privateShares) / Double($0) : nil },
            benchmarks: CampaignReport.Benchmarks(), explanations: Self.explanations(campaign), notes: notes)
    }

    /// Public posts with a campaign link (when the campaign has a link origin) or matching its
    /// watch over its dates.
    private func publicShareCount(_ campaign: Campaign, links: [ShortLink], notes: inout [String]) async throws -> Int? {
        var clauses: [QueryExpression] = []
        var options = QueryOptions()
        if let base = campaign.linkBase, let host = URLComponents(string: base)?.host {
            clauses += links.map { QueryExpression.url(host + "/" + $0.code) }
        }
        if let watch = campaign.watch {
            let watched = try await topicQuery(.watch(watch))
            clauses.append(watched.expression)
            options = watched.options
        }
        let query: Query? = clauses.isEmpty ? nil : Query(expression: clauses.count == 1 ? clauses[0] : .or(clauses), options: options)
        guard let query else {
            notes.append("no watch and no link origin: public shares are not counted")
            return nil
        }
        return try await store.query(query, workspace: workspace, since: campaign.startsAt, until: campaign.endsAt, limit: 0).matched
    }

    static func explanations(_ campaign: Campaign) -> [String: String] {
        let currency = campaign.currency.code
        return [
            "clicks": "requests of people to the campaign's links: no referrer (dark), a public network's referrer or in-app browser "
                + "(social), a search engine, or another page; bots and link previews are excluded",
            "uniqueVisitors": "distinct visitor keys per link and UTC day, summed: a key is an HMAC of address, user agent and link "
                + "under a daily salt deleted after 48 hours, so a person returning another day counts again",
            "privateShares": "link-preview fetches by messaging apps (WhatsApp, Telegram, Slack, Discord, iMessage, Messenger, "
                + "Signal as WhatsApp, Teams), told apart by user agent: each is a link pasted in a private conversation",
            "darkShare": "dark visits (no referrer, or a webmail or messaging web app) divided by clicks; the field measures 56–84%",
            "publicShares": "public posts in the store carrying a campaign link or matching the campaign's watch between its dates",
            "privateToPublicRatio": "private shares divided by public shares; the field's estimate is about 7 to 1",
            "conversions": "conversions attributed to the last click on a campaign link within the window (default 7 days), "
                + "through the click id the link appends or the visitor key",
            "revenue": "sum of attributed conversions' values in \(currency); other currencies are counted apart",
            "spend": "the influencers' fees when any is set, else the campaign's budget, in \(currency); an influencer's spend is their fee",
            "costPerClick": "spend / clicks",
            "costPerConversion": "spend / conversions",
            "roi": "(revenue − spend) / spend",
            "revenuePerUnitSpent": "revenue / spend; influencer marketing returns about 5.20 per 1 spent on average",
            "authenticityAdjustedReach": "followers × (1 − share of the audience the trust model judges inauthentic: followers "
                + "when known, else engagers)",
            "engagementRate": "mean (likes + replies + reposts) / followers over the account's latest 12 posts, beside its tier's benchmark",
        ]
    }
}
