import Foundation
import Synchronization
import VigieCore

/// The live figures of one source: its state, the newest event, the rate over the last ten
/// seconds, reconnects and the last error. Connectors update it as they go (cheap: a lock held
/// for a few additions); ``SourceMonitor`` reads it for the store, `/metrics` and dashboards.
public final class SourceMeter: Sendable {
    public let name: String

    private struct State {
        var status = SourceStatus(state: .connecting)
        /// Events per whole second of the Unix clock, the last `windowSeconds + 1` seconds.
        var seconds = [Int64](repeating: -1, count: SourceMeter.windowSeconds + 1)
        var counts = [Int](repeating: 0, count: SourceMeter.windowSeconds + 1)
    }

    static let windowSeconds = 10
    private let state = Mutex(State())

    public init(name: String) {
        self.name = name
    }

    /// `events` arrived, the newest of them stamped `newest` by the server.
    public func received(events: Int, newest: Date?, now: Date = Date()) {
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        state.withLock { state in
            let slot = Int(second % Int64(state.seconds.count))
            if state.seconds[slot] != second {
                state.seconds[slot] = second
                state.counts[slot] = 0
            }
            state.counts[slot] += events
            state.status.events += events
            if let newest, newest > (state.status.newestEventAt ?? .distantPast) { state.status.newestEventAt = newest }
        }
    }

    public func wroteBatch() {
        state.withLock { $0.status.batches += 1 }
    }

    public func set(_ newState: SourceStatus.State, detail: String? = nil) {
        state.withLock { state in
            state.status.state = newState
            state.status.detail = detail
        }
    }

    /// Records a problem; the state is unchanged (the connector sets it as it reacts).
    public func failed(_ message: String, at date: Date = Date()) {
        state.withLock { state in
            state.status.lastError = message
            state.status.lastErrorAt = date
        }
    }

    public func reconnected() {
        state.withLock { $0.status.reconnects += 1 }
    }

    /// The figures now, with the rate over the last complete seconds.
    public func snapshot(now: Date = Date()) -> SourceStatus {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return state.withLock { state in
            var status = state.status
            var total = 0
            for (second, count) in zip(state.seconds, state.counts) where second < current && second >= current - Int64(Self.windowSeconds) {
                total += count
            }
            status.eventsPerSecond = Double(total) / Double(Self.windowSeconds)
            status.updatedAt = now
            return status
        }
    }
}
