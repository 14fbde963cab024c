import Foundation
import Synchronization
import VigieCore

/// Every running source's ``SourceMeter``, for whoever shows them: the listener saves them to
/// the store every few seconds (for `vigie sources list` in another process), and a server in
/// the same process reads ``snapshots()`` for `/metrics` and its dashboard.
///
/// ```swift
/// let monitor = SourceMonitor()
/// for (name, status) in monitor.snapshots() { print(name, status.state, status.lag() ?? 0) }
/// ```
public final class SourceMonitor: Sendable {
    private let meters = Mutex<[String: SourceMeter]>([:])

    public init() {}

    /// The meter of `name`, made on first use.
    public func meter(for name: String) -> SourceMeter {
        meters.withLock { meters in
            if let meter = meters[name] { return meter }
            let meter = SourceMeter(name: name)
            meters[name] = meter
            return meter
        }
    }

    func remove(_ name: String) {
        _ = meters.withLock { $0.removeValue(forKey: name) }
    }

    /// The figures of every source this process runs, by name.
    public func snapshots(now: Date = Date()) -> [String: SourceStatus] {
        let current = meters.withLock { $0 }
        return current.mapValues { $0.snapshot(now: now) }
    }

    /// Saves every source's figures to `store`; a source removed meanwhile is skipped by the store.
    func save(to store: any SourceStore, workspace: String, now: Date = Date()) async throws {
        for (name, status) in snapshots(now: now).sorted(by: { $0.key < $1.key }) {
            try await store.recordSourceStatus(status, named: name, workspace: workspace)
        }
    }
}
