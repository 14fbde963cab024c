/// A durable queue of ingest batches between the processes that decode records (live connectors,
/// file imports) and the workers that write them to a store, so that ingestion scales with
/// workers. NATS JetStream implements it (`VigieBus.NATSIngestBus`); another broker (Kafka) can.
///
/// Delivery is at least once: a batch whose handler did not finish (a worker killed midway) is
/// delivered again, and the store's writes are idempotent, so nothing is lost and nothing counts
/// twice.
///
/// ```swift
/// try await bus.publish(batch, workspace: "default", id: "tweets.jsonl#12")
/// try await bus.consume(group: "writers") { delivery in
///     _ = try await store.write(delivery.batch, workspace: delivery.workspace)
/// }
/// ```
public protocol IngestBus: Sendable {
    /// Returns once the bus has stored the batch durably. Publishing the same `id` again within
    /// the bus's duplicate window stores it once.
    func publish(_ batch: IngestBatch, workspace: String, id: String) async throws

    /// Hands batches to `handle`, one at a time, until the task is cancelled. A batch is
    /// acknowledged when `handle` returns and delivered again later when it throws. Workers of
    /// the same `group` share the batches.
    func consume(group: String, handle: @escaping @Sendable (BusDelivery) async throws -> Void) async throws
}

/// One batch taken from the bus.
public struct BusDelivery: Sendable {
    public var batch: IngestBatch
    public var workspace: String
    /// The id it was published with.
    public var id: String
    /// 1 the first time; more when an earlier delivery was not acknowledged.
    public var deliveryCount: Int

    public init(batch: IngestBatch, workspace: String, id: String, deliveryCount: Int) {
        self.batch = batch
        self.workspace = workspace
        self.id = id
        self.deliveryCount = deliveryCount
    }
}

/// The document a batch travels in: versioned, so that workers refuse what they cannot read.
public struct BusEnvelope: Sendable, Codable {
    public static let currentVersion = 1
    public var version: Int
    public var workspace: String
    public var id: String
    public var batch: IngestBatch

    public init(workspace: String, id: String, batch: IngestBatch) {
        version = Self.currentVersion
        self.workspace = workspace
        self.id = id
        self.batch = batch
    }
}
