import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Alert rules, the alerts they fired and the webhook delivery log.
extension APIController {
    /// A rule as a client writes it: flat members instead of the store's nested settings.
    struct AlertRuleBody: StrictDecodable {
        static let members: Set<String> = ["name", "kind", "watch", "query", "webhookURL", "enabled", "bucket",
                                           "minimumSignalScore", "spikeThreshold", "lookback"]
        var name: String
        var kind: String
        /// The target: a watch, else a query, else every post.
        var watch: String?
        var query: String?
        var webhookURL: String?
        var enabled: Bool?
        /// Spike buckets, as a duration (`1h`).
        var bucket: String?
        var minimumSignalScore: Double?
        var spikeThreshold: Double?
        var lookback: String?

        func rule(now: Date) throws -> AlertRule {
            guard let kind = AlertRule.Kind(rawValue: kind) else {
                throw Problem.invalidArgument("kind must be one of " + AlertRule.Kind.allCases.map(\.rawValue).joined(separator: ", "),
                                              field: "kind")
            }
            if watch != nil, query != nil { throw Problem.invalidArgument("give a watch or a query, not both", field: "query") }
            let target: AlertRule.Target = watch.map { .watch($0) } ?? query.map { .query($0) } ?? .all
            if case .query(let text) = target { _ = try Query.parse(text) }
            var settings = AlertSettings()
            func seconds(_ text: String?, field: String) throws -> TimeInterval? {
                guard let text else { return nil }
                guard let value = TrendDuration.parse(text) else {
                    throw Problem.invalidArgument("'\(field)' must be a duration such as 15m, 1h or 1d", field: field)
                }
                return value
            }
            if let bucket = try seconds(bucket, field: "bucket") { settings.bucket = bucket }
            if let lookback = try seconds(lookback, field: "lookback") { settings.lookback = lookback }
            if let minimumSignalScore { settings.minimumSignalScore = minimumSignalScore }
            if let spikeThreshold { settings.spike.threshold = spikeThreshold }
            return AlertRule(name: name, target: target, kind: kind, settings: settings, webhookURL: webhookURL,
                             enabled: enabled ?? true, createdAt: now)
        }
    }

    @Sendable func listAlertRules(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<AlertRuleView> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<String>.fields)
        let rules = try await scope.engine.alertRules().map(AlertRuleView.init)
        return try PageRequest<String>(fields).page(of: rules, position: \.name)
    }

    @Sendable func alertRule(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> AlertRuleView {
        try FormFields(query: request).refuseUnknown([])
        return AlertRuleView(try await scope.engine.alertRule(named: try context.parameters.decoded("rule")))
    }

    /// `POST …/alerts/rules` `{"name": "velo-spike", "kind": "spike", "watch": "velo", "webhookURL": "https://…"}` (201).
    @Sendable func createAlertRule(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        try FormFields(query: request).refuseUnknown([])
        let body = try await JSONBody.decode(AlertRuleBody.self, from: request, limit: jsonLimit)
        let rule = try body.rule(now: Date())
        try await scope.engine.addAlertRule(rule)
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "alert.add",
                                            target: rule.name, detail: "\(rule.kind.rawValue) on \(rule.target)")
        var response = try AlertRuleView(try await scope.engine.alertRule(named: rule.name)).response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "\(Self.prefix)/workspaces/\(scope.name)/alerts/rules/\(DashboardPaths.escape(rule.name))"
        return response
    }

    @Sendable func deleteAlertRule(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        try FormFields(query: request).refuseUnknown([])
        let name = try context.parameters.decoded("rule")
        try await scope.engine.removeAlertRule(named: name)
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "alert.remove", target: name)
        return Response(status: .noContent)
    }

    /// Alerts fired, newest first, of one `rule` or all. The store reads "the newest N", so the
    /// cursor is a count of alerts already shown (as for rejects).
    @Sendable func firedAlerts(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<FiredAlertView> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<Int>.fields.union(["rule"]))
        let rule = try await checkedRule(fields, scope: scope)
        let page = try PageRequest<Int>(fields)
        let skip = max(0, page.after ?? 0)
        let alerts = try await scope.engine.firedAlerts(rule: rule, limit: skip + page.limit + 1)
        let items = alerts.dropFirst(skip).prefix(page.limit).map(FiredAlertView.init)
        return Page(items: Array(items), nextCursor: alerts.count > skip + page.limit ? Cursor.encode(skip + page.limit) : nil)
    }

    /// The webhook delivery log, newest first: every attempt with its status or error.
    @Sendable func alertDeliveries(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<DeliveryRecord> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<Int>.fields.union(["rule"]))
        let rule = try await checkedRule(fields, scope: scope)
        let page = try PageRequest<Int>(fields)
        let skip = max(0, page.after ?? 0)
        let records = try await scope.engine.alertDeliveries(rule: rule, limit: skip + page.limit + 1)
        return Page(items: Array(records.dropFirst(skip).prefix(page.limit)),
                    nextCursor: records.count > skip + page.limit ? Cursor.encode(skip + page.limit) : nil)
    }

    /// The `rule` field, which must name a rule of the workspace.
    private func checkedRule(_ fields: FormFields, scope: WorkspaceScope) async throws -> String? {
        guard let rule = fields.text("rule") else { return nil }
        _ = try await scope.engine.alertRule(named: rule)
        return rule
    }
}

/// A rule as the API shows it: the target flattened, the settings in seconds.
struct AlertRuleView: ResponseEncodable, Sendable {
    struct TargetView: Codable, Sendable {
        /// `watch`, `query` or `all`.
        var type: String
        var value: String?
    }

    var name: String
    var kind: String
    var target: TargetView
    var webhookURL: String?
    var enabled: Bool
    var createdAt: Date
    var settings: AlertSettings

    init(_ rule: AlertRule) {
        name = rule.name
        kind = rule.kind.rawValue
        target = switch rule.target {
        case .watch(let name): TargetView(type: "watch", value: name)
        case .query(let text): TargetView(type: "query", value: text)
        case .all: TargetView(type: "all", value: nil)
        }
        webhookURL = rule.webhookURL
        enabled = rule.enabled
        createdAt = rule.createdAt
        settings = rule.settings
    }
}

/// A fired alert: what fired, and whether its webhook got it (the payload sent is left out; the
/// alert holds the same facts).
struct FiredAlertView: Encodable, Sendable {
    var id: Int64
    var alert: FiredAlert
    var webhookURL: String?
    var delivered: Bool

    init(_ stored: StoredAlert) {
        id = stored.id
        alert = stored.alert
        webhookURL = stored.webhookURL
        delivered = stored.delivered
    }
}
