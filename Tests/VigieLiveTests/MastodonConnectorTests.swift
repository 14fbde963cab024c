import Foundation
import Testing
import VigieCore
import VigieLive
import VigieReplay
import VigieStore

/// Mastodon statuses made for the tests: ids that grow with time as Mastodon's do, every other
/// one tagged #velo, every third by a local account.
func mastodonStatuses(_ count: Int, from start: Date = Date(timeIntervalSince1970: 1_780_000_000)) -> MastodonRecording {
    var statuses: [MastodonRecording.Status] = []
    for index in 0..<count {
        let created = start.addingTimeInterval(Double(index) * 7)
        let id = StatusIDOrder.mastodonID(atOrAfter: created)
        let tagged = index % 2 == 0
        let local = index % 3 == 0
        let acct = local ? "user\(index % 17)" : "user\(index % 17)@remote.example"
        let content = tagged ? "<p>Balade n°\(index) <a href=\\\"https://masto.example/tags/velo\\\" class=\\\"mention hashtag\\\">#<span>velo</span></a></p>"
            : "<p>Message n°\(index) sans tag</p>"
        let json = """
            {"id":"\(id)","created_at":"\(DateParsing.iso8601(created))","in_reply_to_id":null,"in_reply_to_account_id":null,\
            "sensitive":false,"spoiler_text":"","visibility":"public","language":"fr","uri":"https://masto.example/statuses/\(id)",\
            "content":"\(content)","account":{"id":"\(1000 + index % 17)","username":"user\(index % 17)","acct":"\(acct)",\
            "display_name":"User \(index % 17)","url":"https://masto.example/@user\(index % 17)","followers_count":\(index),\
            "following_count":3,"statuses_count":\(index + 1),"created_at":"2024-01-01T00:00:00.000Z"},\
            "tags":\(tagged ? "[{\"name\":\"velo\",\"url\":\"https://masto.example/tags/velo\"}]" : "[]"),\
            "mentions":[],"media_attachments":[],"reblogs_count":0,"favourites_count":\(index % 5),"replies_count":0}
            """
        statuses.append(MastodonRecording.Status(id: id, json: json, isLocal: local, tags: tagged ? ["velo"] : []))
    }
    return MastodonRecording(statuses: statuses)
}

@Suite(.tags(.slow))
struct MastodonConnectorTests {
    func context(_ store: SQLiteStore) -> LiveContext {
        LiveContext(writer: store, sources: store, workspace: "default", options: fastOptions(), logger: testLogger)
    }

    func baseURL(_ server: MastodonReplayServer) async throws -> String {
        "http://127.0.0.1:\(try await server.port())"
    }

    func postIDs(_ store: SQLiteStore) async throws -> Set<String> {
        try await StoreShape.of(store).postIDs
    }

    /// Runs a connector for `source` until `done`, then stops it; returns its meter.
    func run(_ source: LiveSource, store: SQLiteStore,
             until done: @escaping @Sendable (SourceMeter) async throws -> Bool) async throws -> SourceMeter {
        try await store.addSource(source, workspace: "default")
        guard case .mastodon(let settings) = source.settings else { throw CancellationError() }
        let meter = SourceMeter(name: source.name)
        let connector = MastodonConnector(name: source.name, settings: settings, token: source.token,
                                          context: context(store), meter: meter)
        let reached = try await whileRunning([{ try await connector.run() }]) {
            try await eventually { try await done(meter) }
        }
        connector.stop.fire()
        #expect(reached, "not reached; source: \(meter.snapshot())")
        return meter
    }

    @Test func pollsAHashtagForwardWithMinID() async throws {
        let recording = mastodonStatuses(120)
        let tagged = Set(recording.statuses.filter { $0.tags.contains("velo") }.map(\.id))
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(rate: 1, history: 120), logger: testLogger)
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = MastodonSettings(instance: try await baseURL(server), timelines: [.hashtag("velo")],
                                            pollIntervalSeconds: 1, pageLimit: 20, start: .since(Date(timeIntervalSince1970: 0)))
            _ = try await run(LiveSource(name: "masto", settings: .mastodon(settings)), store: store) { _ in
                try await postIDs(store) == tagged
            }
        }
        #expect(try await postIDs(store) == tagged)
        let cursor = try await store.sourceCursor(named: "masto", workspace: "default")
        #expect(cursor?.position == .ids(["hashtag:velo": recording.statuses.filter { $0.tags.contains("velo") }.last!.id]))
    }

    @Test func rateLimitHeadersAreRespected() async throws {
        let recording = mastodonStatuses(120)
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(
            rate: 1, history: 120, rateLimit: 4, rateLimitWindow: .seconds(2)), logger: testLogger)
        let store = try SQLiteStore.inMemory()
        let started = ContinuousClock.now
        try await whileRunning([{ try await server.run() }]) {
            let settings = MastodonSettings(instance: try await baseURL(server), timelines: [.federated],
                                            pollIntervalSeconds: 30, pageLimit: 10, start: .since(Date(timeIntervalSince1970: 0)))
            _ = try await run(LiveSource(name: "masto", settings: .mastodon(settings)), store: store) { _ in
                try await postIDs(store).count == 120
            }
        }
        // 12 pages at 4 requests per 2 s: the connector waited for the resets instead of being refused.
        #expect(server.refusedForRate == 0)
        #expect(ContinuousClock.now - started >= .seconds(4))
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        let recording = mastodonStatuses(40)
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(rate: 1, history: 40), logger: testLogger)
        server.failNext(1, status: 429, retryAfter: 1)
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = MastodonSettings(instance: try await baseURL(server), timelines: [.federated],
                                            pollIntervalSeconds: 30, pageLimit: 40, start: .since(Date(timeIntervalSince1970: 0)))
            let meter = try await run(LiveSource(name: "masto", settings: .mastodon(settings)), store: store) { _ in
                try await postIDs(store).count == 40
            }
            #expect(meter.snapshot().lastError?.contains("rate limited (HTTP 429)") == true)
        }
    }

    @Test func serverErrorsAreRetriedWithBackoff() async throws {
        let recording = mastodonStatuses(40)
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(rate: 1, history: 40), logger: testLogger)
        server.failNext(3, status: 503)
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = MastodonSettings(instance: try await baseURL(server), timelines: [.federated],
                                            pollIntervalSeconds: 30, pageLimit: 40, start: .since(Date(timeIntervalSince1970: 0)))
            let meter = try await run(LiveSource(name: "masto", settings: .mastodon(settings)), store: store) { _ in
                try await postIDs(store).count == 40
            }
            #expect(meter.snapshot().lastError?.contains("HTTP 503") == true)
        }
    }

    @Test func streamsUpdatesEditsAndDeletesWithAToken() async throws {
        let recording = mastodonStatuses(60)
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(rate: 20, history: 10, tokens: ["secret-token"]), logger: testLogger)
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = MastodonSettings(instance: try await baseURL(server), timelines: [.federated],
                                            pollIntervalSeconds: 30, start: .since(Date(timeIntervalSince1970: 0)))
            let source = LiveSource(name: "masto", settings: .mastodon(settings), token: SourceToken("secret-token"))
            try await store.addSource(source, workspace: "default")
            let meter = SourceMeter(name: "masto")
            let connector = MastodonConnector(name: "masto", settings: settings, token: source.token, context: context(store), meter: meter)
            try await whileRunning([{ try await connector.run() }]) {
                let stored = try await eventually { try await postIDs(store).count == 60 }
                #expect(stored)
                #expect(meter.snapshot().state == .streaming)
                // A deletion reaches the store as a tombstone within seconds.
                let victim = recording.statuses[42].id
                let deletedAt = ContinuousClock.now
                server.delete(victim)
                let gone = try await eventually(.seconds(5)) { try await !postIDs(store).contains(victim) }
                #expect(gone)
                #expect(ContinuousClock.now - deletedAt < .seconds(3))
                // An edit arrives as status.update.
                let edited = recording.statuses[43]
                let json = edited.json.replacingOccurrences(of: "Message n°43 sans tag", with: "Message corrigé")
                    .replacingOccurrences(of: "\"favourites_count\"", with: "\"edited_at\":\"\(DateParsing.iso8601(Date()))\",\"favourites_count\"")
                server.edit(edited.id, json: json)
                let updated = try await eventually(.seconds(5)) {
                    try await store.searchPosts(workspace: "default", text: "corrigé", limit: 1).first?.platformID == edited.id
                }
                #expect(updated)
                connector.stop.fire()
            }
        }
        #expect(try await store.stats(workspace: "default").total.tombstones == 1)
    }

    @Test func aReconnectIsBackfilledOverREST() async throws {
        let recording = mastodonStatuses(300)
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(rate: 20, history: 5, tokens: ["t0k"]),
                                          logger: testLogger)
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = MastodonSettings(instance: try await baseURL(server), timelines: [.federated],
                                            pollIntervalSeconds: 30, start: .since(Date(timeIntervalSince1970: 0)))
            let source = LiveSource(name: "masto", settings: .mastodon(settings), token: SourceToken("t0k"))
            try await store.addSource(source, workspace: "default")
            let meter = SourceMeter(name: "masto")
            var options = fastOptions()
            // Reconnects wait long enough for statuses to be published meanwhile: only the REST
            // backfill can bring those.
            options.backoff = Backoff(initial: .seconds(2), maximum: .seconds(2))
            let connector = MastodonConnector(name: "masto", settings: settings, token: source.token,
                                              context: LiveContext(writer: store, sources: store, workspace: "default",
                                                                   options: options, logger: testLogger), meter: meter)
            try await whileRunning([{ try await connector.run() }]) {
                let streaming = try await eventually { meter.snapshot().state == .streaming }
                #expect(streaming)
                let before = server.published
                server.dropStreams()
                let reconnected = try await eventually { meter.snapshot().reconnects >= 1 && meter.snapshot().state == .streaming }
                #expect(reconnected, "\(meter.snapshot())")
                // Published while the stream was down.
                #expect(server.published - before >= 10)
                let all = try await eventually(.seconds(60)) { try await postIDs(store).count == 300 }
                #expect(all, "\(meter.snapshot())")
                connector.stop.fire()
            }
        }
        #expect(try await postIDs(store) == Set(recording.statuses.map(\.id)))
    }
}

extension MastodonConnectorTests {
    @Test func aLiveStartTakesOnlyWhatIsPublishedAfterIt() async throws {
        // 37 s of statuses after the history: on a loaded machine the connector may start seconds
        // after the server, and with 5 s it found the timeline already played out.
        let recording = mastodonStatuses(400)
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(rate: 10, history: 30),
                                          logger: testLogger)
        let store = try SQLiteStore.inMemory()
        try await whileRunning([{ try await server.run() }]) {
            let settings = MastodonSettings(instance: try await baseURL(server), timelines: [.federated],
                                            pollIntervalSeconds: 1, pageLimit: 40, start: .live)
            _ = try await run(LiveSource(name: "masto", settings: .mastodon(settings)), store: store) { _ in
                try await postIDs(store).count >= 10
            }
        }
        // The history before the start stays out; what came after is there, in order, without a gap.
        let stored = try await postIDs(store)
        let positions = recording.statuses.indices.filter { stored.contains(recording.statuses[$0].id) }
        #expect(positions.first.map { $0 >= 29 } == true, "\(positions)")
        #expect(positions.last! - positions.first! + 1 == positions.count)
    }
}
