import Foundation
import Testing

@Suite struct CoordinationCommandTests {
    @Test func findsPlantedGroupsAndExportsForGephi() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let out = cli.directory.appendingPathComponent("synth").path
        try #require(try cli.run(["synth", "--posts", "20000", "--seed", "21", "--format", "toolkit-csv", "--out", out, "--quiet"]).status == 0)
        try #require(try cli.run(["ingest", "--quiet", out + "/messages.csv"]).status == 0)

        let clusters = try cli.run(["coordination", "clusters"])
        #expect(clusters.status == 0, "\(clusters.stderr)")
        #expect(clusters.stdout.contains("members: @"), "\(clusters.stdout)")

        let edges = try cli.run(["coordination", "--types", "co-link", "--evidence", "--limit", "1"])
        #expect(edges.stdout.contains("co-link  @"), "\(edges.stdout)")
        #expect(edges.stdout.contains(" ~ "), "evidence pairs are listed: \(edges.stdout)")

        let gexf = cli.directory.appendingPathComponent("net.gexf").path
        #expect(try cli.run(["coordination", "--export", "gexf", "--out", gexf]).status == 0)
        let xml = try String(contentsOfFile: gexf, encoding: .utf8)
        #expect(xml.hasPrefix("<?xml") && xml.contains("<edge "))

        let bad = try cli.run(["coordination", "--types", "co-nothing"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("co-nothing"))
    }

    /// Edges of a CSV export as "type a b weight" with the two account ids in order: the
    /// orientation of an edge follows the order accounts were met in, which may differ.
    static func edges(_ csv: String) -> Set<String> {
        Set(csv.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let (a, b) = fields[0] < fields[1] ? (fields[0], fields[1]) : (fields[1], fields[0])
            return "\(fields[2]) \(a) \(b) \(fields[3])"
        })
    }

    /// `--input` reads a file without a store and finds the same network as import + detect;
    /// bad records are named with their line and skipped.
    @Test func inputFileGivesTheSameNetworkAsTheStore() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let out = cli.directory.appendingPathComponent("synth").path
        try #require(try cli.run(["synth", "--posts", "8000", "--seed", "5", "--format", "toolkit-csv", "--out", out, "--quiet"]).status == 0)
        let file = out + "/messages.csv"
        try #require(try cli.run(["ingest", "--quiet", file]).status == 0)
        for keys in ["normalized", "toolkit"] {
            let fromStore = try cli.run(["coordination", "--keys", keys, "--export", "csv"])
            let fromFile = try cli.run(["coordination", "--keys", keys, "--input", file, "--export", "csv"], database: false)
            #expect(fromFile.status == 0, "\(fromFile.stderr)")
            #expect(fromFile.stderr.contains("8,000 posts read"), "\(fromFile.stderr)")
            #expect(Self.edges(fromStore.stdout).count > 10)
            #expect(Self.edges(fromFile.stdout) == Self.edges(fromStore.stdout), "keys \(keys)")
        }

        let broken = try cli.write("broken.csv", """
            message_id,user_id,username,repost_id,reply_id,message,timestamp,urls
            1,u1,alice,,,same words for all of us here,1740787200,
            2,u2,bob,,,same words for all of us here,not-a-time,
            """)
        let result = try cli.run(["coordination", "--input", broken, "--types", "co-text"], database: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("broken.csv:3"), "\(result.stderr)")
        #expect(result.stderr.contains("timestamp"), "\(result.stderr)")

        let missing = try cli.run(["coordination", "--input", cli.directory.appendingPathComponent("nope.csv").path], database: false)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.csv"))
    }
}
