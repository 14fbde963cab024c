import Foundation
import Testing
@testable import VigieCore

@Suite struct QueryStemmingTests {
    private func post(_ text: String) -> Post {
        Post(platform: .twitter, platformID: "1", authorID: "a", createdAt: Date(timeIntervalSince1970: 0), text: text)
    }

    @Test func snowballFrenchAloneDoesNotConflateAgentNouns() throws {
        // What libstemmer's French algorithm gives, and why the agent-noun step exists.
        let french = try #require(Stemmer(language: "french"))
        #expect(french.stem("influenceur") == "influenceur")
        #expect(french.stem("influenceuses") == "influenc")
        #expect(french.stem("chanteuse") == "chanteux")
        #expect(french.stem("réseaux") == "réseau")
        #expect(Stemmer(language: "klingon") == nil)
    }

    @Test func agentNounsShareAStem() {
        for word in ["influenceur", "influenceurs", "influenceuse", "influenceuses"] {
            #expect(QueryStemming.stems(of: word).first == "influenc", "\(word)")
        }
        #expect(QueryStemming.stems(of: "chanteuse").first == QueryStemming.stems(of: "chanteurs").first)
        #expect(QueryStemming.stems(of: "creatrice").first == QueryStemming.stems(of: "createur").first)
        // Short words keep their ending.
        #expect(QueryStemming.stems(of: "peur").first == "peur")
    }

    @Test func stemmedModeIsAFlagPerQuery() throws {
        let text = post("Les influenceuses et leurs réseaux sociaux")
        #expect(try !Query.parse("influenceur").matches(text))
        #expect(try Query.parse("influenceur", options: QueryOptions(stemmed: true)).matches(text))
        #expect(try Query.parse("reseau social", options: QueryOptions(stemmed: true)).matches(text))
        #expect(try Query.parse("influenceur NEAR/3 reseau", options: QueryOptions(stemmed: true)).matches(text))
        // Phrases stay exact.
        #expect(try !Query.parse("\"reseau social\"", options: QueryOptions(stemmed: true)).matches(text))
    }

    @Test func preparedDocumentGivesTheSameAnswers() throws {
        let text = post("Les influenceuses et leurs réseaux sociaux #Climat")
        let queries = try ["influenceur", "reseaux", "#climat", "climat -sociaux", "\"leurs reseaux\""].flatMap { text in
            [try Query.parse(text), try Query.parse(text, options: QueryOptions(stemmed: true))]
        }
        for document in [QueryDocument(post: text), QueryDocument(post: text, stems: true)] {
            #expect(queries.map { $0.matches(document) } == queries.map { $0.matches(text) })
        }
        #expect(queries.map { $0.matches(text) } == [false, true, true, true, true, true, false, false, true, true])
    }

    @Test func englishStemsToo() throws {
        let text = post("Brands keep influencing young audiences on social networks")
        let options = QueryOptions(stemmed: true)
        #expect(try Query.parse("influence network brand", options: options).matches(text))
        #expect(try !Query.parse("influence network brand").matches(text))
    }

    @Test func stemmedPrefilterUsesShortenedStems() throws {
        let options = QueryOptions(stemmed: true)
        #expect(try Query.parse("influenceur", options: options).fullTextFilter() == .phrase(["influe"], prefix: true))
        #expect(try Query.parse("happy", options: options).fullTextFilter() == .phrase(["hap"], prefix: true))
        // Too short to narrow safely.
        #expect(try Query.parse("cat", options: options).fullTextFilter() == nil)
    }

    @Test func stemmedPrefilterIsASuperset() throws {
        let words = ["influenceur", "influenceuses", "influence", "influencing", "réseaux", "réseau", "sociaux",
                     "social", "chanteuse", "chanteurs", "créatrices", "créateur", "happy", "happiness", "networks",
                     "brand", "branding", "économie", "économiques", "l'opinion", "opinions"]
        var random = SeededRandom(seed: 7)
        let posts = (0..<200).map { _ in
            post((0..<random.next(in: 2...8)).map { _ in words[random.next(in: 0...(words.count - 1))] }.joined(separator: " "))
        }
        let options = QueryOptions(stemmed: true)
        var matched = 0
        for word in words + ["influenceuse", "chanteur", "creatrice", "economie", "opinion", "network"] {
            let query = try Query.parse(word, options: options)
            let prefilter = try #require(query.fullTextFilter(), "\(word)")
            let expression = try MiniFTS.node(prefilter)
            for post in posts where query.matches(post) {
                matched += 1
                #expect(MiniFTS.evaluate(expression, MiniFTS.tokens(Query.fullTextDocument(for: post))),
                        "\(word) → \(prefilter) misses \(post.text)")
            }
        }
        #expect(matched > 200)
    }
}
