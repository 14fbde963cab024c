import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// A watch's page: volume and sentiment over time, share of voice, top items against the
/// previous period, weak signals, spikes, how authentic the period's posts are, and the alerts.
/// Every part is cached per workspace; the authenticity breakdown runs as a job the first time
/// and the page reloads itself until it is there.
extension DashboardController {
    struct WatchPage {
        struct Figure {
            var label: String
            var value: String
            var change: String?
        }

        struct TopList {
            var id: String
            var title: String
            var rows: [TopRow]
        }

        struct TopRow {
            var value: String
            var href: String?
            var count: String
            var previous: String
            var change: String
        }

        struct Signal {
            var display: String
            var posts: String
            var authors: String
            var growth: String
            var explanation: String
            var isNew: Bool
            var flags: String?
        }

        struct SpikeRow {
            var start: String
            var peak: String
            var peakCount: String
            var explanation: String
            var resolved: String
        }

        struct ShareRow {
            var watch: String
            var href: String
            var share: String
            var previousShare: String
            var changePoints: String
            var current: Bool
        }

        struct BucketLink {
            var label: String
            var href: String
            var current: Bool
        }

        var name: String
        var query: String
        var period: String
        var bucketLinks: [BucketLink]
        var figures: [Figure]
        var volumeChart: RenderedChart?
        var sentimentChart: RenderedChart?
        var sentimentSplit: [Figure]
        var sentimentMissing: Bool
        var shareChart: RenderedChart?
        var shares: [ShareRow]
        var tops: [TopList]
        var signals: [Signal]
        var flaggedSignals: [Signal]
        var signalNote: String?
        var spikes: [SpikeRow]
        var authenticity: AuthenticitySection
        var alerts: WatchAlerts
        var notes: [String]
        var influencersHref: String
        var trustHref: String
        var queryHref: String
        var apiHref: String
    }

    @Sendable func watchPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let fields = FormFields(query: request)
        try fields.refuseUnknown(WatchDashboards.fields)
        let name = try context.parameters.decoded("watch")
        try await AnalysisChecks.requireWatch(named: name, scope: scope)
        // Everything but the alerts comes from the cache; the first computation of a period is a
        // job (the sentiment model is slow on large watches), and the page shows its progress.
        let cache = dependencies.cache, analyses = dependencies.analyses
        _ = try WatchDashboards.request(watches: [name], fields: fields)
        let apiPath = "/api/v1/workspaces/" + DashboardPaths.escape(scope.name) + "/watches/" + DashboardPaths.escape(name) + "/dashboard"
        let data: WatchPageData
        switch try await analyses.result(ResultCache.Key(workspace: scope.name, kind: "watch-page", fields: fields, extra: name),
                                         kind: "watch-page", title: name, user: scope.principal.user,
                                         result: apiPath + (request.uri.query.map { "?" + $0 } ?? ""), page: request.uri.description, compute: {
            try await WatchPageData.load(watch: name, scope: scope, cache: cache, fields: fields)
        }) {
        case .pending(let job):
            return pendingPage(job, heading: language.fill("watchVolumeTitle", name), request: request, context: context,
                               scope: scope, current: "home")
        case .ready(let ready):
            data = ready
        }
        let dashboard = data.dashboard, sentimentSeries = data.sentiment, shareResult = data.shares
        let signals = data.signals, spikes = data.spikes
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let watchBase = base + "/watches/" + DashboardPaths.escape(name)
        // The breakdown of the dashboard's period.
        let periodFields = FormFields("watch=" + DashboardPaths.escapeQuery(name)
            + "&from=" + DashboardPaths.escapeQuery(DateParsing.iso8601(dashboard.period.start))
            + "&until=" + DashboardPaths.escapeQuery(DateParsing.iso8601(dashboard.period.end)))
        let authenticity = try await TrendAnalyses.authenticity(
            scope: scope, dependencies: dependencies, fields: periodFields,
            result: "/api/v1/workspaces/" + DashboardPaths.escape(scope.name) + "/trends/authenticity?"
                + Self.query(periodFields, replacing: [:]), page: request.uri.description)
        let alerts = try await WatchAlerts.load(watch: name, scope: scope, language: language)

        let labels = dashboard.volume.map { String($0.label.prefix(dashboard.bucket == .hour ? 16 : 10)) }
        let volumeChart = labels.isEmpty ? nil : LineChart(
            title: language.fill("watchVolumeTitle", name), summary: language.text("watchVolumeSummary"), labels: labels,
            series: [ChartSeries(name: name, values: dashboard.volume.map { Double($0.posts) })]).render()
        let sentimentChart = sentimentSeries.flatMap { series in
            series.labels.isEmpty ? nil : LineChart(
                title: language.fill("watchSentimentTitle", name), summary: language.text("watchSentimentSummary"),
                labels: series.labels, series: [
                    ChartSeries(name: language.text("sentiment.positive"), values: series.positive),
                    ChartSeries(name: language.text("sentiment.negative"), values: series.negative),
                    ChartSeries(name: language.text("sentiment.neutral"), values: series.neutral),
                ]).render()
        }
        let shares = shareResult?.shareOfVoice?.entries ?? []
        let shareChart = shares.isEmpty ? nil : BarChart(
            title: language.text("shareOfVoice"), summary: language.text("shareOfVoiceSummary"),
            bars: shares.map { (label: $0.watch, value: ($0.share * 1000).rounded() / 10) }).render()

        func figure(_ key: String, _ value: WatchDashboard.Figure) -> WatchPage.Figure {
            WatchPage.Figure(label: language.text(key), value: language.format(value.current),
                             change: Self.change(value.change, language: language))
        }
        func top(_ id: String, _ entries: [WatchDashboard.Entry], href: ((String) -> String?)? = nil) -> WatchPage.TopList {
            WatchPage.TopList(id: "top-" + id, title: language.text("top." + id), rows: entries.map { entry in
                WatchPage.TopRow(value: entry.value, href: href?(entry.value), count: language.format(entry.count),
                                 previous: language.format(entry.previous),
                                 change: entry.previous == 0 ? language.text("new") : Self.change(entry.change, language: language) ?? "")
            })
        }
        func signal(_ signal: WeakSignal) -> WatchPage.Signal {
            WatchPage.Signal(display: signal.display, posts: language.format(signal.posts), authors: language.format(signal.authors),
                             growth: Self.decimal(signal.growth, language: language) + "×", explanation: signal.explanation,
                             isNew: signal.isNew, flags: signal.flags.isEmpty ? nil : signal.flags.map(\.rawValue).joined(separator: ", "))
        }
        let accountHref = { (value: String) -> String? in
            value.hasPrefix("@") ? base + "/accounts/" + DashboardPaths.escape(String(value.dropFirst())) : nil
        }
        let bucketLinks = BucketSize.allCases.map { size in
            WatchPage.BucketLink(label: language.text("bucket." + size.rawValue),
                                 href: Self.link(watchBase, fields: fields, replacing: ["bucket": size.rawValue]),
                                 current: size == dashboard.bucket)
        }
        let split = dashboard.sentiment.map { sentiment in
            [figure("sentiment.positive", sentiment.positive), figure("sentiment.neutral", sentiment.neutral),
             figure("sentiment.negative", sentiment.negative)]
        } ?? []
        let page = WatchPage(
            name: name, query: dashboard.query,
            period: language.format(dashboard.period.start) + " – " + language.format(dashboard.period.end),
            bucketLinks: bucketLinks,
            figures: [figure("posts", dashboard.posts), figure("uniqueAuthors", dashboard.uniqueAuthors),
                      figure("likes", dashboard.engagement.likes), figure("reposts", dashboard.engagement.reposts),
                      figure("replies", dashboard.engagement.replies)],
            volumeChart: volumeChart, sentimentChart: sentimentChart, sentimentSplit: split,
            sentimentMissing: dashboard.sentiment == nil, shareChart: shareChart,
            shares: shares.map { entry in
                WatchPage.ShareRow(watch: entry.watch, href: base + "/watches/" + DashboardPaths.escape(entry.watch),
                                   share: Self.percent(entry.share, language: language),
                                   previousShare: Self.percent(entry.previousShare, language: language),
                                   changePoints: Self.signed(entry.changePoints, language: language) + " pts",
                                   current: entry.watch == name)
            },
            tops: [top("hashtags", dashboard.top.hashtags), top("domains", dashboard.top.domains),
                   top("authors", dashboard.top.authors, href: accountHref), top("mentions", dashboard.top.mentions, href: accountHref),
                   top("terms", dashboard.top.terms)].filter { !$0.rows.isEmpty },
            signals: signals.report.signals.prefix(10).map(signal), flaggedSignals: signals.report.flagged.prefix(5).map(signal),
            signalNote: signals.report.note,
            spikes: spikes.spikes.suffix(10).reversed().map { spike in
                WatchPage.SpikeRow(start: language.format(spike.start), peak: language.format(spike.peakAt),
                                   peakCount: language.format(spike.peakCount), explanation: spike.explanation,
                                   resolved: spike.resolvedAt.map(language.format) ?? language.text("ongoing"))
            },
            authenticity: AuthenticitySection(authenticity, language: language, base: base),
            alerts: alerts, notes: data.notes + signals.notes,
            influencersHref: watchBase + "/influencers", trustHref: base + "/trust?watch=" + DashboardPaths.escapeQuery(name),
            queryHref: base + "/query?query=" + DashboardPaths.escapeQuery(dashboard.query),
            apiHref: apiPath)
        let pending = page.authenticity.pending != nil
        return renderer.render("watch", page: page, frame: frame(request, context, title: name, scope: scope, current: "home",
                                                                 refreshSeconds: pending ? 2 : nil))
    }

    // MARK: Numbers for people

    /// `+25 %` / `−10 %`; `nil` when there is nothing to compare with.
    static func change(_ value: Double?, language: Language) -> String? {
        value.map { signed($0 * 100, language: language) + " %" }
    }

    static func signed(_ value: Double, language: Language) -> String {
        (value > 0 ? "+" : value < 0 ? "−" : "") + decimal(abs(value), language: language, digits: 0)
    }

    static func percent(_ share: Double, language: Language) -> String {
        decimal(share * 100, language: language, digits: 1) + " %"
    }

    static func decimal(_ value: Double, language: Language, digits: Int = 1) -> String {
        value.formatted(.number.precision(.fractionLength(digits)).locale(Locale(identifier: language == .fr ? "fr_FR" : "en_GB")))
    }
}

/// What a watch page shows apart from the alerts and the authenticity breakdown, computed (and
/// cached) as one job.
struct WatchPageData: Sendable {
    var dashboard: WatchDashboard
    var notes: [String]
    var sentiment: WatchSentiment?
    /// Every watch of the workspace over the same period, when there are at least two.
    var shares: DashboardResult?
    var signals: WeakSignalsResult
    var spikes: SpikesResult

    static func load(watch name: String, scope: WorkspaceScope, cache: ResultCache, fields: FormFields) async throws -> WatchPageData {
        let result = try await WatchDashboards.load(scope: scope, cache: cache, watches: [name], fields: fields)
        guard let dashboard = result.dashboards.first else { throw Problem.internalError() }
        let sentiment = try await WatchSentiment.load(scope: scope, cache: cache, dashboard: dashboard)
        let all = try await scope.engine.store.watches(workspace: scope.name).map(\.name)
        let shares = all.count >= 2 ? try await WatchDashboards.load(scope: scope, cache: cache, watches: all, fields: fields) : nil
        let watchFields = FormFields("watch=" + DashboardPaths.escapeQuery(name))
        let signals = try await TrendAnalyses.weakSignals(scope: scope, cache: cache, fields: watchFields)
        let spikes = try await TrendAnalyses.spikes(scope: scope, cache: cache, fields: watchFields)
        return WatchPageData(dashboard: dashboard, notes: result.notes, sentiment: sentiment, shares: shares, signals: signals,
                             spikes: spikes)
    }
}

/// The watch page's authenticity part: the period's posts from likely fake accounts and from
/// coordinated clusters, the verdict and the clusters' evidence; or the job computing them.
struct AuthenticitySection {
    struct Pending {
        var stage: String
        var jobHref: String
    }

    struct ClusterRow {
        var members: String
        var size: String
        var posts: String
        var behaviours: String
        var shared: String
        var evidence: [String]
    }

    var pending: Pending?
    var verdict: String?
    var summary: String?
    var likelyFake: String?
    var coordinated: String?
    var clusters: [ClusterRow]
    var notes: [String]

    init(_ answer: AnalysisAnswer<SurgeAuthenticity>, language: Language, base: String) {
        switch answer {
        case .pending(let job):
            pending = Pending(stage: job.progress.stage, jobHref: base + "/jobs/" + job.id)
            clusters = []
            notes = []
        case .ready(let result):
            verdict = language.text("verdict." + result.verdict.rawValue)
            summary = result.summary
            func share(_ share: SurgeAuthenticity.Share) -> String {
                language.fill("shareOfPosts", DashboardController.percent(share.postShare, language: language),
                              language.format(share.posts), DashboardController.percent(share.accountShare, language: language))
            }
            likelyFake = result.likelyFake.map(share)
            coordinated = share(result.coordinated)
            clusters = result.topClusters.map { cluster in
                ClusterRow(members: cluster.members.joined(separator: ", "), size: language.format(cluster.size),
                           posts: language.format(cluster.posts), behaviours: cluster.behaviours.joined(separator: ", "),
                           shared: cluster.shared.joined(separator: " · "), evidence: cluster.evidence)
            }
            notes = result.notes
        }
    }
}

/// The alert rules that read a watch, and what they fired lately.
struct WatchAlerts {
    struct Rule {
        var name: String
        var kind: String
        var enabled: Bool
    }

    struct Fired {
        var rule: String
        var date: String
        var summary: String
        var delivered: Bool
    }

    var rules: [Rule]
    var fired: [Fired]

    static func load(watch: String, scope: WorkspaceScope, language: Language) async throws -> WatchAlerts {
        let rules = try await scope.engine.alertRules().filter { $0.target == .watch(watch) }
        var fired: [Fired] = []
        for rule in rules {
            fired += try await scope.engine.firedAlerts(rule: rule.name, limit: 10).map { stored in
                Fired(rule: rule.name, date: language.format(stored.alert.firedAt), summary: stored.alert.summary,
                      delivered: stored.delivered)
            }
        }
        return WatchAlerts(rules: rules.map { Rule(name: $0.name, kind: $0.kind.rawValue, enabled: $0.enabled) },
                           fired: Array(fired.prefix(20)))
    }
}

/// Sentiment over time: the share of positive, negative and neutral posts per bucket of a
/// dashboard. The engine's dashboard gives the split of a period and of the previous one, so a
/// dashboard of one bucket gives two buckets' splits: every other bucket is asked for, from the
/// newest. Cached with the dashboard.
struct WatchSentiment: Sendable {
    var labels: [String]
    var positive: [Double]
    var negative: [Double]
    var neutral: [Double]

    /// Buckets drawn at most (the newest); longer periods are drawn for their latest part.
    static let maximumBuckets = 60

    static func load(scope: WorkspaceScope, cache: ResultCache, dashboard: WatchDashboard) async throws -> WatchSentiment? {
        guard dashboard.sentiment != nil, !dashboard.volume.isEmpty else { return nil }
        let key = ResultCache.Key(workspace: scope.name, kind: "watch-sentiment",
                                  parameters: "\(dashboard.watch)|\(dashboard.bucket.rawValue)|\(dashboard.timeZone)|"
                                      + "\(dashboard.period.start.timeIntervalSince1970)|\(dashboard.period.end.timeIntervalSince1970)")
        let engine = scope.engine
        return try await cache.value(for: key) {
            let points = Array(dashboard.volume.suffix(Self.maximumBuckets))
            var shares = Array(repeating: (positive: 0.0, negative: 0.0, neutral: 0.0), count: points.count)
            func split(_ positive: Int, _ negative: Int, _ neutral: Int) -> (positive: Double, negative: Double, neutral: Double) {
                let total = Double(positive + negative + neutral)
                guard total > 0 else { return (0, 0, 0) }
                return (Double(positive) / total * 100, Double(negative) / total * 100, Double(neutral) / total * 100)
            }
            var index = points.count - 1
            while index >= 0 {
                try Task.checkCancellation()
                let start = points[index].start
                let end = index + 1 < points.count ? points[index + 1].start : dashboard.period.end
                let result = try await engine.dashboards(DashboardRequest(
                    watches: [dashboard.watch], bucket: dashboard.bucket, since: .instant(start), until: .instant(end),
                    timeZone: dashboard.timeZone, top: 0))
                if let sentiment = result.dashboards.first?.sentiment {
                    shares[index] = split(sentiment.positive.current, sentiment.negative.current, sentiment.neutral.current)
                    if index > 0 {
                        shares[index - 1] = split(sentiment.positive.previous, sentiment.negative.previous, sentiment.neutral.previous)
                    }
                }
                index -= 2
            }
            return WatchSentiment(labels: points.map { String($0.label.prefix(dashboard.bucket == .hour ? 16 : 10)) },
                                  positive: shares.map(\.positive), negative: shares.map(\.negative), neutral: shares.map(\.neutral))
        }
    }
}
