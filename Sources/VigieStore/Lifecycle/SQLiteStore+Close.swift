import GRDB
import VigieCore

extension SQLiteStore {
    /// Closes the database connections (the write-ahead log is checkpointed by SQLite when the
    /// last one closes). A server calls it last on shutdown, after its requests and jobs ended.
    public func close() async throws {
        do {
            if let pool = writer as? DatabasePool {
                try pool.close()
            } else if let queue = writer as? DatabaseQueue {
                try queue.close()
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}
