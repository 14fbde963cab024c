import VigieCore

/// A ``StoreWriter`` that publishes each batch to an ``IngestBus`` instead of writing it: an
/// import or a connector decodes, workers write (`vigie ingest FILE --bus URL`).
public struct BusWriter: StoreWriter {
    public let bus: any IngestBus
    /// Batch ids are this prefix and the batch's number, so a retried publish is recognised.
    public let idPrefix: String
    private let counter = BatchCounter()

    public init(bus: any IngestBus, idPrefix: String) {
        self.bus = bus
        self.idPrefix = idPrefix
    }

    /// Returns once the bus holds the batch; the summary counts what was handed over (the store
    /// itself is written by the workers).
    public func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        let number = await counter.next()
        try await bus.publish(batch, workspace: workspace, id: "\(idPrefix)#\(number)")
        var summary = WriteSummary()
        summary.rejectsInserted = batch.rejects.count
        return summary
    }
}

/// Numbers the batches of one writer.
actor BatchCounter {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}

/// What a worker did.
public struct WorkerProgress: Sendable {
    public var batches = 0
    public var redelivered = 0
    public var written = WriteSummary()
    public var lastError: String?
}

extension Engine {
    /// Writes the batches of `bus` into the store until the task is cancelled (a worker process).
    /// Each batch is acknowledged only after its transaction committed; a worker killed midway
    /// leaves its batch unacknowledged, and the bus delivers it again — idempotent writes make
    /// the second delivery change nothing that the first one wrote.
    ///
    /// ```swift
    /// try await engine.runIngestWorker(bus: NATSIngestBus(url: "nats://127.0.0.1:4222"), group: "writers")
    /// ```
    public func runIngestWorker(bus: any IngestBus, group: String = "writers",
                                progress: (@Sendable (WorkerProgress) -> Void)? = nil) async throws {
        let store = self.store.applyingPlatformDeletions
        let tally = WorkerTally()
        try await bus.consume(group: group) { delivery in
            let written = try await store.write(delivery.batch, workspace: delivery.workspace)
            let snapshot = await tally.add(written, redelivered: delivery.deliveryCount > 1)
            progress?(snapshot)
        }
    }
}

/// The running totals of a worker.
actor WorkerTally {
    private var progress = WorkerProgress()

    func add(_ written: WriteSummary, redelivered: Bool) -> WorkerProgress {
        progress.batches += 1
        if redelivered { progress.redelivered += 1 }
        progress.written += written
        return progress
    }
}
