import VigieCore

/// Writes clicks with group commit: a click's request waits until the transaction holding it has
/// committed, so a redirect that was answered is a click that is stored, even if the process is
/// killed the next instant. While one transaction commits, the clicks that arrive queue up and
/// go together in the next: under load one commit carries many clicks.
///
/// The first caller to find no commit running leads: it writes every queued click; when it is
/// done it hands the lead to the oldest waiter of the next group, if any.
public actor ClickLog {
    private let store: any CampaignStore
    private var pending: [LinkClick] = []
    private var waiters: [CheckedContinuation<Bool, any Error>] = []
    private var writing = false
    /// Commits made and clicks written, for tests and metrics.
    public private(set) var commits = 0
    public private(set) var written = 0

    public init(store: any CampaignStore) {
        self.store = store
    }

    /// Returns once `click` is committed; throws the store's error if its transaction failed.
    public func append(_ click: LinkClick) async throws {
        pending.append(click)
        if writing {
            let leads = try await withCheckedThrowingContinuation { waiters.append($0) }
            if !leads { return }
        } else {
            writing = true
        }
        let batch = pending
        let followers = waiters
        pending = []
        waiters = []
        do {
            written += try await store.recordClicks(batch)
            commits += 1
        } catch {
            for waiter in followers { waiter.resume(throwing: error) }
            handOff()
            throw error
        }
        for waiter in followers { waiter.resume(returning: false) }
        handOff()
    }

    private func handOff() {
        if waiters.isEmpty {
            writing = false
        } else {
            waiters.removeFirst().resume(returning: true)
        }
    }
}
