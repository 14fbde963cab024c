import Foundation
import VigieCore

/// Row ids the writer has already resolved, so the ingest hot path skips most account lookups.
///
/// Account rows are never deleted, so a cached id stays valid even when another process writes
/// the same file. Ids created by a transaction that rolls back would not be, so the writer
/// empties the cache whenever a batch fails. The store keeps it in a `Mutex`; writes are
/// serialised by the database anyway, so the lock is uncontended.
struct WriteCache: Sendable {
    struct AccountKey: Hashable {
        var workspaceID: Int64
        var platform: Platform
        /// The platform id, or `@` + lowercased handle for a target only known by handle.
        var platformID: String
    }

    struct CachedAccount {
        var rowID: Int64
        var hasHandle: Bool
    }

    /// Bounds memory on corpora with millions of accounts; clearing is cheap and rare.
    static let maximumAccounts = 400_000

    var workspaceIDs: [String: Int64] = [:]
    var accounts: [AccountKey: CachedAccount] = [:]
    /// Stems for the query index's `fr` and `en` columns (valid across rolled-back batches).
    var stems = StemCache()
    /// The stems the full-text prefetch worker remembers (``FullTextPrefetch``), apart from the
    /// writer's: the two run at once.
    var prefetchStems = StemCache()

    mutating func remember(_ key: AccountKey, _ account: CachedAccount) {
        if accounts.count >= Self.maximumAccounts { accounts.removeAll(keepingCapacity: true) }
        accounts[key] = account
    }

    /// Puts back what the writer took out, keeping the prefetch worker's stems, which the worker
    /// may have put back meanwhile.
    mutating func restore(_ taken: WriteCache) {
        let workerStems = prefetchStems
        self = taken
        prefetchStems = workerStems
    }

    mutating func reset() {
        workspaceIDs.removeAll()
        accounts.removeAll()
    }
}
