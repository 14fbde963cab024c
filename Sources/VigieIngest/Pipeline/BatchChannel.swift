import Dispatch
import Synchronization
import VigieCore

/// Hands decoded batches from the decoding thread to the async task that writes them, with room
/// for `capacity` batches: when the store is the slower side, the decoder waits (memory stays
/// flat); the writing task never blocks a thread, it suspends.
///
/// The decoder is a CPU pass on a worker thread of its own (``Offload``), so it may wait on a
/// semaphore; the consumer side is async.
final class BatchChannel: Sendable {
    private struct State {
        var queue: [IngestBatch] = []
        var waiting: CheckedContinuation<IngestBatch?, Never>?
        var finished = false
        /// Set by the consumer: the producer stops at its next `send`.
        var stopped: (any Error)?
    }

    private let state = Mutex(State())
    private let freeSlots: DispatchSemaphore

    init(capacity: Int = 2) {
        freeSlots = DispatchSemaphore(value: max(1, capacity))
    }

    /// Producer: waits for room, then queues the batch. Throws once the consumer stopped.
    func send(_ batch: IngestBatch) throws {
        freeSlots.wait()
        let resume: CheckedContinuation<IngestBatch?, Never>? = try state.withLock { state in
            if let stopped = state.stopped { throw stopped }
            if let waiting = state.waiting {
                state.waiting = nil
                return waiting
            }
            state.queue.append(batch)
            return nil
        }
        resume?.resume(returning: batch)
    }

    /// Producer: no more batches.
    func finish() {
        let resume = state.withLock { state -> CheckedContinuation<IngestBatch?, Never>? in
            state.finished = true
            defer { state.waiting = nil }
            return state.waiting
        }
        resume?.resume(returning: nil)
    }

    /// Consumer: stops the producer (a write failed, or the task was cancelled).
    func stop(_ error: any Error) {
        state.withLock { $0.stopped = $0.stopped ?? error }
        // Wake a producer waiting for room: it sees `stopped` and throws.
        freeSlots.signal()
    }

    /// Consumer: the next batch, `nil` when the producer finished.
    func next() async -> IngestBatch? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> IngestBatch?? in
                if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                if state.finished { return .some(nil) }
                state.waiting = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Consumer: the batch is written; its room is free again.
    func consumed() {
        freeSlots.signal()
    }
}
