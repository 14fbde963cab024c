import Foundation
import Testing

/// `vigie synth` output re-imports with its ground truth intact, in every format.
@Suite struct SynthRoundTripTests {
    struct Truth: Decodable {
        struct Counts: Decodable {
            var posts: Int
            var originals: Int
            var replies: Int
            var quotes: Int
            var reposts: Int
        }
        struct Bot: Decodable {
            var id: String
            var handle: String
        }
        struct Group: Decodable {
            var members: [String]
        }
        var counts: Counts
        var bots: [Bot]
        var coordinatedGroups: [Group]
    }

    @Test(arguments: ["twitter-v2", "twitter-v1", "mastodon", "bluesky-jetstream", "toolkit-csv"])
    func generatedDataImportsCompletely(format: String) throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let out = cli.directory.appendingPathComponent("synth").path
        let synth = try cli.run(["synth", "--posts", "3000", "--seed", "11", "--format", format, "--out", out, "--quiet"])
        try #require(synth.status == 0, "\(synth.stderr)")
        let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/ground-truth.json")))

        let ingest = try cli.run(["ingest", "--quiet", out])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let totals = try cli.totals()
        // Bluesky reposts are records of their own (like likes), not posts.
        let expectedPosts = format == "bluesky-jetstream" ? truth.counts.posts - truth.counts.reposts : truth.counts.posts
        #expect(totals["posts"] == expectedPosts)
        #expect(totals["rejects"] == 0)
        #expect(totals["interactions", default: 0] >= truth.counts.replies + truth.counts.quotes)

        // The planted accounts are there under the ids the ground truth names.
        let bot = try #require(truth.bots.first)
        let shown = try cli.run(["accounts", "show", bot.id, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains(bot.id))

        // Re-importing changes nothing.
        #expect(try cli.run(["ingest", "--quiet", out]).status == 0)
        #expect(try cli.totals() == totals)
    }

    @Test func killedImportIsCompletedByRunningItAgain() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let out = cli.directory.appendingPathComponent("synth").path
        try #require(try cli.run(["synth", "--posts", "60000", "--seed", "3", "--format", "toolkit-csv", "--out", out, "--quiet"]).status == 0)
        let file = out + "/messages.csv"

        // Start an import and kill it hard once some batches have landed.
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["ingest", "--quiet", "--batch-size", "2000", file]
        process.environment = ["VIGIE_DATABASE": cli.database]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var partial = 0
        while Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            if let stats = try? cli.run(["stats", "--json"]), stats.status == 0,
               let posts = Self.posts(in: stats.stdout), posts > 0 {
                partial = posts
                break
            }
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(partial < 60000, "the import finished before it could be interrupted")

        // The store is consistent (it opens and counts) and the second run completes the import.
        let rerun = try cli.run(["ingest", "--quiet", file])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let totals = try cli.totals()
        #expect(totals["posts"] == 60000)
        #expect(totals["rejects"] == 0)
    }

    static func posts(in statsJSON: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(statsJSON.utf8)) as? [String: Any],
              let platforms = object["byPlatform"] as? [String: [String: Int]] else { return nil }
        return platforms.values.reduce(0) { $0 + ($1["posts"] ?? 0) }
    }
}
