import Foundation
import Testing

/// `vigie-bench query FILE`: the query benchmark of scripts/bench-query, moved out of `vigie`.
@Suite struct QueryBenchmarkTests {
    @Test func timesEveryQueryOfTheFileAsTSV() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let posts = try cli.write("posts.csv", """
            id,author,created_at,text,lang
            1,marie_velo,2024-03-01T10:00:00Z,Le réseau de pistes cyclables s'agrandit #vélo,fr
            2,marie_velo,2024-03-02T10:00:00Z,Nouvelle piste cyclable à Paris,fr
            3,tom,2024-03-03T10:00:00Z,Cycling to work is the best part of my day,en

            """)
        #expect(try cli.run(["ingest", "--quiet", "--format", "csv", posts]).status == 0)
        let queries = try cli.write("queries.txt", """
            # comments and blank lines are skipped
            "piste cyclable"

            #vélo OR cycling
            stemmed: cyclable
            """)
        let result = try Self.bench(["query", queries, "--repeats", "2", "--limit", "1"], cli: cli)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.first?.joined(separator: ",") == "query,run,milliseconds,matched,candidates,exact,full_text_filter,cpu_milliseconds")
        #expect(rows.count == 1 + 3 * 2, "\(result.stdout)")
        #expect(rows.dropFirst().map { "\($0[0]) \($0[1]) \($0[3])" } == [
            "\"piste cyclable\" 1 1", "\"piste cyclable\" 2 1", "#vélo OR cycling 1 2", "#vélo OR cycling 2 2",
            "stemmed: cyclable 1 2", "stemmed: cyclable 2 2",
        ])
        #expect(rows.dropFirst().allSatisfy { Double($0[2]) != nil && Double($0[7]) != nil })

        let bad = try cli.write("bad.txt", "(velo AND\n")
        let refused = try Self.bench(["query", bad], cli: cli)
        #expect(refused.status != 0 && refused.stderr.contains("is invalid"), "\(refused.stderr)")
    }

    /// Runs the `vigie-bench` executable built beside `vigie`, on the test's database.
    static func bench(_ arguments: [String], cli: CLI) throws -> CLI.Result {
        let process = Process()
        process.executableURL = CLI.executable.deletingLastPathComponent().appendingPathComponent("vigie-bench")
        process.arguments = arguments
        process.currentDirectoryURL = cli.directory
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIE_DATABASE"] = cli.database
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
    }
}
