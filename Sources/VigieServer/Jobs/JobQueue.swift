import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Long work off the request path: a route submits a job and answers at once with its id; the
/// queue runs jobs in its own task group (``concurrency`` at a time), and the API and dashboard
/// read their progress. Jobs live in memory: finished ones are kept (up to ``retained``) for
/// their reports, and a restart forgets them (the data they wrote stays in the store).
///
/// The queue is a `Service`: on graceful shutdown it stops taking jobs, cancels the running
/// ones (an import stops between batches, its checkpoint kept) and marks them cancelled.
///
/// ```swift
/// let job = try await jobs.submit(kind: "import", title: "export.jsonl", workspace: "acme", user: "alice") { reporter in
///     reporter.progress(JobProgress(stage: "reading", fraction: 0.5))
///     return .importFiles(report: try await importIt())
/// }
/// ```
actor JobQueue: Service {
    private var records: [String: JobRecord] = [:]
    /// Ids in submission order, to list newest first and drop the oldest finished.
    private var order: [String] = []
    private let pending: AsyncStream<JobRecord>
    private let submissions: AsyncStream<JobRecord>.Continuation
    private let concurrency: Int
    private let retained: Int
    private let metrics: ServerMetrics
    private let logger: Logger
    private let onFinish: @Sendable (JobSnapshot) async -> Void
    /// Cleared on graceful shutdown, from outside the actor.
    private let accepting = Mutex(true)

    init(concurrency: Int, retained: Int, metrics: ServerMetrics, logger: Logger,
         onFinish: @escaping @Sendable (JobSnapshot) async -> Void = { _ in }) {
        (pending, submissions) = AsyncStream.makeStream(of: JobRecord.self)
        self.concurrency = max(1, concurrency)
        self.retained = max(1, retained)
        self.metrics = metrics
        self.logger = logger
        self.onFinish = onFinish
    }

    /// Queues a job and returns its first snapshot. Once the server is stopping, the job is
    /// refused (503).
    func submit(kind: String, title: String, workspace: String, user: String,
                cleanup: @escaping @Sendable () -> Void = {}, work: @escaping JobWork) throws -> JobSnapshot {
        guard accepting.withLock({ $0 }) else {
            cleanup()
            throw Problem(.serviceUnavailable, code: "shutting-down", title: "Server stopping",
                          detail: "the server is stopping and takes no new jobs; try again shortly", retryAfter: 5)
        }
        var id = Secrets.identifier()
        while records[id] != nil { id = Secrets.identifier() }
        let snapshot = JobSnapshot(id: id, kind: kind, title: title, workspace: workspace, createdBy: user, state: .queued,
                                   progress: JobProgress(stage: "queued"), createdAt: Date())
        let record = JobRecord(snapshot: snapshot, work: work, cleanup: cleanup)
        records[id] = record
        order.append(id)
        dropOldFinished()
        submissions.yield(record)
        publishGauges()
        return snapshot
    }

    /// A job of `workspace`; `nil` for an unknown id or a job of another workspace.
    func job(id: String, workspace: String) -> JobSnapshot? {
        guard let snapshot = records[id]?.snapshot, snapshot.workspace == workspace else { return nil }
        return snapshot
    }

    /// The jobs of a workspace, newest first.
    func jobs(workspace: String) -> [JobSnapshot] {
        order.reversed().compactMap { records[$0]?.snapshot }.filter { $0.workspace == workspace }
    }

    /// Snapshots of all jobs (counts for metrics and tests).
    func all() -> [JobSnapshot] { order.compactMap { records[$0]?.snapshot } }

    // MARK: Service

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for await record in pending {
                    if running >= concurrency {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await self.execute(record) }
                    running += 1
                }
                // The stream ended: the server is stopping. Running jobs are told to stop.
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.accepting.withLock { $0 = false }
            self.submissions.finish()
        }
    }

    private func execute(_ record: JobRecord) async {
        if Task.isCancelled {
            await onFinish(finish(record, state: .cancelled, outcome: nil,
                                  error: "the server stopped before the job started; submit it again"))
            return
        }
        record.state.withLock { snapshot in
            snapshot.state = .running
            snapshot.startedAt = Date()
            snapshot.progress = JobProgress(stage: "starting")
        }
        publishGauges()
        let finished: JobSnapshot
        do {
            let outcome = try await record.work(record.reporter)
            finished = finish(record, state: .succeeded, outcome: outcome, error: nil)
        } catch is CancellationError {
            finished = finish(record, state: .cancelled, outcome: nil,
                              error: "the server stopped during the job; what was written is kept, submit it again to finish")
        } catch {
            let problem = Problem(error: error)
            if problem.statusCode >= 500 {
                logger.error("job failed", metadata: ["job": "\(record.snapshot.id)", "error": "\(String(reflecting: error))"])
            }
            finished = finish(record, state: .failed, outcome: nil, error: problem.code == "internal"
                              ? "the job failed; the server's log has the details (job \(record.snapshot.id))" : problem.detail)
        }
        await onFinish(finished)
    }

    private func finish(_ record: JobRecord, state: JobState, outcome: JobOutcome?, error: String?) -> JobSnapshot {
        record.cleanup()
        let snapshot = record.state.withLock { snapshot in
            snapshot.state = state
            snapshot.finishedAt = Date()
            snapshot.outcome = outcome
            snapshot.error = error
            snapshot.progress.stage = state.rawValue
            if state == .succeeded { snapshot.progress.fraction = 1 }
            return snapshot
        }
        metrics.jobFinished(kind: snapshot.kind, outcome: state.rawValue)
        publishGauges()
        logger.info("job finished", metadata: ["job": "\(snapshot.id)", "kind": "\(snapshot.kind)", "state": "\(state.rawValue)",
                                               "workspace": "\(snapshot.workspace)"])
        return snapshot
    }

    private func dropOldFinished() {
        var finished = order.filter { records[$0]?.snapshot.state.isFinished == true }
        while order.count > retained, let oldest = finished.first {
            finished.removeFirst()
            records[oldest] = nil
            order.removeAll { $0 == oldest }
        }
    }

    private func publishGauges() {
        let states = records.values.map { $0.snapshot.state }
        metrics.jobs(state: "queued", count: states.filter { $0 == .queued }.count)
        metrics.jobs(state: "running", count: states.filter { $0 == .running }.count)
    }
}
