import Foundation
import Testing
import VigieCore
@testable import VigieBus
import VigieStore

/// `vigie worker` processes killed with SIGKILL at random moments while they write the batches
/// of an import from the bus; a last worker finishes. The store must end exactly equal to a
/// direct import of the same file: nothing lost, nothing counted twice.
@Suite(.enabled(if: NATSTestServer.isAvailable, "needs nats-server (apt-get install nats-server)"))
struct WorkerCrashTests {
    @Test func killedWorkersLoseAndDuplicateNothing() async throws {
        let server = try NATSTestServer()
        defer { server.stop(); server.removeStore() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try Self.vigie(["synth", "--posts", "4000", "--seed", "11", "--format", "twitter-v2", "--out", data.path, "--quiet"])
        let file = data.appendingPathComponent("tweets-v2.jsonl").path
        let direct = folder.appendingPathComponent("direct.sqlite").path
        let viaBus = folder.appendingPathComponent("bus.sqlite").path
        try Self.vigie(["ingest", file, "--database", direct, "--quiet", "--no-language-id"])
        try Self.vigie(["ingest", file, "--bus", server.url, "--batch-size", "100", "--quiet", "--no-language-id"])

        var random = SystemRandomNumberGenerator()
        var delays: [Double] = []
        for _ in 0..<4 {
            let worker = try Self.start(["worker", "--bus", server.url, "--database", viaBus, "--ack-wait", "1", "--quiet"])
            let delay = Double(random.next(upperBound: UInt64(1_500))) / 1000 + 0.2
            delays.append(delay)
            try await Task.sleep(for: .seconds(delay))
            kill(worker.processIdentifier, SIGKILL)
            worker.waitUntilExit()
        }
        // The last worker runs until the stream is empty (a work queue drops what was acknowledged).
        let last = try Self.start(["worker", "--bus", server.url, "--database", viaBus, "--ack-wait", "1", "--quiet"])
        let drained = try await NATSConnection.withConnection(try NATSConfiguration(url: server.url)) { nats in
            let js = JetStream(connection: nats)
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                if try await js.streamMessageCount("VIGIE_INGEST") == 0 { return true }
                try await Task.sleep(for: .milliseconds(200))
            }
            return false
        }
        last.terminate()
        last.waitUntilExit()
        #expect(drained, "the stream was not drained (kills after \(delays) s)")

        let expected = try SQLiteStore(path: direct, readOnly: true)
        let actual = try SQLiteStore(path: viaBus, readOnly: true)
        #expect(try await actual.stats(workspace: "default") == expected.stats(workspace: "default"), "kills after \(delays) s")
        let expectedPosts = try await expected.posts(workspace: "default").collect()
        let actualPosts = try await actual.posts(workspace: "default").collect()
        #expect(Set(actualPosts) == Set(expectedPosts))
        #expect(actualPosts.count == expectedPosts.count)
    }

    static var executable: URL {
        // The test bundle sits in the build folder next to the executable products.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("vigie")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("vigie")
    }

    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func vigie(_ arguments: [String]) throws {
        let process = try start(arguments)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "vigie \(arguments.joined(separator: " "))")
    }
}
