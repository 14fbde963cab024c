import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigieCore

/// Runs every source of a workspace that is not paused, each in its own connector, and keeps the
/// set current: a source added, paused, resumed, changed or removed (by another process, e.g.
/// `vigie sources pause`) is started or stopped within ``LiveOptions/reconcileInterval``. It saves
/// the sources' figures to the store at the same pace, so other processes can show them.
///
/// On graceful shutdown (SIGTERM, SIGINT) every connector stops reading, writes what it holds
/// with its cursor, and the listener returns after saving their final state.
///
/// ```swift
/// let listener = LiveListener(context: LiveContext(writer: store, sources: store, workspace: "default", logger: logger))
/// try await ServiceGroup(configuration: .init(services: [.init(service: listener)],
///                                             gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
/// ```
public struct LiveListener: Service {
    public let context: LiveContext
    public let monitor: SourceMonitor
    /// Only the sources of these names (`nil`: all of the workspace).
    public let only: Set<String>?
    /// Fired to stop the listener cleanly without a service group (tests, embedding).
    public let stop: StopSignal

    public init(context: LiveContext, monitor: SourceMonitor = SourceMonitor(), only: Set<String>? = nil,
                stop: StopSignal = StopSignal()) {
        self.context = context
        self.monitor = monitor
        self.only = only
        self.stop = stop
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await supervise()
        } onGracefulShutdown: {
            stop.fire()
        }
    }

    private struct Running {
        var source: LiveSource
        var stop: StopSignal
    }

    private func supervise() async throws {
        let finished = Locked<Set<String>>([])
        var running: [String: Running] = [:]
        await withDiscardingTaskGroup { group in
            while true {
                for name in finished.withLock({ names in defer { names.removeAll() }; return names }) {
                    if running[name]?.stop.isFired ?? true { running[name] = nil }
                }
                do {
                    let all = try await context.sources.sources(workspace: context.workspace)
                    let wanted = all.filter { !$0.paused && (only?.contains($0.name) ?? true) }
                    let existing = Set(all.map(\.name))
                    let byName = Dictionary(wanted.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                    for (name, current) in running where byName[name] != current.source {
                        // Paused, removed or changed: stopped here, started again below if changed.
                        current.stop.fire()
                        running[name] = nil
                        if !existing.contains(name) { monitor.remove(name) }
                    }
                    for source in wanted where running[source.name] == nil && !finished.withLock({ $0.contains(source.name) }) {
                        let stop = StopSignal()
                        running[source.name] = Running(source: source, stop: stop)
                        let connector = makeConnector(source, stop: stop)
                        group.addTask {
                            do {
                                try await connector.run()
                            } catch {
                                context.logger.error("source \(source.name) stopped: \(error)")
                            }
                            _ = finished.withLock { $0.insert(source.name) }
                        }
                    }
                    try await monitor.save(to: context.sources, workspace: context.workspace)
                } catch {
                    context.logger.warning("listener: reading the sources failed: \(error); trying again")
                }
                if await stop.sleep(for: context.options.reconcileInterval) { break }
                if Task.isCancelled { break }
            }
            for current in running.values { current.stop.fire() }
        }
        // Every connector has written what it held; their last state is saved even when the
        // listener was cancelled rather than stopped.
        try? await monitor.save(to: context.sources, workspace: context.workspace)
    }

    private func makeConnector(_ source: LiveSource, stop: StopSignal) -> any Service {
        let meter = monitor.meter(for: source.name)
        switch source.settings {
        case .jetstream(let settings):
            return JetstreamConnector(name: source.name, settings: settings, context: context, meter: meter, stop: stop)
        case .mastodon(let settings):
            return MastodonConnector(name: source.name, settings: settings, token: source.token, context: context,
                                     meter: meter, stop: stop)
        }
    }
}
