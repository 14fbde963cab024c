import Foundation
import Synchronization
import VigieCore

/// What one message of a stream decoded to: its records, what was rejected, and where the
/// stream stands after it.
public struct LiveChunk: Sendable {
    public var items: [IngestItem]
    public var rejects: [Reject]
    /// The source's position after this message (`nil`: unchanged).
    public var position: SourcePosition?
    /// The newest event time in this message (for the lag).
    public var eventTime: Date?
    /// Events this chunk stands for (a message may hold one, or a REST page many).
    public var events: Int

    public init(items: [IngestItem] = [], rejects: [Reject] = [], position: SourcePosition? = nil,
                eventTime: Date? = nil, events: Int = 1) {
        self.items = items
        self.rejects = rejects
        self.position = position
        self.eventTime = eventTime
        self.events = events
    }
}

/// The bounded hand-off between a connection's reader and the task that writes batches: the
/// reader waits when `capacity` records are pending, so a slow store stops the reading, the
/// socket's buffers fill and the server slows down — memory stays flat whatever the rate.
///
/// The writer takes whole chunks, in order, so that a batch's cursor is the position after its
/// last message: the records and the cursor that covers them commit together.
final class LiveQueue: Sendable {
    private struct State {
        var chunks: [LiveChunk] = []
        var head = 0
        var pendingItems = 0
        var firstArrival: ContinuousClock.Instant?
        var closed = false
        var failure: (any Error)?
        var roomWaiter: CheckedContinuation<Void, any Error>?
        var dataWaiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Reader: queues one message's chunk; waits while the queue is full. Throws once the
    /// writer failed (the reader then stops), or when cancelled.
    func push(_ chunk: LiveChunk) async throws {
        while true {
            let (queued, dataWaiter) = try state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                if let failure = state.failure { throw failure }
                guard state.pendingItems < capacity else { return (false, nil) }
                state.chunks.append(chunk)
                state.pendingItems += chunk.items.count + chunk.rejects.count
                if state.firstArrival == nil { state.firstArrival = .now }
                defer { state.dataWaiter = nil }
                return (true, state.dataWaiter)
            }
            if queued {
                dataWaiter?.resume()
                return
            }
            try await waitForRoom()
        }
    }

    private func waitForRoom() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if let failure = state.failure { return .failure(failure) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.pendingItems < capacity { return .success(()) }
                    state.roomWaiter = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                defer { state.roomWaiter = nil }
                return state.roomWaiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Reader: no more chunks (the connection ended).
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.dataWaiter = nil }
            return state.dataWaiter
        }
        waiter?.resume()
    }

    /// Writer: stops the reader (a write failed).
    func fail(_ error: any Error) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.failure = state.failure ?? error
            defer { state.roomWaiter = nil }
            return state.roomWaiter
        }
        waiter?.resume(throwing: error)
    }

    /// Writer: the next chunks to write together — at least `batchSize` records, or whatever
    /// came within `linger` of the first one. `nil` once closed and empty.
    func take(batchSize: Int, linger: Duration) async -> [LiveChunk]? {
        await waitForData()
        while true {
            let ready = state.withLock { state -> Bool in
                state.closed || state.failure != nil || state.pendingItems >= batchSize
                    || (state.firstArrival.map { ContinuousClock.now - $0 >= linger } ?? true)
            }
            if ready || Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let (taken, roomWaiter) = state.withLock { state -> ([LiveChunk], CheckedContinuation<Void, any Error>?) in
            var taken: [LiveChunk] = []
            var count = 0
            while state.head < state.chunks.count, count < batchSize || taken.isEmpty {
                let chunk = state.chunks[state.head]
                taken.append(chunk)
                count += chunk.items.count + chunk.rejects.count
                state.head += 1
            }
            state.pendingItems -= count
            if state.head == state.chunks.count {
                state.chunks.removeAll(keepingCapacity: true)
                state.head = 0
                state.firstArrival = nil
            } else {
                if state.head > 4_096 {
                    state.chunks.removeFirst(state.head)
                    state.head = 0
                }
                state.firstArrival = .now
            }
            guard state.pendingItems < capacity else { return (taken, nil) }
            defer { state.roomWaiter = nil }
            return (taken, state.roomWaiter)
        }
        roomWaiter?.resume()
        return taken.isEmpty ? nil : taken
    }

    private func waitForData() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.head < state.chunks.count || state.closed || state.failure != nil || Task.isCancelled { return true }
                    state.dataWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.dataWaiter = nil }
                return state.dataWaiter
            }
            waiter?.resume()
        }
    }
}
