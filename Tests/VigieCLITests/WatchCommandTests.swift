import Foundation
import Testing

@Suite struct WatchCommandTests {
    func corpus() throws -> CLI {
        let cli = try CLI()
        let file = try cli.write("posts.csv", """
            id,author,created_at,text,lang,likes
            1,marie_velo,2024-03-01T10:00:00Z,Le réseau de pistes cyclables s'agrandit à Lyon #vélo https://lemonde.fr/a,fr,3
            2,marie_velo,2024-03-02T23:30:00Z,Nouvelle piste cyclable à Paris #vélo,fr,1
            3,tom,2024-03-03T10:00:00Z,Cycling to work is the best part of my day,en,0
            4,tom,2024-03-04T10:00:00Z,Les influenceuses du vélo en ville @marie_velo,fr,5

            """)
        let result = try cli.run(["ingest", "--quiet", "--format", "csv", "--map", "likes=likes", file])
        #expect(result.status == 0, "\(result.stderr)")
        return cli
    }

    @Test func addListShowRemove() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        let add = try cli.run(["watch", "add", "velo", "velo OR \"piste cyclable\""])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("3 posts match"), "\(add.stdout)")
        #expect(try cli.run(["watch", "add", "cycling", "cycling"]).status == 0)

        let list = try cli.run(["watch", "list"])
        #expect(list.stdout.contains("velo") && list.stdout.contains("cycling"), "\(list.stdout)")

        let show = try cli.run(["watch", "show", "velo", "--since", "2024-03-01", "--until", "2024-03-04"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("#vélo"), "\(show.stdout)")
        #expect(show.stdout.contains("lemonde.fr"), "\(show.stdout)")
        // The lexicons are there (scripts/test fetches them): every matched post gets a label.
        let unclassified = show.stdout.split(separator: "\n").first { $0.hasPrefix("unclassified") }
        #expect(!show.stdout.contains("sentiment: not available"), "\(show.stdout)")
        #expect(unclassified?.split(separator: " ").dropFirst().first == "0", "\(show.stdout)")

        // 2024-03-02T23:30Z is 3 March in Paris: the day buckets move.
        let utc = try cli.run(["watch", "show", "velo", "--since", "2024-03-01", "--until", "2024-03-04", "--csv"])
        #expect(utc.stdout.contains("velo,volume,2024-03-02T00:00:00Z,1,,"), "\(utc.stdout)")
        #expect(try cli.run(["watch", "timezone", "Europe/Paris"]).stdout.contains("Europe/Paris"))
        let paris = try cli.run(["watch", "show", "velo", "--since", "2024-03-01", "--until", "2024-03-04", "--csv"])
        #expect(paris.stdout.contains("velo,volume,2024-03-03T00:00:00+01:00,1,,"), "\(paris.stdout)")
        #expect(paris.stdout.contains("velo,total,likes,9,0,"), "\(paris.stdout)")

        let compare = try cli.run(["watch", "compare", "velo", "cycling", "--since", "2024-03-01", "--until", "2024-03-05", "--json"])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("\"shareOfVoice\""), "\(compare.stdout)")
        #expect(compare.stdout.contains("\"share\" : 0.75"), "\(compare.stdout)")

        #expect(try cli.run(["watch", "remove", "velo"]).status == 0)
        let gone = try cli.run(["watch", "show", "velo"])
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("no watch named 'velo'"), "\(gone.stderr)")
    }

    @Test func laterImportsReachTheWatch() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        #expect(try cli.run(["watch", "add", "velo", "velo"]).status == 0)
        let more = try cli.write("more.csv", """
            id,author,created_at,text
            9,zoe,2024-03-05T10:00:00Z,Encore du vélo

            """)
        #expect(try cli.run(["ingest", "--quiet", "--format", "csv", more]).status == 0)
        let refresh = try cli.run(["watch", "refresh"])
        #expect(refresh.stdout.contains("velo"), "\(refresh.stdout)")
        let list = try cli.run(["watch", "list", "--json"])
        #expect(list.stdout.contains("\"matches\" : 4"), "\(list.stdout)")
    }

    @Test func badQueryAndTimeZoneAreExplained() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        let bad = try cli.run(["watch", "add", "x", "velo NEAR/ lyon"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("column"), "\(bad.stderr)")
        let zone = try cli.run(["watch", "timezone", "Mars/Olympus"])
        #expect(zone.status != 0)
        #expect(zone.stderr.contains("not a time zone"), "\(zone.stderr)")
    }
}
