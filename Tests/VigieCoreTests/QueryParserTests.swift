import Foundation
import Testing
@testable import VigieCore

@Suite struct QueryParserTests {
    private func parse(_ text: String) throws -> QueryExpression {
        try Query.parse(text).expression
    }

    @Test func implicitAndBetweenTermsFoldsThem() throws {
        #expect(try parse("Réseaux SOCIAUX") == .and([.term("reseaux"), .term("sociaux")]))
        #expect(try parse("réseaux AND sociaux") == .and([.term("reseaux"), .term("sociaux")]))
    }

    @Test func precedenceIsNotThenAndThenOr() throws {
        #expect(try parse("a OR b c") == .or([.term("a"), .and([.term("b"), .term("c")])]))
        #expect(try parse("a b OR c") == .or([.and([.term("a"), .term("b")]), .term("c")]))
        #expect(try parse("NOT a b") == .and([.not(.term("a")), .term("b")]))
        #expect(try parse("NOT a OR b") == .or([.not(.term("a")), .term("b")]))
    }

    @Test func nestedParenthesesOverridePrecedence() throws {
        #expect(try parse("(a OR b) c") == .and([.or([.term("a"), .term("b")]), .term("c")]))
        #expect(try parse("((a OR b) (c OR (d e)))") ==
            .and([.or([.term("a"), .term("b")]), .or([.term("c"), .and([.term("d"), .term("e")])])]))
        #expect(try parse("NOT (a OR b)") == .not(.or([.term("a"), .term("b")])))
    }

    @Test func minusIsNot() throws {
        #expect(try parse("a -b") == .and([.term("a"), .not(.term("b"))]))
        #expect(try parse("-\"mot de passe\" -(a OR b)") ==
            .and([.not(.phrase(["mot", "de", "passe"])), .not(.or([.term("a"), .term("b")]))]))
        // A hyphen inside a word is not an operator.
        #expect(try parse("peut-être") == .phrase(["peut", "etre"]))
    }

    @Test func lowercaseKeywordsAreWords() throws {
        #expect(try parse("rock and roll") == .and([.term("rock"), .term("and"), .term("roll")]))
    }

    @Test func phrasesKeepAccentsFoldedAndElisionsSplit() throws {
        #expect(try parse("\"Réseaux Sociaux\"") == .phrase(["reseaux", "sociaux"]))
        #expect(try parse("“l’été indien”") == .phrase(["l'", "ete", "indien"]))
        #expect(try parse("l'influenceuse") == .phrase(["l'", "influenceuse"]))
    }

    @Test func trailingWildcard() throws {
        #expect(try parse("Influenc*") == .prefix("influenc"))
        #expect(try parse("créat* OR influenc*") == .or([.prefix("creat"), .prefix("influenc")]))
    }

    @Test func nearInBothShapes() throws {
        #expect(try parse("influenceur NEAR/3 marque") == .near(.term("influenceur"), .term("marque"), distance: 3))
        #expect(try parse("\"marque blanche\" NEAR/0 influenc*") ==
            .near(.phrase(["marque", "blanche"]), .prefix("influenc"), distance: 0))
        #expect(try parse("x NEAR/2 y OR z") == .or([.near(.term("x"), .term("y"), distance: 2), .term("z")]))
        #expect(try parse("NOT x NEAR/2 y") == .not(.near(.term("x"), .term("y"), distance: 2)))
    }

    @Test func fieldOperators() throws {
        let query = try Query.parse(
            "#Climat @Ademe author:@Jean_D lang:FR platform:Mastodon url:LeMonde.fr/pol site:www.lemonde.fr "
                + "since:2024-01-01 until:2024-01-31")
        guard case .and(let operands) = query.expression else {
            Issue.record("expected AND, got \(query)")
            return
        }
        #expect(operands.count == 9)
        #expect(operands[0] == .hashtag("climat"))
        #expect(operands[1] == .mention("ademe"))
        #expect(operands[2] == .author("jean_d"))
        #expect(operands[3] == .language("fr"))
        #expect(operands[4] == .platform(.mastodon))
        #expect(operands[5] == .url("lemonde.fr/pol"))
        #expect(operands[6] == .site("www.lemonde.fr"))
        #expect(operands[7] == .since(try #require(DateParsing.parse("2024-01-01"))))
        // A bare day includes that whole day.
        #expect(operands[8] == .until(try #require(DateParsing.parse("2024-02-01"))))
        #expect(query.description == "#climat AND @ademe AND author:jean_d AND lang:fr AND platform:mastodon "
            + "AND url:lemonde.fr/pol AND site:www.lemonde.fr AND since:2024-01-01 AND until:2024-01-31")
    }

    @Test func untilWithATimeIsExact() throws {
        let query = try Query.parse("until:2024-01-31T08:30:00Z")
        #expect(query.expression == .until(try #require(DateParsing.parse("2024-01-31T08:30:00Z"))))
        #expect(query.description == "until:2024-01-31T08:30:00.000Z")
    }

    @Test func untilWithEpochSecondsIsNotADay() throws {
        #expect(try parse("until:1704067200") == .until(Date(timeIntervalSince1970: 1_704_067_200)))
    }

    @Test func languageTagsWithRegions() throws {
        #expect(try parse("lang:fr-CA") == .language("fr-ca"))
        #expect(throws: QueryError.self) { try Query.parse("lang:fr-") }
    }

    @Test func bareLinksAreURLFilters() throws {
        #expect(try parse("https://Example.org/Page") == .url("https://example.org/page"))
    }

    @Test func descriptionRoundTrips() throws {
        let queries = [
            "(influenceur* OR créateur) AND \"placement de produit\" -concours lang:fr since:2024-01-01",
            "NOT (a OR b) c", "a OR b c OR NOT d", "\"l'été\" NEAR/4 #vacances", "@marie@piaille.fr OR author:bob",
            "-(x y) z", "site:gouv.fr url:rapport until:2024-06-30 platform:bluesky", "🚀 OR lune",
        ]
        for text in queries {
            let query = try Query.parse(text)
            let again = try Query.parse(query.description)
            #expect(again == query, "\(text) → \(query.description)")
        }
    }
}

@Suite struct QueryErrorTests {
    private func failure(_ text: String) -> QueryError? {
        do {
            _ = try Query.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func unclosedParenthesisPointsAtTheEndAndNamesTheOpening() throws {
        let error = try #require(failure("climat (réseau OR social"))
        #expect(error.column == 25)
        #expect(error.message == "column 25: expected ')' to close the '(' at column 8, found end of query")
    }

    @Test func unclosedQuote() throws {
        let error = try #require(failure("climat \"réseau social"))
        #expect(error.column == 22)
        #expect(error.expected == "'\"' to close the phrase opened at column 8")
    }

    @Test func danglingAnd() throws {
        let error = try #require(failure("réseau AND"))
        #expect(error.column == 11)
        #expect(error.found == "end of query")
        #expect(error.expected == "a term, a phrase or '(' after 'AND'")
        #expect(error.description == """
            column 11: expected a term, a phrase or '(' after 'AND', found end of query
              réseau AND
                        ^
            """)
    }

    @Test func nearWithoutDistance() throws {
        let bare = try #require(failure("réseau NEAR social"))
        #expect(bare.column == 12)
        #expect(bare.expected == "a distance in words, as in NEAR/5")
        let letters = try #require(failure("réseau NEAR/x social"))
        #expect(letters.column == 13)
        #expect(letters.found == "'x'")
    }

    @Test func badDateInSince() throws {
        let error = try #require(failure("since:2024-13-01 climat"))
        #expect(error.column == 7)
        #expect(error.found == "'2024-13-01'")
        #expect(error.expected.hasPrefix("a date after 'since:'"))
    }

    @Test func emptyQuery() throws {
        let empty = try #require(failure(""))
        #expect(empty.column == 1)
        #expect(empty.found == "end of query")
        let blank = try #require(failure("   "))
        #expect(blank.column == 4)
    }

    @Test func moreMalformedQueries() throws {
        #expect(failure("a OR OR b")?.column == 6)
        #expect(failure("a OR OR b")?.found == "'OR'")
        #expect(failure("AND a")?.column == 1)
        #expect(failure("a)")?.message == "column 2: expected end of query (this ')' closes no '('), found ')'")
        #expect(failure("()")?.column == 2)
        #expect(failure("platform:myspace")?.column == 10)
        #expect(failure("lang:french")?.column == 6)
        #expect(failure("foo:bar")?.found == "'foo:'")
        #expect(failure("in*fluence")?.column == 3)
        #expect(failure("a (b OR c) NEAR/3 d")?.column == 3)
        #expect(failure("a NEAR/2 b NEAR/2 c")?.column == 12)
        #expect(failure("a NEAR/2 lang:fr")?.column == 10)
        #expect(failure("#")?.column == 1)
        #expect(failure("climat -")?.column == 8)
        #expect(failure("author:")?.column == 8)
    }
}
