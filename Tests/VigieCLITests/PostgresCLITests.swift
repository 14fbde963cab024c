import Foundation
import Testing
import VigiePostgres
import VigieTestSupport

/// The CLI on PostgreSQL: the same commands as the SQLite tests, with `VIGIE_DATABASE` a
/// `postgres://` URL, must print the same thing as on SQLite (outputs, exit codes). Skipped
/// only when `VIGIE_TEST_POSTGRES_URL` is unset (scripts/test sets it).
@Suite("CLI on PostgreSQL", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["VIGIE_TEST_POSTGRES_URL"] != nil,
                "VIGIE_TEST_POSTGRES_URL is not set: run scripts/test, which starts a private PostgreSQL server"))
struct PostgresCLITests {
    /// A new database on the test server, as a URL.
    static func freshDatabase() async throws -> String {
        let server = try #require(ProcessInfo.processInfo.environment["VIGIE_TEST_POSTGRES_URL"])
        let name = "vigie_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await PostgresAdmin.createDatabase(String(name), serverURL: server)
        var components = try #require(URLComponents(string: server))
        components.path = "/" + name
        return try #require(components.string)
    }

    /// Runs `steps` on SQLite and on PostgreSQL and expects the same status and output.
    func expectSameOnBoth(_ steps: [[String]], prepare: (CLI) throws -> Void = { _ in }) async throws {
        let sqlite = try CLI()
        let postgres = try CLI(database: try await Self.freshDatabase())
        defer { sqlite.cleanUp(); postgres.cleanUp() }
        try prepare(sqlite)
        try prepare(postgres)
        for step in steps {
            // Files written by `prepare` are named relative to each folder.
            let a = try sqlite.run(step.map { $0.replacingOccurrences(of: "{dir}", with: sqlite.directory.path) })
            let b = try postgres.run(step.map { $0.replacingOccurrences(of: "{dir}", with: postgres.directory.path) })
            #expect(a.status == b.status, "\(step): SQLite \(a.status) \(a.stderr) / PostgreSQL \(b.status) \(b.stderr)")
            let left = Self.comparable(a.stdout, step: step, folder: sqlite.directory.path)
            let right = Self.comparable(b.stdout, step: step, folder: postgres.directory.path)
            #expect(left == right, "\(step): outputs differ\n--- SQLite\n\(a.stdout)\n--- PostgreSQL\n\(b.stdout)")
        }
    }

    /// What must be equal in two runs' outputs: the same text once what legitimately differs is
    /// taken out (the working folder, elapsed times and rates, a watch's creation time, the order of an import's skip notes, which
    /// follows a hash), and for `posts search` the same posts in any order: SQLite ranks with
    /// BM25, PostgreSQL with `ts_rank` (docs/postgres.md).
    static func comparable(_ output: String, step: [String], folder: String) -> [String] {
        var lines = output.replacingOccurrences(of: folder, with: "{dir}").components(separatedBy: "\n")
        lines = lines.map { $0.replacingOccurrences(of: #" in \d+\.\d+s( \(.*\))?$"#, with: " in {t}s", options: .regularExpression) }
        // A watch's creation time, to the second.
        lines = lines.map { $0.replacingOccurrences(of: #""createdAt" : "[^"]*""#, with: #""createdAt" : "{t}""#, options: .regularExpression) }
        if step.starts(with: ["watch", "refresh"]) {
            lines = lines.map { $0.replacingOccurrences(of: #"\s\d+\.\d+$"#, with: " {t}", options: .regularExpression) }
        }
        if step.starts(with: ["posts", "search"]) { return lines.sorted() }
        // Consecutive skip notes, sorted.
        var result: [String] = []
        var notes: [String] = []
        for line in lines {
            if line.hasPrefix("  skipped ") { notes.append(line); continue }
            result += notes.sorted()
            notes = []
            result.append(line)
        }
        return result + notes.sorted()
    }

    @Test func realSamplesImportAndReadTheSameOnBothBackends() async throws {
        let twarc = CLI.sharedData("twitter-v2-twarc")
        let jetstream = CLI.sharedData("bluesky-jetstream")
        try await expectSameOnBoth([
            ["ingest", "--quiet", twarc],
            ["ingest", "--quiet", jetstream],
            ["stats", "--json"],
            // Re-importing changes nothing.
            ["ingest", "--quiet", twarc],
            ["stats", "--json"],
            ["rejects", "--json"],
            ["query", "the OR a", "--json", "--limit", "20"],
            ["query", "lang:en", "--json", "--limit", "5"],
            ["query", "\"of the\" NOT rt", "--csv"],
            ["query", "data*", "--json", "--limit", "10"],
            ["posts", "search", "brexit", "--limit", "1000"],
            ["influencers", "--limit", "10"],
        ])
    }

    @Test func queriesWatchesAndAccountsGiveTheSameAnswers() async throws {
        try await expectSameOnBoth([
            ["ingest", "--quiet", "--format", "csv", "{dir}/posts.csv"],
            ["query", "reseau OR \"piste cyclable\"", "--json"],
            ["query", "(reseau OR \"piste cyclable\") NOT lyon", "--csv"],
            ["query", "lang:fr", "--since", "2024-03-02", "--json"],
            ["query", "influenceur", "--stemmed", "--json"],
            ["query", "velo NEAR/3 ville", "--json"],
            ["query", "author:marie_velo", "--json"],
            ["query", "(velo AND"],
            ["posts", "search", "RESEAU"],
            ["accounts", "show", "@marie_velo"],
            ["watch", "add", "velo", "velo OR \"piste cyclable\""],
            ["watch", "list"],
            ["watch", "show", "velo", "--since", "2024-03-01", "--until", "2024-03-05", "--csv"],
            ["watch", "timezone", "Europe/Paris"],
            ["watch", "show", "velo", "--since", "2024-03-01", "--until", "2024-03-05", "--csv"],
            ["ingest", "--quiet", "--format", "csv", "{dir}/more.csv"],
            ["watch", "refresh"],
            ["watch", "list", "--json"],
            ["watch", "remove", "velo"],
            ["watch", "show", "velo"],
            ["trends", "--json"],
        ], prepare: { cli in
            _ = try cli.write("posts.csv", """
                id,author,created_at,text,lang
                1,marie_velo,2024-03-01T10:00:00Z,Le réseau de pistes cyclables s'agrandit à Lyon #vélo,fr
                2,marie_velo,2024-03-02T10:00:00Z,Nouvelle piste cyclable à Paris,fr
                3,tom,2024-03-03T10:00:00Z,Cycling to work is the best part of my day,en
                4,tom,2024-03-04T10:00:00Z,Les influenceuses du vélo en ville,fr

                """)
            _ = try cli.write("more.csv", """
                id,author,created_at,text,lang
                5,lea,2024-03-04T12:00:00Z,Encore une piste cyclable et du velo,fr
                1,marie_velo,2024-03-01T10:00:00Z,Le réseau de pistes cyclables s'agrandit à Lyon #vélo,fr

                """)
        })
    }

    /// `vigie migrate` copies a store built from the real samples exactly, and says so.
    @Test func migrateCopiesTheSampleStoreExactly() async throws {
        let sqlite = try CLI()
        defer { sqlite.cleanUp() }
        #expect(try sqlite.run(["ingest", "--quiet", CLI.sharedData("twitter-v2-twarc")]).status == 0)
        #expect(try sqlite.run(["ingest", "--quiet", CLI.sharedData("bluesky-jetstream")]).status == 0)
        #expect(try sqlite.run(["watch", "add", "w", "the"]).status == 0)
        let target = try await Self.freshDatabase()
        let migrate = try sqlite.run(["migrate", "--from", sqlite.database, "--to", target], database: false)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("copied and verified"), "\(migrate.stdout)")
        #expect(migrate.stderr.contains("post:"), "progress lines name the tables")
        // A second copy into the same (now full) database is refused.
        let again = try sqlite.run(["migrate", "--from", sqlite.database, "--to", target], database: false)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already holds Vigie data"), "\(again.stderr)")
        // Reads on the copy answer as on the source.
        let postgres = try CLI(database: target)
        defer { postgres.cleanUp() }
        for step in [["stats", "--json"], ["watch", "list", "--json"], ["query", "the", "--json", "--limit", "5"]] {
            #expect(try sqlite.run(step).stdout == postgres.run(step).stdout, "\(step)")
        }
    }

    /// A URL's password is never printed, and a server that is not there gets a clear error.
    @Test func credentialsStayOutOfMessages() async throws {
        let cli = try CLI(database: "postgres://vigie:s3cret@127.0.0.1:1/vigie")
        defer { cli.cleanUp() }
        let result = try cli.run(["stats"])
        #expect(result.status != 0)
        #expect(!result.stderr.contains("s3cret") && !result.stdout.contains("s3cret"))
        #expect(result.stderr.contains("postgres://vigie@127.0.0.1:1/vigie"), "\(result.stderr)")
        #expect(result.stderr.contains("cannot reach"), "\(result.stderr)")
    }
}
