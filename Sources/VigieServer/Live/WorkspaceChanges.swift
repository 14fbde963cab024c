import Foundation
import Synchronization
import VigieCore

/// Tells the server that a workspace's data changed outside its own routes — a live listener
/// running inside `vigie serve --listen` wrote a batch, an alert schedule fired — so that its
/// cached dashboards are recomputed. A live flow writes every second or so: a workspace's cache
/// is forgotten at most once per `interval`, so that dashboards stay cached between changes
/// (they are at most `interval` behind the live data).
///
/// ```swift
/// let app = try await buildApplication(configuration: configuration, store: store) { changes in
///     [LiveListener(context: LiveContext(writer: changes.writer(over: store), …))]
/// }
/// ```
package final class WorkspaceChanges: Sendable {
    private struct State {
        var lastInvalidation: [String: ContinuousClock.Instant] = [:]
        /// Workspaces whose invalidation waits for the end of their interval.
        var scheduled: Set<String> = []
    }

    private enum Action {
        case none
        case now
        case after(Duration)
    }

    private let cache: ResultCache
    private let interval: Duration
    private let state = Mutex(State())

    init(cache: ResultCache, interval: Duration) {
        self.cache = cache
        self.interval = interval
    }

    /// Records that `workspace` changed: its cached results go now if the last time was at least
    /// `interval` ago, else at the end of that interval (once, however many changes came).
    package func changed(workspace: String) async {
        let now = ContinuousClock.now
        let interval = self.interval
        let action: Action = state.withLock { state in
            if let previous = state.lastInvalidation[workspace], now - previous < interval {
                guard state.scheduled.insert(workspace).inserted else { return .none }
                return .after(interval - (now - previous))
            }
            state.lastInvalidation[workspace] = now
            return .now
        }
        switch action {
        case .none:
            return
        case .now:
            await cache.invalidate(workspace: workspace)
        case .after(let delay):
            Task {
                try? await Task.sleep(for: delay)
                self.state.withLock { state in
                    state.scheduled.remove(workspace)
                    state.lastInvalidation[workspace] = .now
                }
                await self.cache.invalidate(workspace: workspace)
            }
        }
    }

    /// A writer that writes through `base` and reports each batch that changed something.
    package func writer(over base: any StoreWriter) -> any StoreWriter {
        InvalidatingWriter(base: base, changes: self)
    }
}

/// Writes through to the store, then tells ``WorkspaceChanges`` that the workspace changed.
struct InvalidatingWriter: StoreWriter {
    let base: any StoreWriter
    let changes: WorkspaceChanges

    @discardableResult
    func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        let summary = try await base.write(batch, workspace: workspace)
        if summary.postsInserted + summary.postsUpdated + summary.accountsInserted + summary.accountsUpdated
            + summary.interactionsInserted + summary.tombstonesInserted > 0 {
            await changes.changed(workspace: workspace)
        }
        return summary
    }

    @discardableResult
    func beginBulkLoad(inputBytes: Int) async throws -> Bool { try await base.beginBulkLoad(inputBytes: inputBytes) }

    func endBulkLoad() async throws { try await base.endBulkLoad() }
}
