import Foundation
import Testing
import VigieCore
import VigieEngine

/// A webhook transport scripted by host: `slow.test` hangs until `fast.test` has been served
/// (at most `slowDelay`), then fails; `down.test` fails at once; any other host delivers at once.
/// It records what it was sent and the order in which deliveries ended.
struct ScriptedTransport: WebhookTransport {
    actor Log {
        var sent: [(host: String, body: Data)] = []
        var finished: [String] = []
        func send(_ host: String, _ body: Data) { sent.append((host, body)) }
        func finish(_ host: String) { finished.append(host) }
        func calls(to host: String) -> Int { sent.filter { $0.host == host }.count }
        func hasFinished(_ host: String) -> Bool { finished.contains(host) }
    }

    let log = Log()
    var slowDelay: Duration = .seconds(2)

    func deliver(_ body: Data, to url: URL, policy: RetryPolicy) async -> [DeliveryAttempt] {
        let host = url.host ?? ""
        await log.send(host, body)
        if host == "slow.test" {
            // Hangs while the other receiver is not served yet: served in parallel, it finishes
            // first whatever the machine's load; served one after the other, it cannot.
            let deadline = ContinuousClock.now + slowDelay
            while ContinuousClock.now < deadline, await !log.hasFinished("fast.test") {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let delivered = host != "slow.test" && host != "down.test"
        await log.finish(host)
        return [DeliveryAttempt(attempt: 1, at: Date(), url: url.absoluteString, statusCode: delivered ? 200 : nil,
                                error: delivered ? nil : "connection refused", durationMillis: 0, delivered: delivered)]
    }
}

@Suite(.serialized) struct AlertsUseCaseTests {
    typealias F = ListeningFixture

    static func spikeRule(_ name: String, webhook: String?) -> AlertRule {
        AlertRule(name: name, target: .all, kind: .spike, webhookURL: webhook)
    }

    @Test func aHangingReceiverDoesNotDelayTheOthers() async throws {
        // Rules run in name order: the slow receiver's alert is the first to go out.
        for (concurrency, expected) in [(8, ["fast.test", "slow.test"]), (1, ["slow.test", "fast.test"])] {
            let engine = try await F.engine(F.burst())
            try await engine.addAlertRule(Self.spikeRule("a-slow", webhook: "http://slow.test/hook"))
            try await engine.addAlertRule(Self.spikeRule("b-fast", webhook: "http://fast.test/hook"))
            let transport = ScriptedTransport(slowDelay: .seconds(2))
            let result = try await engine.runAlerts(AlertRunRequest(policy: RetryPolicy(concurrency: concurrency)),
                                                    transport: transport)
            #expect(result.outcomes.map(\.fired.count) == [1, 1])
            #expect(result.outcomes.map { $0.deliveries.first?.delivered } == [false, true])
            #expect(result.hasFailedDelivery)
            // In parallel the fast receiver is served while the slow one hangs; one at a time, it waits.
            #expect(await transport.log.finished == expected, "concurrency \(concurrency)")
        }
    }

    @Test func theBreakerOpensAfterRepeatedFailures() async throws {
        let engine = try await F.engine(F.burst())
        for name in ["r1", "r2", "r3", "r4"] {
            try await engine.addAlertRule(Self.spikeRule(name, webhook: "http://down.test/hook"))
        }
        let transport = ScriptedTransport()
        let policy = RetryPolicy(concurrency: 1, breakerThreshold: 2, breakerCooldown: 300)
        let breakers = ReceiverBreakers(threshold: 2, cooldown: 300)
        let first = try await engine.runAlerts(AlertRunRequest(policy: policy), transport: transport, breakers: breakers)
        let deliveries = first.outcomes.flatMap(\.deliveries)
        #expect(deliveries.count == 4)
        #expect(await transport.log.calls(to: "down.test") == 2)
        #expect(deliveries.prefix(2).allSatisfy { $0.attempts.first?.error == "connection refused" })
        #expect(deliveries.suffix(2).allSatisfy { $0.attempts.first?.error?.hasPrefix("not sent") == true })
        // Every attempt, skipped ones included, is in the delivery log.
        #expect(try await engine.alertDeliveries().count == 4)

        // The circuit stays open for the cool-down: a later run retries nothing on that receiver.
        let second = try await engine.runAlerts(AlertRunRequest(policy: policy), transport: transport, breakers: breakers)
        #expect(second.outcomes.allSatisfy { $0.fired.isEmpty && $0.alreadyFired == 1 })
        #expect(second.retried.count == 4 && second.retried.allSatisfy { !$0.delivered })
        #expect(await transport.log.calls(to: "down.test") == 2)
    }

    @Test func brokenRulesAreSkippedAndEarlierAlertsRetried() async throws {
        let engine = try await F.engine(F.burst())
        try await engine.addWatch(AddWatchRequest(name: "ligne", query: "#nouvelleligne"))
        try await engine.addAlertRule(AlertRule(name: "on-watch", target: .watch("ligne"), kind: .spike))
        try await engine.removeWatch(named: "ligne")
        try await engine.addAlertRule(Self.spikeRule("volume", webhook: "http://fast.test/hook"))

        let stored = try await engine.runAlerts(AlertRunRequest(deliver: false), transport: ScriptedTransport())
        #expect(stored.skipped.count == 1 && stored.skipped[0].hasPrefix("on-watch: no watch named 'ligne'"), "\(stored.skipped)")
        #expect(stored.outcomes.map(\.rule) == ["volume"] && stored.outcomes[0].fired.count == 1)
        #expect(stored.outcomes[0].deliveries.isEmpty)

        let transport = ScriptedTransport()
        let again = try await engine.runAlerts(AlertRunRequest(), transport: transport)
        #expect(again.outcomes[0].fired.isEmpty && again.outcomes[0].alreadyFired == 1)
        #expect(again.retried.count == 1 && again.retried[0].delivered)
        #expect(try await engine.firedAlerts().allSatisfy(\.delivered))
    }

    @Test func aTestRunMarksThePayload() async throws {
        let engine = try await F.engine(F.burst())
        try await engine.addAlertRule(Self.spikeRule("volume", webhook: "http://fast.test/hook"))
        let transport = ScriptedTransport()
        let outcome = try await engine.testAlert(named: "volume", transport: transport)
        #expect(outcome.fired.count == 1 && outcome.deliveries.first?.delivered == true)
        let body = try #require(await transport.log.sent.first?.body)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let payload = try decoder.decode(AlertPayload.self, from: body)
        #expect(payload.test && payload.rule == "volume" && payload.kind == .spike && payload.spike?.peakCount == 30)
        await #expect {
            try await engine.testAlert(named: "nope", transport: transport)
        } throws: { error in
            (error as? EngineError).map { $0.code == .notFound && $0.field == "rule" } ?? false
        }
    }

    @Test func rulesAreCheckedBeforeTheyAreStored() async throws {
        let engine = try await F.engine([])
        await #expect {
            try await engine.addAlertRule(AlertRule(name: "a", target: .watch("nope"), kind: .spike))
        } throws: { error in
            (error as? EngineError).map { $0.code == .notFound && $0.field == "watch" } ?? false
        }
        await #expect {
            try await engine.addAlertRule(Self.spikeRule("b", webhook: "ftp://example.org"))
        } throws: { error in
            (error as? EngineError)?.code == .invalidArgument
        }
        try await engine.addAlertRule(Self.spikeRule("c", webhook: nil))
        await #expect(throws: StoreError.self) { try await engine.addAlertRule(Self.spikeRule("c", webhook: nil)) }
        #expect(try await engine.alertRules().map(\.name) == ["c"])
        try await engine.removeAlertRule(named: "c")
        await #expect(throws: EngineError.self) { try await engine.removeAlertRule(named: "c") }
    }

    @Test func sentimentRulesWithoutLanguageDataAreSkippedWithTheReason() async throws {
        var configuration = F.configuration()
        configuration.lexicons = "/nonexistent/lexicons"
        let engine = try await F.engine(F.burst(), configuration: configuration)
        try await engine.addAlertRule(AlertRule(name: "mood", target: .all, kind: .sentimentShift))
        try await engine.addAlertRule(Self.spikeRule("volume", webhook: nil))
        let result = try await engine.runAlerts(AlertRunRequest(deliver: false), transport: nil)
        #expect(result.outcomes.map(\.rule) == ["volume"])
        #expect(result.skipped.count == 1 && result.skipped[0].hasPrefix("mood: ") && result.skipped[0].contains("lexicons"),
                "\(result.skipped)")
    }
}
