import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigieCore
import VigieEngine

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Write the batches of an ingest bus into the store, until stopped (Ctrl-C or SIGTERM).",
        discussion: """
            Connectors and `vigie ingest --bus URL` publish decoded batches to a NATS JetStream \
            stream; workers of the same --group share them. A batch is acknowledged after its \
            transaction committed: a worker killed midway loses nothing (the batch is delivered \
            again) and counts nothing twice (writes are idempotent). Start the server with \
            `nats-server -js`. See docs/scale-out.md.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The ingest bus.", valueName: "nats://host:port"))
    var bus: String

    @Option(help: "Workers of one group share the batches.")
    var group = "writers"

    @Option(help: ArgumentHelp("Seconds after which a batch a worker took and did not acknowledge goes to another (set when the group is first created).",
                               valueName: "seconds"))
    var ackWait = 30

    @Flag(name: .shortAndLong, help: "No progress line.")
    var quiet = false

    func validate() throws {
        guard !group.isEmpty, group.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ValidationError("--group must be letters, digits, '-' or '_'.")
        }
        guard (1...3_600).contains(ackWait) else { throw ValidationError("--ack-wait must be between 1 and 3600 seconds.") }
    }

    func run() async throws {
        let engine = try store.engine(usage: .continuous)
        let bus = try BusOptions.open(self.bus, ackWait: .seconds(ackWait))
        let quiet = self.quiet
        if !quiet { Output.printError("worker '\(group)' writing batches from \(self.bus) into \(engine.store.location); Ctrl-C stops it") }
        let worker = IngestWorkerService(engine: engine, bus: bus, group: group) { progress in
            guard !quiet else { return }
            Output.printError("batches \(Output.count(progress.batches)) (\(progress.redelivered) redelivered): "
                              + "\(Output.count(progress.written.postsInserted)) posts new, "
                              + "\(Output.count(progress.written.postsUnchanged)) unchanged, "
                              + "\(Output.count(progress.written.interactionsInserted)) interactions")
        }
        let services = ServiceGroup(configuration: .init(
            services: [.init(service: worker)], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "vigie.worker")))
        try await services.run()
    }
}

/// The worker as a service: SIGINT or SIGTERM end it gracefully, between batches (the batch
/// being written commits or rolls back and stays unacknowledged, never half written).
struct IngestWorkerService: Service {
    let engine: Engine
    let bus: any IngestBus
    let group: String
    let progress: @Sendable (WorkerProgress) -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await engine.runIngestWorker(bus: bus, group: group, progress: progress)
        }
    }
}
