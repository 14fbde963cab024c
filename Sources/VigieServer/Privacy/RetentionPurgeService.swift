import Foundation
import Logging
import ServiceLifecycle
import VigieCore
import VigieEngine

/// The retention purge of `vigie serve`: every interval, each workspace loses what is older than
/// its retention periods, with its derived data (`Engine.applyRetention`, the same operation as
/// `vigie privacy purge --yes`). The store deletes in short transactions (about 40 ms each, the
/// write lock left free between them), so requests and imports are never held for long; each
/// workspace's purge is audited by the engine and logged here.
///
/// The first purge waits `delay` after start, so that the server answers first and a restart
/// every night still purges. A workspace whose periods were never set (the defaults) is left
/// alone: automatic deletion waits for an owner's choice.
struct RetentionPurgeService: Service {
    let store: any Store
    let engine: EngineConfiguration
    let interval: Duration
    let delay: Duration
    let cache: ResultCache
    let logger: Logger
    let now: @Sendable () -> Date

    /// The actor the audit log names for these purges.
    static let actor = "vigie serve (scheduled purge)"

    func run() async throws {
        var wait = delay
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let pause = wait
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                // A shutdown stops a purge between two of its transactions; the next one goes on.
                _ = await cancelWhenGracefulShutdown { await purgeAll() }
            } catch {
                return
            }
            wait = interval
        }
    }

    /// Purges every workspace in turn; a workspace that fails (a store that cannot purge yet)
    /// is logged and skipped, and tried again at the next round.
    @discardableResult
    func purgeAll() async -> [PurgeSummary] {
        let workspaces: [String]
        do {
            workspaces = try await store.workspaces()
        } catch {
            logger.warning("retention purge: cannot list the workspaces; trying again at the next round",
                           metadata: ["error": "\(error)"])
            return []
        }
        var summaries: [PurgeSummary] = []
        for workspace in workspaces {
            if Task.isCancelled { break }
            var configuration = engine
            configuration.workspace = workspace
            do {
                let engine = Engine(store: store, configuration: configuration)
                // Nobody chose the periods yet: a research archive of old posts imported the day
                // before must not vanish at the first start. `vigie privacy purge` still applies
                // the defaults by hand.
                guard try await engine.isRetentionSet() else {
                    logger.info("retention purge: skipped; the periods are the defaults, never set (`vigie privacy retention set --defaults` lets the server apply them)",
                                metadata: ["workspace": "\(workspace)"])
                    continue
                }
                let summary = try await engine
                    .applyRetention(RetentionApplyRequest(dryRun: false, now: now(), actor: Self.actor))
                summaries.append(summary)
                let removed = summary.removed.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                if removed.isEmpty {
                    logger.debug("retention purge: nothing expired", metadata: ["workspace": "\(workspace)"])
                } else {
                    // Cached dashboards may show what is gone.
                    await cache.invalidate(workspace: workspace)
                    logger.info("retention purge: removed \(removed.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))",
                                metadata: ["workspace": "\(workspace)", "transactions": "\(summary.batches)",
                                           "longestTransactionMs": "\(String(format: "%.1f", summary.longestBatchMilliseconds))"])
                }
            } catch is CancellationError {
                break
            } catch {
                logger.warning("retention purge failed; trying again at the next round",
                               metadata: ["workspace": "\(workspace)", "error": "\(error)"])
            }
        }
        return summaries
    }
}
