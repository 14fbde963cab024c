import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import VigieCore
import VigieEngine
import VigieServer

struct LinksServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the short-link redirector: GET /{code} answers 302 to the target and records the click.",
        discussion: """
            Point the brand's short-link domain (the campaigns' --link-base) at it, usually through a \
            reverse proxy terminating TLS (then --trust-forwarded-for). Each click is committed before \
            its redirect is answered. The client's address is used in memory for the visitor key only: \
            it is never stored or logged. Stops cleanly on SIGTERM or SIGINT. See docs/campaigns.md.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "port"))
    var port = 8090

    @Flag(help: "Take the client's address from X-Forwarded-For (only behind a proxy that sets it).")
    var trustForwardedFor = false

    @Option(help: ArgumentHelp("A header with the visitor's country set by the proxy or CDN (e.g. CF-IPCountry).", valueName: "name"))
    var countryHeader: String?

    @Option(help: ArgumentHelp("Unknown codes one address may request per 10 minutes before 429.", valueName: "n"))
    var unknownLimit = 30

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard unknownLimit >= 1 else { throw ValidationError("--unknown-limit must be at least 1.") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .notice
            return handler
        }
        let logger = Logger(label: "vigie.links")
        let configuration = store.configuration()
        try configuration.validate()
        let store = try StoreOptions.openStore(configuration, readOnly: false, mustExist: true)
        let settings = LinkServerConfiguration(host: host, port: port, trustForwardedFor: trustForwardedFor, countryHeader: countryHeader,
                                               redirector: RedirectorSettings(unknownCodeLimit: unknownLimit))
        let database = configuration.database
        let app = buildLinkApplication(configuration: settings, store: store, logger: logger, onServerRunning: { port in
            let address = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            FileHandle.standardOutput.write(Data("Vigie links are served from \(database) on \(address)\n".utf8))
        })
        var group = ServiceGroupConfiguration(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
                                              logger: logger)
        group.maximumGracefulShutdownDuration = Duration.seconds(10)
        try await ServiceGroup(configuration: group).run()
    }
}
