import Foundation
import Logging
import Testing
import VigieCore
import VigieEngine
import VigieLive
import VigieReplay
import VigieStore

extension Tag {
    /// Tests that run for more than a few seconds (servers, subprocesses, kill -9).
    @Tag static var slow: Self
}

/// The real samples beside the repository (`../shared/data`).
enum LiveData {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static var jetstream152: String { path("bluesky-jetstream/jetstream_v1_152_events.jsonl") }
    static var jetstream10: String { path("bluesky-jetstream/jetstream_v1_10_events.jsonl") }
}

/// A quiet logger for connectors under test.
let testLogger: Logger = {
    var logger = Logger(label: "vigie.test")
    logger.logLevel = .critical
    return logger
}()

/// Options that make tests fast: small batches, short waits.
func fastOptions(batchSize: Int = 200, queueCapacity: Int = 2_000) -> LiveOptions {
    LiveOptions(batchSize: batchSize, linger: .milliseconds(50), queueCapacity: queueCapacity,
                backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(400)),
                reconcileInterval: .milliseconds(200))
}

/// Waits until `condition` holds, or the timeout passes; returns whether it held.
func eventually(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Runs `services` in the background while `body` runs, then cancels them.
func whileRunning<T: Sendable>(_ services: [@Sendable () async throws -> Void],
                               _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for service in services {
            group.addTask { try? await service() }
        }
        do {
            let result = try await body()
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// The state a store must reach: the same files imported directly.
func expectedStore(of paths: [String]) async throws -> SQLiteStore {
    let store = try SQLiteStore.inMemory()
    var request = IngestRequest(paths: paths)
    request.identifyLanguages = false
    _ = try await Engine(store: store).ingest(request)
    return store
}

/// Post ids and counts that two stores must share.
struct StoreShape: Equatable, CustomStringConvertible {
    var postIDs: Set<String>
    var posts: Int
    var interactions: Int
    var tombstones: Int
    var accounts: Int

    static func of(_ store: some Store, workspace: String = "default") async throws -> StoreShape {
        let stats = try await store.stats(workspace: workspace)
        var ids = Set<String>()
        try await store.posts(workspace: workspace).forEach { ids.insert($0.platformID) }
        return StoreShape(postIDs: ids, posts: stats.total.posts, interactions: stats.total.interactions,
                          tombstones: stats.total.tombstones, accounts: stats.total.accounts)
    }

    var description: String {
        "\(posts) posts (\(postIDs.count) ids), \(interactions) interactions, \(tombstones) tombstones, \(accounts) accounts"
    }
}

/// A writer that holds every batch until released: the store "falls behind".
actor GatedWriter: StoreWriter {
    let inner: any StoreWriter
    private var open: Bool
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private(set) var largestBatch = 0

    init(inner: any StoreWriter, open: Bool) {
        self.inner = inner
        self.open = open
    }

    func release() {
        open = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }

    func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        if !open { await withCheckedContinuation { waiters.append($0) } }
        largestBatch = max(largestBatch, batch.items.count + batch.rejects.count)
        return try await inner.write(batch, workspace: workspace)
    }
}

/// Starts a Jetstream replay and gives its subscribe URL.
func jetstreamURL(_ server: JetstreamReplayServer) async throws -> String {
    "ws://127.0.0.1:\(try await server.port())/subscribe"
}
