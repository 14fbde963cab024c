import Foundation
import Testing
import VigieCore
import VigieEngine
import VigieLive
@testable import VigieStore

struct SourceStoreTests {
    let jetstream = LiveSource(name: "bsky", settings: .jetstream(JetstreamSettings(collections: ["app.bsky.feed.post"])))
    let mastodon = LiveSource(name: "masto", settings: .mastodon(MastodonSettings(instance: "https://masto.example",
                                                                                  timelines: [.hashtag("velo"), .local])),
                              token: SourceToken("s3cr3t-token"))

    @Test func sourcesAreConfigurationOfTheirWorkspace() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.addSource(jetstream, workspace: "a")
        try await store.addSource(mastodon, workspace: "a")
        await #expect(throws: StoreError.self) { try await store.addSource(jetstream, workspace: "a") }
        #expect(try await store.sources(workspace: "a").map(\.name) == ["bsky", "masto"])
        #expect(try await store.sources(workspace: "b").isEmpty)
        let stored = try #require(try await store.source(named: "masto", workspace: "a"))
        #expect(stored.settings == mastodon.settings)
        #expect(stored.token?.value == "s3cr3t-token")
        #expect(try await store.setSourcePaused(true, named: "masto", workspace: "a"))
        #expect(try await store.source(named: "masto", workspace: "a")?.paused == true)
        #expect(try await !store.setSourcePaused(true, named: "nope", workspace: "a"))
        #expect(try await store.removeSource(named: "masto", workspace: "a"))
        #expect(try await !store.removeSource(named: "masto", workspace: "a"))
    }

    @Test func theCursorCommitsWithItsBatchOrNotAtAll() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.addSource(jetstream, workspace: "default")
        let post = Post(platform: .bluesky, platformID: "at://did:plc:a/app.bsky.feed.post/1", authorID: "did:plc:a",
                        createdAt: Date(timeIntervalSince1970: 1_780_000_000), text: "bonjour")
        let cursor = SourceCursor(source: "bsky", position: .microseconds(1_780_000_000_123_456))
        try await store.write(IngestBatch(items: [.post(post)], sourceCursor: cursor), workspace: "default")
        #expect(try await store.sourceCursor(named: "bsky", workspace: "default") == cursor)

        // A batch that dies after its first record (a listener killed midway) leaves neither its
        // records nor its cursor.
        let later = SourceCursor(source: "bsky", position: .microseconds(1_780_000_999_000_000))
        var second = post
        second.platformID = "at://did:plc:a/app.bsky.feed.post/2"
        var third = post
        third.platformID = "at://did:plc:a/app.bsky.feed.post/3"
        await #expect(throws: Killed.self) {
            try await store.write(IngestBatch(items: [.post(second), .post(third)], sourceCursor: later), workspace: "default",
                                  afterItem: { index in if index == 0 { throw Killed() } })
        }
        #expect(try await store.sourceCursor(named: "bsky", workspace: "default") == cursor)
        #expect(try await store.stats(workspace: "default").total.posts == 1)
    }

    @Test func positionsOfEveryKindRoundTrip() async throws {
        let store = try SQLiteStore.inMemory()
        // Without a source of that name, a batch leaves no cursor.
        try await store.write(IngestBatch(sourceCursor: SourceCursor(source: "s", position: .sequence(1))), workspace: "default")
        #expect(try await store.sourceCursor(named: "s", workspace: "default") == nil)
        try await store.addSource(LiveSource(name: "s", settings: jetstream.settings), workspace: "default")
        for position in [SourcePosition.microseconds(1_783_175_888_085_434), .sequence(42),
                         .ids(["public": "113456789012345678", "hashtag:velo": "AaBbCc"])] {
            try await store.write(IngestBatch(sourceCursor: SourceCursor(source: "s", position: position)), workspace: "default")
            #expect(try await store.sourceCursor(named: "s", workspace: "default")?.position == position)
        }
    }

    @Test func statusReportsAndTheirStaleness() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.addSource(jetstream, workspace: "default")
        let now = Date()
        let status = SourceStatus(state: .streaming, newestEventAt: now.addingTimeInterval(-2), eventsPerSecond: 5_100,
                                  events: 1_000, reconnects: 3, lastError: "the server closed the connection", updatedAt: now)
        try await store.recordSourceStatus(status, named: "bsky", workspace: "default")
        // A report about a source that does not exist is ignored.
        try await store.recordSourceStatus(status, named: "gone", workspace: "default")
        #expect(try await store.sourceStatuses(workspace: "default").keys.sorted() == ["bsky"])
        let engine = Engine(store: store)
        let fresh = try #require(try await engine.sources(at: now.addingTimeInterval(1)).first)
        #expect(fresh.state == "streaming")
        #expect(abs((fresh.lagSeconds ?? 0) - 3) < 0.01)
        #expect(fresh.eventsPerSecond == 5_100)
        #expect(fresh.reconnects == 3)
        // Without a report for a while, no listener runs it.
        let stale = try #require(try await engine.sources(at: now.addingTimeInterval(120)).first)
        #expect(stale.state == "not running")
        #expect(stale.eventsPerSecond == nil)
    }

    @Test func tokensNeverShowInTextOrListings() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.addSource(mastodon, workspace: "default")
        let reports = try await Engine(store: store).sources()
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode(reports), as: UTF8.self)
        #expect(!json.contains("s3cr3t"))
        #expect(reports.first?.hasToken == true)
        #expect(!"\(mastodon)".contains("s3cr3t"))
        #expect(!String(reflecting: mastodon.token!).contains("s3cr3t"))
    }

    @Test func settingsAreValidatedWithTheFieldAtFault() throws {
        func field(_ source: LiveSource) -> String? {
            do {
                try source.validate()
                return nil
            } catch {
                return error.field
            }
        }
        #expect(field(jetstream) == nil)
        #expect(field(LiveSource(name: "x", settings: .jetstream(JetstreamSettings(endpoint: "https://x/subscribe")))) == "endpoint")
        #expect(field(LiveSource(name: "x", settings: .jetstream(JetstreamSettings(collections: ["posts"])))) == "collections")
        #expect(field(LiveSource(name: "x", settings: .jetstream(JetstreamSettings(collections: ["app.bsky.graph.*"])))) == nil)
        #expect(field(LiveSource(name: "x", settings: .jetstream(JetstreamSettings(dids: ["alice"])))) == "dids")
        #expect(field(LiveSource(name: "bad name", settings: .jetstream(JetstreamSettings()))) == "name")
        #expect(field(LiveSource(name: "x", settings: .mastodon(MastodonSettings(instance: "masto.example")))) == "instance")
        #expect(field(LiveSource(name: "x", settings: .mastodon(MastodonSettings(instance: "https://m.example",
                                                                                 timelines: [.hashtag("#velo")])))) == "hashtag")
        #expect(field(LiveSource(name: "x", settings: .mastodon(MastodonSettings(instance: "https://m.example", timelines: [])))) == "timelines")
    }
}

struct Killed: Error {}

extension SourceStoreTests {
    @Test func reportsInPrometheusText() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.addSource(jetstream, workspace: "default")
        try await store.addSource(mastodon, workspace: "default")
        try await store.setSourcePaused(true, named: "masto", workspace: "default")
        let now = Date()
        try await store.recordSourceStatus(SourceStatus(state: .streaming, newestEventAt: now.addingTimeInterval(-1.5), eventsPerSecond: 4_999.5,
                                                        events: 1_234, reconnects: 2, updatedAt: now), named: "bsky", workspace: "default")
        let text = SourceReport.prometheus(try await Engine(store: store).sources(at: now))
        #expect(text.contains(#"vigie_source_up{source="bsky",kind="jetstream"} 1"#))
        #expect(text.contains(#"vigie_source_up{source="masto",kind="mastodon"} 0"#))
        #expect(text.contains(#"vigie_source_paused{source="masto",kind="mastodon"} 1"#))
        #expect(text.contains(#"vigie_source_lag_seconds{source="bsky",kind="jetstream"} 1.500"#))
        #expect(text.contains(#"vigie_source_events_per_second{source="bsky",kind="jetstream"} 4999.500"#))
        #expect(text.contains(#"vigie_source_events_total{source="bsky",kind="jetstream"} 1234"#))
        #expect(text.contains(#"vigie_source_reconnects_total{source="bsky",kind="jetstream"} 2"#))
        #expect(!text.contains("s3cr3t"))
    }
}
