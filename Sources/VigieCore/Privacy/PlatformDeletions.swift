/// Account deletions and take-downs a platform reports (a tombstone of target `account`, or an
/// account record, whose status is `deleted` or `takendown`) applied through the erasure path
/// (``PrivacyStore/eraseSubject(_:workspace:options:)``) after the batch that carries them is
/// written: the person's posts, interactions and derived records go, as for an erasure request.
/// A store on its own only marks the account (``StoreWriter``): this writer is what imports and
/// live connectors write through.
///
/// No suppression (a take-down may be reversed and the account come back) and no compaction
/// (merging the full-text index rewrites all of it, too much work for every event: the bytes
/// leave the files at the next compacting erasure). During a bulk load the erasures wait for
/// ``endBulkLoad()``, when the indexes they look people up with exist again.
///
/// ```swift
/// let writer = store.applyingPlatformDeletions   // PlatformDeletionWriter when the store can erase
/// try await writer.write(batch, workspace: "default")
/// ```
public actor PlatformDeletionWriter: StoreWriter {
    private let base: any StoreWriter
    private let privacy: any PrivacyStore
    private var bulkLoading = false
    /// Erasures held back by a bulk load, by workspace, in arrival order.
    private var pending: [(workspace: String, deletion: PlatformDeletion)] = []

    public init(base: any StoreWriter, privacy: any PrivacyStore) {
        self.base = base
        self.privacy = privacy
    }

    @discardableResult
    public func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        let summary = try await base.write(batch, workspace: workspace)
        let deletions = batch.platformDeletions
        if bulkLoading {
            pending += deletions.map { (workspace, $0) }
        } else {
            for deletion in deletions { try await erase(deletion, workspace: workspace) }
        }
        return summary
    }

    @discardableResult
    public func beginBulkLoad(inputBytes: Int) async throws -> Bool {
        bulkLoading = try await base.beginBulkLoad(inputBytes: inputBytes)
        return bulkLoading
    }

    public func endBulkLoad() async throws {
        try await base.endBulkLoad()
        bulkLoading = false
        let held = pending
        pending = []
        for (workspace, deletion) in held { try await erase(deletion, workspace: workspace) }
    }

    private func erase(_ deletion: PlatformDeletion, workspace: String) async throws {
        try await privacy.eraseSubject(deletion.account, workspace: workspace, options: ErasureOptions(
            actor: PlatformDeletion.actor, reason: "platform \(deletion.reason)", suppress: false, compact: false))
    }
}

/// One account a platform deleted or took down.
public struct PlatformDeletion: Sendable, Hashable {
    public var account: AccountKey
    /// `deleted` or `takendown`, as the platform said.
    public var reason: String

    /// The actor erasure receipts name for these erasures.
    public static let actor = "platform"
    /// The account statuses that erase: the others (suspended, deactivated) only mark the account.
    public static let erasingStatuses: Set<AccountStatus> = [.deleted, .takendown]
}

extension IngestBatch {
    /// The accounts this batch says the platform deleted or took down, each once.
    public var platformDeletions: [PlatformDeletion] {
        var seen = Set<AccountKey>()
        return items.compactMap { item in
            let key: AccountKey
            let status: AccountStatus?
            switch item {
            case .tombstone(let tombstone):
                (key, status) = (AccountKey(platform: tombstone.platform, platformID: tombstone.platformID), tombstone.accountStatus)
            case .account(let account):
                (key, status) = (account.key, account.status)
            default:
                return nil
            }
            guard let status, PlatformDeletion.erasingStatuses.contains(status), seen.insert(key).inserted else { return nil }
            return PlatformDeletion(account: key, reason: status.rawValue)
        }
    }
}

extension Store {
    /// The writer imports and live connectors use: this store, applying platform deletions
    /// through the erasure path when the backend can erase (``PrivacyStore/erasesSubjects``).
    public var applyingPlatformDeletions: any StoreWriter {
        erasesSubjects ? PlatformDeletionWriter(base: self, privacy: self) : self
    }
}
