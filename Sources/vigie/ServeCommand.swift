import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals
import VigieCore
import VigieEngine
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
            Prometheus metrics at /metrics (loopback clients only unless --public-metrics). See docs/server.md.
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
        let store = try StoreOptions.openStore(engine, readOnly: false)

        let server = ServerConfiguration(host: host, port: port, engine: engine, secureCookies: !insecureCookies,
                                         maximumUploadBytes: maxUploadMb << 20, publicMetrics: publicMetrics)
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
        let app = try await buildApplication(configuration: server, store: store, logger: logger,
                                             metrics: ServerMetrics(registry: registry), onServerRunning: { port in
            let address = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            // Written in one call and flushed at once: scripts wait for this line to learn the port.
            FileHandle.standardOutput.write(Data("Vigie is serving \(database) on \(address); sign in at \(address)/sign-in\n".utf8))
        })
        // Live connectors join this group as services of their own. A job that does not stop
        // within 30 s of the signal is cancelled harder (its import resumes from its checkpoint).
        var group = ServiceGroupConfiguration(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
                                              logger: logger)
        group.maximumGracefulShutdownDuration = Duration.seconds(30)
        try await ServiceGroup(configuration: group).run()
    }
}
