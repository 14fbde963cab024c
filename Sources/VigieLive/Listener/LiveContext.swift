import Foundation
import Logging
import Synchronization
import VigieCore

/// How connectors batch, wait and report. Every field has a default.
public struct LiveOptions: Sendable, Hashable {
    /// Records per transaction at most.
    public var batchSize: Int
    /// How long the first record of a batch waits for others before the batch is written: the
    /// bound on the delay between an event's arrival and its storage at low rates.
    public var linger: Duration
    /// Records decoded and not yet written at most; the reader waits beyond (backpressure).
    public var queueCapacity: Int
    public var backoff: Backoff
    /// How often the listener saves the sources' figures and looks for added, paused, resumed
    /// or removed sources.
    public var reconcileInterval: Duration

    public init(batchSize: Int = 2_000, linger: Duration = .milliseconds(250), queueCapacity: Int = 20_000,
                backoff: Backoff = Backoff(), reconcileInterval: Duration = .seconds(2)) {
        self.batchSize = batchSize
        self.linger = linger
        self.queueCapacity = queueCapacity
        self.backoff = backoff
        self.reconcileInterval = reconcileInterval
    }
}

/// What every connector is given: where to write, where its cursor and configuration live, and
/// how to report.
public struct LiveContext: Sendable {
    /// Where batches go: the store, or the ingest bus (`BusWriter`).
    public var writer: any StoreWriter
    /// Where the source's cursor is read when it starts.
    public var sources: any SourceStore
    public var workspace: String
    public var options: LiveOptions
    public var logger: Logger

    public init(writer: any StoreWriter, sources: any SourceStore, workspace: String,
                options: LiveOptions = LiveOptions(), logger: Logger) {
        self.writer = writer
        self.sources = sources
        self.workspace = workspace
        self.options = options
        self.logger = logger
    }
}

/// Writes what a connection's reader queued, batch after batch, each with the cursor after its
/// last message, until the reader closes the queue. A failed write stops the reader.
struct LiveBatchWriter: Sendable {
    let context: LiveContext
    let source: String
    let meter: SourceMeter

    /// Returns the position after the last batch written (or `start` if none was).
    func drain(_ queue: LiveQueue, from start: SourcePosition?) async throws -> SourcePosition? {
        var position = start
        do {
            while let chunks = await queue.take(batchSize: context.options.batchSize, linger: context.options.linger) {
                var batch = IngestBatch()
                var covered = position
                for chunk in chunks {
                    batch.items += chunk.items
                    batch.rejects += chunk.rejects
                    if let next = chunk.position { covered = next }
                }
                if let covered, covered != position { batch.sourceCursor = SourceCursor(source: source, position: covered) }
                if !batch.items.isEmpty || !batch.rejects.isEmpty || batch.sourceCursor != nil {
                    try await context.writer.write(batch, workspace: context.workspace)
                    meter.wroteBatch()
                }
                position = covered
            }
        } catch {
            queue.fail(error)
            throw LiveWriteFailure(underlying: error, position: position)
        }
        return position
    }
}

/// A write that failed, with the position of what was written before it.
struct LiveWriteFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var position: SourcePosition?

    var description: String { "writing to the store failed: \(underlying)" }
}

/// The excerpt kept with a reject: the start of the message.
func rejectExcerpt(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes.prefix(2_000), as: UTF8.self)
}
