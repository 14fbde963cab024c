import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Trust: one account's inauthenticity score (read from its neighbourhood, answered at once) and
/// the workspace's or a topic's report (every account scored: a job when not cached).
extension APIController {
    /// `GET …/trust/accounts/{handle}`: the score, its reasons each way and the audience's quality.
    @Sendable func trustScore(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> TrustScoreView {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["reasons"])
        let handle = try context.parameters.decoded("handle")
        try await AnalysisChecks.requireAccount(handle, scope: scope)
        let result = try await scope.engine.trustScore(TrustScoreRequest(handle: handle, reasons: try fields.int("reasons", in: 0...50) ?? 5))
        return TrustScoreView(accounts: result.accounts)
    }

    /// `GET …/trust/report?watch=velo&minScore=0.5`: accounts by inauthenticity score.
    @Sendable func trustReport(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(TrustAnalyses.reportFields)
        let answer = try await TrustAnalyses.report(scope: scope, dependencies: dependencies, fields: fields,
                                                    result: Self.selfLink(request), page: nil)
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }
}

enum TrustAnalyses {
    static let reportFields: Set<String> = ["watch", "query", "minScore", "limit", "reasons"]

    static func report(scope: WorkspaceScope, dependencies: ServerDependencies, fields: FormFields, result: String,
                       page: String?) async throws -> AnalysisAnswer<TrustReportView> {
        let selection: TrustReportRequest.Selection? = switch try fields.topic(required: false) {
        case .watch(let name)?: .watch(name)
        case .query(let text, _)?: .query(text)
        case nil: nil
        }
        if case .watch(let name)? = selection { try await AnalysisChecks.requireWatch(named: name, scope: scope) }
        let report = TrustReportRequest(selection: selection, minScore: try fields.double("minScore", in: 0...1) ?? 0.7,
                                        limit: try fields.int("limit", in: 1...1000) ?? 50,
                                        reasons: try fields.int("reasons", in: 0...20) ?? 3)
        try report.validate()
        // Without a model file the report cannot run: say so now rather than through a failed job.
        if scope.engine.resources.trustModelPath() == nil { _ = try scope.engine.resources.trustModel() }
        let engine = scope.engine
        return try await dependencies.analyses.result(
            ResultCache.Key(workspace: scope.name, kind: "trust-report", fields: fields), kind: "trust-report",
            title: selection.map { "\($0)" } ?? "workspace", user: scope.principal.user, result: result, page: page) {
            TrustReportView(try await engine.trustReport(report))
        }
    }
}

struct TrustScoreView: ResponseEncodable, Sendable {
    var accounts: [AccountTrust]
}

struct TrustReportView: Encodable, Sendable {
    var scoredAccounts: Int
    var thresholds: [TrustReport.FamilyThreshold]
    /// The share of fake accounts assumed, and whether the workspace set it.
    var prior: Double
    var priorSetByWorkspace: Bool
    var accounts: [AccountTrust]
    var seconds: Double

    init(_ report: TrustReport) {
        scoredAccounts = report.scoredAccounts
        thresholds = report.thresholds
        prior = report.prior
        priorSetByWorkspace = report.priorSetByWorkspace
        accounts = report.accounts
        seconds = report.seconds
    }
}
