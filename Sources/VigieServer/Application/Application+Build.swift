import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VigieCore
import VigieEngine

/// The one way to build Vigie's server, used by `vigie serve` and by the tests: the HTTP
/// application (API, dashboard, health, metrics) over `store`, with its services — the job
/// queue, the store metrics refresher, the daily retention purge, and the store closer — in the
/// application's service group.
///
/// ```swift
/// let app = try await buildApplication(configuration: ServerConfiguration(port: 8080), store: store)
/// try await app.runService()   // until SIGTERM or SIGINT: requests finish, jobs stop, the store closes
/// ```
package func buildApplication(configuration: ServerConfiguration, store: any Store,
                             logger: Logger = Logger(label: "vigie.server"),
                             metrics: ServerMetrics = ServerMetrics(),
                             now: @escaping @Sendable () -> Date = { Date() },
                             onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in },
                             additionalServices: (_ changes: WorkspaceChanges) throws -> [any Service] = { _ in [] })
    async throws -> some ApplicationProtocol {
    let server = try ServerComponents(configuration: configuration, store: store, logger: logger, metrics: metrics, now: now,
                                      additionalServices: additionalServices)
    return Application(
        router: server.router,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: configuration.serverName),
        services: server.services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The parts of the server, apart from the HTTP listener: what `buildApplication` assembles and
/// what tests inspect (the router's routes, the job queue).
struct ServerComponents {
    let dependencies: ServerDependencies
    let router: Router<ServerRequestContext>
    /// In start order; a service group stops them in reverse, so the store closes last.
    let services: [any Service]

    /// Services that run with the server (live listeners, alert schedules: `vigie serve --listen`),
    /// stopped before the job queue and the store; they report changes they make to the
    /// workspaces' data through `changes`.
    let changes: WorkspaceChanges

    init(configuration: ServerConfiguration, store: any Store, logger: Logger, metrics: ServerMetrics,
         now: @escaping @Sendable () -> Date = { Date() },
         additionalServices: (_ changes: WorkspaceChanges) throws -> [any Service] = { _ in [] }) throws {
        try configuration.validate()
        let cache = ResultCache(capacity: configuration.cacheEntries, lifetime: configuration.cacheLifetime, metrics: metrics)
        // An import (even one that failed part-way) changes what the workspace's dashboards show;
        // analysis jobs only read, and their result is what the cache must keep.
        let jobs = JobQueue(concurrency: configuration.concurrentJobs, retained: configuration.retainedJobs, metrics: metrics,
                            logger: logger) { job in
            if job.kind == "import" { await cache.invalidate(workspace: job.workspace) }
        }
        changes = WorkspaceChanges(cache: cache, interval: configuration.liveInvalidationInterval)
        let access = AccessControl(store: store, configuration: configuration, now: now)
        dependencies = ServerDependencies(
            configuration: configuration, store: store, access: access,
            gate: WorkspaceGate(store: store, engineConfiguration: configuration.engine), jobs: jobs, cache: cache,
            metrics: metrics, cookies: SessionCookies(secure: configuration.secureCookies, lifetime: configuration.sessionAbsoluteTimeout),
            logger: logger, analyses: AnalysisJobs(cache: cache, jobs: jobs))
        let renderer = try PageRenderer()
        let dashboard = DashboardController(dependencies: dependencies, renderer: renderer)

        let router = Router(context: ServerRequestContext.self)
        // Outermost first: the log and the metrics see the final status of every request,
        // errors included, because the error middleware inside them has answered it.
        router.add(middleware: RequestLogMiddleware(level: .info))
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware { problem, request, context in
            dashboard.errorPage(problem, request: request, context: context)
        })
        router.add(middleware: AuthenticationMiddleware(access: access, cookies: dependencies.cookies))
        OperationsController(dependencies: dependencies, metricsOpen: configuration.publicMetrics).addRoutes(to: router)
        APIController(dependencies: dependencies).addRoutes(to: router)
        dashboard.addRoutes(to: router)
        self.router = router

        var services: [any Service] = [
            StoreCloser(store: store, logger: logger),
            jobs,
            StoreMetricsService(store: store, metrics: metrics, interval: configuration.storeMetricsInterval, logger: logger),
        ]
        if let interval = configuration.retentionPurgeInterval {
            services.append(RetentionPurgeService(store: store, engine: configuration.engine, interval: interval,
                                                  delay: configuration.retentionPurgeDelay, cache: cache, logger: logger, now: now))
        }
        self.services = services + (try additionalServices(changes))
    }
}
