import Foundation
import Testing
import VigieCore
import VigieEngine
import VigieLive
import VigieReplay
import VigieStore

/// An ingest bus in memory: batches travel as the JSON envelopes a broker would carry, once each.
actor MemoryBus: IngestBus {
    private var queue: [Data] = []
    private var seen = Set<String>()

    func publish(_ batch: IngestBatch, workspace: String, id: String) async throws {
        guard seen.insert(id).inserted else { return }
        queue.append(try JSONEncoder().encode(BusEnvelope(workspace: workspace, id: id, batch: batch)))
    }

    nonisolated func consume(group: String, handle: @escaping @Sendable (BusDelivery) async throws -> Void) async throws {
        while true {
            guard let data = await next() else {
                try await Task.sleep(for: .milliseconds(10))
                continue
            }
            let envelope = try JSONDecoder().decode(BusEnvelope.self, from: data)
            try await handle(BusDelivery(batch: envelope.batch, workspace: envelope.workspace, id: envelope.id, deliveryCount: 1))
        }
    }

    private func next() -> Data? {
        queue.isEmpty ? nil : queue.removeFirst()
    }
}

@Suite(.tags(.slow))
struct LiveBusTests {
    @Test func aConnectorPublishingToTheBusLeavesTheSameStoreAndCursor() async throws {
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        let server = JetstreamReplayServer(recording: try JetstreamRecording.load([LiveData.jetstream152]),
                                           options: JetstreamReplayOptions(rate: 2_000, history: 152), logger: testLogger)
        let store = try SQLiteStore.inMemory()
        let bus = MemoryBus()
        let engine = Engine(store: store)
        try await whileRunning([{ try await server.run() }, { try await engine.runIngestWorker(bus: bus) }]) {
            let settings = JetstreamSettings(endpoint: try await jetstreamURL(server), start: .since(Date(timeIntervalSince1970: 0)))
            try await store.addSource(LiveSource(name: "bsky", settings: .jetstream(settings)), workspace: "default")
            let connector = JetstreamConnector(name: "bsky", settings: settings, context: LiveContext(
                writer: BusWriter(bus: bus, idPrefix: "live-test"), sources: store, workspace: "default",
                options: fastOptions(), logger: testLogger))
            try await whileRunning([{ try await connector.run() }]) {
                let complete = try await eventually { try await StoreShape.of(store) == expected }
                #expect(complete)
                // The cursor travelled inside the batch and was written by the worker with it.
                let cursor = try await eventually {
                    try await store.sourceCursor(named: "bsky", workspace: "default")?.position == .microseconds(server.micros(ofEvent: 151))
                }
                #expect(cursor)
                connector.stop.fire()
            }
        }
    }
}
