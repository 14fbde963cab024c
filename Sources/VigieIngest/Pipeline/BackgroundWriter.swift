import Foundation
import VigieCore

/// Writes batches to the store on its own thread while the importer decodes the next one.
/// A small bounded queue keeps memory flat when the store is the slower side.
final class BackgroundWriter<S: Store>: @unchecked Sendable {
    // Guarded by `condition`.
    private var queue: [IngestBatch] = []
    private var closed = false
    private var failure: Error?
    private var summary = WriteSummary()
    private var running = false
    private let condition = NSCondition()
    private let capacity = 2
    private let store: S
    private let workspace: String

    init(store: S, workspace: String) {
        self.store = store
        self.workspace = workspace
    }

    func start() {
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in run() }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Queues a batch; blocks while the queue is full. Rethrows the writer's failure, if any.
    func submit(_ batch: IngestBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && failure == nil {
            condition.wait()
        }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    /// Waits for every queued batch to be written and returns what was written.
    @discardableResult
    func finish() throws -> WriteSummary {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while running {
            condition.wait()
        }
        if let failure { throw failure }
        return summary
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed {
                condition.wait()
            }
            if queue.isEmpty || failure != nil {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                let written = try store.write(batch, workspace: workspace)
                condition.lock()
                summary += written
                condition.unlock()
            } catch {
                condition.lock()
                failure = error
                queue.removeAll()
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
