import Foundation
import Testing

@Suite struct QueryCommandTests {
    func corpus() throws -> CLI {
        let cli = try CLI()
        let file = try cli.write("posts.csv", """
            id,author,created_at,text,lang
            1,marie_velo,2024-03-01T10:00:00Z,Le réseau de pistes cyclables s'agrandit à Lyon #vélo,fr
            2,marie_velo,2024-03-02T10:00:00Z,Nouvelle piste cyclable à Paris,fr
            3,tom,2024-03-03T10:00:00Z,Cycling to work is the best part of my day,en
            4,tom,2024-03-04T10:00:00Z,Les influenceuses du vélo en ville,fr

            """)
        let result = try cli.run(["ingest", "--quiet", "--format", "csv", file])
        #expect(result.status == 0, "\(result.stderr)")
        return cli
    }

    @Test func booleanQueriesFoldAccentsAndFilterDates() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        let all = try cli.run(["query", "reseau OR \"piste cyclable\"", "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("\"matched\" : 2"), "\(all.stdout)")

        let notLyon = try cli.run(["query", "(reseau OR \"piste cyclable\") NOT lyon", "--csv"])
        #expect(notLyon.stdout.contains("Paris"))
        #expect(!notLyon.stdout.contains("Lyon"))

        let since = try cli.run(["query", "lang:fr", "--since", "2024-03-02", "--json"])
        #expect(since.stdout.contains("\"matched\" : 2"), "\(since.stdout)")
    }

    @Test func stemmedModeFindsInflections() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        let exact = try cli.run(["query", "influenceur", "--json"])
        #expect(exact.stdout.contains("\"matched\" : 0"), "\(exact.stdout)")
        let stemmed = try cli.run(["query", "influenceur", "--stemmed", "--json"])
        #expect(stemmed.stdout.contains("\"matched\" : 1"), "\(stemmed.stdout)")
    }

    @Test func malformedQueryPointsAtTheColumn() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        let result = try cli.run(["query", "(velo AND"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("column 10"), "\(result.stderr)")
        #expect(result.stderr.contains("^"), "\(result.stderr)")
    }
}
