import VigieCore

/// A store that keeps nothing: `vigie ingest --dry-run` decodes and validates files with it,
/// and the benchmarks use it to measure decoding alone.
public struct DiscardingStore: Store {
    public init() {}

    public func write(_ batch: IngestBatch, workspace: String) throws -> WriteSummary {
        var summary = WriteSummary()
        summary.rejectsInserted = batch.rejects.count
        return summary
    }

    public func stats(workspace: String) throws -> StoreStats { StoreStats(workspace: workspace) }
    public func rejects(workspace: String, limit: Int) throws -> [Reject] { [] }
    public func searchPosts(workspace: String, text: String, limit: Int) throws -> [Post] { [] }
    public func accounts(workspace: String, handle: String) throws -> [AccountDetail] { [] }
    public func checkpoint(workspace: String, file: String) throws -> ImportCheckpoint? { nil }
}
