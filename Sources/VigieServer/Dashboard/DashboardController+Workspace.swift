import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// A workspace's home, the query page and the account page.
extension DashboardController {
    // MARK: Home

    struct HomePage {
        struct WatchRow {
            var name: String
            var query: String
            var stemmed: Bool
            var matches: String
            var sparkline: String
            var latest: String
            var queryHref: String
            var watchHref: String
        }

        struct PlatformRow {
            var name: String
            var posts: String
            var accounts: String
            var interactions: String
        }

        var name: String
        var posts: String
        var accounts: String
        var interactions: String
        var rejects: String
        var rejectsHref: String
        var watchCount: Int
        var watches: [WatchRow]
        var volumeChart: RenderedChart?
        var platforms: [PlatformRow]
    }

    @Sendable func home(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let stats = try await scope.engine.stats()
        let overview = try await WatchOverview.load(scope: scope, cache: dependencies.cache)
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let rows = overview.watches.map { watch in
            HomePage.WatchRow(
                name: watch.name, query: watch.query, stemmed: watch.stemmed, matches: language.format(watch.matches),
                sparkline: Sparkline(label: watch.name, values: watch.volume.map(Double.init)).render(),
                latest: watch.latest.map(language.format) ?? "—",
                queryHref: base + "/query?query=" + DashboardPaths.escapeQuery(watch.query) + (watch.stemmed ? "&stemmed=true" : ""),
                watchHref: base + "/watches/" + DashboardPaths.escape(watch.name))
        }
        let charted = overview.watches.prefix(ChartPalette.colours.count)
        let chart = overview.dayLabels.isEmpty || charted.isEmpty ? nil : LineChart(
            title: language.text("volumeChartTitle"), summary: language.text("volumeOverTime"), labels: overview.dayLabels,
            series: charted.map { ChartSeries(name: $0.name, values: $0.volume.map(Double.init)) }).render()
        let total = stats.total
        let page = HomePage(
            name: scope.name, posts: language.format(total.posts), accounts: language.format(total.accounts),
            interactions: language.format(total.interactions), rejects: language.format(stats.rejects),
            rejectsHref: base + "/rejects", watchCount: overview.watches.count, watches: rows, volumeChart: chart,
            platforms: stats.byPlatform.sorted { $0.key < $1.key }.map { platform, counts in
                HomePage.PlatformRow(name: platform, posts: language.format(counts.posts), accounts: language.format(counts.accounts),
                                     interactions: language.format(counts.interactions))
            })
        return renderer.render("home", page: page, frame: frame(request, context, title: scope.name, scope: scope, current: "home"))
    }

    // MARK: Query

    struct QueryPage {
        struct QueryErrorView {
            var columnLabel: String
            var message: String
            var before: String
            var at: String
            var after: String
        }

        struct PostView {
            var date: String
            var isoDate: String
            var platform: String
            var author: String
            var accountHref: String?
            var language: String?
            var text: String
        }

        struct ResultView {
            var summary: String
            var canonical: String
            var posts: [PostView]
            var csvHref: String
            var nextHref: String?
        }

        var action: String
        var query: String
        var since: String
        var until: String
        var stemmed: Bool
        var error: QueryErrorView?
        var result: ResultView?
    }

    @Sendable func queryPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let fields = FormFields(query: request)
        let base = "/w/" + DashboardPaths.escape(scope.name)
        var page = QueryPage(action: base + "/query", query: fields["query"] ?? "", since: fields.text("since") ?? "",
                             until: fields.text("until") ?? "", stemmed: (try? fields.bool("stemmed")) == true)
        var status = HTTPResponse.Status.ok
        if let text = fields.text("query") {
            do {
                var result = try await QueryPaging.run(engine: scope.engine, text: text, stemmed: page.stemmed,
                                                       since: try fields.date("since"), until: try fields.date("until"),
                                                       page: try PageRequest<QueryCursor>(fields))
                result.posts = try await scope.shown(result.posts)
                page.result = Self.resultView(result, fields: fields, base: base, workspace: scope.name, language: language,
                                              linksAccounts: scope.pseudonyms == nil)
            } catch let error as QueryError {
                page.error = Self.errorView(error, text: text, language: language)
                status = .badRequest
            } catch let problem as Problem where problem.statusCode == 400 {
                page.error = QueryPage.QueryErrorView(columnLabel: problem.field ?? "", message: problem.detail,
                                                      before: "", at: "", after: "")
                status = .badRequest
            }
        }
        return renderer.render("query", page: page, frame: frame(request, context, title: language.text("query"),
                                                                 scope: scope, current: "query"), status: status)
    }

    /// The query with the character at the error's column marked, as the CLI's caret does.
    static func errorView(_ error: QueryError, text: String, language: Language) -> QueryPage.QueryErrorView {
        let characters = Array(text)
        let index = min(max(error.column - 1, 0), characters.count)
        let at = index < characters.count ? String(characters[index]) : " "
        return QueryPage.QueryErrorView(
            columnLabel: language.fill("queryErrorAt", String(error.column)),
            message: "expected \(error.expected), found \(error.found)", before: String(characters[..<index]), at: at,
            after: index < characters.count ? String(characters[(index + 1)...]) : "")
    }

    /// `linksAccounts`: whether authors link to their account page (not by pseudonym: a
    /// pseudonym names no account page).
    static func resultView(_ result: QueryView, fields: FormFields, base: String, workspace: String,
                           language: Language, linksAccounts: Bool = true) -> QueryPage.ResultView {
        let summary = result.matched.flatMap { matched in
            result.authors.map { language.fill("matchedSummary", language.format(matched), language.format($0)) }
        } ?? language.text("posts")
        // The export is the API's CSV of the same query, up to the API's page maximum.
        let csv = "/api/v1/workspaces/" + DashboardPaths.escape(workspace) + "/query?"
            + query(fields, replacing: ["format": "csv", "cursor": "", "limit": String(PageRequest<QueryCursor>.maximumLimit)])
        return QueryPage.ResultView(
            summary: summary, canonical: result.query,
            posts: result.posts.map { postView($0, base: base, language: language, linksAccount: linksAccounts) }, csvHref: csv,
            nextHref: result.nextCursor.map { link(base + "/query", fields: fields, replacing: ["cursor": $0]) })
    }

    static func postView(_ post: Post, base: String, language: Language, linksAccount: Bool = true) -> QueryPage.PostView {
        let handle = post.authorHandle.map { "@" + $0 }
        return QueryPage.PostView(
            date: language.format(post.createdAt), isoDate: DateParsing.iso8601(post.createdAt), platform: post.platform.rawValue,
            author: handle ?? post.authorID,
            accountHref: linksAccount ? base + "/accounts/" + DashboardPaths.escape(post.authorHandle ?? post.authorID) : nil,
            language: post.language, text: post.text)
    }

    /// `path?…` with the page's fields, some replaced (the next page's cursor, the CSV format).
    static func link(_ path: String, fields: FormFields, replacing: [String: String]) -> String {
        path + "?" + query(fields, replacing: replacing)
    }

    static func query(_ fields: FormFields, replacing: [String: String]) -> String {
        var values = fields.values
        for (key, value) in replacing { values[key] = value }
        return values.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(DashboardPaths.escapeQuery($0.value))" }.joined(separator: "&")
    }

    // MARK: Accounts

    @Sendable func findAccount(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let base = "/w/" + DashboardPaths.escape(scope.name)
        if let handle = FormFields(query: request).text("handle") {
            return Response.redirect(to: base + "/accounts/" + DashboardPaths.escape(handle), type: .found)
        }
        let language = Language.of(request)
        return renderer.render("account", page: AccountPage(findAction: base + "/accounts", handle: "", accounts: []),
                               frame: frame(request, context, title: language.text("accounts"), scope: scope, current: "accounts"))
    }

    struct AccountPage {
        struct AccountView {
            var index: Int
            var title: String
            var name: String?
            var bio: String?
            var platform: String
            var followers: String
            var following: String
            var storedPosts: String
            var verified: String
            var declaredBot: String
            var created: String?
            var firstPost: String?
            var lastPost: String?
            var engagedBy: RenderedChart?
            var engages: RenderedChart?
            var recentPosts: [QueryPage.PostView]
        }

        var findAction: String
        var handle: String
        var accounts: [AccountView]
    }

    @Sendable func accountPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let handle = try context.parameters.decoded("handle")
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let details = try await scope.engine.accounts(named: handle)
        func show(_ value: Int?) -> String { value.map(language.format) ?? language.text("unknown") }
        func show(_ value: Bool?) -> String { value.map { language.text($0 ? "yes" : "no") } ?? language.text("unknown") }
        func chart(_ counts: [String: Int], title: String) -> RenderedChart? {
            counts.isEmpty ? nil : BarChart(title: title, bars: counts.sorted { $0.value > $1.value }
                .map { (label: $0.key, value: Double($0.value)) }).render()
        }
        let accounts = details.enumerated().map { index, detail in
            let account = detail.account
            return AccountPage.AccountView(
                index: index, title: "@" + (account.handle ?? account.platformID), name: account.displayName,
                bio: account.bio.flatMap { $0.isEmpty ? nil : $0 }, platform: account.platform.rawValue,
                followers: show(account.followers), following: show(account.following), storedPosts: language.format(detail.postCount),
                verified: show(account.verified), declaredBot: show(account.declaredBot), created: account.createdAt.map(language.format),
                firstPost: detail.firstPostAt.map(language.format), lastPost: detail.lastPostAt.map(language.format),
                engagedBy: chart(detail.interactionsIn, title: language.text("engagedBy")),
                engages: chart(detail.interactionsOut, title: language.text("engages")),
                recentPosts: detail.recentPosts.map { Self.postView($0, base: base, language: language) })
        }
        let title = accounts.first?.title ?? handle
        return renderer.render("account", page: AccountPage(findAction: base + "/accounts", handle: handle, accounts: accounts),
                               frame: frame(request, context, title: title, scope: scope, current: "accounts"))
    }
}

/// What the home page shows of a workspace's watches: each one's matches, latest post and the
/// posts per day over the 30 days up to the latest post of any watch. Cached per workspace
/// until an import or a watch change.
struct WatchOverview: Sendable {
    struct Item: Sendable {
        var name: String
        var query: String
        var stemmed: Bool
        var matches: Int
        var latest: Date?
        var volume: [Int]
    }

    var watches: [Item]
    var dayLabels: [String]

    static func load(scope: WorkspaceScope, cache: ResultCache) async throws -> WatchOverview {
        let store = scope.engine.store
        let workspace = scope.name
        return try await cache.value(for: .init(workspace: workspace, kind: "watch-overview", parameters: "day30")) {
            let watches = try await store.watches(workspace: workspace)
            var refreshed: [(Watch, Int, ClosedRange<Date>?)] = []
            for watch in watches {
                let refresh = try await store.refreshWatch(named: watch.name, workspace: workspace)
                refreshed.append((watch, refresh.totalMatches, try await store.watchSpan(named: watch.name, workspace: workspace)))
            }
            guard let end = refreshed.compactMap({ $0.2?.upperBound }).max() else {
                return WatchOverview(watches: refreshed.map { .init(name: $0.0.name, query: $0.0.query, stemmed: $0.0.stemmed,
                                                                    matches: $0.1, latest: nil, volume: []) },
                                     dayLabels: [])
            }
            let buckets = TimeBuckets(size: .day, timeZone: try await store.timeZone(workspace: workspace), count: 30,
                                      endingAt: end.addingTimeInterval(0.001))
            var items: [Item] = []
            for (watch, matches, span) in refreshed {
                let volume = try await store.watchVolume(named: watch.name, workspace: workspace, buckets: buckets)
                items.append(Item(name: watch.name, query: watch.query, stemmed: watch.stemmed, matches: matches,
                                  latest: span?.upperBound, volume: volume))
            }
            let labels = (0..<buckets.count).map { String(buckets.label($0).prefix(10)) }
            return WatchOverview(watches: items, dayLabels: labels)
        }
    }
}
