import VigieCore

/// Drops records that repeat one seen moments ago, before they reach the store.
///
/// API exports repeat themselves: every twarc2 page carries the users and referenced tweets it
/// mentions, so one account may arrive thousands of times, identical but for the retrieval
/// time. Merging each copy costs the store a read and a compare; recognising it here costs a
/// hash. Only exact repeats (ignoring when they were observed) are dropped, so any change —
/// a new follower count, an edit — still reaches the store.
struct RepeatFilter {
    /// Record key → content hash of the last copy. Cleared when full to bound memory.
    private var lastSeen: [Int: Int] = [:]
    private let capacity: Int
    private(set) var dropped = 0

    init(capacity: Int = 400_000) {
        self.capacity = capacity
    }

    mutating func isRepeat(_ item: IngestItem) -> Bool {
        var key = Hasher()
        let content: Int
        switch item {
        case .account(var account):
            key.combine(0)
            key.combine(account.platform)
            key.combine(account.platformID)
            account.observedAt = nil
            account.observedAtIsImportTime = nil
            content = account.hashValue
        case .post(var post):
            key.combine(1)
            key.combine(post.platform)
            key.combine(post.platformID)
            post.metrics?.observedAt = nil
            content = post.hashValue
        case .interaction, .tombstone:
            return false
        }
        let keyHash = key.finalize()
        if lastSeen[keyHash] == content {
            dropped += 1
            return true
        }
        if lastSeen.count >= capacity { lastSeen.removeAll(keepingCapacity: true) }
        lastSeen[keyHash] = content
        return false
    }
}
