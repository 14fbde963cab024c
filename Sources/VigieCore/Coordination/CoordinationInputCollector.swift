import Foundation

/// A ``StoreWriter`` that keeps nothing but a ``CoordinationInput``: an importer writing into it
/// streams a file straight into coordination detection, without a database
/// (`vigie coordination --input FILE`).
///
/// Posts are deduplicated by platform id, the first occurrence winning, as the
/// coordination-network-toolkit does (`insert or ignore`), when the input does so
/// (``CoordinationInput/deduplicatesPosts``, the default here). Deletions are not applied: a post
/// deleted later in the same file still counts (import into a store to apply them); how many
/// were seen is reported.
///
/// ```swift
/// let collector = CoordinationInputCollector(input: CoordinationInput(keys: .toolkit))
/// _ = try await Importer(store: collector).importFile(at: "messages.csv")
/// let network = CoordinationDetector().detect(in: await collector.take())
/// ```
public actor CoordinationInputCollector: StoreWriter {
    private var collected: CoordinationInput
    private var deletions = 0
    private var keptRejects: [Reject] = []
    /// Bad records kept for display, the first ones met.
    public let rejectsKept: Int

    public init(input: CoordinationInput = CoordinationInput(deduplicatesPosts: true), rejectsKept: Int = 10) {
        collected = input
        self.rejectsKept = rejectsKept
    }

    /// Hands the collected input over, leaving an empty one (no copy of the arrays).
    public func take() -> CoordinationInput {
        let taken = collected
        collected = CoordinationInput(keys: taken.keys, types: taken.types, deduplicatesPosts: taken.deduplicatesPosts)
        return taken
    }
    /// Posts dropped because a post with the same id came earlier.
    public var duplicatePosts: Int { collected.duplicatePostsSkipped }
    /// Deletion records met (not applied).
    public var ignoredDeletions: Int { deletions }
    /// The first bad records (at most ``rejectsKept``), with file, line and reason.
    public var firstRejects: [Reject] { keptRejects }

    public func write(_ batch: IngestBatch, workspace: String) -> WriteSummary {
        var summary = WriteSummary()
        for item in batch.items {
            switch item {
            case .post(let post):
                if collected.append(post) {
                    summary.postsInserted += 1
                } else {
                    summary.postsUnchanged += 1
                }
            case .account(let account):
                collected.register(account)
            case .tombstone:
                deletions += 1
            case .interaction:
                continue
            }
        }
        summary.rejectsInserted = batch.rejects.count
        keptRejects += batch.rejects.prefix(max(0, rejectsKept - keptRejects.count))
        return summary
    }
}
