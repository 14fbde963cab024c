import Foundation
import Logging
import ServiceLifecycle
import VigieCore

/// Refreshes the store gauges of `/metrics` (posts, accounts, rejects per workspace, file size,
/// users) every interval, off the request path: counting a large store takes longer than a
/// scrape should.
struct StoreMetricsService: Service {
    let store: any Store
    let metrics: ServerMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await refresh()
            do {
                let interval = self.interval
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    func refresh() async {
        do {
            for workspace in try await store.workspaces() {
                let totals = try await store.totals(workspace: workspace)
                metrics.store(workspace: workspace, posts: totals.posts, accounts: totals.accounts, rejects: totals.rejects)
            }
            let bytes = ["", "-wal", "-shm"].reduce(Int64(0)) { total, suffix in
                let size = (try? FileManager.default.attributesOfItem(atPath: store.location + suffix)[.size] as? NSNumber)?.int64Value
                return total + (size ?? 0)
            }
            metrics.store(bytes: bytes, users: try await store.users().count)
        } catch {
            logger.warning("store metrics not refreshed", metadata: ["error": "\(error)"])
        }
    }
}
