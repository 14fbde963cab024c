import Foundation
import Synchronization
import Testing
import VigieCore
import VigieEngine
import VigieLive
import VigieStore

/// Webhook payloads name the accounts behind an alert: the schedule holds alerts back while the
/// workspace shows people by pseudonym, and resumes when the mode is turned off.
@Suite struct AlertSchedulePseudonymTests {
    /// Counts deliveries; none may happen while the mode is on.
    final class CountingTransport: WebhookTransport {
        let calls = Mutex(0)

        func deliver(_ body: Data, to url: URL, policy: RetryPolicy) async -> [DeliveryAttempt] {
            calls.withLock { $0 += 1 }
            return []
        }
    }

    @Test func alertsArePausedWhileThePseudonymModeIsOn() async throws {
        let store = try SQLiteStore.inMemory()
        let engine = Engine(store: store)
        try await store.setPseudonymising(true, workspace: engine.workspace)
        let runs = Mutex<[AlertScheduleRun]>([])
        let transport = CountingTransport()
        let schedule = AlertSchedule(engine: engine, transport: transport, interval: .milliseconds(50), logger: testLogger,
                                     onRun: { run in runs.withLock { $0.append(run) } })
        let task = Task { try await schedule.run() }
        #expect(try await eventually(.seconds(10)) { runs.withLock { $0.count } >= 2 })
        #expect(runs.withLock { $0.allSatisfy { $0.skipped.contains { $0.contains("pseudonym") } } })

        try await store.setPseudonymising(false, workspace: engine.workspace)
        let seen = runs.withLock { $0.count }
        #expect(try await eventually(.seconds(10)) { runs.withLock { $0.count } >= seen + 2 })
        #expect(runs.withLock { $0.last?.skipped.contains { $0.contains("pseudonym") } } == false)
        schedule.stop.fire()
        try await task.value
        #expect(transport.calls.withLock { $0 } == 0)
    }
}
