import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigieCore
import VigieDelivery
import VigieEngine
import VigieLive

struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Listen to the live sources until stopped (Ctrl-C or SIGTERM), keeping the store current.",
        discussion: """
            Runs every source of the workspace that is not paused (`vigie sources add …`), and \
            follows changes made with `vigie sources` while it runs. Each batch is written with the \
            source's cursor in one transaction: a listener killed at any moment resumes where its \
            data stops, and nothing is stored twice. Watches match new posts as they are read; \
            alert rules are evaluated on a schedule and their webhooks called.

            On a connected machine, the public Bluesky firehose:
              vigie sources add jetstream --url wss://jetstream2.us-east.bsky.network/subscribe
              vigie listen
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("source"), help: ArgumentHelp("Only this source (repeatable).", valueName: "name"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("Publish batches to this ingest bus instead of writing them (workers write).",
                               valueName: "nats://host:port"))
    var bus: String?

    @Option(help: ArgumentHelp("Records per transaction at most.", valueName: "n"))
    var batchSize = 2_000

    @Option(help: ArgumentHelp("How often watches are brought up to date and alert rules evaluated (an alert reaches its webhook within this, plus the evaluation).",
                               valueName: "duration"))
    var alertInterval = "30s"

    @Flag(help: "Do not evaluate alert rules (another process does).")
    var noAlerts = false

    @Flag(name: .shortAndLong, help: "No progress lines.")
    var quiet = false

    func validate() throws {
        guard (1...100_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 100000.") }
        guard let seconds = TrendDuration.parse(alertInterval), seconds >= 1, seconds <= 86_400 else {
            throw ValidationError("--alert-interval '\(alertInterval)' is not a duration between 1s and 1d (e.g. 30s, 1m).")
        }
    }

    func run() async throws {
        let engine = try store.engine(usage: .continuous)
        var logger = Logger(label: "vigie.listen")
        logger.logLevel = quiet ? .error : .warning
        let writer: any StoreWriter
        if let bus {
            let opened = try BusOptions.open(bus)
            // Batch ids unique to this run: a restarted listener's batches are never taken for
            // duplicates of the previous run's.
            writer = BusWriter(bus: opened, idPrefix: "live-\(engine.workspace)-\(ProcessInfo.processInfo.processIdentifier)-\(Int(Date().timeIntervalSince1970))")
        } else {
            writer = engine.store.applyingPlatformDeletions
        }
        let known = Set(try await engine.store.sources(workspace: engine.workspace).map(\.name))
        for name in sources where !known.contains(name) {
            throw CLIError("--source: no source named '\(name)' in workspace \(engine.workspace) (see `vigie sources list`)")
        }
        if known.isEmpty && !quiet {
            Output.printError("no source yet in workspace \(engine.workspace): add one with `vigie sources add …`; waiting for one")
        }
        var options = LiveOptions()
        options.batchSize = batchSize
        let monitor = SourceMonitor()
        let listener = LiveListener(
            context: LiveContext(writer: writer, sources: engine.store, workspace: engine.workspace, options: options, logger: logger),
            monitor: monitor, only: sources.isEmpty ? nil : Set(sources))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: listener)]
        if !noAlerts {
            let seconds = TrendDuration.parse(alertInterval) ?? 30
            services.append(.init(service: AlertSchedule(engine: engine, transport: WebhookSender(),
                                                         interval: .milliseconds(Int64(seconds * 1000)), logger: logger)))
        }
        if !quiet {
            services.append(.init(service: ListenProgress(monitor: monitor), successTerminationBehavior: .ignore))
            Output.printError("listening (workspace \(engine.workspace), \(engine.store.location)\(bus.map { ", publishing to \($0)" } ?? "")); Ctrl-C stops")
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Prints each source's state, rate and lag every few seconds.
struct ListenProgress: Service {
    let monitor: SourceMonitor

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(5))
                for (name, status) in monitor.snapshots().sorted(by: { $0.key < $1.key }) {
                    let lag = status.lag().map { String(format: ", lag %.1f s", $0) } ?? ""
                    Output.printError("\(name): \(status.state.rawValue)\(status.detail.map { " (\($0))" } ?? ""), "
                                      + String(format: "%.0f events/s", status.eventsPerSecond) + lag
                                      + ", \(Output.count(status.events)) events, \(status.reconnects) reconnects")
                }
            }
        }
    }
}
