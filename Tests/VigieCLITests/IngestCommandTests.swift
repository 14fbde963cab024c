import Foundation
import Testing

@Suite struct IngestCommandTests {
    @Test func importsTheRealTwarcFilesAndReimportChangesNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let folder = CLI.sharedData("twitter-v2-twarc")
        let first = try cli.run(["ingest", "--quiet", folder])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try cli.totals()
        #expect(before["posts", default: 0] > 1000)
        #expect(before["accounts", default: 0] > 1000)
        #expect(before["tombstones", default: 0] >= 2)

        let second = try cli.run(["ingest", "--quiet", folder])
        #expect(second.status == 0)
        #expect(try cli.totals() == before)
    }

    @Test func badRecordsAreListedWithTheirLineAndGoodOnesKept() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let good = #"{"did":"did:plc:abc","time_us":1779719009157119,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"k1","record":{"$type":"app.bsky.feed.post","createdAt":"2026-05-25T14:23:28.757Z","langs":["fr"],"text":"Le réseau cyclable s'agrandit"},"cid":"c"}}"#
        let good2 = good.replacingOccurrences(of: "\"k1\"", with: "\"k2\"")
        let file = try cli.write("events.jsonl", [good, "{\"did\": \"did:plc:abc\", \"time_us\": ", good2, "not json at all"].joined(separator: "\n") + "\n")

        let result = try cli.run(["ingest", "--quiet", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 rejected"), "\(result.stdout)")
        let totals = try cli.totals()
        #expect(totals["posts"] == 2)
        #expect(totals["rejects"] == 2)

        let rejects = try cli.run(["rejects"])
        #expect(rejects.stdout.contains("events.jsonl:2:"), "\(rejects.stdout)")
        #expect(rejects.stdout.contains("events.jsonl:4:"), "\(rejects.stdout)")

        // Accents and case are folded by the full-text index.
        let search = try cli.run(["posts", "search", "RESEAU"])
        #expect(search.stdout.contains("réseau cyclable"), "\(search.stdout)")
    }

    @Test func missingFileFailsWithAClearMessage() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["ingest", cli.directory.appendingPathComponent("nope.jsonl").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("nope.jsonl: no such file"), "\(result.stderr)")
    }

    @Test func unrecognisedContentFailsAndNamesTheFile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let file = try cli.write("mystery.json", #"{"hello": "world"}"# + "\n")
        let result = try cli.run(["ingest", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("mystery.json"), "\(result.stderr)")
        #expect(result.stderr.contains("--format"), "\(result.stderr)")
    }

    @Test func genericCSVWithMappingAndAccountLookup() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let file = try cli.write("export.csv", """
            post;who;when;body
            1;marie_velo;2024-03-01T10:00:00Z;J'adore le vélo en ville #mobilité
            2;marie_velo;2024-03-02T10:00:00Z;Nouvelle piste cyclable à Lyon
            3;paul;pas une date;Ligne avec une date impossible

            """)
        let result = try cli.run(["ingest", "--quiet", "--format", "csv", "--platform", "mastodon",
                                  "--map", "id=post", "--map", "author=who", "--map", "created_at=when",
                                  "--map", "text=body", file])
        #expect(result.status == 0, "\(result.stderr)")
        let totals = try cli.totals()
        #expect(totals["posts"] == 2)
        #expect(totals["rejects"] == 1)
        let account = try cli.run(["accounts", "show", "@Marie_Velo"])
        #expect(account.status == 0, "\(account.stderr)")
        #expect(account.stdout.contains("2 posts"), "\(account.stdout)")
        let rejects = try cli.run(["rejects"])
        #expect(rejects.stdout.contains("export.csv:4:"), "\(rejects.stdout)")
    }

    @Test func dryRunStoresNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["ingest", "--dry-run", "--json", CLI.sharedData("bluesky-jetstream")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"posts\""))
        #expect(!FileManager.default.fileExists(atPath: cli.database))
    }

    @Test func readCommandsDoNotCreateADatabase() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["stats"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("vigie ingest"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.database))
    }
}

@Suite struct SharedDataTests {
    /// Every file of the real samples imports or is skipped with a stated reason, and nothing crashes.
    @Test func everySampleFileImportsOrIsSkippedWithAReason() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let root = CLI.sharedData("")
        let result = try cli.run(["ingest", "--quiet", root])
        #expect(result.status == 0, "\(result.stderr)")
        let walker = try #require(FileManager.default.enumerator(atPath: root))
        var dataFiles = 0
        for case let relative as String in walker where ["json", "jsonl", "csv"].contains((relative as NSString).pathExtension) {
            dataFiles += 1
            let lines = result.stdout.split(separator: "\n").filter { $0.contains(relative) }
            #expect(lines.count == 1, "\(relative) is not reported")
            if let line = lines.first {
                #expect(line.contains("] :") || line.contains("]: ") || line.contains(": skipped: "), "\(line)")
            }
        }
        #expect(dataFiles >= 50)
        let totals = try cli.totals()
        #expect(totals["posts", default: 0] > 19_000)
        #expect(totals["accounts", default: 0] > 10_000)
    }
}
