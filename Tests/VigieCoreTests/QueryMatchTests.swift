import Foundation
import Testing
@testable import VigieCore

@Suite struct QueryMatchTests {
    private static func date(_ text: String) -> Date { DateParsing.parse(text) ?? .distantPast }

    private let french = Post(
        platform: .mastodon, platformID: "1", authorID: "a1", authorHandle: "Jean_Dupont",
        createdAt: date("2024-03-10T09:00:00Z"),
        text: "Les réseaux sociaux façonnent l’opinion : #Influence @ademe https://www.lemonde.fr/pixels/article.html",
        language: "fr")
    private let english = Post(
        platform: .twitter, platformID: "2", authorID: "a2", authorHandle: "@BrandWatcher",
        createdAt: date("2023-12-31T23:00:00Z"),
        text: "Influencers are reshaping brand marketing on social networks 🚀 www.theverge.com/tech",
        language: "en-US")

    private func matching(_ text: String) throws -> [String] {
        let query = try Query.parse(text)
        return [french, english].filter(query.matches).map(\.platformID)
    }

    @Test func foldsCaseAndAccents() throws {
        #expect(try matching("reseaux") == ["1"])
        #expect(try matching("RÉSEAUX") == ["1"])
        #expect(try matching("faconnent") == ["1"])
        #expect(try matching("reseau") == [])
    }

    @Test func phrasesAndElisions() throws {
        #expect(try matching("\"reseaux sociaux\"") == ["1"])
        #expect(try matching("\"sociaux reseaux\"") == [])
        #expect(try matching("opinion") == ["1"])
        #expect(try matching("l'opinion") == ["1"])
        #expect(try matching("\"social networks\"") == ["2"])
    }

    @Test func wildcardAlsoFindsHashtags() throws {
        #expect(try matching("influenc*") == ["1", "2"])
        #expect(try matching("influence") == ["1"])
        #expect(try matching("#influence") == ["1"])
        #expect(try matching("#influencers") == [])
    }

    @Test func nearCountsWordsBetweenInEitherOrder() throws {
        // influencers(0) are reshaping brand marketing(4): three words between.
        #expect(try matching("influencers NEAR/2 marketing") == [])
        #expect(try matching("influencers NEAR/3 marketing") == ["2"])
        #expect(try matching("marketing NEAR/3 influencers") == ["2"])
        #expect(try matching("sociaux NEAR/0 reseaux") == ["1"])
        #expect(try matching("\"social networks\" NEAR/0 🚀") == ["2"])
        #expect(try matching("influenc* NEAR/1 reseaux") == [])
    }

    @Test func booleanOperators() throws {
        #expect(try matching("reseaux -influence") == [])
        #expect(try matching("reseaux NOT twitter") == ["1"])
        #expect(try matching("marketing OR opinion lang:fr") == ["1", "2"])
        #expect(try matching("(marketing OR opinion) lang:fr") == ["1"])
        #expect(try matching("(brand OR marque) AND lang:en") == ["2"])
        #expect(try matching("NOT lang:fr") == ["2"])
    }

    @Test func fields() throws {
        #expect(try matching("@ademe") == ["1"])
        #expect(try matching("author:jean_dupont") == ["1"])
        #expect(try matching("author:@brandwatcher") == ["2"])
        #expect(try matching("lang:en") == ["2"])
        #expect(try matching("platform:twitter") == ["2"])
        #expect(try matching("site:lemonde.fr") == ["1"])
        #expect(try matching("site:monde.fr") == [])
        #expect(try matching("site:theverge.com") == ["2"])
        #expect(try matching("url:pixels/article") == ["1"])
        #expect(try matching("since:2024-01-01") == ["1"])
        #expect(try matching("until:2023-12-31") == ["2"])
        #expect(try matching("since:2023-12-31T23:00:00Z until:2024-03-10T09:00:00Z") == ["2"])
    }

    @Test func hashtagsMentionsAndLinksFromTheSourceCount() throws {
        let post = Post(platform: .bluesky, platformID: "3", authorID: "a3", createdAt: Self.date("2024-05-01"),
                        text: "Marche pour le climat", hashtags: ["Climat2024"],
                        mentions: [Mention(handle: "marie@piaille.fr")], urls: ["https://Data.Gouv.fr/x"])
        #expect(try Query.parse("#climat2024").matches(post))
        #expect(try Query.parse("@marie").matches(post))
        #expect(try !Query.parse("@marie@mastodon.social").matches(post))
        #expect(try Query.parse("site:gouv.fr").matches(post))
        #expect(try !Query.parse("lang:fr").matches(post))
        #expect(try !Query.parse("author:x").matches(post))
    }

    @Test func frenchElisionsMatchBothApostrophes() throws {
        let post = Post(platform: .twitter, platformID: "4", authorID: "a4", createdAt: Self.date("2024-05-01"),
                        text: "Qu'est-ce que l'influenceuse a dit jusqu’à présent ?")
        #expect(try Query.parse("influenceuse").matches(post))
        #expect(try Query.parse("\"l’influenceuse\"").matches(post))
        #expect(try Query.parse("\"jusqu'a present\"").matches(post))
        #expect(try Query.parse("influenceuse NEAR/1 dit").matches(post))
        #expect(try !Query.parse("influenceuse NEAR/0 dit").matches(post))
    }
}

@Suite struct QueryPrefilterTests {
    @Test func translatesWordsPhrasesAndPrefixes() throws {
        func word(_ text: String) -> FullTextFilter { .phrase([text], prefix: false) }
        #expect(try Query.parse("Réseaux sociaux").fullTextFilter() == .and([word("reseaux"), word("sociaux")]))
        #expect(try Query.parse("a OR b -c lang:fr").fullTextFilter() == .or([word("a"), word("b")]))
        #expect(try Query.parse("influenc* NEAR/3 \"marque blanche\"").fullTextFilter()
            == .and([.phrase(["influenc"], prefix: true), .phrase(["marque", "blanche"], prefix: false)]))
        #expect(try Query.parse("(a OR b) (c OR #d)").fullTextFilter() == .and([.or([word("a"), word("b")]), .or([word("c"), word("d")])]))
        #expect(try Query.parse("\"l'été\" 🚀").fullTextFilter() == .phrase(["l'", "ete"], prefix: false))
    }

    @Test func isNilWhenNothingNarrows() throws {
        for text in ["-a", "lang:fr", "a OR lang:fr", "🚀", "NOT (a b)", "since:2024-01-01 site:x.fr"] {
            #expect(try Query.parse(text).fullTextFilter() == nil, "\(text)")
        }
    }

    @Test func documentHoldsFoldedTokensHashtagsAndMentions() {
        let post = Post(platform: .twitter, platformID: "1", authorID: "a", createdAt: Date(timeIntervalSince1970: 0),
                        text: "L’Été #Plage", hashtags: ["Soleil"], mentions: [Mention(handle: "Marie")])
        #expect(Query.fullTextDocument(for: post) == "l' ete plage soleil marie")
    }

    /// For generated posts and queries: whenever `matches` holds, the filter (evaluated here with
    /// `unicode61` rules over `fullTextDocument`) holds too.
    @Test func prefilterIsASupersetOfMatches() throws {
        var random = SeededRandom(seed: 42)
        let words = ["réseau", "Réseaux", "sociaux", "l'opinion", "d’influence", "influenceuse", "influenceurs",
                     "marque", "Cœur", "été", "aujourd'hui", "brand", "social", "networks", "peut-être", "🚀", "❤️",
                     "#Climat", "#climat2024", "@ademe", "@marie@piaille.fr", "https://lemonde.fr/a", "2024", "ça"]
        let posts = (0..<300).map { index in
            let text = (0..<random.next(in: 3...12)).map { _ in words[random.next(in: 0...(words.count - 1))] }
                .joined(separator: random.next(in: 0...3) == 0 ? ", " : " ")
            return Post(platform: .twitter, platformID: "\(index)", authorID: "a", createdAt: Date(timeIntervalSince1970: 0),
                        text: text, language: index % 2 == 0 ? "fr" : "en",
                        hashtags: index % 7 == 0 ? ["Planète"] : [], mentions: index % 5 == 0 ? [Mention(handle: "bob")] : [])
        }
        let atoms = ["reseau", "reseaux", "sociaux", "opinion", "l'opinion", "influenc*", "infl*", "marque", "coeur",
                     "\"reseaux sociaux\"", "\"d'influence\"", "#climat", "#planete", "@ademe", "@marie", "@bob",
                     "peut-etre", "aujourd'hui", "🚀", "lang:fr", "site:lemonde.fr", "brand", "\"social networks\"",
                     "2024", "ca", "cœur"]
        func makeQuery(depth: Int) -> String {
            let atom = atoms[random.next(in: 0...(atoms.count - 1))]
            guard depth > 0 else { return random.next(in: 0...5) == 0 ? "-" + atom : atom }
            let left = makeQuery(depth: depth - 1), right = makeQuery(depth: depth - 1)
            switch random.next(in: 0...4) {
            case 0: return "(\(left) OR \(right))"
            case 1: return "\(left) \(right)"
            case 2: return "NOT (\(left))"
            case 3: return "\(atoms[random.next(in: 0...16)]) NEAR/\(random.next(in: 0...3)) \(atoms[random.next(in: 0...16)])"
            default: return atom
            }
        }
        var checked = 0, matched = 0, narrowed = 0
        for _ in 0..<300 {
            let query = try Query.parse(makeQuery(depth: random.next(in: 0...3)))
            guard let prefilter = query.fullTextFilter() else { continue }
            let expression = try MiniFTS.node(prefilter)
            for post in posts {
                let document = MiniFTS.tokens(Query.fullTextDocument(for: post))
                let isMatch = query.matches(post)
                let isCandidate = MiniFTS.evaluate(expression, document)
                checked += 1
                if isMatch { matched += 1 }
                if !isCandidate { narrowed += 1 }
                #expect(!isMatch || isCandidate, "\(query) → \(prefilter) misses \(post.text)")
            }
        }
        // The property was exercised, and the prefilter does narrow.
        #expect(matched > 1_000)
        #expect(narrowed > 1_000)
        #expect(checked > 30_000)
    }
}

/// Just enough of FTS5's `unicode61` tokenizer to evaluate a ``FullTextFilter`` as an FTS5 index
/// over `Query.fullTextDocument` would.
struct MiniFTS {
    indirect enum Node {
        case phrase([String], prefix: Bool)
        case and([Node]), or([Node])
    }

    struct Malformed: Error {}

    /// The filter with its phrases tokenized as the index tokenizes them.
    static func node(_ filter: FullTextFilter) throws -> Node {
        switch filter {
        case .everything: throw Malformed()
        case .phrase(let words, let prefix):
            let tokens = Self.tokens(words.joined(separator: " "))
            guard !tokens.isEmpty else { throw Malformed() }
            return .phrase(tokens, prefix: prefix)
        case .and(let filters): return .and(try filters.map(node))
        case .or(let filters): return .or(try filters.map(node))
        }
    }

    /// `unicode61`: runs of letters and numbers, lowercased, diacritics removed.
    static func tokens(_ text: String) -> [String] {
        TextFolding.fold(text).split { character in
            !character.unicodeScalars.contains { scalar in
                switch scalar.properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                     .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark:
                    return true
                default:
                    return false
                }
            }
        }.map(String.init)
    }

    static func evaluate(_ node: Node, _ document: [String]) -> Bool {
        switch node {
        case .and(let nodes): return nodes.allSatisfy { evaluate($0, document) }
        case .or(let nodes): return nodes.contains { evaluate($0, document) }
        case .phrase(let words, let prefix):
            guard document.count >= words.count else { return false }
            for start in 0...(document.count - words.count) {
                let found = words.indices.allSatisfy { offset in
                    let token = document[start + offset]
                    return prefix && offset == words.count - 1 ? token.hasPrefix(words[offset]) : token == words[offset]
                }
                if found { return true }
            }
            return false
        }
    }
}
