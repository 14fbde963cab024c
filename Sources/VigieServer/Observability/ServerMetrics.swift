import Foundation
import Prometheus

/// The server's Prometheus metrics, in one registry that `/metrics` prints. Each application
/// has its own (no global state), so tests can read exactly what their requests recorded.
///
/// - `vigie_http_requests_total{route,method,status}` and
///   `vigie_http_request_duration_seconds{route,method}` (a histogram), per route template
///   (`/api/v1/workspaces/{workspace}/query`), so the label set stays small;
/// - `vigie_http_requests_in_flight`;
/// - `vigie_jobs{state}` (queued, running) and `vigie_jobs_finished_total{kind,outcome}`;
/// - `vigie_store_posts{workspace}`, `vigie_store_accounts{workspace}`,
///   `vigie_store_rejects{workspace}`, `vigie_store_bytes`, `vigie_users`;
/// - `vigie_cache_lookups_total{result}` and `vigie_cache_entries`.
package final class ServerMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    private let inFlight: Gauge
    private let cacheSize: Gauge
    private let users: Gauge
    private let storeBytes: Gauge

    /// Latency buckets from 1 ms to 10 s: pages aim under 300 ms, cached API answers under 100.
    static let latencyBuckets: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]
        .map { Duration.microseconds(Int64($0 * 1000)) }

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        inFlight = registry.makeGauge(descriptor: Self.name("http", "requests_in_flight", "Requests being answered."))
        cacheSize = registry.makeGauge(descriptor: Self.name("cache", "entries", "Dashboard results held in memory."))
        users = registry.makeGauge(descriptor: Self.name(nil, "users", "Users who may sign in."))
        storeBytes = registry.makeGauge(descriptor: Self.name("store", "bytes", "Size of the store's files on disk."))
        for state in ["queued", "running"] { jobs(state: state, count: 0) }
    }

    // MARK: Requests

    func requestStarted() { inFlight.increment() }

    func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        inFlight.decrement()
        registry.makeCounter(descriptor: Self.name("http", "requests", "HTTP requests answered.", unit: "total"),
                             labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.name("http", "request_duration", "Time to answer a request.", unit: "seconds"),
                                       labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    // MARK: Jobs

    func jobs(state: String, count: Int) {
        registry.makeGauge(descriptor: Self.name(nil, "jobs", "Jobs by state."), labels: [("state", state)]).set(Double(count))
    }

    func jobFinished(kind: String, outcome: String) {
        registry.makeCounter(descriptor: Self.name("jobs", "finished", "Jobs that ended, by kind and outcome.", unit: "total"),
                             labels: [("kind", kind), ("outcome", outcome)]).increment()
    }

    // MARK: Store

    func store(workspace: String, posts: Int, accounts: Int, rejects: Int) {
        let labels = [("workspace", workspace)]
        registry.makeGauge(descriptor: Self.name("store", "posts", "Posts stored per workspace."), labels: labels).set(Double(posts))
        registry.makeGauge(descriptor: Self.name("store", "accounts", "Accounts stored per workspace."), labels: labels)
            .set(Double(accounts))
        registry.makeGauge(descriptor: Self.name("store", "rejects", "Rejected records kept per workspace."), labels: labels)
            .set(Double(rejects))
    }

    func store(bytes: Int64, users count: Int) {
        storeBytes.set(Double(bytes))
        users.set(Double(count))
    }

    // MARK: Cache

    func cacheLookup(hit: Bool) {
        registry.makeCounter(descriptor: Self.name("cache", "lookups", "Dashboard cache lookups.", unit: "total"),
                             labels: [("result", hit ? "hit" : "miss")]).increment()
    }

    func cacheEntries(_ count: Int) { cacheSize.set(Double(count)) }

    /// The exposition text of every metric.
    package func render() -> String { registry.emitToString() }

    private static func name(_ subsystem: String?, _ metric: String, _ help: String, unit: String = "") -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "vigie", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }
}
