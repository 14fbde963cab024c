import Foundation
import Testing
import VigieCore
import VigieReplay
import VigieStore

/// `vigie sources …` and `vigie listen` end to end, as a user runs them.
@Suite(.tags(.slow))
struct SourcesCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let folder: URL
    var database: String { folder.appendingPathComponent("vigie.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-sources-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func vigie(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = VigieProcess.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIE_DATABASE"] = database
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func addListPauseResumeRemove() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("token")
        try Data("  very-secret-token-123\n".utf8).write(to: tokenFile)

        var run = try vigie(["sources", "add", "jetstream", "--collections", "app.bsky.feed.post,app.bsky.graph.*"])
        #expect(run.status == 0, "\(run.stderr)")
        run = try vigie(["sources", "add", "mastodon", "--instance", "https://piaille.example", "--hashtag", "#velo", "--local",
                         "--token-file", tokenFile.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("source piaille.example added"))
        #expect(run.stdout.contains("streaming with a token"))
        // The token is kept in the store, trimmed, and never printed.
        let stored = try await SQLiteStore(path: database, readOnly: true).source(named: "piaille.example", workspace: "default")
        #expect(stored?.token?.value == "very-secret-token-123")

        run = try vigie(["sources", "list"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("jetstream"))
        #expect(run.stdout.contains("piaille.example"))
        #expect(run.stdout.contains("never run"))
        #expect(run.stdout.contains("#velo,local"))
        run = try vigie(["sources", "list", "--json"])
        #expect(run.stdout.contains("\"hasToken\" : true"))
        #expect(!run.stdout.contains("very-secret"))

        #expect(try vigie(["sources", "pause", "jetstream"]).status == 0)
        #expect(try vigie(["sources", "list"]).stdout.contains("paused"))
        #expect(try vigie(["sources", "resume", "jetstream"]).status == 0)
        #expect(try vigie(["sources", "remove", "piaille.example"]).status == 0)
        #expect(!(try vigie(["sources", "list"]).stdout.contains("piaille")))
    }

    @Test func badInputIsExplained() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var run = try vigie(["sources", "add", "jetstream", "--collections", "posts"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("collection 'posts' is not an NSID"))
        #expect(run.stderr.contains("--collections"))
        run = try vigie(["sources", "add", "jetstream", "--url", "https://example.org/subscribe"])
        #expect(run.stderr.contains("--endpoint") || run.stderr.contains("ws://"))
        run = try vigie(["sources", "add", "mastodon", "--instance", "https://m.example"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--hashtag TAG, --local or --public"))
        run = try vigie(["sources", "add", "mastodon", "--instance", "https://m.example", "--local", "--token-file", "/nonexistent"])
        #expect(run.stderr.contains("--token-file: /nonexistent cannot be read"))
        run = try vigie(["sources", "pause", "nothing"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no source named 'nothing'"))
        _ = try vigie(["sources", "add", "jetstream", "--start", "2h"])
        run = try vigie(["sources", "add", "jetstream"])
        #expect(run.stderr.contains("already exists"))
        run = try vigie(["sources", "add", "jetstream", "--name", "other", "--start", "yesterday-ish"])
        #expect(run.stderr.contains("--start 'yesterday-ish'"))
        run = try vigie(["listen", "--source", "ghost"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no source named 'ghost'"))
    }

    @Test func listenKeepsTheStoreCurrentAndStopsOnSIGTERM() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try await StoreShape.of(try await expectedStore(of: [LiveData.jetstream152]))
        let server = JetstreamReplayServer(recording: try JetstreamRecording.load([LiveData.jetstream152]),
                                           options: JetstreamReplayOptions(rate: 100, history: 152), logger: testLogger)
        try await whileRunning([{ try await server.run() }]) {
            #expect(try vigie(["sources", "add", "jetstream", "--url", try await jetstreamURL(server), "--start", "1d"]).status == 0)
            let listener = try VigieProcess.start(["listen"], database: database)
            let reader = try SQLiteStore(path: database, readOnly: true)
            let complete = try await eventually { try await StoreShape.of(reader) == expected }
            #expect(complete)
            let streaming = try await eventually {
                try self.vigie(["sources", "list"]).stdout.contains("streaming")
            }
            #expect(streaming)
            kill(listener.processIdentifier, SIGTERM)
            listener.waitUntilExit()
            #expect(listener.terminationStatus == 0)
            let list = try vigie(["sources", "list"]).stdout
            #expect(list.contains("not running"), "\(list)")
            #expect(list.contains("stored up to"))
        }
    }
}
