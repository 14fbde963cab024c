import Foundation
import Synchronization
import Testing
import VigieCore
import VigieDelivery
import VigieStore

/// Records the waits between attempts instead of only sleeping them (they are kept short).
final class WaitLog: Sendable {
    private let waits = Mutex<[TimeInterval]>([])
    var values: [TimeInterval] { waits.withLock { $0 } }
    func sleep(_ seconds: TimeInterval) async {
        waits.withLock { $0.append(seconds) }
        try? await Task.sleep(for: .seconds(seconds))
    }
}

@Suite(.serialized) struct WebhookSenderTests {
    static let fast = RetryPolicy(maximumAttempts: 4, initialDelay: 0.05, multiplier: 2, maximumDelay: 1, timeout: 3)

    @Test func deliversJSONOnTheFirstAttempt() async throws {
        let receiver = try LoopbackReceiver(replies: [.status(204)], maximumConnections: 1)
        let body = Data(#"{"schema":"vigie.alert/1","summary":"réseau"}"#.utf8)
        let attempts = await WebhookSender().deliver(body, to: receiver.url, policy: Self.fast)
        await receiver.waitUntilStopped()
        #expect(attempts.count == 1)
        #expect(attempts[0].delivered && attempts[0].statusCode == 204 && attempts[0].error == nil)
        let request = try #require(receiver.requests.first)
        #expect(request.head.hasPrefix("POST /hook HTTP/1.1"))
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("X-Vigie-Attempt") == "1")
        #expect(request.body == body)
    }

    @Test func retriesServerErrorsWithBackoffUntilDelivered() async throws {
        let receiver = try LoopbackReceiver(replies: [.status(500), .status(503), .status(200)], maximumConnections: 3)
        let waits = WaitLog()
        let sender = WebhookSender(sleep: { await waits.sleep($0) })
        let attempts = await sender.deliver(Data("{}".utf8), to: receiver.url, policy: Self.fast)
        await receiver.waitUntilStopped()
        #expect(attempts.map(\.statusCode) == [500, 503, 200])
        #expect(attempts.map(\.delivered) == [false, false, true])
        #expect(attempts[0].error == "HTTP 500")
        #expect(waits.values == [0.05, 0.1])
        #expect(receiver.requests.map { $0.header("X-Vigie-Attempt") } == ["1", "2", "3"])
    }

    @Test func givesUpOnAReceiverThatNeverAnswers() async throws {
        let receiver = try LoopbackReceiver(replies: [.silent], maximumConnections: 2, lifetime: 10)
        let policy = RetryPolicy(maximumAttempts: 2, initialDelay: 0.05, timeout: 1)
        let attempts = await WebhookSender().deliver(Data("{}".utf8), to: receiver.url, policy: policy)
        await receiver.waitUntilStopped()
        #expect(attempts.count == 2)
        #expect(attempts.allSatisfy { !$0.delivered && $0.statusCode == nil })
        #expect(attempts.allSatisfy { $0.error?.hasPrefix("timed out") == true }, "\(attempts.map(\.error))")
        #expect(attempts.allSatisfy { $0.durationMillis >= 900 }, "\(attempts)")
    }

    @Test func doesNotRetryClientErrors() async throws {
        let receiver = try LoopbackReceiver(replies: [.status(404)], maximumConnections: 1)
        let attempts = await WebhookSender().deliver(Data("{}".utf8), to: receiver.url, policy: Self.fast)
        await receiver.waitUntilStopped()
        #expect(attempts.count == 1)
        #expect(attempts[0].statusCode == 404 && !attempts[0].delivered)
    }

    @Test func reportsARefusedConnection() async throws {
        // A port that was just free: nothing listens there any more.
        let receiver = try LoopbackReceiver(replies: [], maximumConnections: 0)
        await receiver.waitUntilStopped()
        let policy = RetryPolicy(maximumAttempts: 2, initialDelay: 0.01, timeout: 2)
        let attempts = await WebhookSender().deliver(Data("{}".utf8), to: receiver.url, policy: policy)
        #expect(attempts.count == 2)
        #expect(attempts.allSatisfy { !$0.delivered && $0.error != nil })
    }
}

@Suite(.serialized) struct AlertRunnerTests {
    static let start = Date(timeIntervalSince1970: 1_740_787_200)

    /// Ten days of 6 posts an hour, then 4 hours of 40.
    static func burst() -> (posts: [AlertPost], end: Date) {
        var posts: [AlertPost] = []
        for hour in 0..<240 {
            let perHour = hour >= 236 ? 40 : 6
            for i in 0..<perHour {
                posts.append(AlertPost(time: start.addingTimeInterval(Double(hour) * 3600 + Double(i) * 3600 / Double(perHour)),
                                       author: "u\(i)", text: "vélo"))
            }
        }
        return (posts, start.addingTimeInterval(240 * 3600 - 1))
    }

    @Test func firesStoresDeliversWithRetriesAndLogsEachAttempt() async throws {
        let store = try SQLiteStore.inMemory()
        let receiver = try LoopbackReceiver(replies: [.status(502), .status(200)], maximumConnections: 2)
        let rule = AlertRule(name: "velo-volume", target: .watch("velo"), kind: .spike, webhookURL: receiver.url.absoluteString)
        try await store.addAlertRule(rule, workspace: "default")
        let runner = AlertRunner(store: store, transport: WebhookSender(),
                                 policy: RetryPolicy(maximumAttempts: 3, initialDelay: 0.05, timeout: 3))
        let (posts, end) = Self.burst()
        let outcome = try await runner.run(rule, input: .posts(posts), at: end, workspace: "default")
        await receiver.waitUntilStopped()
        #expect(outcome.fired.count == 1)
        #expect(outcome.deliveries.first?.delivered == true)
        #expect(outcome.deliveries.first?.attempts.map(\.statusCode) == [502, 200])

        // What the receiver got is the stored payload: a vigie.alert/1 document that explains itself.
        let body = try #require(receiver.requests.last?.body)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let payload = try decoder.decode(AlertPayload.self, from: body)
        #expect(payload.schema == "vigie.alert/1" && payload.rule == "velo-volume" && payload.watch == "velo")
        #expect(payload.kind == .spike && payload.spike?.peakCount == 40)
        #expect(payload.summary.contains("robust z"))

        let log = try await store.deliveries(workspace: "default", rule: "velo-volume", limit: 10)
        #expect(log.map(\.attempt.attempt).sorted() == [1, 2])
        #expect(log.first { $0.attempt.attempt == 1 }?.attempt.error == "HTTP 502")
        let fired = try await store.firedAlerts(workspace: "default", rule: nil, limit: 10)
        #expect(fired.count == 1 && fired[0].delivered && fired[0].alert.spike?.peakCount == 40)

        // Evaluating again finds the same spike: it is not fired nor sent twice.
        let again = try await runner.run(rule, input: .posts(posts), at: end, workspace: "default")
        #expect(again.fired.isEmpty && again.alreadyFired == 1 && again.deliveries.isEmpty)
    }

    @Test func undeliveredAlertsAreSentWhenTheReceiverIsBack() async throws {
        let store = try SQLiteStore.inMemory()
        let down = try LoopbackReceiver(replies: [], maximumConnections: 0)
        await down.waitUntilStopped()
        let rule = AlertRule(name: "v", target: .all, kind: .spike, webhookURL: down.url.absoluteString)
        try await store.addAlertRule(rule, workspace: "default")
        let policy = RetryPolicy(maximumAttempts: 2, initialDelay: 0.01, timeout: 2)
        let (posts, end) = Self.burst()
        let first = try await AlertRunner(store: store, transport: WebhookSender(), policy: policy)
            .run(rule, input: .posts(posts), at: end, workspace: "default")
        #expect(first.deliveries.first?.delivered == false)
        #expect(try await store.undeliveredAlerts(workspace: "default", limit: 10).count == 1)

        // The receiver comes back on another port: point the rule there and retry.
        let up = try LoopbackReceiver(replies: [.status(200)], maximumConnections: 1)
        try await store.removeAlertRule(named: "v", workspace: "default")
        var moved = rule
        moved.webhookURL = up.url.absoluteString
        try await store.addAlertRule(moved, workspace: "default")
        _ = try await AlertRunner(store: store, transport: nil).run(moved, input: .posts(posts), at: end, workspace: "default")
        let retried = try await AlertRunner(store: store, transport: WebhookSender(), policy: policy).retryUndelivered(workspace: "default")
        await up.waitUntilStopped()
        #expect(retried.count == 1 && retried[0].delivered)
        #expect(try await store.undeliveredAlerts(workspace: "default", limit: 10).isEmpty)
        #expect(up.requests.count == 1)
    }
}
