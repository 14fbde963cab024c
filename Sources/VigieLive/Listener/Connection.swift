import Foundation
import HTTPTypes
import Logging
import NIOCore
import Synchronization
import VigieCore
import WSClient

/// Why a connection ended, as the source's state and last error show it.
enum ConnectionEnd: Error, CustomStringConvertible {
    /// No message for the idle timeout (a stalled server or a half-open connection).
    case stalled(seconds: Double)
    /// The server closed the connection (with its close code and reason when it gave them).
    case closedByServer(String)
    case failed(String)

    var description: String {
        switch self {
        case .stalled(let seconds): return "no message for \(Self.format(seconds)) s: the stream stalled; reconnecting"
        case .closedByServer(let detail): return "the server closed the connection\(detail.isEmpty ? "" : " (\(detail))")"
        case .failed(let message): return message
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds >= 10 ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// Notes when the reader started waiting for the socket, so that a watchdog can tell a stalled
/// stream from a reader that waits on the store (backpressure is not a stall).
final class IdleClock: Sendable {
    private let waitingSince = Mutex<ContinuousClock.Instant?>(nil)

    func startWaiting() { waitingSince.withLock { $0 = .now } }
    func stopWaiting() { waitingSince.withLock { $0 = nil } }

    /// Returns when the reader has waited for the socket longer than `timeout`.
    func watch(timeout: Duration) async throws {
        let step = min(timeout / 4, .seconds(1))
        while true {
            try await Task.sleep(for: step)
            if let since = waitingSince.withLock({ $0 }), ContinuousClock.now - since >= timeout { return }
        }
    }
}

/// One WebSocket connection of a connector: messages go through `handle` into the queue until
/// the server closes, the stream stalls, or the stop signal fires.
struct WebSocketSession: Sendable {
    let url: String
    let headers: [(String, String)]
    let maxMessageBytes: Int
    let idleTimeout: Duration
    let logger: Logger

    /// Runs the connection. `opened` runs once the upgrade succeeded (to send a first message);
    /// `receive` handles each message and may suspend (the queue is full): reading waits.
    func run(stop: StopSignal,
             opened: @escaping @Sendable (WebSocketOutboundWriter) async throws -> Void,
             receive: @escaping @Sendable (WebSocketMessage) async throws -> Void) async throws {
        var configuration = WebSocketClientConfiguration(maxFrameSize: maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(20)))
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { configuration.additionalHeaders[field] = value }
        }
        let maxMessageBytes = self.maxMessageBytes
        let idleTimeout = self.idleTimeout
        let clock = IdleClock()
        let client = WebSocketClient(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
            try await opened(outbound)
            try await withThrowingTaskGroup(of: ConnectionEnd?.self) { group in
                group.addTask {
                    var messages = inbound.messages(maxSize: maxMessageBytes).makeAsyncIterator()
                    while true {
                        clock.startWaiting()
                        guard let message = try await messages.next() else { break }
                        clock.stopWaiting()
                        try await receive(message)
                    }
                    return nil
                }
                group.addTask {
                    try await clock.watch(timeout: idleTimeout)
                    let seconds = Double(idleTimeout.components.seconds) + Double(idleTimeout.components.attoseconds) / 1e18
                    return .stalled(seconds: seconds)
                }
                group.addTask {
                    await stop.wait()
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                if let first { throw first }
            }
        }
        let close = try await client.run()
        if !stop.isFired, let close, close.closeCode != .normalClosure {
            throw ConnectionEnd.closedByServer("\(close.closeCode)\(close.reason.map { ": \($0)" } ?? "")")
        }
    }
}
