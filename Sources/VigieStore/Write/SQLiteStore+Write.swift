import GRDB
import VigieCore

extension SQLiteStore {
    /// Writes one batch in one transaction: either all of it lands, with its checkpoint, or none.
    @discardableResult
    public func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        try await write(batch, workspace: workspace, afterItem: nil)
    }

    /// `afterItem` runs after each item inside the transaction; tests throw from it to simulate
    /// an import killed midway.
    func write(_ batch: IngestBatch, workspace: String,
               afterItem: (@Sendable (Int) throws -> Void)?) async throws -> WriteSummary {
        try validate(workspace: workspace)
        // The batch's full-text documents are built on another core meanwhile (issue 19).
        let prefetch = FullTextPrefetch(batch: batch)
        var worker: Task<Void, Never>?
        if prefetch.isWorthwhile {
            let stems = cache.withLock { cache in
                let taken = cache.prefetchStems
                cache.prefetchStems = StemCache()
                return taken
            }
            worker = Task {
                let used = try? await Offload.run {
                    var stems = stems
                    prefetch.run(stems: &stems)
                    return stems
                }
                self.cache.withLock { $0.prefetchStems = used ?? StemCache() }
            }
        }
        do {
            let summary = try await write { db in
                // Writes run one at a time on the database's writer queue: the cache is taken out
                // for the batch and put back, never shared meanwhile.
                var cache = self.cache.withLock { cache in
                    let taken = cache
                    cache = WriteCache()
                    return taken
                }
                defer { self.cache.withLock { [cache] in $0.restore(cache) } }
                // Erased people stay out (`IngestBatch.suppressing`, docs/privacy.md).
                let (batch, droppedPosts) = try Self.applySuppression(to: batch, db: db, workspace: workspace)
                var batchWriter = try BatchWriter(db: db, workspace: workspace, cache: &cache, prefetch: prefetch)
                var summary = try batchWriter.write(batch, cache: &cache, afterItem: afterItem)
                summary.postsSuppressed += droppedPosts
                return summary
            }
            prefetch.stop()
            await worker?.value
            return summary
        } catch {
            prefetch.stop()
            await worker?.value
            // Rows created by the rolled-back transaction are gone: forget their ids.
            cache.withLock { $0.reset() }
            throw error
        }
    }

}
