import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Watches: create and remove them, their dashboards and their share of voice. Dashboards are
/// cached per workspace (``ResultCache``) until the workspace's data or watches change.
extension APIController {
    struct WatchBody: StrictDecodable {
        static let members: Set<String> = ["name", "query", "stemmed"]
        var name: String
        var query: String
        var stemmed: Bool?
    }

    struct CreatedWatchView: ResponseEncodable {
        var watch: WatchView
        /// Posts the new watch matched among those stored.
        var matches: Int
    }

    /// `POST …/watches` `{"name": "velo", "query": "velo OR vélo"}`: saves the watch and matches
    /// it against every stored post (201).
    @Sendable func createWatch(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        try FormFields(query: request).refuseUnknown([])
        let body = try await JSONBody.decode(WatchBody.self, from: request, limit: jsonLimit)
        let refresh = try await scope.engine.addWatch(AddWatchRequest(name: body.name, query: body.query, stemmed: body.stemmed ?? false))
        await dependencies.cache.invalidate(workspace: scope.name)
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "watch.add",
                                            target: body.name, detail: body.query)
        guard let watch = try await scope.engine.store.watch(named: body.name, workspace: scope.name) else {
            throw Problem.internalError()
        }
        var response = try CreatedWatchView(watch: WatchView(watch), matches: refresh.totalMatches)
            .response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "\(Self.prefix)/workspaces/\(scope.name)/watches/\(DashboardPaths.escape(body.name))"
        return response
    }

    @Sendable func deleteWatch(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        try FormFields(query: request).refuseUnknown([])
        let name = try context.parameters.decoded("watch")
        try await scope.engine.removeWatch(named: name)
        await dependencies.cache.invalidate(workspace: scope.name)
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "watch.remove", target: name)
        return Response(status: .noContent)
    }

    /// `GET …/watches/{watch}/dashboard?bucket=day&since=2025-03-01`: the watch's dashboard.
    @Sendable func watchDashboard(_ request: Request, context: ServerRequestContext,
                                  scope: WorkspaceScope) async throws -> EncodedJSON {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(WatchDashboards.fields)
        let name = try context.parameters.decoded("watch")
        let cache = dependencies.cache
        let encoder = context.responseEncoder
        // The answer is cached encoded: encoding the dashboard was a quarter of the CPU of a
        // cached request under load.
        let key = ResultCache.Key(workspace: scope.name, kind: "watch-dashboard-json", fields: fields, extra: name)
        return try await cache.value(for: key) {
            let result = try await WatchDashboards.load(scope: scope, cache: cache, watches: [name], fields: fields)
            guard let dashboard = result.dashboards.first else { throw Problem.internalError() }
            return try EncodedJSON(dashboard, encoder: encoder)
        }
    }

    /// `GET …/share-of-voice?watches=velo,climat`: the dashboards of several watches over the same
    /// period and each one's share of their posts.
    @Sendable func shareOfVoice(_ request: Request, context: ServerRequestContext,
                                scope: WorkspaceScope) async throws -> JSONAnswer<DashboardResult> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(WatchDashboards.fields.union(["watches"]))
        var names = fields.list("watches")
        if names.isEmpty { names = try await scope.engine.store.watches(workspace: scope.name).map(\.name) }
        guard names.count >= 2 else {
            throw Problem.invalidArgument("share of voice compares at least two watches: watches=a,b", field: "watches")
        }
        guard names.count <= 20 else { throw Problem.invalidArgument("compare at most 20 watches at once", field: "watches") }
        return JSONAnswer(try await WatchDashboards.load(scope: scope, cache: dependencies.cache, watches: names, fields: fields))
    }
}

/// Watch dashboards as the API and the pages read them: the engine's dashboards, cached.
enum WatchDashboards {
    static let fields: Set<String> = ["bucket", "since", "until", "timezone", "top"]

    /// The request the fields describe (a 400 naming the field otherwise).
    static func request(watches: [String], fields: FormFields) throws -> DashboardRequest {
        let bucket = try fields.choice("bucket", of: BucketSize.self) ?? .day
        func bound(_ name: String) throws -> PeriodBound? {
            guard let text = fields.text(name) else { return nil }
            guard let bound = PeriodBound(text) else {
                throw Problem.invalidArgument("'\(name)' is not a date: use 2025-03-01 or 2025-03-01T12:00:00Z", field: name)
            }
            return bound
        }
        let request = DashboardRequest(watches: watches, bucket: bucket, since: try bound("since"), until: try bound("until"),
                                       timeZone: fields.text("timezone"), top: try fields.int("top", in: 0...100) ?? 10)
        try request.validate()
        return request
    }

    /// The dashboards of `watches` over the period of `fields`, from the cache when it has them.
    /// Every watch must exist (404 naming it otherwise), before anything is computed.
    static func load(scope: WorkspaceScope, cache: ResultCache, watches: [String], fields: FormFields) async throws -> DashboardResult {
        let request = try request(watches: watches, fields: fields)
        let key = ResultCache.Key(workspace: scope.name, kind: "watch-dashboard", fields: fields,
                                  extra: watches.joined(separator: ","))
        if let cached = await cache.cachedValue(for: key, as: DashboardResult.self) { return cached }
        for name in watches { try await AnalysisChecks.requireWatch(named: name, scope: scope) }
        let engine = scope.engine
        return try await cache.value(for: key) { try await engine.dashboards(request) }
    }
}

/// Checks made before an analysis starts, so that a missing watch or account is a 404 at once
/// rather than a job that fails.
enum AnalysisChecks {
    static func requireWatch(_ topic: Topic?, scope: WorkspaceScope) async throws {
        if case .watch(let name)? = topic { try await requireWatch(named: name, scope: scope) }
    }

    static func requireWatch(_ selection: PostSelection, scope: WorkspaceScope) async throws {
        if case .watch(let name) = selection { try await requireWatch(named: name, scope: scope) }
    }

    static func requireWatch(named name: String, scope: WorkspaceScope) async throws {
        guard try await scope.engine.store.watch(named: name, workspace: scope.name) != nil else {
            throw Problem.notFound("no watch named '\(name)' in workspace '\(scope.name)'", field: "watch")
        }
    }

    /// An account of the workspace by handle (with or without `@`) or platform id.
    static func requireAccount(_ handle: String, scope: WorkspaceScope, field: String = "handle") async throws {
        let name = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        guard !name.isEmpty, try await !scope.engine.store.accountKeys(workspace: scope.name, handle: name).isEmpty else {
            throw Problem.notFound("no account '\(handle)' in workspace '\(scope.name)'", field: field)
        }
    }
}
