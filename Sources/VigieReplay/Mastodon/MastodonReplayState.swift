import Foundation
import Synchronization
import VigieCore

/// The mutable side of a Mastodon replay: tokens, allowances, planned failures, deletions and
/// edits (events that streams send to their subscribers).
final class MastodonReplayState: Sendable {
    struct Failure: Sendable {
        var status: Int
        var retryAfter: Int?
    }

    struct StreamEvent: Sendable {
        var kind: String
        var id: String
        var payload: String
    }

    private struct State {
        var tokens: Set<String>
        var revoked: Set<String> = []
        var failures: [Failure] = []
        var deleted: Set<String> = []
        var edited: [String: String] = [:]
        var events: [StreamEvent] = []
        var allowances: [String: (used: Int, reset: Date)] = [:]
        var requests = 0
        var refusedForRate = 0
        var streamGeneration = 0
    }

    private let state: Mutex<State>

    init(tokens: Set<String>) {
        state = Mutex(State(tokens: tokens))
    }

    func accepts(_ token: String) -> Bool {
        state.withLock { $0.tokens.contains(token) && !$0.revoked.contains(token) }
    }

    func revoke(_ token: String) {
        _ = state.withLock { $0.revoked.insert(token) }
    }

    func failNext(_ count: Int, status: Int, retryAfter: Int?) {
        state.withLock { $0.failures += Array(repeating: Failure(status: status, retryAfter: retryAfter), count: max(0, count)) }
    }

    func takeFailure() -> Failure? {
        state.withLock { $0.failures.isEmpty ? nil : $0.failures.removeFirst() }
    }

    var requestCount: Int { state.withLock(\.requests) }
    var refusedForRate: Int { state.withLock(\.refusedForRate) }

    func countRefusedForRate() {
        state.withLock { $0.refusedForRate += 1 }
    }

    /// Streams opened before a drop close at their next turn.
    var streamGeneration: Int { state.withLock(\.streamGeneration) }

    func dropStreams() {
        state.withLock { $0.streamGeneration += 1 }
    }

    /// Counts one request against `key`'s allowance; `remaining` below 0 means refused.
    func consumeAllowance(key: String, limit: Int, window: Duration) -> (remaining: Int, reset: Date) {
        state.withLock { state in
            state.requests += 1
            let now = Date()
            var allowance = state.allowances[key] ?? (0, now.addingTimeInterval(window.seconds))
            if allowance.reset <= now { allowance = (0, now.addingTimeInterval(window.seconds)) }
            allowance.used += 1
            state.allowances[key] = allowance
            return (limit - allowance.used, allowance.reset)
        }
    }

    func delete(_ id: String) {
        state.withLock { state in
            guard state.deleted.insert(id).inserted else { return }
            state.events.append(StreamEvent(kind: "delete", id: id, payload: id))
        }
    }

    func edit(_ id: String, json: String) {
        state.withLock { state in
            state.edited[id] = json
            state.events.append(StreamEvent(kind: "status.update", id: id, payload: json))
        }
    }

    func isDeleted(_ id: String) -> Bool {
        state.withLock { $0.deleted.contains(id) }
    }

    var eventCount: Int { state.withLock(\.events.count) }

    func events(after count: Int) -> [StreamEvent] {
        state.withLock { Array($0.events.dropFirst(count)) }
    }

    /// A page of a timeline as Mastodon pages: newest first; `min_id` gives the statuses just
    /// above it, `since_id` the newest above it, `max_id` those below it.
    func page(of recording: MastodonRecording, published: Int, timeline: MastodonTimeline, maxID: String?,
              sinceID: String?, minID: String?, limit: Int) -> [MastodonRecording.Status] {
        let (deleted, edited) = state.withLock { ($0.deleted, $0.edited) }
        let visible = recording.statuses.prefix(published).lazy.filter { status in
            !deleted.contains(status.id) && MastodonReplayServer.holds(timeline, status)
                && (maxID.map { StatusIDOrder.isNewer($0, than: status.id) } ?? true)
                && (sinceID.map { StatusIDOrder.isNewer(status.id, than: $0) } ?? true)
                && (minID.map { StatusIDOrder.isNewer(status.id, than: $0) } ?? true)
        }
        var chosen: [MastodonRecording.Status] = minID != nil ? Array(visible.prefix(limit)) : Array(Array(visible).suffix(limit))
        chosen.reverse()
        return chosen.map { status in
            var status = status
            if let json = edited[status.id] { status.json = json }
            return status
        }
    }
}
