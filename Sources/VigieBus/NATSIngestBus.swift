import Foundation
import VigieCore

/// Vigie's ingest bus on NATS JetStream: one file-backed work-queue stream
/// (`VIGIE_INGEST`, subjects `vigie.ingest.<workspace>`), a durable pull consumer per worker
/// group with explicit acknowledgements, publishes acknowledged by the stream and deduplicated
/// by id. A publish opens its own short connection (a batch holds thousands of records, so the
/// handshake is noise); a worker keeps one connection and opens another after a failure, with
/// exponential backoff and jitter.
///
/// ```swift
/// let bus = try NATSIngestBus(url: "nats://127.0.0.1:4222")
/// try await bus.publish(batch, workspace: "default", id: "export.jsonl#3")
/// ```
public struct NATSIngestBus: IngestBus {
    public let configuration: NATSConfiguration
    public var streamName: String
    /// A delivered batch not acknowledged in this time goes to another worker.
    public var ackWait: Duration
    /// Batches fetched per request by a worker.
    public var fetchBatch: Int

    public init(configuration: NATSConfiguration, streamName: String = "VIGIE_INGEST", ackWait: Duration = .seconds(30),
                fetchBatch: Int = 4) {
        self.configuration = configuration
        self.streamName = streamName
        self.ackWait = ackWait
        self.fetchBatch = fetchBatch
    }

    public init(url: String, name: String = "vigie") throws {
        self.init(configuration: try NATSConfiguration(url: url, name: name))
    }

    static let subjectPrefix = "vigie.ingest."

    var stream: StreamConfiguration {
        StreamConfiguration(name: streamName, subjects: [Self.subjectPrefix + ">"], retention: .workqueue, fileStorage: true)
    }

    public func publish(_ batch: IngestBatch, workspace: String, id: String) async throws {
        let payload = Array(try JSONEncoder().encode(BusEnvelope(workspace: workspace, id: id, batch: batch)))
        try await withRetries("publish \(id)") {
            try await NATSConnection.withConnection(configuration) { nats in
                let jetStream = JetStream(connection: nats)
                try await jetStream.ensureStream(stream)
                _ = try await jetStream.publish(Self.subjectPrefix + workspace, payload: payload, messageID: id)
            }
        }
    }

    public func consume(group: String, handle: @escaping @Sendable (BusDelivery) async throws -> Void) async throws {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await NATSConnection.withConnection(configuration) { nats in
                    let jetStream = JetStream(connection: nats)
                    try await jetStream.ensureStream(stream)
                    try await jetStream.ensureConsumer(stream: streamName, ConsumerConfiguration(durableName: group, ackWait: ackWait))
                    while !Task.isCancelled {
                        let messages = try await jetStream.fetch(stream: streamName, consumer: group, batch: fetchBatch)
                        for (index, message) in messages.enumerated() {
                            if Task.isCancelled {
                                // Stopping: what was fetched and not handled goes back at once
                                // (another worker need not wait for the ack timeout).
                                for pending in messages[index...] { try? await pending.nak() }
                                return
                            }
                            try await deliver(message, to: handle)
                        }
                    }
                }
                failures = 0
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
                try await Task.sleep(for: Self.backoff(after: failures))
            }
        }
    }

    private func deliver(_ message: JetStreamMessage, to handle: @Sendable (BusDelivery) async throws -> Void) async throws {
        let envelope: BusEnvelope
        do {
            envelope = try JSONDecoder().decode(BusEnvelope.self, from: Data(message.payload))
            guard envelope.version == BusEnvelope.currentVersion else { throw BusError.unsupportedVersion(envelope.version) }
        } catch {
            // A message no worker can ever read would come back forever: terminate it.
            try await message.terminate()
            throw BusError.unreadable(subject: message.subject, reason: "\(error)")
        }
        do {
            try await handle(BusDelivery(batch: envelope.batch, workspace: envelope.workspace, id: envelope.id,
                                         deliveryCount: message.deliveryCount))
        } catch {
            // Not written: another delivery will try again, after a pause that grows.
            try? await message.nak(delay: Self.backoff(after: message.deliveryCount))
            throw error
        }
        try await message.ack()
    }

    /// 0.5 s, 1 s, 2 s … up to 30 s, with ±25% jitter so that workers do not retry in step.
    static func backoff(after failures: Int) -> Duration {
        let base = min(30.0, 0.5 * pow(2.0, Double(max(0, failures - 1))))
        return .milliseconds(Int(base * 1000 * Double.random(in: 0.75...1.25)))
    }

    /// Runs `operation`, connecting again after a lost connection (up to `attempts` times).
    func withRetries<T: Sendable>(_ what: String, attempts: Int = 6, _ operation: () async throws -> T) async throws -> T {
        var failures = 0
        while true {
            do {
                return try await operation()
            } catch let error as NATSError {
                failures += 1
                switch error {
                case .connectionClosed, .timeout, .cannotConnect:
                    guard failures < attempts else { throw error }
                    try await Task.sleep(for: Self.backoff(after: failures))
                default:
                    throw error
                }
            }
        }
    }
}

/// What a bus could not do with a message.
public enum BusError: Error, Sendable, CustomStringConvertible {
    case unsupportedVersion(Int)
    case unreadable(subject: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedVersion(let version):
            return "a bus message of version \(version), this vigie reads version \(BusEnvelope.currentVersion): upgrade the workers"
        case .unreadable(let subject, let reason):
            return "a bus message on \(subject) cannot be read (\(reason)); it was set aside"
        }
    }
}
