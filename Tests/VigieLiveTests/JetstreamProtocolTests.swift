import Foundation
import Testing
import VigieCore
@testable import VigieLive
import VigieReplay
import VigieStore

/// The subscription URL, the cursor types and the DID filter, without and with a server.
struct JetstreamProtocolTests {
    @Test func theURLCarriesFiltersAndARewoundCursor() {
        let settings = JetstreamSettings(endpoint: "ws://127.0.0.1:6008/subscribe",
                                         collections: ["app.bsky.feed.post", "app.bsky.graph.*"],
                                         dids: ["did:plc:abc"], compress: true, rewindSeconds: 5)
        let (url, message) = JetstreamSubscription(settings: settings).url(resumingFrom: .microseconds(1_783_175_888_085_434))
        #expect(url == "ws://127.0.0.1:6008/subscribe?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.graph.*"
                + "&wantedDids=did:plc:abc&cursor=1783175883085434&compress=true")
        #expect(message == nil)
        // A live start has no cursor; a sequence (Jetstream v2) is given back as the server gave it.
        #expect(!JetstreamSubscription(settings: settings).url(resumingFrom: nil).url.contains("cursor="))
        #expect(JetstreamSubscription(settings: settings).url(resumingFrom: .sequence(9_001)).url.contains("cursor=9001&"))
    }

    @Test func manyDIDsGoInAnOptionsMessage() throws {
        let dids = (0..<500).map { "did:plc:user\($0)xxxxxxxxxxxxxxxx" }
        let (url, message) = JetstreamSubscription(settings: JetstreamSettings(dids: dids)).url(resumingFrom: nil)
        #expect(url.contains("requireHello=true"))
        #expect(!url.contains("wantedDids"))
        let decoded = try JSONSerialization.jsonObject(with: Data(try #require(message).utf8)) as? [String: Any]
        #expect(decoded?["type"] as? String == "options_update")
        #expect(((decoded?["payload"] as? [String: Any])?["wantedDids"] as? [String])?.count == 500)
    }

    @Test func positionsFollowTheServersClockOrItsSequence() {
        var messages = JetstreamMessages(source: "s", maxMessageBytes: 1 << 20, zstd: nil, position: nil)
        let later = messages.decode(text: #"{"did":"did:plc:a","time_us":2000,"kind":"identity","identity":{"handle":"a.bsky.social"}}"#)
        #expect(later.position == .microseconds(2000))
        #expect(later.items.count == 1)
        // Events come only roughly in time order: the position never goes back.
        let earlier = messages.decode(text: #"{"did":"did:plc:b","time_us":1500,"kind":"identity","identity":{}}"#)
        #expect(earlier.position == .microseconds(2000))
        // A server that numbers its events (Jetstream v2) is resumed by its number.
        let numbered = messages.decode(text: #"{"did":"did:plc:c","time_us":2500,"seq":77,"kind":"identity","identity":{}}"#)
        #expect(numbered.position == .sequence(77))
        // Unknown kinds are skipped, not rejected; broken ones are rejected with the message.
        let unknown = messages.decode(text: #"{"did":"did:plc:d","time_us":2600,"kind":"sync"}"#)
        #expect(unknown.items.isEmpty && unknown.rejects.isEmpty)
        #expect(messages.skipped == 1)
        let broken = messages.decode(text: #"{"did":"did:plc:e","time_us":2700,"kind":"commit","commit":{"operation":"create"}}"#)
        #expect(broken.rejects.first?.reason.contains("collection") == true)
        #expect(broken.rejects.first?.file == "jetstream:s")
    }

    @Test(.tags(.slow)) func theServerFiltersByTheDIDsOfTheOptionsMessage() async throws {
        let recording = try JetstreamRecording.load([LiveData.jetstream152])
        let wanted = Array(Set(recording.events.map(\.did)).sorted().prefix(5))
        let dids = wanted + (0..<400).map { "did:plc:nobody\($0)xxxxxxxxxxxx" }
        let server = JetstreamReplayServer(recording: recording, options: JetstreamReplayOptions(rate: 1_000, history: 152),
                                           logger: testLogger)
        let store = try SQLiteStore.inMemory()
        let expected = recording.events.filter { wanted.contains($0.did) && ($0.collection == nil || JetstreamSettings.defaultCollections.contains($0.collection!)) }.count
        try await whileRunning([{ try await server.run() }]) {
            let settings = JetstreamSettings(endpoint: try await jetstreamURL(server), dids: dids,
                                             start: .since(Date(timeIntervalSince1970: 0)))
            try await store.addSource(LiveSource(name: "few", settings: .jetstream(settings)), workspace: "default")
            let meter = SourceMeter(name: "few")
            let connector = JetstreamConnector(name: "few", settings: settings, context: LiveContext(
                writer: store, sources: store, workspace: "default", options: fastOptions(), logger: testLogger), meter: meter)
            try await whileRunning([{ try await connector.run() }]) {
                let all = try await eventually { meter.snapshot().events == expected }
                #expect(all, "\(meter.snapshot().events) of \(expected)")
                try await Task.sleep(for: .milliseconds(300))
                #expect(meter.snapshot().events == expected)
                connector.stop.fire()
            }
        }
        #expect(expected > 0)
        #expect(server.sentEvents == expected)
    }
}
