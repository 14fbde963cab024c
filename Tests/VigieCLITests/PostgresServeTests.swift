import Foundation
import Testing
import VigieTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `vigie serve` on PostgreSQL: users and tokens made by the CLI in the database, the API
/// answering from it, another workspace invisible (404), and a clean stop on SIGTERM.
@Suite("vigie serve on PostgreSQL", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["VIGIE_TEST_POSTGRES_URL"] != nil,
                "VIGIE_TEST_POSTGRES_URL is not set: run scripts/test, which starts a private PostgreSQL server"))
struct PostgresServeTests {
    struct NoBanner: Error, CustomStringConvertible { var description: String }

    @Test func serveAnswersTheAPIFromPostgreSQL() async throws {
        let cli = try CLI(database: try await PostgresCLITests.freshDatabase())
        defer { cli.cleanUp() }
        let posts = try cli.write("posts.csv", """
            id,author,created_at,text,lang
            1,marie_velo,2024-03-01T10:00:00Z,Le réseau de pistes cyclables s'agrandit #vélo,fr
            2,tom,2024-03-02T10:00:00Z,Cycling to work again,en

            """)
        #expect(try cli.run(["ingest", "--quiet", "--format", "csv", posts]).status == 0)
        #expect(try cli.run(["ingest", "--quiet", "--format", "csv", "--workspace", "other", posts]).status == 0)
        #expect(try cli.run(["users", "add", "alice", "--role", "owner", "--generate-password"]).status == 0)
        let token = try cli.run(["tokens", "create", "--user", "alice", "--name", "test", "--json"])
        #expect(token.status == 0, "\(token.stderr)")
        let secret = try #require((try JSONSerialization.jsonObject(with: Data(token.stdout.utf8)) as? [String: Any])?["secret"] as? String)

        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["serve", "--port", "0", "--log-level", "error"]
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIE_DATABASE"] = cli.database
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The banner names the store (without any password) and the address.
        var banner = ""
        let deadline = Date().addingTimeInterval(60)
        while !banner.contains("\n") && Date() < deadline && process.isRunning {
            banner += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(banner.contains("Vigie is serving postgres://"), "\(banner)")
        guard let range = banner.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            throw NoBanner(description: "no address in '\(banner)'")
        }
        let address = String(banner[range])

        func get(_ path: String) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: address + path)!)
            request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let (status, body) = try await get("/api/v1/workspaces/default/query?query=reseau")
        #expect(status == 200, "\(body)")
        #expect(body.contains("pistes cyclables") && !body.contains("Cycling"), "\(body)")
        // alice has no role in `other`: the same data there is not found.
        #expect(try await get("/api/v1/workspaces/other/query?query=reseau").0 == 404)
        #expect(try await get("/health/ready").0 == 200)

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "stopped by the signal's handler, not killed")
    }
}
