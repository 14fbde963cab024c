/// Storage of a Vigie corpus: one protocol per concern, all `async`, speaking domain identities
/// (workspace names, ``AccountKey``s, platform ids), never a backend's row numbers.
///
/// - ``StoreWriter``: the write sink of imports and live connectors.
/// - ``CorpusReader``: counts, rejects, search, accounts, listening queries and post scans.
/// - ``WatchStore``, ``AlertStore``: saved queries and alerts.
/// - ``GraphStore``, ``TrustStore``: what the influence and trust analyses read in bulk.
/// - ``AccessStore``: the server's users, roles, sessions, API tokens and audit log.
/// - ``SourceStore``: live sources, their status and cursor.
/// - ``PrivacyStore``: data-subject search, access export, erasure, suppression and retention.
/// - ``CampaignStore``: campaigns, short links, clicks (without addresses) and conversions.
///
/// The SQLite store (`VigieStore.SQLiteStore`) implements all of them; every implementation must
/// pass the conformance suite (`VigieTestSupport.StoreConformance`), which states the semantics:
/// idempotent writes, edits, tombstones, account merge, workspace isolation and every read.
///
/// ```swift
/// let store: any Store = try SQLiteStore(path: "vigie.sqlite")
/// let summary = try await store.write(IngestBatch(items: [.post(post)]), workspace: "default")
/// let page = try await store.query(Query.parse("velo lang:fr"), workspace: "default", limit: 20)
/// ```
public protocol Store: StoreWriter, CorpusReader, WatchStore, AlertStore, GraphStore, TrustStore, AccessStore, SourceStore, TopicStore, SentimentStore, PrivacyStore, CampaignStore {
    /// Where the store lives, for messages (a path, or a URL without credentials).
    var location: String { get }

    /// Releases the store's connections once nothing uses it any more (a server's last step on
    /// shutdown). Later calls fail.
    func close() async throws
}

extension Store {
    /// By default there is nothing to release.
    public func close() async throws {}
}
