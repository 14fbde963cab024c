import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigieCore
import WSClient

/// Listens to a Bluesky Jetstream (`wss://jetstream2.us-east.bsky.network/subscribe`, or any
/// server speaking its protocol) and writes what it hears, batch by batch, each batch with the
/// cursor after its last event in the same transaction.
///
/// - Starts from the stored cursor, rewound by a few seconds (events are only roughly in time
///   order; idempotent writes absorb the overlap), else from the settings' start: the live tail
///   or a time (Jetstream keeps about a day).
/// - Reconnects after any failure with exponential backoff and jitter; a connection silent for
///   the idle timeout is replaced. Bad messages become rejects; nothing stops the source but a
///   stop, a graceful shutdown or cancellation.
/// - Reading waits while the store is behind (bounded queue): memory stays flat at any rate.
///
/// ```swift
/// let connector = JetstreamConnector(name: "bsky", settings: JetstreamSettings(),
///                                    context: LiveContext(writer: store, sources: store, workspace: "default", logger: logger))
/// try await ServiceGroup(services: [connector], logger: logger).run()
/// ```
public struct JetstreamConnector: Service {
    public let name: String
    public let settings: JetstreamSettings
    public let context: LiveContext
    public let meter: SourceMeter
    /// Fired to stop the connector cleanly (the listener does when the source is paused).
    public let stop: StopSignal

    public init(name: String, settings: JetstreamSettings, context: LiveContext, meter: SourceMeter? = nil,
                stop: StopSignal = StopSignal()) {
        self.name = name
        self.settings = settings
        self.context = context
        self.meter = meter ?? SourceMeter(name: name)
        self.stop = stop
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await listen()
        } onGracefulShutdown: {
            stop.fire()
        }
    }

    private func listen() async throws {
        var backoff = context.options.backoff
        var position: SourcePosition?
        var positionKnown = false
        var connections = 0
        defer { meter.set(.stopped) }
        while !stop.isFired {
            try Task.checkCancellation()
            var delivered = false
            do {
                if !positionKnown {
                    position = try await startPosition()
                    positionKnown = true
                }
                if connections > 0 { meter.reconnected() }
                connections += 1
                meter.set(.connecting, detail: settings.endpoint)
                // A live-tail start has no cursor the first time; should this connection fail
                // before anything is written, the next one resumes from when it opened.
                let opening = SourcePosition.microseconds(Int64(Date().timeIntervalSince1970 * 1_000_000))
                let outcome = try await connect(from: position)
                delivered = outcome.delivered
                position = outcome.position ?? position ?? opening
                if let error = outcome.readError, !stop.isFired { throw error }
                if !stop.isFired { throw ConnectionEnd.closedByServer("") }
            } catch let failure as LiveWriteFailure {
                position = failure.position ?? position
                record(failure)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                record(error)
            }
            if stop.isFired { break }
            if delivered { backoff.reset() }
            let delay = backoff.next()
            meter.set(.waiting, detail: "reconnecting in \(ConnectionEnd.format(delay.seconds)) s")
            await stop.sleep(for: delay)
        }
    }

    private func record(_ error: any Error) {
        let message = LiveErrorText.describe(error)
        meter.failed(message)
        context.logger.warning("source \(name): \(message)")
    }

    /// The stored cursor, else the settings' start (`nil`: the live tail).
    private func startPosition() async throws -> SourcePosition? {
        if let cursor = try await context.sources.sourceCursor(named: name, workspace: context.workspace) {
            return cursor.position
        }
        switch settings.start {
        case .live: return nil
        case .since(let date): return .microseconds(Int64(date.timeIntervalSince1970 * 1_000_000))
        }
    }

    private struct Outcome {
        var position: SourcePosition?
        var delivered: Bool
        var readError: (any Error)?
    }

    private enum Part: Sendable {
        case written(SourcePosition?)
        case read((any Error)?, delivered: Bool)
    }

    /// One connection: a reader that decodes into the queue and a writer that drains it. Returns
    /// once both are done, with the position after the last batch written.
    private func connect(from position: SourcePosition?) async throws -> Outcome {
        let zstd = settings.compress ? try ZstdDecompressor(dictionary: try loadDictionary()) : nil
        let decoding = Locked(JetstreamMessages(source: name, maxMessageBytes: settings.maxMessageBytes, zstd: zstd, position: position))
        let (url, optionsMessage) = JetstreamSubscription(settings: settings).url(resumingFrom: position)
        let session = WebSocketSession(url: url, headers: [("User-Agent", LiveErrorText.userAgent)],
                                       maxMessageBytes: settings.maxMessageBytes,
                                       idleTimeout: .milliseconds(Int64(settings.idleTimeoutSeconds * 1000)), logger: context.logger)
        let queue = LiveQueue(capacity: context.options.queueCapacity)
        let writer = LiveBatchWriter(context: context, source: name, meter: meter)
        let meter = self.meter
        let stop = self.stop
        let delivered = Locked(false)
        return try await withThrowingTaskGroup(of: Part.self) { group in
            group.addTask { .written(try await writer.drain(queue, from: position)) }
            group.addTask {
                defer { queue.close() }
                do {
                    try await session.run(stop: stop, opened: { outbound in
                        meter.set(.streaming)
                        if let optionsMessage { try await outbound.write(.text(optionsMessage)) }
                    }, receive: { message in
                        let chunk = decoding.withLock { messages -> LiveChunk in
                            switch message {
                            case .text(let text): return messages.decode(text: text)
                            case .binary(let buffer): return buffer.withUnsafeReadableBytes { messages.decode(binary: $0) }
                            }
                        }
                        delivered.withLock { $0 = true }
                        meter.received(events: 1, newest: chunk.eventTime)
                        try await queue.push(chunk)
                    })
                    return .read(nil, delivered: delivered.withLock { $0 })
                } catch {
                    return .read(error, delivered: delivered.withLock { $0 })
                }
            }
            var outcome = Outcome(position: position, delivered: false)
            for try await part in group {
                switch part {
                case .written(let written): outcome.position = written
                case .read(let error, let delivered):
                    outcome.readError = error
                    outcome.delivered = delivered
                }
            }
            return outcome
        }
    }

    private func loadDictionary() throws -> [UInt8]? {
        guard let path = settings.zstdDictionary else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConnectionEnd.failed("the zstd dictionary \(path) cannot be read: download Jetstream's zstd_dictionary there, or drop --zstd-dictionary")
        }
        return [UInt8](data)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
