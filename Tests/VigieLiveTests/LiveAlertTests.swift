import Foundation
import Hummingbird
import Synchronization
import Testing
import VigieCore
import VigieDelivery
import VigieEngine
import VigieLive
import VigieReplay
import VigieStore

/// A webhook receiver on 127.0.0.1 that keeps every body with its arrival time.
final class WebhookInbox: Sendable {
    private let received = Mutex<[(Date, Data)]>([])
    private let boundPort = Mutex<Int?>(nil)

    var bodies: [(at: Date, body: Data)] { received.withLock { $0.map { (at: $0.0, body: $0.1) } } }

    func port() async throws -> Int {
        while true {
            if let port = boundPort.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func run() async throws {
        let router = Router()
        router.post("/hook") { [self] request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            received.withLock { $0.append((Date(), Data(buffer: body))) }
            return .ok
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { [self] channel in boundPort.withLock { $0 = channel.localAddress?.port } },
                              logger: testLogger)
        try await app.run()
    }
}

/// Jetstream post events of one hashtag: `count` posts dated `start` + index ms; every third by
/// one of four accounts posting the same text (a coordinated part).
func hashtagBurst(count: Int, tag: String, at start: Date) throws -> JetstreamRecording {
    var events: [JetstreamRecording.Event] = []
    for index in 0..<count {
        let created = start.addingTimeInterval(Double(index) / 1000)
        let ring = index % 3 == 0
        let did = ring ? "did:plc:ring\(index % 4)" : "did:plc:crowd\(index)"
        let text = ring ? "Tous ensemble maintenant pour la grande marche de demain #\(tag)" : "Ça bouge #\(tag), message \(index)"
        let tagStart = text.utf8.count - text.drop { $0 != "#" }.utf8.count
        let json = """
            {"did":"\(did)","time_us":\(Int64(created.timeIntervalSince1970 * 1e6)),"kind":"commit","commit":{"rev":"r\(index)",\
            "operation":"create","collection":"app.bsky.feed.post","rkey":"burst\(index)","record":{"$type":"app.bsky.feed.post",\
            "createdAt":"\(DateParsing.iso8601(created))","langs":["fr"],"text":"\(text)","facets":[{"index":{"byteStart":\(tagStart),\
            "byteEnd":\(tagStart + tag.utf8.count + 1)},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"\(tag)"}]}]},"cid":"c\(index)"}}
            """
        events.append(.init(json: json, did: did, kind: "commit", collection: "app.bsky.feed.post",
                            timeMicros: Int64(created.timeIntervalSince1970 * 1e6)))
    }
    return JetstreamRecording(events: events)
}

@Suite(.tags(.slow))
struct LiveAlertTests {
    @Test func aPlantedSurgeFiresAnAlertWithItsAuthenticity() async throws {
        let store = try SQLiteStore.inMemory()
        let engine = Engine(store: store)
        // Eight quiet days: two posts an hour carry the hashtag.
        let now = Date()
        let hour = (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        var history: [IngestItem] = []
        for hoursAgo in 2...(8 * 24) {
            for minute in [10.0, 40.0] {
                let created = Date(timeIntervalSince1970: hour - Double(hoursAgo) * 3600 + minute * 60)
                history.append(.post(Post(platform: .bluesky, platformID: "at://did:plc:base/app.bsky.feed.post/\(hoursAgo)-\(Int(minute))",
                                          authorID: "did:plc:base\(hoursAgo % 50)", createdAt: created,
                                          text: "Rien de neuf #vigiesurge", hashtags: ["vigiesurge"])))
            }
        }
        try await store.write(IngestBatch(items: history), workspace: "default")
        try await engine.addWatch(AddWatchRequest(name: "surge", query: "#vigiesurge"))
        let inbox = WebhookInbox()
        let replay = JetstreamReplayServer(recording: try hashtagBurst(count: 60, tag: "vigiesurge", at: now),
                                           options: JetstreamReplayOptions(rate: 1_000, delay: 2), logger: testLogger)
        try await whileRunning([{ try await inbox.run() }, { try await replay.run() }]) {
            var settings = AlertSettings(bucket: 3600)
            settings.spike.persistence = 1
            try await engine.addAlertRule(AlertRule(name: "surge-spike", target: .watch("surge"), kind: .spike, settings: settings,
                                                    webhookURL: "http://127.0.0.1:\(try await inbox.port())/hook"))
            try await store.addSource(LiveSource(name: "bsky", settings: .jetstream(JetstreamSettings(
                endpoint: try await jetstreamURL(replay), collections: ["app.bsky.feed.post"]))), workspace: "default")
            let listener = LiveListener(context: LiveContext(writer: store, sources: store, workspace: "default",
                                                             options: fastOptions(), logger: testLogger))
            let schedule = AlertSchedule(engine: engine, transport: WebhookSender(), interval: .seconds(1), logger: testLogger)
            try await whileRunning([{ try await listener.run() }, { try await schedule.run() }]) {
                let delivered = try await eventually(.seconds(60)) { !inbox.bodies.isEmpty }
                #expect(delivered)
            }
        }
        let (arrival, body) = try #require(inbox.bodies.first)
        let payload = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect(payload?["rule"] as? String == "surge-spike")
        #expect(payload?["kind"] as? String == "spike")
        // Within 60 s of the surge's last post (played 2 s after the replay started).
        let lastPost = Date(timeIntervalSince1970: Double(replay.micros(ofEvent: 59)) / 1e6)
        #expect(arrival.timeIntervalSince(lastPost) < 60)
        let authenticity = try #require(payload?["authenticity"] as? [String: Any])
        #expect(authenticity["posts"] as? Int == 60)
        let coordinated = try #require(authenticity["coordinated"] as? [String: Any])
        #expect(coordinated["posts"] as? Int == 20)
        #expect(coordinated["accounts"] as? Int == 4)
        #expect(authenticity["verdict"] as? String == "partly manufactured")
        let clusters = try #require(authenticity["topClusters"] as? [[String: Any]])
        #expect(clusters.first?["size"] as? Int == 4)
        #expect((clusters.first?["behaviours"] as? [String])?.contains("co-text") == true)
        #expect((clusters.first?["evidence"] as? [String])?.isEmpty == false)
        #expect((payload?["summary"] as? String)?.contains("authenticity: 33% of the 60 posts") == true)
        // Stored with the alert too, and sent once.
        let fired = try await store.firedAlerts(workspace: "default", rule: "surge-spike", limit: 10)
        #expect(fired.count == 1)
        #expect(fired.first?.alert.authenticity?.coordinated.accounts == 4)
    }
}
