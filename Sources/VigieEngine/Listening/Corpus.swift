import Foundation
import VigieCore

/// The direct reads of a workspace's corpus: counts, rejects, search, accounts.
extension Engine {
    /// Accounts, posts, versions, interactions and deletions per platform.
    public func stats() async throws -> StoreStats {
        try await store.stats(workspace: workspace)
    }

    /// Rejected records, newest first.
    public func rejects(limit: Int = 50) async throws -> [Reject] {
        try await store.rejects(workspace: workspace, limit: max(0, limit))
    }

    /// Posts holding every word of `text`, case and accents folded, best match first.
    public func searchPosts(_ text: String, limit: Int = 20) async throws -> [Post] {
        try await store.searchPosts(workspace: workspace, text: text, limit: max(0, limit))
    }

    /// Accounts whose handle (with or without `@`, any case) or platform id is `handle`, with
    /// their counts, activity and recent posts. Throws `notFound` when there is none.
    public func accounts(named handle: String) async throws -> [AccountDetail] {
        let name = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        let details = try await store.accountDetails(workspace: workspace, handle: name)
        guard !details.isEmpty else {
            throw EngineError(.notFound, field: "handle", "no account '\(name)' in workspace \(workspace)")
        }
        return details
    }
}
