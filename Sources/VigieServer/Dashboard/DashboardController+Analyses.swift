import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// The pages of the long analyses — a watch's influencers, the trust report, coordinated
/// clusters — and of the alerts. A long analysis not yet cached starts a job; its page shows
/// the job's progress and reloads itself every second until the result is there.
extension DashboardController {
    func addAnalysisPages(to router: Router<ServerRequestContext>) {
        workspacePage(router, .get, "/w/{workspace}/watches/{watch}", use: watchPage)
        workspacePage(router, .get, "/w/{workspace}/watches/{watch}/influencers", use: influencersPage)
        workspacePage(router, .get, "/w/{workspace}/trust", use: trustPage)
        workspacePage(router, .get, "/w/{workspace}/coordination", use: coordinationPage)
        workspacePage(router, .get, "/w/{workspace}/alerts", use: alertsPage)
    }

    struct PendingPage {
        var heading: String
        var stage: String
        var jobHref: String
    }

    /// The page of a job still computing `heading`'s result: it reloads itself every second.
    func pendingPage(_ job: JobSnapshot, heading: String, request: Request, context: ServerRequestContext,
                     scope: WorkspaceScope, current: String) -> Response {
        let page = PendingPage(heading: heading, stage: job.progress.stage,
                               jobHref: "/w/" + DashboardPaths.escape(scope.name) + "/jobs/" + job.id)
        return renderer.render("pending", page: page, frame: frame(request, context, title: heading, scope: scope, current: current,
                                                                   refreshSeconds: 1))
    }

    // MARK: Influencers

    struct InfluencersPage {
        struct Row {
            var rank: Int
            var account: String
            var href: String
            var tier: String
            var score: String
            var onTopicPosts: String
            var engagers: String
            var engagementRate: String
            var benchmark: String
            var inauthenticity: String
            var authority: String
            var topicShare: String
            var peerShare: String
            var diversity: String
            var topPosts: [String]
            var topEngagers: String
            var communities: String
        }

        var watch: String
        var watchHref: String
        var query: String
        var summary: String
        var rows: [Row]
        var notes: [String]
        var tierLinks: [WatchPage.BucketLink]
        var apiHref: String
    }

    @Sendable func influencersPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let name = try context.parameters.decoded("watch")
        let query = FormFields(query: request)
        try query.refuseUnknown(["tier"])
        var encoded = "watch=" + DashboardPaths.escapeQuery(name)
        if let tier = query.text("tier") { encoded += "&tier=" + DashboardPaths.escapeQuery(tier) }
        let fields = FormFields(encoded)
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let api = "/api/v1/workspaces/" + DashboardPaths.escape(scope.name) + "/influencers?" + encoded
        let heading = language.fill("influencersOf", name)
        switch try await InfluenceAnalyses.influencers(scope: scope, dependencies: dependencies, fields: fields, result: api,
                                                       page: request.uri.description) {
        case .pending(let job):
            return pendingPage(job, heading: heading, request: request, context: context, scope: scope, current: "home")
        case .ready(let result):
            func ratio(_ value: Double?) -> String { value.map { Self.decimal($0, language: language, digits: 3) } ?? "—" }
            let rows = result.accounts.map { account in
                InfluencersPage.Row(
                    rank: account.rank, account: account.account,
                    href: base + "/accounts/" + DashboardPaths.escape(account.account.hasPrefix("@")
                                                                      ? String(account.account.dropFirst()) : account.account),
                    tier: account.tier.map { language.text("tier." + $0.rawValue) } ?? "—",
                    score: ratio(account.score), onTopicPosts: language.format(account.onTopicPosts),
                    engagers: language.format(account.onTopicEngagers),
                    engagementRate: account.engagementRate.map { Self.percent($0, language: language) } ?? "—",
                    benchmark: account.engagementRateRatio.map {
                        language.fill("benchmarkRatio", Self.decimal($0, language: language), account.benchmarkBand ?? "")
                    } ?? "—",
                    inauthenticity: account.inauthenticity.map { Self.percent($0, language: language) } ?? "—",
                    authority: ratio(account.authority), topicShare: Self.percent(account.topicShare, language: language),
                    peerShare: Self.percent(account.peerEngagementShare, language: language),
                    diversity: Self.decimal(account.engagerDiversity, language: language),
                    topPosts: account.topPosts.map { "\(language.format($0.createdAt)) · \(language.format($0.engagement)) · \($0.text)" },
                    topEngagers: account.topEngagers.map(\.account).joined(separator: ", "),
                    communities: account.communities.map { "#\($0.community) (\(Self.percent($0.share, language: language)))" }
                        .joined(separator: ", "))
            }
            let page = InfluencersPage(
                watch: name, watchHref: base + "/watches/" + DashboardPaths.escape(name), query: result.query,
                summary: language.fill("influencersSummary", language.format(result.matchedPosts), language.format(result.onTopicAuthors),
                                       language.format(result.rankedCount)),
                rows: rows, notes: result.notes,
                tierLinks: [WatchPage.BucketLink(label: language.text("allTiers"), href: request.uri.path, current: query.text("tier") == nil)]
                    + InfluenceTier.allCases.map { tier in
                        WatchPage.BucketLink(label: language.text("tier." + tier.rawValue), href: request.uri.path + "?tier=" + tier.rawValue,
                                             current: query.text("tier") == tier.rawValue)
                    },
                apiHref: api)
            return renderer.render("influencers", page: page, frame: frame(request, context, title: heading, scope: scope, current: "home"))
        }
    }

    // MARK: Trust report

    struct TrustPage {
        struct Row {
            var account: String
            var href: String
            var score: String
            var label: String
            var confidence: String
            var family: String
            var reasons: [String]
        }

        var heading: String
        var scored: String
        var rows: [Row]
        var watches: [WatchPage.BucketLink]
        var apiHref: String
    }

    @Sendable func trustPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let query = FormFields(query: request)
        try query.refuseUnknown(["watch"])
        let watch = query.text("watch")
        let encoded = watch.map { "watch=" + DashboardPaths.escapeQuery($0) } ?? ""
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let api = "/api/v1/workspaces/" + DashboardPaths.escape(scope.name) + "/trust/report" + (encoded.isEmpty ? "" : "?" + encoded)
        let heading = watch.map { language.fill("trustReportOf", $0) } ?? language.text("trustReport")
        switch try await TrustAnalyses.report(scope: scope, dependencies: dependencies, fields: FormFields(encoded), result: api,
                                              page: request.uri.description) {
        case .pending(let job):
            return pendingPage(job, heading: heading, request: request, context: context, scope: scope, current: "trust")
        case .ready(let report):
            let names = try await scope.engine.store.watches(workspace: scope.name).map(\.name)
            let page = TrustPage(
                heading: heading, scored: language.fill("trustScored", language.format(report.scoredAccounts), language.format(report.accounts.count)),
                rows: report.accounts.map { account in
                    TrustPage.Row(account: account.name, href: base + "/accounts/" + DashboardPaths.escape(account.handle ?? account.id),
                                  score: Self.percent(account.score, language: language), label: language.text("trust." + account.label),
                                  confidence: Self.percent(account.confidence, language: language), family: account.family,
                                  reasons: account.reasonsUp.map(\.sentence))
                },
                watches: [WatchPage.BucketLink(label: language.text("wholeWorkspace"), href: base + "/trust", current: watch == nil)]
                    + names.map { WatchPage.BucketLink(label: $0, href: base + "/trust?watch=" + DashboardPaths.escapeQuery($0),
                                                       current: $0 == watch) },
                apiHref: api)
            return renderer.render("trust", page: page, frame: frame(request, context, title: heading, scope: scope, current: "trust"))
        }
    }

    // MARK: Coordination

    struct CoordinationPage {
        struct Cluster {
            var number: Int
            var size: String
            var members: String
            var types: String
            var density: String
            var span: String
            var shared: [String]
            var evidence: [Evidence]
        }

        struct Evidence {
            var type: String
            var source: String
            var sourcePost: String
            var target: String
            var targetPost: String
            var gap: String
            var shared: String
        }

        var summary: String
        var clusters: [Cluster]
        var apiHref: String
    }

    @Sendable func coordinationPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let fields = FormFields(query: request)
        try fields.refuseUnknown(CoordinationAnalyses.fields)
        let heading = language.text("coordination")
        let api = "/api/v1/workspaces/" + DashboardPaths.escape(scope.name) + "/coordination/clusters"
            + (request.uri.query.map { "?" + $0 } ?? "")
        switch try await CoordinationAnalyses.clusters(scope: scope, dependencies: dependencies, fields: fields, result: api,
                                                       page: request.uri.description) {
        case .pending(let job):
            return pendingPage(job, heading: heading, request: request, context: context, scope: scope, current: "coordination")
        case .ready(let found):
            let page = CoordinationPage(
                summary: language.fill("coordinationSummary", language.format(found.clusterCount), language.format(found.accounts),
                                       language.format(found.edges)),
                clusters: found.clusters.enumerated().map { index, cluster in
                    CoordinationPage.Cluster(
                        number: index + 1, size: language.format(cluster.size), members: cluster.members.joined(separator: ", "),
                        types: cluster.types.joined(separator: ", "), density: Self.percent(cluster.density, language: language),
                        span: language.format(cluster.first) + " – " + language.format(cluster.last),
                        shared: cluster.topKeys.map { "\($0.type): \($0.key) (\(language.format($0.pairs)))" },
                        evidence: cluster.evidence.map { proof in
                            CoordinationPage.Evidence(
                                type: proof.type, source: proof.source, sourcePost: proof.sourcePost, target: proof.target,
                                targetPost: proof.targetPost,
                                gap: Self.decimal(abs(proof.targetTime.timeIntervalSince(proof.sourceTime)), language: language, digits: 0) + " s",
                                shared: proof.shared)
                        })
                },
                apiHref: api)
            return renderer.render("coordination", page: page, frame: frame(request, context, title: heading, scope: scope,
                                                                            current: "coordination"))
        }
    }

    // MARK: Alerts

    struct AlertsPage {
        struct Rule {
            var name: String
            var kind: String
            var target: String
            var targetHref: String?
            var webhook: String
            var enabled: String
        }

        struct Fired {
            var rule: String
            var date: String
            var summary: String
            var delivered: String
        }

        struct Delivery {
            var rule: String
            var date: String
            var outcome: String
        }

        var rules: [Rule]
        var fired: [Fired]
        var deliveries: [Delivery]
        var nextHref: String?
    }

    @Sendable func alertsPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<Int>.fields)
        let page = try PageRequest<Int>(fields)
        let skip = max(0, page.after ?? 0)
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let rules = try await scope.engine.alertRules()
        let fired = try await scope.engine.firedAlerts(limit: skip + page.limit + 1)
        let deliveries = try await scope.engine.alertDeliveries(limit: 20)
        let view = AlertsPage(
            rules: rules.map { rule in
                var href: String?
                if case .watch(let name) = rule.target { href = base + "/watches/" + DashboardPaths.escape(name) }
                return AlertsPage.Rule(name: rule.name, kind: language.text("alertKind." + rule.kind.rawValue), target: "\(rule.target)",
                                       targetHref: href, webhook: rule.webhookURL.flatMap { URL(string: $0)?.host } ?? "—",
                                       enabled: language.text(rule.enabled ? "yes" : "no"))
            },
            fired: fired.dropFirst(skip).prefix(page.limit).map { stored in
                AlertsPage.Fired(rule: stored.alert.rule, date: language.format(stored.alert.firedAt), summary: stored.alert.summary,
                                 delivered: language.text(stored.delivered ? "yes" : "no"))
            },
            deliveries: deliveries.map { record in
                AlertsPage.Delivery(rule: record.rule, date: language.format(record.attempt.at), outcome: record.attempt.delivered
                                        ? language.fill("deliveredStatus", String(record.attempt.statusCode ?? 200))
                                        : language.fill("failedDelivery", record.attempt.error ?? String(record.attempt.statusCode ?? 0)))
            },
            nextHref: fired.count > skip + page.limit
                ? Self.link(base + "/alerts", fields: fields, replacing: ["cursor": Cursor.encode(skip + page.limit)]) : nil)
        return renderer.render("alerts", page: view, frame: frame(request, context, title: language.text("alerts"), scope: scope,
                                                                  current: "alerts"))
    }
}
