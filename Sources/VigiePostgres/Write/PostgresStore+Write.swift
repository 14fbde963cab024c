import Foundation
import PostgresNIO
import Synchronization
import VigieCore

extension PostgresStore {
    /// Writes one batch in one transaction: either all of it lands, with its checkpoint, or none.
    @discardableResult
    public func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        try await write(batch, workspace: workspace, failAfterItem: nil)
    }

    /// `failAfterItem`: the batch is written up to that item, then fails as a crash would (tests
    /// prove that nothing of it stays).
    func write(_ batch: IngestBatch, workspace: String, failAfterItem: Int?) async throws -> WriteSummary {
        try validate(workspace: workspace)
        try refuseWrites()
        let workspaceID = try await ensureWorkspace(workspace)
        var times: [Int64] = []
        for case .post(let post) in batch.items { times.append(PostContent(post).createdAt) }
        try await ensurePartitions(for: times)
        var written = batch
        if let failAfterItem { written.items = Array(batch.items.prefix(failAfterItem + 1)) }
        // The cache is taken out for the batch and put back (a concurrent batch starts empty).
        var cache = self.cache.withLock { cache in
            let taken = cache
            cache = PostgresWriteCache()
            return taken
        }
        do {
            let (summary, kept) = try await transaction { connection in
                var writer = try await PostgresBatchWriter(connection: connection, store: self, workspaceID: workspaceID,
                                                           batch: written)
                var local = cache
                let summary = try await writer.write(written, cache: &local)
                if failAfterItem != nil {
                    throw StoreError(code: .backend, location: self.location, message: "write interrupted (test)")
                }
                return (summary, local)
            }
            self.cache.withLock { $0 = kept }
            return summary
        } catch {
            // Ids created by the rolled-back transaction are gone: forget them (the stems stay valid).
            cache.accounts.removeAll()
            self.cache.withLock { [cache] in $0 = cache }
            throw translate(error)
        }
    }

    /// Creates the month partitions of `post` that hold these creation times, each in its own
    /// statement outside any batch (creating a partition locks the parent table).
    func ensurePartitions(for times: [Int64]) async throws {
        let months = Set(times.map(Self.monthStart))
        let missing = partitions.withLock { known in months.subtracting(known) }
        guard !missing.isEmpty else { return }
        try await client.withConnection { connection in
            for start in missing.sorted() {
                let end = Self.nextMonthStart(start)
                let name = Self.partitionName(start)
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(name) PARTITION OF post FOR VALUES FROM (\(start)) TO (\(end))
                        """), logger: self.logger)
                } catch let error as PSQLError where ["42P07", "23505"].contains(error.serverInfo?[.sqlState] ?? "") {
                    // Another writer created it at the same moment.
                }
                _ = partitions.withLock { $0.insert(start) }
            }
        }
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The first millisecond of the UTC month of `millis`.
    static func monthStart(_ millis: Int64) -> Int64 {
        let date = Date(pgMillis: millis)
        let components = utc.dateComponents([.year, .month], from: date)
        return utc.date(from: components).map(\.pgMillis) ?? millis
    }

    static func nextMonthStart(_ start: Int64) -> Int64 {
        utc.date(byAdding: .month, value: 1, to: Date(pgMillis: start)).map(\.pgMillis) ?? start + 31 * 86_400_000
    }

    /// `post_y2024m03`; months before year 0 or after 9999 get a sign-free spelling too.
    static func partitionName(_ start: Int64) -> String {
        let components = utc.dateComponents([.era, .year, .month], from: Date(pgMillis: start))
        let year = (components.era == 0 ? "bc" : "") + String(format: "%04d", components.year ?? 0)
        return "post_y\(year)m" + String(format: "%02d", components.month ?? 1)
    }
}
