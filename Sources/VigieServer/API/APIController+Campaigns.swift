import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Campaigns, their links and reports, and the conversion endpoint the brand's site calls.
extension APIController {
    func addCampaignRoutes(to api: RouterGroup<ServerRequestContext>) {
        workspaceRoute(api, .get, "workspaces/{workspace}/campaigns", use: listCampaigns)
        workspaceRoute(api, .post, "workspaces/{workspace}/campaigns", needing: .analyst, action: "creating campaigns",
                       use: createCampaign)
        workspaceRoute(api, .get, "workspaces/{workspace}/campaigns/{campaign}", use: campaignDetail)
        workspaceRoute(api, .post, "workspaces/{workspace}/campaigns/{campaign}/links", needing: .analyst, action: "creating links",
                       use: createLink)
        workspaceRoute(api, .get, "workspaces/{workspace}/campaigns/{campaign}/report", use: campaignReport)
        api.post("conversions", use: recordConversion)
    }

    struct CampaignsView: ResponseEncodable {
        var items: [Campaign]
    }

    struct CampaignDetailView: ResponseEncodable {
        var campaign: Campaign
        var links: [LinkView]
    }

    struct LinkCreatedView: ResponseEncodable {
        var link: LinkView
    }

    struct ReportView: ResponseEncodable {
        var report: CampaignReport
    }

    struct ConversionView: ResponseEncodable {
        var recorded: Bool
        var attributedTo: String?
        var clickAt: Date?
        var explanation: String
    }

    struct CreateCampaignBody: StrictDecodable {
        static let members: Set<String> = ["name", "objective", "startsAt", "endsAt", "budget", "currency", "influencers", "watch", "linkBase"]
        var name: String
        var objective: Campaign.Objective?
        var startsAt: Date?
        var endsAt: Date?
        var budget: String?
        var currency: String
        var influencers: [String]?
        var watch: String?
        var linkBase: String?
    }

    struct CreateLinkBody: StrictDecodable {
        static let members: Set<String> = ["target", "influencer", "channel", "utm", "permanent", "clickId"]
        var target: String
        var influencer: String?
        var channel: String?
        var utm: UTMParameters?
        var permanent: Bool?
        var clickId: Bool?
    }

    struct ConversionBody: StrictDecodable {
        static let members: Set<String> = ["idempotencyKey", "value", "currency", "clickId", "code", "at", "windowDays", "workspace"]
        var idempotencyKey: String
        var value: Double
        var currency: String
        var clickId: String?
        var code: String?
        var at: Date?
        var windowDays: Double?
        var workspace: String?
    }

    @Sendable func listCampaigns(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> CampaignsView {
        try FormFields(query: request).refuseUnknown([])
        return CampaignsView(items: try await scope.engine.campaigns())
    }

    @Sendable func createCampaign(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let body = try await JSONBody.decode(CreateCampaignBody.self, from: request, limit: jsonLimit)
        let campaign = try await scope.engine.addCampaign(AddCampaignRequest(
            name: body.name, objective: body.objective ?? .traffic, startsAt: body.startsAt, endsAt: body.endsAt, budget: body.budget,
            currency: body.currency, influencers: body.influencers ?? [], watch: body.watch, linkBase: body.linkBase))
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "campaign.create",
                                            target: campaign.name, detail: "\(campaign.influencers.count) influencers")
        var response = try CampaignDetailView(campaign: campaign, links: []).response(from: request, context: context)
        response.status = .created
        return response
    }

    @Sendable func campaignDetail(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> CampaignDetailView {
        try FormFields(query: request).refuseUnknown([])
        let detail = try await scope.engine.campaign(named: try context.parameters.decoded("campaign"))
        return CampaignDetailView(campaign: detail.campaign, links: detail.links)
    }

    @Sendable func createLink(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let body = try await JSONBody.decode(CreateLinkBody.self, from: request, limit: jsonLimit)
        let campaign = try context.parameters.decoded("campaign")
        let link = try await scope.engine.addLink(AddLinkRequest(
            campaign: campaign, target: body.target, influencer: body.influencer, channel: body.channel, utm: body.utm ?? UTMParameters(),
            permanent: body.permanent ?? false, appendsClickID: body.clickId ?? true))
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "link.create",
                                            target: link.link.code, detail: "campaign \(campaign)")
        var response = try LinkCreatedView(link: link).response(from: request, context: context)
        response.status = .created
        return response
    }

    /// `GET …/report` as JSON, or `format=csv` (one line per link, influencer, channel and the total).
    @Sendable func campaignReport(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["format"])
        let format = fields.text("format") ?? "json"
        guard format == "json" || format == "csv" else { throw Problem.invalidArgument("format must be json or csv", field: "format") }
        let report = try await scope.engine.campaignReport(CampaignReportRequest(campaign: try context.parameters.decoded("campaign")))
        if format == "csv" {
            try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "export.campaign",
                                                target: report.campaign.name, detail: "report as CSV")
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"\(report.campaign.name)-report.csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: CampaignReportCSV.text(report))))
        }
        return try ReportView(report: report).response(from: request, context: context)
    }

    /// `POST /api/v1/conversions` with an API token (or a session) of an analyst of the workspace
    /// the click belongs to; a replay of an idempotency key answers 200 and changes nothing.
    @Sendable func recordConversion(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await JSONBody.decode(ConversionBody.self, from: request, limit: jsonLimit)
        if let days = body.windowDays, !(days > 0 && days <= 90) {
            throw Problem.invalidArgument("windowDays must be more than 0 and at most 90", field: "windowDays")
        }
        var workspace = body.workspace
        if workspace == nil, case .token(_, let limitedTo?) = principal.credential { workspace = limitedTo }
        if workspace == nil, let clickID = body.clickId, let click = try await dependencies.store.click(id: clickID) {
            workspace = click.workspace
        }
        if workspace == nil, let code = body.code, ShortCode.isWellFormed(Substring(code)),
           let link = try await dependencies.store.resolveLink(code: code) {
            workspace = link.workspace
        }
        guard let workspace else {
            throw Problem.invalidArgument("no known click or link names the workspace: send workspace, a clickId or a code", field: "workspace")
        }
        // A conversion names a link and a value, never a person.
        let scope = try await dependencies.gate.open(workspace, for: principal, needing: .analyst, to: "recording conversions",
                                                     pseudonyms: .showsNobody)
        let result = try await scope.engine.recordConversion(RecordConversionRequest(
            idempotencyKey: body.idempotencyKey, value: body.value, currency: body.currency, clickID: body.clickId, code: body.code,
            at: body.at, window: (body.windowDays ?? 7) * 86_400))
        var response = try ConversionView(recorded: result.recorded, attributedTo: result.code, clickAt: result.clickAt,
                                          explanation: result.explanation).response(from: request, context: context)
        response.status = result.recorded ? .created : .ok
        return response
    }
}
