import Foundation
import Testing
import VigieCore
@testable import VigieBus
import VigiePostgres
import VigieStore

/// The ingest bus writing into PostgreSQL: two `vigie worker` processes share the stream, one is
/// killed with SIGKILL mid-batch, and the store ends exactly equal to a direct import of the same
/// file into SQLite (nothing lost, nothing counted twice).
@Suite(.enabled(if: NATSTestServer.isAvailable && ProcessInfo.processInfo.environment["VIGIE_TEST_POSTGRES_URL"] != nil,
                "needs nats-server and VIGIE_TEST_POSTGRES_URL (scripts/test provides both)"))
struct PostgresWorkerTests {
    @Test func workersOnPostgresLoseAndDuplicateNothing() async throws {
        let server = try NATSTestServer()
        defer { server.stop(); server.removeStore() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bus-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try WorkerCrashTests.vigie(["synth", "--posts", "3000", "--seed", "12", "--format", "twitter-v2", "--out", data.path, "--quiet"])
        let file = data.appendingPathComponent("tweets-v2.jsonl").path
        let direct = folder.appendingPathComponent("direct.sqlite").path
        try WorkerCrashTests.vigie(["ingest", file, "--database", direct, "--quiet", "--no-language-id"])
        try WorkerCrashTests.vigie(["ingest", file, "--bus", server.url, "--batch-size", "100", "--quiet", "--no-language-id"])

        let serverURL = try #require(ProcessInfo.processInfo.environment["VIGIE_TEST_POSTGRES_URL"])
        let name = "vigie_bus_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try await PostgresAdmin.createDatabase(String(name), serverURL: serverURL)
        var components = try #require(URLComponents(string: serverURL))
        components.path = "/" + name
        let database = try #require(components.string)

        let arguments = ["worker", "--bus", server.url, "--database", database, "--ack-wait", "1", "--quiet"]
        let first = try WorkerCrashTests.start(arguments)
        let second = try WorkerCrashTests.start(arguments)
        try await Task.sleep(for: .milliseconds(900))
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let drained = try await NATSConnection.withConnection(try NATSConfiguration(url: server.url)) { nats in
            let js = JetStream(connection: nats)
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                if try await js.streamMessageCount("VIGIE_INGEST") == 0 { return true }
                try await Task.sleep(for: .milliseconds(200))
            }
            return false
        }
        second.terminate()
        second.waitUntilExit()
        #expect(drained, "the stream was not drained")

        let expected = try SQLiteStore(path: direct, readOnly: true)
        let actual = try PostgresStore(url: database, readOnly: true)
        #expect(try await actual.stats(workspace: "default") == expected.stats(workspace: "default"))
        let expectedPosts = try await expected.posts(workspace: "default").collect()
        let actualPosts = try await actual.posts(workspace: "default").collect()
        #expect(Set(actualPosts) == Set(expectedPosts))
        #expect(actualPosts.count == expectedPosts.count)
    }
}
