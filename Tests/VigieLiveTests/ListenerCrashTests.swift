import Foundation
import Testing
import VigieCore
import VigieEngine
import VigieReplay
import VigieStore

/// The built `vigie`, run as a user would.
enum VigieProcess {
    static var executable: URL {
        // The test bundle sits in the build folder next to the executable products.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("vigie")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("vigie")
    }

    static func start(_ arguments: [String], database: String, log: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIE_DATABASE"] = database
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        if let log {
            if !FileManager.default.fileExists(atPath: log.path) {
                _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            process.standardError = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    @discardableResult
    static func run(_ arguments: [String], database: String) throws -> Int32 {
        let process = try start(arguments, database: database)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite(.tags(.slow))
struct ListenerCrashTests {
    @Test func killedListenersStoreEveryRecordExactlyOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("vigie.sqlite").path
        let data = folder.appendingPathComponent("data")
        #expect(try VigieProcess.run(["synth", "--posts", "6000", "--seed", "11", "--days", "2", "--format", "bluesky-jetstream",
                                      "--out", data.path, "--quiet"], database: database) == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasSuffix(".jsonl") }
            .map { data.appendingPathComponent($0).path }
        let expected = try await StoreShape.of(try await expectedStore(of: files))
        let expectedVersions = try await expectedStore(of: files).stats(workspace: "default").total.postVersions

        let recording = try JetstreamRecording.load(files)
        let rate = Double(recording.events.count) / 8   // the replay lasts about 8 s
        let server = JetstreamReplayServer(recording: recording, options: JetstreamReplayOptions(rate: rate), logger: testLogger)
        let log = folder.appendingPathComponent("listen.log")
        var kills: [Double] = []
        try await whileRunning([{ try await server.run() }]) {
            let start = DateParsing.iso8601(Date(timeIntervalSince1970: Double(server.startMicros) / 1e6 - 1))
            #expect(try VigieProcess.run(["sources", "add", "jetstream", "--name", "replay", "--url", try await jetstreamURL(server),
                                          "--start", start, "--rewind", "1s"], database: database) == 0)
            // Killed at random moments while the replay plays, and started again each time.
            for _ in 0..<4 {
                let listener = try VigieProcess.start(["listen", "--quiet", "--batch-size", "300"], database: database, log: log)
                let moment = Double.random(in: 0.5...2.2)
                kills.append(moment)
                try await Task.sleep(for: .milliseconds(Int64(moment * 1000)))
                kill(listener.processIdentifier, SIGKILL)
                listener.waitUntilExit()
                #expect(listener.terminationReason == .uncaughtSignal)
            }
            let listener = try VigieProcess.start(["listen", "--quiet"], database: database, log: log)
            let reader = try SQLiteStore(path: database, readOnly: true)
            let complete = try await eventually(.seconds(60)) { try await StoreShape.of(reader) == expected }
            let stored = try await StoreShape.of(reader)
            #expect(complete, "killed at \(kills) s; stored \(stored), expected \(expected)")
            // A graceful stop ends it with status 0 and its state saved.
            kill(listener.processIdentifier, SIGTERM)
            listener.waitUntilExit()
            #expect(listener.terminationStatus == 0)
        }
        let store = try SQLiteStore(path: database, readOnly: true)
        #expect(try await StoreShape.of(store) == expected)
        // Exactly once: no post has a version more than the direct import gives, no reject.
        #expect(try await store.stats(workspace: "default").total.postVersions == expectedVersions)
        #expect(try await store.stats(workspace: "default").rejects == 0)
        #expect(try await store.sourceStatuses(workspace: "default")["replay"]?.state == .stopped)
        let cursor = try await store.sourceCursor(named: "replay", workspace: "default")
        #expect(cursor?.position == .microseconds(server.micros(ofEvent: recording.events.count - 1)))
    }
}
