import Foundation
import Testing

/// `vigie sentiment` from a folder outside the repository: the shipped model and the lexicons are
/// found beside the executable, as from a fresh clone's build.
@Suite struct SentimentCommandTests {
    @Test func analyzesWithTheShippedModelAndExplains() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["sentiment", "Les éoliennes tuent les oiseaux, quelle horreur 😢", "--lang", "fr"], database: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("negative"), "\(result.stdout)")
        #expect(result.stdout.contains("labelled by: model sentiment-v3.json (fr)"), "\(result.stdout)")
        #expect(result.stdout.contains("why negative"), "\(result.stdout)")
        #expect(result.stdout.contains("horreur"), "\(result.stdout)")
        #expect(!result.stderr.contains("falls back"), "\(result.stderr)")

        let json = try cli.run(["sentiment", "I love this new park :)", "--lang", "en", "--json"], database: false)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("\"contributions\""), "\(json.stdout)")
        #expect(json.stdout.contains("\"label\" : \"positive\""), "\(json.stdout)")
    }

    @Test func aMissingModelFileIsAClearError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["sentiment", "bonjour", "--model", "nowhere.json"], database: false)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read the sentiment model"), "\(result.stderr)")
        #expect(result.stderr.contains("vigie sentiment train"), "\(result.stderr)")
    }
}
