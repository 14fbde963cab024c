import Foundation

/// Dashboard results kept in memory, per workspace: a watch dashboard or a chart series is
/// computed once and served from memory until the workspace's data changes (an import, a watch
/// edited: ``invalidate(workspace:)``), its lifetime ends, or room is needed.
///
/// Concurrent requests for a result being computed wait for that computation instead of
/// starting their own, so a burst of page loads after an import costs one computation.
///
/// ```swift
/// let volume = try await cache.value(for: .init(workspace: "acme", kind: "watch-volume", parameters: "velo|day")) {
///     try await engine.store.watchVolume(named: "velo", workspace: "acme", buckets: buckets)
/// }
/// ```
actor ResultCache {
    struct Key: Hashable, Sendable {
        var workspace: String
        /// What is cached (`watch-volume`, `watch-dashboard`…).
        var kind: String
        /// Everything else the result depends on, in one string.
        var parameters: String
    }

    private struct Entry {
        var value: any Sendable
        var storedAt: ContinuousClock.Instant
        var generation: Int
        var lastUsed: UInt64
    }

    private var entries: [Key: Entry] = [:]
    private var waiting: [Key: [CheckedContinuation<any Sendable, any Error>]] = [:]
    private var generations: [String: Int] = [:]
    private var useCounter: UInt64 = 0
    private let capacity: Int
    private let lifetime: Duration
    private let metrics: ServerMetrics?

    init(capacity: Int, lifetime: Duration, metrics: ServerMetrics? = nil) {
        self.capacity = max(1, capacity)
        self.lifetime = lifetime
        self.metrics = metrics
    }

    /// The cached value for `key`, or the value `compute` returns (stored for the next callers).
    /// A failed computation is not cached: its error goes to every caller that waited for it.
    func value<Value: Sendable>(for key: Key, compute: @Sendable () async throws -> Value) async throws -> Value {
        let generation = generations[key.workspace, default: 0]
        if var entry = entries[key], entry.generation == generation, ContinuousClock.now - entry.storedAt < lifetime,
           let value = entry.value as? Value {
            useCounter += 1
            entry.lastUsed = useCounter
            entries[key] = entry
            metrics?.cacheLookup(hit: true)
            return value
        }
        metrics?.cacheLookup(hit: false)
        if waiting[key] != nil {
            let value = try await withCheckedThrowingContinuation { continuation in
                waiting[key, default: []].append(continuation)
            }
            guard let typed = value as? Value else { throw CancellationError() }
            return typed
        }
        waiting[key] = []
        do {
            let value = try await compute()
            // Stored only if the workspace did not change while it was computed.
            if generations[key.workspace, default: 0] == generation {
                store(value, for: key, generation: generation)
            }
            for continuation in waiting.removeValue(forKey: key) ?? [] { continuation.resume(returning: value) }
            return value
        } catch {
            for continuation in waiting.removeValue(forKey: key) ?? [] { continuation.resume(throwing: error) }
            throw error
        }
    }

    /// The cached value for `key` if there is a current one; never computes (pages that show a
    /// long analysis's result when it is ready, and its progress otherwise).
    func cachedValue<Value: Sendable>(for key: Key, as type: Value.Type = Value.self) -> Value? {
        guard var entry = entries[key], entry.generation == generations[key.workspace, default: 0],
              ContinuousClock.now - entry.storedAt < lifetime, let value = entry.value as? Value else { return nil }
        useCounter += 1
        entry.lastUsed = useCounter
        entries[key] = entry
        metrics?.cacheLookup(hit: true)
        return value
    }

    /// The workspace's generation: it changes on every ``invalidate(workspace:)``.
    func generation(of workspace: String) -> Int { generations[workspace, default: 0] }

    /// Forgets every result of a workspace (its data changed).
    func invalidate(workspace: String) {
        generations[workspace, default: 0] += 1
        entries = entries.filter { $0.key.workspace != workspace }
        metrics?.cacheEntries(entries.count)
    }

    var count: Int { entries.count }

    private func store(_ value: any Sendable, for key: Key, generation: Int) {
        if entries.count >= capacity, entries[key] == nil {
            // Drop the expired entries, else the least recently used one.
            let now = ContinuousClock.now
            entries = entries.filter { now - $0.value.storedAt < lifetime }
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
                entries[oldest] = nil
            }
        }
        useCounter += 1
        entries[key] = Entry(value: value, storedAt: .now, generation: generation, lastUsed: useCounter)
        metrics?.cacheEntries(entries.count)
    }
}
