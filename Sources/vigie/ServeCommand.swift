import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals
import VigieCore
import VigieDelivery
import VigieEngine
import VigieLive
import VigieServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (/api/v1) and the web dashboard.",
        discussion: """
            Listens on 127.0.0.1:8080 unless --host and --port say otherwise. Sign in with a user \
            made by `vigie users add` (scripts/setup makes a first one). Stops cleanly on SIGTERM or \
            SIGINT: requests in flight are answered, running jobs stop, the store is closed. \
            The API is described at /api/v1/openapi.json; health at /health/live and /health/ready; \
            Prometheus metrics at /metrics (loopback clients only unless --public-metrics). Every workspace's \
            retention purge runs daily (--purge-interval). See docs/server.md.
            """
    )

    @Option(name: .long, help: ArgumentHelp(
        "SQLite database file, or a postgres:// URL (default: $VIGIE_DATABASE, else ./vigie.sqlite).", valueName: "path"))
    var database: String?

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "port"))
    var port = 8080

    @OptionGroup var lexicon: LexiconOptions

    @Option(help: ArgumentHelp("Largest upload accepted for an import, in megabytes.", valueName: "MB"))
    var maxUploadMb = 1024

    @Flag(help: "Cookies without the Secure flag: only to serve plain HTTP to other machines (not loopback).")
    var insecureCookies = false

    @Flag(help: "Serve /metrics to any client, not only to loopback ones.")
    var publicMetrics = false

    @Flag(help: "Also run the live sources of every workspace that has some (`vigie sources add`), as `vigie listen` does, with their alert rules on a schedule.")
    var listen = false

    @Option(help: ArgumentHelp("With --listen: how often watches are brought up to date and alert rules evaluated.", valueName: "duration"))
    var alertInterval = "30s"

    @Option(help: ArgumentHelp("How often every workspace's retention purge runs (`vigie privacy purge`), or `off`; the first one a minute after start.",
                               valueName: "duration"))
    var purgeInterval = "1d"

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel = "info"

    @Option(help: ArgumentHelp("Log lines as text or json (one object per line).", valueName: "format"))
    var logFormat = "text"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard maxUploadMb >= 1 else { throw ValidationError("--max-upload-mb must be at least 1.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json.") }
        guard let seconds = TrendDuration.parse(alertInterval), seconds >= 1, seconds <= 86_400 else {
            throw ValidationError("--alert-interval '\(alertInterval)' is not a duration between 1s and 1d (e.g. 30s, 1m).")
        }
        guard purgeInterval.lowercased() == "off" || TrendDuration.parse(purgeInterval).map({ $0 >= 1 && $0 <= 30 * 86_400 }) == true else {
            throw ValidationError("--purge-interval '\(purgeInterval)' is neither `off` nor a duration between 1s and 30d (e.g. 1d, 12h).")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "vigie.server")

        var engine = EngineConfiguration(environment: ProcessInfo.processInfo.environment)
        if let database { engine.database = database }
        if let lexicons = lexicon.lexicons { engine.lexicons = lexicons }
        try engine.validate()
        let store = try StoreOptions.openStore(engine, readOnly: false, usage: .continuous)
        // Workspaces that show people by pseudonym are served too: the server's workspace gate
        // pseudonymises or refuses each route (VigieServer/Access/WorkspaceGate.swift), and the
        // alert schedule of --listen sends no webhook for them.

        // `off` leaves expired data in place until someone runs `vigie privacy purge --yes`.
        let purge = TrendDuration.parse(purgeInterval).map { Duration.milliseconds(Int64($0 * 1000)) }
        let server = ServerConfiguration(host: host, port: port, engine: engine, secureCookies: !insecureCookies,
                                         maximumUploadBytes: maxUploadMb << 20, publicMetrics: publicMetrics,
                                         retentionPurgeInterval: purge)
        do {
            try server.validate()
        } catch {
            throw CLIError(error.message)
        }
        // Metrics written through swift-metrics (by libraries, later by connectors) land in the
        // same registry as the server's own.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        // The store's location, never the URL as given (it may hold a password).
        let database = store.location
        var live: [String] = []
        if listen {
            live = try await LiveWorkspaces.find(in: store)
            Output.printError(live.isEmpty
                ? "--listen: no workspace has a live source yet (add one with `vigie sources add …`); serving without listening"
                : "listening to the live sources of \(live.joined(separator: ", "))")
        }
        let interval = Duration.milliseconds(Int64((TrendDuration.parse(alertInterval) ?? 30) * 1000))
        let app = try await buildApplication(configuration: server, store: store, logger: logger,
                                             metrics: ServerMetrics(registry: registry), onServerRunning: { port in
            let address = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            // Written in one call and flushed at once: scripts wait for this line to learn the port.
            FileHandle.standardOutput.write(Data("Vigie is serving \(database) on \(address); sign in at \(address)/sign-in\n".utf8))
        }, additionalServices: { changes in
            LiveWorkspaces.services(for: live, store: store, engine: engine, alertInterval: interval, changes: changes, logger: logger)
        })
        // Live listeners (--listen) run inside the application's own services. A job that does not stop
        // within 30 s of the signal is cancelled harder (its import resumes from its checkpoint).
        var group = ServiceGroupConfiguration(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
                                              logger: logger)
        group.maximumGracefulShutdownDuration = Duration.seconds(30)
        try await ServiceGroup(configuration: group).run()
    }
}

/// `vigie serve --listen`: a live listener and an alert schedule per workspace that has live
/// sources, run as services of the server (stopped before the store closes), their writes
/// refreshing the server's cached dashboards.
enum LiveWorkspaces {
    /// The workspaces with at least one live source.
    static func find(in store: any Store) async throws -> [String] {
        var found: [String] = []
        for workspace in try await store.workspaces() {
            if try await !store.sources(workspace: workspace).isEmpty { found.append(workspace) }
        }
        return found
    }

    static func services(for workspaces: [String], store: any Store, engine: EngineConfiguration, alertInterval: Duration,
                         changes: WorkspaceChanges, logger: Logger) -> [any Service] {
        var services: [any Service] = []
        for workspace in workspaces {
            var configuration = engine
            configuration.workspace = workspace
            let context = LiveContext(writer: changes.writer(over: store.applyingPlatformDeletions), sources: store, workspace: workspace,
                                      options: LiveOptions(), logger: logger)
            services.append(LiveListener(context: context, monitor: SourceMonitor()))
            services.append(AlertSchedule(engine: Engine(store: store, configuration: configuration), transport: WebhookSender(),
                                          interval: alertInterval, logger: logger, onRun: { run in
                guard !run.fired.isEmpty else { return }
                Task { await changes.changed(workspace: workspace) }
            }))
        }
        return services
    }
}
