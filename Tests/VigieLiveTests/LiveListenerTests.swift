import Foundation
import Testing
import VigieCore
import VigieEngine
import VigieLive
import VigieReplay
import VigieStore

@Suite(.tags(.slow))
struct LiveListenerTests {
    @Test func aRevokedTokenPausesOnlyItsSource() async throws {
        let jetstream = JetstreamReplayServer(recording: try JetstreamRecording.load([LiveData.jetstream152]),
                                              options: JetstreamReplayOptions(rate: 20, loop: true, history: 152), logger: testLogger)
        let mastodon = MastodonReplayServer(recording: mastodonStatuses(300),
                                            options: MastodonReplayOptions(rate: 10, history: 20, tokens: ["good"]), logger: testLogger)
        let store = try SQLiteStore.inMemory()
        let monitor = SourceMonitor()
        let listener = LiveListener(context: LiveContext(writer: store, sources: store, workspace: "default",
                                                         options: fastOptions(), logger: testLogger), monitor: monitor)
        try await whileRunning([{ try await jetstream.run() }, { try await mastodon.run() }]) {
            let start = Date(timeIntervalSince1970: 0)
            try await store.addSource(LiveSource(name: "bsky", settings: .jetstream(JetstreamSettings(
                endpoint: try await jetstreamURL(jetstream), start: .since(start)))), workspace: "default")
            try await store.addSource(LiveSource(name: "masto", settings: .mastodon(MastodonSettings(
                instance: "http://127.0.0.1:\(try await mastodon.port())", timelines: [.federated], start: .since(start))),
                token: SourceToken("good")), workspace: "default")
            try await whileRunning([{ try await listener.run() }]) {
                #expect(try await eventually {
                    let statuses = try await store.sourceStatuses(workspace: "default")
                    return statuses["bsky"]?.state == .streaming && statuses["masto"]?.state == .streaming
                })
                mastodon.revoke("good")
                #expect(try await eventually { try await store.source(named: "masto", workspace: "default")?.paused == true })
                let reported = try await eventually {
                    try await Engine(store: store).sources().first { $0.name == "masto" }?.lastError?.contains("HTTP 401") == true
                }
                #expect(reported)
                let reports = try await Engine(store: store).sources()
                let masto = try #require(reports.first { $0.name == "masto" })
                #expect(masto.state == "paused")
                #expect(masto.lastError?.contains("refused the token (HTTP 401") == true, "\(masto)")
                // The other source goes on.
                let before = monitor.meter(for: "bsky").snapshot().events
                #expect(try await eventually { monitor.meter(for: "bsky").snapshot().events > before + 20 })
                #expect(reports.first { $0.name == "bsky" }?.state == "streaming")
                // A clean stop saves the final state.
                listener.stop.fire()
                let saved = try await eventually { try await store.sourceStatuses(workspace: "default")["bsky"]?.state == .stopped }
                #expect(saved)
            }
        }
    }

    @Test func pauseResumeAndRemoveReachARunningListener() async throws {
        let jetstream = JetstreamReplayServer(recording: try JetstreamRecording.load([LiveData.jetstream152]),
                                              options: JetstreamReplayOptions(rate: 50, loop: true, history: 152), logger: testLogger)
        let store = try SQLiteStore.inMemory()
        let monitor = SourceMonitor()
        let listener = LiveListener(context: LiveContext(writer: store, sources: store, workspace: "default",
                                                         options: fastOptions(), logger: testLogger), monitor: monitor)
        try await whileRunning([{ try await jetstream.run() }]) {
            try await whileRunning([{ try await listener.run() }]) {
                // Added while the listener runs.
                try await store.addSource(LiveSource(name: "bsky", settings: .jetstream(JetstreamSettings(
                    endpoint: try await jetstreamURL(jetstream), start: .since(Date(timeIntervalSince1970: 0))))), workspace: "default")
                #expect(try await eventually { monitor.meter(for: "bsky").snapshot().events > 100 })
                try await store.setSourcePaused(true, named: "bsky", workspace: "default")
                #expect(try await eventually { monitor.meter(for: "bsky").snapshot().state == .stopped })
                let paused = monitor.meter(for: "bsky").snapshot().events
                try await Task.sleep(for: .milliseconds(600))
                #expect(monitor.meter(for: "bsky").snapshot().events == paused)
                try await store.setSourcePaused(false, named: "bsky", workspace: "default")
                #expect(try await eventually { monitor.meter(for: "bsky").snapshot().events > paused + 20 })
                try await store.removeSource(named: "bsky", workspace: "default")
                #expect(try await eventually { monitor.snapshots()["bsky"] == nil })
                listener.stop.fire()
            }
        }
        #expect(try await store.sources(workspace: "default").isEmpty)
        #expect(try await store.sourceCursor(named: "bsky", workspace: "default") == nil)
    }
}
