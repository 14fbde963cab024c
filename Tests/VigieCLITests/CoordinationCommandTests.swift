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
}
