import GRDB
import VigieCore

extension SQLiteStore {
    /// Writes one batch in one transaction: either all of it lands, with its checkpoint, or none.
    @discardableResult
    public func write(_ batch: IngestBatch, workspace: String) throws -> WriteSummary {
        try write(batch, workspace: workspace, afterItem: nil)
    }

    /// `afterItem` runs after each item inside the transaction; tests throw from it to simulate
    /// an import killed midway.
    func write(_ batch: IngestBatch, workspace: String, afterItem: ((Int) throws -> Void)?) throws -> WriteSummary {
        try Self.validate(workspace: workspace, path: path)
        return try mapErrors {
            try cache.withState { cache in
                do {
                    return try writer.write { db in
                        var batchWriter = try BatchWriter(db: db, workspace: workspace, cache: &cache)
                        return try batchWriter.write(batch, cache: &cache, afterItem: afterItem)
                    }
                } catch {
                    // Rows created by the rolled-back transaction are gone: forget their ids.
                    cache.reset()
                    throw error
                }
            }
        }
    }
}
