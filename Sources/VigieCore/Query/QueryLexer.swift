/// A piece of query text with the column it starts at.
struct Lexeme: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A bare chunk: a word, `#tag`, `@handle`, `field:value`, `stem*`.
        case word(String)
        /// The text between double quotes.
        case phrase(String)
        case open, close
        case and, or, not
        /// `-` right before a term, phrase or parenthesis.
        case minus
        case near(Int)
        case end
    }

    var kind: Kind
    /// 1-based.
    var column: Int
    /// As written, for error messages.
    var text: String

    /// How an error message names this lexeme.
    var shown: String { kind == .end ? "end of query" : "'\(text)'" }
}

/// Splits query text into lexemes. Columns count characters, so the caret of an error lines up.
struct QueryLexer {
    private let characters: [Character]
    private let query: String

    init(_ query: String) {
        self.query = query
        characters = Array(query)
    }

    func lexemes() throws(QueryError) -> [Lexeme] {
        var result: [Lexeme] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            if character.isWhitespace {
                index += 1
            } else if character == "(" {
                result.append(Lexeme(kind: .open, column: column, text: "("))
                index += 1
            } else if character == ")" {
                result.append(Lexeme(kind: .close, column: column, text: ")"))
                index += 1
            } else if let closing = Self.closingQuote(for: character) {
                var end = index + 1
                while end < characters.count, characters[end] != closing, !(closing == "”" && characters[end] == "\"") {
                    end += 1
                }
                guard end < characters.count else {
                    throw QueryError(column: characters.count + 1, found: "end of query",
                                     expected: "'\(closing)' to close the phrase opened at column \(column)",
                                     query: query)
                }
                let text = String(characters[(index + 1)..<end])
                result.append(Lexeme(kind: .phrase(text), column: column, text: String(characters[index...end])))
                index = end + 1
            } else if character == "-", index + 1 < characters.count, !characters[index + 1].isWhitespace,
                      characters[index + 1] != ")" {
                result.append(Lexeme(kind: .minus, column: column, text: "-"))
                index += 1
            } else {
                var end = index
                while end < characters.count, !Self.endsWord(characters[end]) { end += 1 }
                let text = String(characters[index..<end])
                result.append(try keywordOrWord(text, column: column))
                index = end
            }
        }
        result.append(Lexeme(kind: .end, column: characters.count + 1, text: ""))
        return result
    }

    private func keywordOrWord(_ text: String, column: Int) throws(QueryError) -> Lexeme {
        switch text {
        case "AND": return Lexeme(kind: .and, column: column, text: text)
        case "OR": return Lexeme(kind: .or, column: column, text: text)
        case "NOT": return Lexeme(kind: .not, column: column, text: text)
        default: break
        }
        guard text == "NEAR" || text.hasPrefix("NEAR/") else {
            return Lexeme(kind: .word(text), column: column, text: text)
        }
        let digits = text.dropFirst(5)
        guard text.count > 5 else {
            throw QueryError(column: column + 4, found: text.count == 4 ? "'NEAR' with no distance" : "nothing after 'NEAR/'",
                             expected: "a distance in words, as in NEAR/5", query: query)
        }
        guard digits.allSatisfy(\.isASCII), let distance = Int(digits), distance >= 0, distance <= 1000 else {
            throw QueryError(column: column + 5, found: "'\(digits)'",
                             expected: "a distance in words from 0 to 1000, as in NEAR/5", query: query)
        }
        return Lexeme(kind: .near(distance), column: column, text: text)
    }

    /// Straight double quotes, and the curly ones phones type.
    private static func closingQuote(for character: Character) -> Character? {
        switch character {
        case "\"": return "\""
        case "“": return "”"
        default: return nil
        }
    }

    private static func endsWord(_ character: Character) -> Bool {
        character.isWhitespace || character == "(" || character == ")" || character == "\"" || character == "“"
    }
}
