import Foundation
import Synchronization
import Testing
import VigieCore
@testable import VigieBus
import VigieEngine
import VigieStore

/// Against a real `nats-server -js` on loopback, started per test.
@Suite(.enabled(if: NATSTestServer.isAvailable, "needs nats-server (apt-get install nats-server)"), .serialized)
struct JetStreamTests {
    static let stream = StreamConfiguration(name: "TEST", subjects: ["test.>"], duplicateWindow: .seconds(60))

    @Test func publishedMessagesAreStoredOnceFetchedAndAcknowledged() async throws {
        let server = try NATSTestServer()
        defer { server.stop(); server.removeStore() }
        try await NATSConnection.withConnection(try NATSConfiguration(url: server.url)) { nats in
            let js = JetStream(connection: nats)
            try await js.ensureStream(Self.stream)
            try await js.ensureStream(Self.stream) // idempotent
            let first = try await js.publish("test.a", payload: Array("one".utf8), messageID: "m1")
            let again = try await js.publish("test.a", payload: Array("one".utf8), messageID: "m1")
            let second = try await js.publish("test.b", payload: Array("two".utf8), messageID: "m2")
            #expect(!first.duplicate && again.duplicate && again.sequence == first.sequence)
            #expect(second.sequence == first.sequence + 1)
            #expect(try await js.streamMessageCount("TEST") == 2)

            try await js.ensureConsumer(stream: "TEST", ConsumerConfiguration(durableName: "w", ackWait: .seconds(30)))
            let messages = try await js.fetch(stream: "TEST", consumer: "w", batch: 10, expires: .milliseconds(500))
            #expect(messages.map { String(decoding: $0.payload, as: UTF8.self) } == ["one", "two"])
            #expect(messages.allSatisfy { $0.deliveryCount == 1 })
            for message in messages { try await message.ack() }
            try await nats.flush()
            // A work queue drops what was acknowledged.
            #expect(try await js.streamMessageCount("TEST") == 0)
            let none = try await js.fetch(stream: "TEST", consumer: "w", batch: 10, expires: .milliseconds(300))
            #expect(none.isEmpty)
        }
    }

    @Test func aNakedMessageComesBackAndATerminatedOneDoesNot() async throws {
        let server = try NATSTestServer()
        defer { server.stop(); server.removeStore() }
        try await NATSConnection.withConnection(try NATSConfiguration(url: server.url)) { nats in
            let js = JetStream(connection: nats)
            try await js.ensureStream(Self.stream)
            try await js.ensureConsumer(stream: "TEST", ConsumerConfiguration(durableName: "w"))
            _ = try await js.publish("test.a", payload: Array("retry".utf8))
            _ = try await js.publish("test.a", payload: Array("poison".utf8))
            let first = try await js.fetch(stream: "TEST", consumer: "w", batch: 2, expires: .milliseconds(500))
            try await first[0].nak()
            try await first[1].terminate()
            let again = try await js.fetch(stream: "TEST", consumer: "w", batch: 2, expires: .milliseconds(500))
            #expect(again.map { String(decoding: $0.payload, as: UTF8.self) } == ["retry"])
            #expect(again.first?.deliveryCount == 2)
            try await again[0].ack()
        }
    }

    @Test func requestsTimeOutAndBadSubjectsAreRefused() async throws {
        let server = try NATSTestServer()
        defer { server.stop(); server.removeStore() }
        var configuration = try NATSConfiguration(url: server.url)
        configuration.requestTimeout = .milliseconds(300)
        try await NATSConnection.withConnection(configuration) { nats in
            await #expect(throws: NATSError.self) { _ = try await nats.request("nobody.listens", payload: []) }
            await #expect(throws: NATSError.invalidSubject("a b")) { try await nats.publish("a b", payload: []) }
            // The connection is still usable after both.
            try await nats.flush()
        }
        await #expect(throws: NATSError.self) {
            try await NATSConnection.withConnection(NATSConfiguration(port: try NATSTestServer.freePort())) { _ in }
        }
    }

    /// The bus end to end: batches published, a worker writing them into a store; the store ends
    /// equal to writing the batches directly.
    @Test func workerWritesWhatWasPublished() async throws {
        let server = try NATSTestServer()
        defer { server.stop(); server.removeStore() }
        let bus = NATSIngestBus(configuration: try NATSConfiguration(url: server.url), ackWait: .seconds(5))
        let batches = Self.batches()
        for (number, batch) in batches.enumerated() {
            try await bus.publish(batch, workspace: "default", id: "t#\(number)")
        }
        // Published twice: stored once (same ids within the duplicate window).
        try await bus.publish(batches[0], workspace: "default", id: "t#0")

        let viaBus = try SQLiteStore.inMemory()
        try await Self.drain(bus, into: viaBus, expectedBatches: batches.count)
        let direct = try SQLiteStore.inMemory()
        for batch in batches { _ = try await direct.write(batch, workspace: "default") }
        #expect(try await viaBus.stats(workspace: "default") == direct.stats(workspace: "default"))
        #expect(try await viaBus.posts(workspace: "default").collect() == direct.posts(workspace: "default").collect())
    }

    /// The server goes away and comes back (same store): the worker connects again and goes on.
    @Test func theWorkerSurvivesAServerRestart() async throws {
        let server = try NATSTestServer()
        defer { server.removeStore() }
        let bus = NATSIngestBus(configuration: try NATSConfiguration(url: server.url), ackWait: .seconds(5))
        let batches = Self.batches()
        for (number, batch) in batches.prefix(2).enumerated() {
            try await bus.publish(batch, workspace: "default", id: "r#\(number)")
        }
        let store = try SQLiteStore.inMemory()
        let engine = Engine(store: store)
        let written = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await engine.runIngestWorker(bus: bus) { progress in written.set(progress.batches) }
            }
            try await Self.wait { written.value >= 2 }
            server.stop()
            let restarted = try NATSTestServer(port: server.port, directory: server.directory)
            defer { restarted.stop() }
            for (number, batch) in batches.enumerated().dropFirst(2) {
                try await bus.publish(batch, workspace: "default", id: "r#\(number)")
            }
            try await Self.wait(seconds: 30) { written.value >= batches.count }
            // A batch whose ack the stopped server lost is delivered again and counted again: wait
            // for the store to hold every post, not for a number of deliveries.
            let expected = batches.reduce(0) { $0 + $1.items.count }
            for _ in 0..<300 where try await store.stats(workspace: "default").total.posts < expected {
                try await Task.sleep(for: .milliseconds(100))
            }
            group.cancelAll()
        }
        #expect(try await store.stats(workspace: "default").total.posts == batches.reduce(0) { $0 + $1.items.count })
    }

    // MARK: Helpers

    static func batches(count: Int = 5, posts: Int = 40) -> [IngestBatch] {
        (0..<count).map { b in
            IngestBatch(items: (0..<posts).map { p in
                let id = b * posts + p
                return .post(Post(platform: .twitter, platformID: "p\(id)", authorID: "a\(id % 7)", authorHandle: "user\(id % 7)",
                                  createdAt: Date(timeIntervalSince1970: 1_740_000_000 + Double(id) * 60),
                                  text: "message \(id) #velo @user\((id + 1) % 7)", hashtags: ["velo"],
                                  mentions: [Mention(accountID: "a\((id + 1) % 7)", handle: "user\((id + 1) % 7)")]))
            })
        }
    }

    /// Runs a worker until `expectedBatches` were written.
    static func drain(_ bus: NATSIngestBus, into store: SQLiteStore, expectedBatches: Int) async throws {
        let engine = Engine(store: store)
        let written = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await engine.runIngestWorker(bus: bus) { progress in written.set(progress.batches) }
            }
            try await wait(seconds: 30) { written.value >= expectedBatches }
            group.cancelAll()
        }
    }

    static func wait(seconds: Double = 15, until condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// A number written by one task and read by another.
final class Counter: Sendable {
    private let storage = Mutex(0)
    var value: Int { storage.withLock { $0 } }
    func set(_ value: Int) { storage.withLock { $0 = value } }
}
