/// The write side of a store: what imports and live connectors call.
///
/// Write semantics every implementation keeps, stated as pure core functions that every backend
/// calls (``PostContent/merged(with:)``, ``PostVersions``, `Account.merged(with:)`,
/// `Post.derivedInteractions`, `Tombstone.Target.removesPosts` and its siblings) and checked by
/// the conformance suite (`VigieTestSupport.StoreConformance`):
/// - Records are keyed by workspace, platform and platform id; writing the same record twice
///   changes nothing (idempotent import).
/// - Accounts merge field by field: a `nil` field never erases a known value; a newer
///   observation (`observedAt`) of a count replaces an older one.
/// - Posts: the newest version wins (by `editedAt`, else `createdAt`, else arrival) and every
///   version's text is kept in the post's history. An edit with a new id (`editOf`) updates the
///   original's row.
/// - A tombstone hides its post for good: a later import of that post is ignored, and the
///   post's derived data (interactions, full-text entry) is removed. Like, repost and follow
///   tombstones do the same for recorded interactions; an account tombstone only sets a status
///   (imports and live connectors erase deleted accounts above the store: ``PlatformDeletionWriter``).
/// - Times are kept to the millisecond.
/// - Interactions implied by a post (reply, repost, quote, mention) are derived by the store.
public protocol StoreWriter: Sendable {
    /// Writes one batch atomically: all of it lands, with its checkpoint, or none of it.
    @discardableResult
    func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary

    /// Prepares for importing about `inputBytes` of data; a store may suspend the upkeep of
    /// indexes that writes do not need. Returns whether it did.
    @discardableResult
    func beginBulkLoad(inputBytes: Int) async throws -> Bool
    /// Ends a bulk load: whatever `beginBulkLoad` suspended is rebuilt.
    func endBulkLoad() async throws
}

extension StoreWriter {
    /// By default a store has nothing to suspend.
    @discardableResult
    public func beginBulkLoad(inputBytes: Int) async throws -> Bool { false }

    public func endBulkLoad() async throws {}
}

/// What one `write` changed.
public struct WriteSummary: Sendable, Hashable, Codable {
    public var accountsInserted = 0
    public var accountsUpdated = 0
    public var postsInserted = 0
    public var postsUpdated = 0
    public var postsUnchanged = 0
    /// Posts ignored because a tombstone already hides them.
    public var postsSuppressed = 0
    public var interactionsInserted = 0
    public var tombstonesInserted = 0
    public var rejectsInserted = 0

    public init() {}

    public static func += (lhs: inout WriteSummary, rhs: WriteSummary) {
        lhs.accountsInserted += rhs.accountsInserted
        lhs.accountsUpdated += rhs.accountsUpdated
        lhs.postsInserted += rhs.postsInserted
        lhs.postsUpdated += rhs.postsUpdated
        lhs.postsUnchanged += rhs.postsUnchanged
        lhs.postsSuppressed += rhs.postsSuppressed
        lhs.interactionsInserted += rhs.interactionsInserted
        lhs.tombstonesInserted += rhs.tombstonesInserted
        lhs.rejectsInserted += rhs.rejectsInserted
    }
}

/// A sink that keeps nothing: dry runs decode and validate with it, and benchmarks measure
/// decoding alone. It reads nothing either, so it is a ``StoreWriter`` only.
public struct DiscardingWriter: StoreWriter {
    public init() {}

    public func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        var summary = WriteSummary()
        summary.rejectsInserted = batch.rejects.count
        return summary
    }
}
