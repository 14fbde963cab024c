import Testing
import VigieCore

/// The query limits (docs/query-language.md): nesting and term caps checked before recursing,
/// double negation and repeated operands simplified, plain search capped.
@Suite struct QueryLimitTests {
    @Test func nestingIsCappedAtTheColumnWhereItIsPassed() {
        let atLimit = String(repeating: "(", count: Query.maxNesting) + "velo" + String(repeating: ")", count: Query.maxNesting)
        #expect(throws: Never.self) { try Query.parse(atLimit) }
        let beyond = "(" + atLimit + ")"
        #expect {
            try Query.parse(beyond)
        } throws: { error in
            (error as? QueryError)?.column == Query.maxNesting + 1
        }
        let nots = String(repeating: "NOT ", count: Query.maxNesting + 1) + "velo"
        #expect(throws: QueryError.self) { try Query.parse(nots) }
    }

    @Test func termsAreCapped() throws {
        let atLimit = (0..<Query.maxTerms).map { "w\($0)" }.joined(separator: " OR ")
        #expect(throws: Never.self) { try Query.parse(atLimit) }
        #expect {
            try Query.parse(atLimit + " OR extra")
        } throws: { error in
            (error as? QueryError)?.expected.contains("at most \(Query.maxTerms) terms") == true
        }
    }

    @Test func doubleNegationAndRepeatsAreSimplified() throws {
        #expect(try Query.parse("NOT NOT velo").expression == .term("velo"))
        #expect(try Query.parse("NOT NOT NOT velo").expression == .not(.term("velo")))
        #expect(try Query.parse("velo velo velo").expression == .term("velo"))
        #expect(try Query.parse("velo OR velo OR cyclisme").expression == .or([.term("velo"), .term("cyclisme")]))
    }

    @Test func searchWordsAreDeduplicatedAndCapped() throws {
        #expect(try QueryIndex.searchForms("velo velo Vélo") == ["velo"])
        let many = (0...QueryIndex.maxSearchWords).map { "w\($0)" }.joined(separator: " ")
        #expect(throws: QueryError.self) { try QueryIndex.searchForms(many) }
        #expect(try QueryIndex.searchForms("  ") == nil)
    }

    @Test func longQueriesShowTheErrorInAWindow() {
        let query = String(repeating: "velo ", count: 400) + "("
        do {
            _ = try Query.parse(query)
            Issue.record("parsed an unclosed parenthesis")
        } catch {
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines[1].count < 90)
            // The caret sits under the column.
            #expect(lines[2].count - 1 <= lines[1].count)
        }
    }
}
