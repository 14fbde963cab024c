import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import VigieCore
@testable import VigieServer

@Suite("Pagination, health, metrics and the result cache")
struct PaginationAndOperationsTests {
    @Test("query pages walk every match once, in order, even through posts of the same millisecond", arguments: [1, 2, 3, 7])
    func queryCursorThroughTies(pageSize: Int) async throws {
        let world = try await TestWorld()
        // 12 matching posts: four share one millisecond, three another.
        let base = Date(timeIntervalSince1970: 1_750_000_000)
        let offsets: [Double] = [0, 0, 0, 0, 1, 2, 2, 2, 3, 4, 5, 6]
        try await world.store.write(IngestBatch(items: offsets.enumerated().map { index, offset in
            .post(Post(platform: .mastodon, platformID: "p\(index)", authorID: "9", authorHandle: "pager",
                       createdAt: base.addingTimeInterval(offset), text: "pagination test \(index)"))
        }), workspace: "acme")
        let token = try await world.token(for: "viv")
        let app = try await world.application()
        try await app.test(.router) { client in
            let all = try await client.request("/api/v1/workspaces/acme/query?query=pagination&limit=50", token: token).json()
            let expected = try #require(all["posts"] as? [[String: Any]]).compactMap { $0["platformID"] as? String }
            #expect(expected.count == 12)
            #expect(all["matched"] as? Int == 12)
            var walked: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/api/v1/workspaces/acme/query?query=pagination&limit=\(pageSize)" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.request(uri, token: token).json()
                if pages > 0 { #expect(page["matched"] == nil, "totals are on the first page only") }
                walked += (page["posts"] as? [[String: Any]] ?? []).compactMap { $0["platformID"] as? String }
                cursor = page["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 50
            #expect(walked == expected)
            #expect(pages == (12 + pageSize - 1) / pageSize)
        }
    }

    @Test("lists page by name with opaque cursors")
    func listPages() throws {
        let request = try PageRequest<String>(FormFields("limit=2"))
        let first = request.page(of: ["d", "a", "c", "b", "e"]) { $0 }
        #expect(first.items == ["a", "b"])
        let next = try PageRequest<String>(FormFields("limit=2&cursor=\(try #require(first.nextCursor))"))
        #expect(next.page(of: ["d", "a", "c", "b", "e"]) { $0 }.items == ["c", "d"])
        let last = try PageRequest<String>(FormFields("limit=2&cursor=\(Cursor.encode("d"))")).page(of: ["d", "a", "c", "b", "e"]) { $0 }
        #expect(last.items == ["e"])
        #expect(last.nextCursor == nil)
    }

    @Test("health answers, and metrics count requests per route template with latency histograms")
    func healthAndMetrics() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "viv")
        let app = try await world.application()
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/health/live", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(try ready.json()["checks"] as? [String: String] == ["store": "ok"])
            for _ in 0..<3 { _ = try await client.request("/api/v1/workspaces/acme/watches", token: token) }
            _ = try await client.request("/api/v1/workspaces/nope/watches", token: token)
            // The store gauges are refreshed by a service that starts with the application.
            var metrics = try await client.execute(uri: "/metrics", method: .get)
            for _ in 0..<100 where !metrics.text.contains("vigie_users") {
                try await Task.sleep(for: .milliseconds(20))
                metrics = try await client.execute(uri: "/metrics", method: .get)
            }
            #expect(metrics.status == .ok)
            let text = metrics.text
            let route = "route=\"/api/v1/workspaces/{workspace}/watches\""
            #expect(text.contains("vigie_http_requests_total{\(route),method=\"GET\",status=\"200\"} 3"), "\(text)")
            #expect(text.contains("vigie_http_requests_total{\(route),method=\"GET\",status=\"404\"} 1"))
            #expect(text.contains("vigie_http_request_duration_seconds_bucket{\(route),method=\"GET\",le=\"0.1\"}"))
            #expect(text.contains("vigie_jobs{state=\"running\"} 0"))
            #expect(text.contains("vigie_store_posts{workspace=\"acme\"} 2"))
            #expect(text.contains("vigie_users 4"))
        }
    }

    @Test("/metrics refuses clients other than loopback unless opened")
    func metricsAccess() {
        #expect(OperationsController.isLoopback("127.0.0.1"))
        #expect(OperationsController.isLoopback("::1"))
        #expect(OperationsController.isLoopback(nil))
        #expect(!OperationsController.isLoopback("192.168.1.20"))
    }

    @Test("the result cache computes once for concurrent callers, and forgets a workspace when told")
    func resultCache() async throws {
        let cache = ResultCache(capacity: 4, lifetime: .seconds(60))
        let calls = TestCounter()
        let key = ResultCache.Key(workspace: "acme", kind: "test", parameters: "x")
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await cache.value(for: key) {
                        calls.increment()
                        try await Task.sleep(for: .milliseconds(50))
                        return 42
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: 42, count: 8))
        #expect(calls.value == 1)
        await cache.invalidate(workspace: "other")
        _ = try await cache.value(for: key) { calls.increment(); return 0 }
        #expect(calls.value == 1)
        await cache.invalidate(workspace: "acme")
        #expect(try await cache.value(for: key) { calls.increment(); return 7 } == 7)
        #expect(calls.value == 2)
        // Capacity: the least recently used entry goes.
        for index in 0..<6 {
            _ = try await cache.value(for: .init(workspace: "acme", kind: "fill", parameters: "\(index)")) { index }
        }
        #expect(await cache.count <= 4)
    }
}

final class TestCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
