import Foundation


/// Runs a CPU-heavy synchronous pass (graph building, Louvain, coordination counting, model
/// training) on a GCD worker thread and suspends the caller until it is done, so the caller's
/// executor — a server's event loop or the cooperative pool — stays free meanwhile. The pass may
/// keep its own worker pool (`concurrentPerform`) inside.
///
/// ```swift
/// let partition = try await Offload.run { Louvain(resolution: 1).run(graph.outgoing.symmetrised()) }
/// ```
///
/// Cancellation is checked before the pass starts and when it ends (its result is then dropped);
/// a pass that wants to stop midway checks a flag of its own.
public enum Offload {
    public static func run<Result: Sendable>(
        _ work: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try Task.checkCancellation()
        let result: Result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Swift.Result { try work() })
            }
        }
        try Task.checkCancellation()
        return result
    }
}

/// Structured data parallelism for CPU passes over independent items: slices of the input on
/// child tasks, results in input order.
///
/// ```swift
/// let labels = await Parallel.map(texts) { analyzer.classify($0).label }
/// ```
public enum Parallel {
    /// The active cores, the default width.
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// `transform` applied to every item, in order, on up to `width` child tasks; inputs smaller
    /// than `minimumSlice` items per task run in the caller's task.
    public static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], width: Int = cores, minimumSlice: Int = 32,
        _ transform: @escaping @Sendable (Item) -> Result
    ) async -> [Result] {
        let tasks = max(1, min(width, items.count / max(minimumSlice, 1)))
        guard tasks > 1 else { return items.map(transform) }
        let sliceSize = (items.count + tasks - 1) / tasks
        return await withTaskGroup(of: (Int, [Result]).self) { group in
            for start in stride(from: 0, to: items.count, by: sliceSize) {
                let slice = items[start..<min(start + sliceSize, items.count)]
                group.addTask { (start, slice.map(transform)) }
            }
            var slices: [(Int, [Result])] = []
            for await slice in group { slices.append(slice) }
            return slices.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
