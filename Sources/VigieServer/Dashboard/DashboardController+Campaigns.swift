import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// The campaigns of a workspace and a campaign's report, which prints as a clean PDF.
extension DashboardController {
    func addCampaignPages(to router: Router<ServerRequestContext>) {
        workspacePage(router, .get, "/w/{workspace}/campaigns", use: campaignsPage)
        workspacePage(router, .get, "/w/{workspace}/campaigns/{campaign}", use: campaignReportPage)
    }

    struct CampaignsPage {
        struct Row {
            var name: String
            var href: String
            var objective: String
            var dates: String
            var spend: String
            var influencers: Int
        }

        var campaigns: [Row]
    }

    @Sendable func campaignsPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        try FormFields(query: request).refuseUnknown([])
        let base = "/w/" + DashboardPaths.escape(scope.name) + "/campaigns/"
        let rows = try await scope.engine.campaigns().map { campaign in
            CampaignsPage.Row(name: campaign.name, href: base + DashboardPaths.escape(campaign.name), objective: campaign.objective.rawValue,
                              dates: Self.dates(campaign, language), spend: campaign.spend?.description ?? "—",
                              influencers: campaign.influencers.count)
        }
        return renderer.render("campaign-list", page: CampaignsPage(campaigns: rows),
                               frame: frame(request, context, title: language.text("campaigns"), scope: scope, current: "campaigns"))
    }

    struct CampaignReportPage {
        struct FigureRow {
            var name: String
            var clicks: String
            var uniques: String
            var privateShares: String
            var dark: String
            var darkShare: String
            var excluded: String
            var conversions: String
            var revenue: String
            var spend: String
            var costPerClick: String
            var costPerConversion: String
            var roi: String
        }

        struct AudienceRow {
            var handle: String
            var fee: String
            var followers: String
            var tier: String
            var suspicious: String
            var adjustedReach: String
            var engagement: String
            var benchmark: String
        }

        struct Section {
            var id: String
            var title: String
            var rows: [FigureRow]
            /// Only the influencers' section has one.
            var audience: [AudienceRow] = []
            // Stored, not computed: templates read values through reflection.
            var hasAudience = false
        }

        struct Explanation {
            var name: String
            var text: String
        }

        var name: String
        var dates: String
        var objective: String
        var currency: String
        var sections: [Section]
        var darkShare: String
        var darkBenchmark: String
        var revenuePerUnit: String
        var revenueBenchmark: String
        var publicShares: String
        var privatePerPublic: String
        var privateByApp: String
        var hasPrivateByApp: Bool
        var explanations: [Explanation]
        var notes: [String]
        var csvHref: String
        var jsonHref: String
    }

    @Sendable func campaignReportPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        try FormFields(query: request).refuseUnknown([])
        let name = try context.parameters.decoded("campaign")
        let report = try await scope.engine.campaignReport(CampaignReportRequest(campaign: name))
        let currency = report.campaign.currency
        let money: (Double?) -> String = { $0.map { Money.format($0, currency) } ?? "—" }
        let percent: (Double?) -> String = { $0.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }
        let ratio: (Double?) -> String = { $0.map { String(format: "%.2f", $0) } ?? "—" }
        func row(_ name: String, _ f: CampaignFigures) -> CampaignReportPage.FigureRow {
            CampaignReportPage.FigureRow(
                name: name, clicks: language.format(f.clicks), uniques: language.format(f.uniqueVisitors),
                privateShares: language.format(f.privateShares), dark: language.format(f.dark), darkShare: percent(f.darkShare),
                excluded: language.format(f.bots + f.publicPreviews), conversions: language.format(f.conversions), revenue: money(f.revenue),
                spend: money(f.spend), costPerClick: money(f.costPerClick), costPerConversion: money(f.costPerConversion), roi: ratio(f.roi))
        }
        let audience = report.influencers.filter { $0.followers != nil }.map { line in
            CampaignReportPage.AudienceRow(
                handle: line.handle, fee: money(line.fee), followers: line.followers.map(language.format) ?? "—",
                tier: line.tier?.rawValue ?? "—", suspicious: percent(line.suspiciousAudienceShare),
                adjustedReach: line.authenticityAdjustedReach.map(language.format) ?? "—", engagement: percent(line.engagementRate),
                benchmark: percent(line.tierBenchmarkRate))
        }
        let sections = [
            CampaignReportPage.Section(id: "total", title: language.text("campaignTotal"), rows: [row(report.campaign.name, report.totals)]),
            CampaignReportPage.Section(id: "influencers", title: language.text("perInfluencer"),
                                       rows: report.influencers.map { row($0.handle, $0.figures) }, audience: audience,
                                       hasAudience: !audience.isEmpty),
            CampaignReportPage.Section(id: "channels", title: language.text("perChannel"), rows: report.channels.map { row($0.channel, $0.figures) }),
            CampaignReportPage.Section(id: "links", title: language.text("perLink"), rows: report.links.map {
                row(($0.influencer.map { $0 + " · " } ?? "") + ($0.shortURL ?? $0.code), $0.figures)
            }),
        ]
        let privateByApp = report.privateSharesByApp.sorted { $0.value > $1.value }.map { "\($0.key) \(language.format($0.value))" }
            .joined(separator: ", ")
        let benchmarks = report.benchmarks
        let api = "/api/v1/workspaces/" + DashboardPaths.escape(scope.name) + "/campaigns/" + DashboardPaths.escape(name) + "/report"
        let page = CampaignReportPage(
            name: report.campaign.name, dates: Self.dates(report.campaign, language), objective: report.campaign.objective.rawValue,
            currency: currency.code, sections: sections,
            darkShare: percent(report.totals.darkShare),
            darkBenchmark: "\(Int(benchmarks.darkShareLow * 100))–\(Int(benchmarks.darkShareHigh * 100)) %",
            revenuePerUnit: ratio(report.totals.revenuePerUnitSpent), revenueBenchmark: String(format: "%.2f", benchmarks.revenuePerUnitSpent),
            publicShares: report.publicShares.map(language.format) ?? "—", privatePerPublic: ratio(report.privateToPublicRatio),
            privateByApp: privateByApp, hasPrivateByApp: !privateByApp.isEmpty,
            explanations: report.explanations.sorted { $0.key < $1.key }.map { CampaignReportPage.Explanation(name: $0.key, text: $0.value) },
            notes: report.notes, csvHref: api + "?format=csv", jsonHref: api)
        return renderer.render("campaign-report", page: page,
                               frame: frame(request, context, title: report.campaign.name, scope: scope, current: "campaigns"))
    }

    static func dates(_ campaign: Campaign, _ language: Language) -> String {
        language.format(campaign.startsAt) + " → " + (campaign.endsAt.map(language.format) ?? "…")
    }
}
