import Foundation
import Testing
import VigieCore
import VigieLive
import VigieReplay
import VigieStore

/// The Jetstream connector against the local replay server, on the real sample.
@Suite(.tags(.slow))
struct JetstreamConnectorTests {
    /// Runs one connector on `server` until the store holds what `expected` holds (or 30 s).
    func listen(to server: JetstreamReplayServer, settings: JetstreamSettings = JetstreamSettings(),
                store: SQLiteStore, options: LiveOptions = fastOptions(),
                until done: @escaping @Sendable (SQLiteStore, SourceMeter) async throws -> Bool) async throws -> SourceMeter {
        var settings = settings
        settings.endpoint = try await jetstreamURL(server)
        if case .live = settings.start { settings.start = .since(Date(timeIntervalSince1970: 0)) }
        let source = LiveSource(name: "bsky", settings: .jetstream(settings))
        try await store.addSource(source, workspace: "default")
        let meter = SourceMeter(name: "bsky")
        let connector = JetstreamConnector(name: "bsky", settings: settings,
                                           context: LiveContext(writer: store, sources: store, workspace: "default",
                                                                options: options, logger: testLogger),
                                           meter: meter)
        let reached = try await whileRunning([{ try await connector.run() }]) {
            try await eventually { try await done(store, meter) }
        }
        connector.stop.fire()
        #expect(reached, "the store did not reach the expected state; source: \(meter.snapshot())")
        return meter
    }

    func serve(_ paths: [String], _ options: JetstreamReplayOptions) throws -> JetstreamReplayServer {
        JetstreamReplayServer(recording: try JetstreamRecording.load(paths), options: options, logger: testLogger)
    }

    @Test func storesEveryReplayedRecordWithItsCursor() async throws {
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        let server = try serve([LiveData.jetstream152], JetstreamReplayOptions(rate: 2_000, history: 152))
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            _ = try await listen(to: server, store: store) { store, _ in
                try await StoreShape.of(store) == expected
            }
        }
        #expect(try await StoreShape.of(store) == expected)
        // The cursor is the newest event time the server gave, saved with the records.
        let cursor = try await store.sourceCursor(named: "bsky", workspace: "default")
        #expect(cursor?.position == .microseconds(server.micros(ofEvent: 151)))
    }

    @Test func wantedCollectionsFilterOnTheServer() async throws {
        let server = try serve([LiveData.jetstream152], JetstreamReplayOptions(rate: 2_000, history: 152))
        let store = try SQLiteStore.inMemory()
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        try await whileRunning([{ try await server.run() }]) {
            let settings = JetstreamSettings(collections: ["app.bsky.feed.post"])
            _ = try await listen(to: server, settings: settings, store: store) { store, _ in
                try await StoreShape.of(store).postIDs == expected.postIDs
            }
        }
        let shape = try await StoreShape.of(store)
        #expect(shape.postIDs == expected.postIDs)
        // Likes, reposts and follows were not asked for: only the interactions posts imply.
        #expect(shape.interactions < expected.interactions)
    }

    @Test func zstdFramesWithATrainedDictionary() async throws {
        let recording = try JetstreamRecording.load([LiveData.jetstream152])
        let dictionary = try ZstdCompressor.trainDictionary(samples: recording.events.map { [UInt8]($0.json.utf8) }, size: 8_192)
        let dictionaryFile = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-zstd-\(UUID().uuidString)")
        try Data(dictionary).write(to: dictionaryFile)
        defer { try? FileManager.default.removeItem(at: dictionaryFile) }
        let server = JetstreamReplayServer(recording: recording, options: JetstreamReplayOptions(
            rate: 2_000, history: 152, zstdDictionary: dictionary), logger: testLogger)
        let store = try SQLiteStore.inMemory()
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        try await whileRunning([{ try await server.run() }]) {
            let settings = JetstreamSettings(compress: true, zstdDictionary: dictionaryFile.path)
            _ = try await listen(to: server, settings: settings, store: store) { store, _ in
                try await StoreShape.of(store) == expected
            }
        }
        #expect(try await store.rejects(workspace: "default", limit: 10).isEmpty)
    }

    @Test func closedSocketsAreReconnectedWithoutAGap() async throws {
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        let server = try serve([LiveData.jetstream152], JetstreamReplayOptions(
            rate: 300, faults: [.close(beforeEvent: 40), .close(beforeEvent: 90), .close(beforeEvent: 120)]))
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = JetstreamSettings(start: .since(Date(timeIntervalSince1970: Double(server.startMicros) / 1e6 - 1)))
            let meter = try await listen(to: server, settings: settings, store: store) { store, _ in
                try await StoreShape.of(store) == expected
            }
            #expect(meter.snapshot().reconnects >= 3)
            #expect(meter.snapshot().lastError?.contains("closed the connection") == true)
        }
        #expect(try await StoreShape.of(store) == expected)
    }

    @Test func garbageMalformedAndUnknownMessagesAreRejectsNotFailures() async throws {
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        let server = try serve([LiveData.jetstream152], JetstreamReplayOptions(
            rate: 1_000, history: 152,
            faults: [.garbage(beforeEvent: 10), .malformedJSON(beforeEvent: 20), .unknownKind(beforeEvent: 30)]))
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let meter = try await listen(to: server, store: store) { store, _ in
                let rejects = try await store.rejects(workspace: "default", limit: 10).count
                return try await StoreShape.of(store) == expected && rejects == 2
            }
            #expect(meter.snapshot().reconnects == 0)
        }
        let reasons = try await store.rejects(workspace: "default", limit: 10).map(\.reason)
        #expect(reasons.contains { $0.contains("binary message on an uncompressed stream") })
        #expect(reasons.contains { $0.contains("malformed JSON") })
        #expect(try await StoreShape.of(store) == expected)
    }

    @Test func aTenMegabyteFrameIsRead() async throws {
        let server = try serve([LiveData.jetstream10], JetstreamReplayOptions(
            rate: 1_000, history: 10, faults: [.hugeFrame(beforeEvent: 5, bytes: 10_000_000)]))
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            _ = try await listen(to: server, store: store) { store, _ in
                try await store.searchPosts(workspace: "default", text: "very large frame", limit: 1).count == 1
            }
        }
        let huge = try await store.searchPosts(workspace: "default", text: "very large frame", limit: 1)
        #expect(huge.first?.platformID.hasSuffix("/huge5") == true)
    }

    @Test func aMessageOverTheLimitIsReportedAndRetried() async throws {
        let server = try serve([LiveData.jetstream10], JetstreamReplayOptions(
            rate: 1_000, history: 10, faults: [.hugeFrame(beforeEvent: 5, bytes: 300_000)]))
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = JetstreamSettings(maxMessageBytes: 64 << 10)
            let meter = try await listen(to: server, settings: settings, store: store) { _, meter in
                meter.snapshot().reconnects >= 1
            }
            // The fault fires once: after the reconnect the stream goes on.
            #expect(meter.snapshot().lastError != nil)
        }
    }

    @Test func aStalledStreamIsReplacedAfterTheIdleTimeout() async throws {
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        let server = try serve([LiveData.jetstream152], JetstreamReplayOptions(
            rate: 1_000, history: 152, faults: [.stall(beforeEvent: 60, seconds: 30)]))
        let store = try SQLiteStore.inMemory()
        let started = ContinuousClock.now
        try await whileRunning([{ try await server.run() }]) {
            let settings = JetstreamSettings(idleTimeoutSeconds: 1)
            let meter = try await listen(to: server, settings: settings, store: store) { store, _ in
                try await StoreShape.of(store) == expected
            }
            #expect(meter.snapshot().reconnects >= 1)
            #expect(meter.snapshot().lastError?.contains("stalled") == true)
        }
        // Well before the 30 s stall ended.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func aSlowStoreStopsTheReadingInsteadOfQueueing() async throws {
        // 152 events × 400 passes: far more than the queue and the socket buffers hold.
        let server = try serve([LiveData.jetstream152], JetstreamReplayOptions(rate: 1_000_000, loop: true, history: 60_800))
        let store = try SQLiteStore.inMemory()
        let gated = GatedWriter(inner: store, open: false)
        var settings = JetstreamSettings(start: .since(Date(timeIntervalSince1970: 0)))
        let options = fastOptions(batchSize: 500, queueCapacity: 2_000)
        try await whileRunning([{ try await server.run() }]) {
            settings.endpoint = try await jetstreamURL(server)
            try await store.addSource(LiveSource(name: "bsky", settings: .jetstream(settings)), workspace: "default")
            let connector = JetstreamConnector(name: "bsky", settings: settings, context: LiveContext(
                writer: gated, sources: store, workspace: "default", options: options, logger: testLogger))
            try await whileRunning([{ try await connector.run() }]) {
                // While the store holds every batch, the server can send no more than the queue and
                // the socket buffers take: reading stops, and so does the sending.
                var samples: [Int] = []
                let stopped = try await eventually(.seconds(30)) {
                    samples.append(server.sentEvents)
                    try await Task.sleep(for: .milliseconds(500))
                    return server.sentEvents - samples.last! < 50
                }
                let plateau = server.sentEvents
                #expect(stopped, "the server kept sending: \(samples)")
                #expect(plateau < 60_000, "\(plateau) events in flight")
                await gated.release()
                #expect(try await eventually { server.sentEvents > plateau + 5_000 })
                connector.stop.fire()
            }
        }
        #expect(await gated.largestBatch <= options.batchSize + 10)
    }
}
