import Foundation
import VigieEngine

/// What a finished analysis job produced: the kind of analysis and where its result is read
/// (the API route, or the dashboard page, that asked for it).
package struct AnalysisOutcome: Sendable, Codable, Hashable {
    package var kind: String
    /// The API path that answers the result, now from the cache.
    package var result: String
    /// The dashboard page that shows it.
    package var page: String?
}

/// A long analysis as a route sees it: its result when it is ready, else the job computing it.
enum AnalysisAnswer<Value: Sendable>: Sendable {
    case ready(Value)
    case pending(JobSnapshot)
}

/// Runs long analyses (trust reports, communities, influencer rankings, coordination clusters,
/// lookalikes, discovery) off the request path. A route asks for a result by its cache key: a
/// result in the cache is answered at once; otherwise one job computes it (a second request for
/// the same result joins the running job) and the route answers with the job, whose progress the
/// API (`202` and `Location`) and the dashboard (a page that reloads itself every second) show.
/// The job stores the result in the ``ResultCache``, so the next request finds it there; an
/// import into the workspace invalidates it like any cached result.
///
/// ```swift
/// switch try await analyses.result(key, kind: "trust-report", title: "velo", scope: scope, links: links) {
///     try await scope.engine.trustReport(request)
/// } { case .ready(let report): …; case .pending(let job): … }
/// ```
actor AnalysisJobs {
    private struct Running {
        var job: String
        var generation: Int
    }

    private let cache: ResultCache
    private let jobs: JobQueue
    private var running: [ResultCache.Key: Running] = [:]
    /// The problem of a failed analysis, answered once to the next request for it (which then
    /// starts afresh), so that a client sees why and the failure is not cached for good.
    private var failures: [ResultCache.Key: Problem] = [:]

    init(cache: ResultCache, jobs: JobQueue) {
        self.cache = cache
        self.jobs = jobs
    }

    /// The cached result of `key`, or the job that computes it (started now if none runs).
    func result<Value: Sendable>(_ key: ResultCache.Key, kind: String, title: String, user: String,
                                 result: String, page: String?,
                                 compute: @escaping @Sendable () async throws -> Value) async throws -> AnalysisAnswer<Value> {
        if let value = await cache.cachedValue(for: key, as: Value.self) { return .ready(value) }
        let generation = await cache.generation(of: key.workspace)
        if let current = running[key] {
            if let job = await jobs.job(id: current.job, workspace: key.workspace), current.generation == generation {
                if !job.state.isFinished { return .pending(job) }
                if job.state == .failed, let problem = failures.removeValue(forKey: key) {
                    running[key] = nil
                    throw problem
                }
            }
            running[key] = nil
        }
        let cache = self.cache
        let outcome = AnalysisOutcome(kind: kind, result: result, page: page)
        let job = try await jobs.submit(kind: kind, title: title, workspace: key.workspace, user: user) { [weak self] reporter in
            reporter.progress(JobProgress(stage: "computing \(kind)"))
            do {
                _ = try await cache.value(for: key, compute: compute)
            } catch {
                await self?.recordFailure(Problem(error: error), for: key)
                throw error
            }
            return .analysis(outcome: outcome)
        }
        running[key] = Running(job: job.id, generation: generation)
        return .pending(job)
    }

    private func recordFailure(_ problem: Problem, for key: ResultCache.Key) {
        failures[key] = problem
    }
}

/// The key of a cached result from the request's fields: the same fields in any order give the
/// same key, and a field the route does not read cannot be part of it (routes refuse unknown
/// fields first).
extension ResultCache.Key {
    init(workspace: String, kind: String, fields: FormFields, extra: String = "") {
        let parameters = fields.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        self.init(workspace: workspace, kind: kind, parameters: extra + "|" + parameters)
    }
}
