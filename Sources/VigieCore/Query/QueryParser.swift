import Foundation

/// Recursive descent over the lexemes; precedence NOT > AND > OR, `NEAR/n` binds two operands.
///
///     query   = or END
///     or      = and { "OR" and }
///     and     = unary { ["AND"] unary }
///     unary   = ("NOT" | "-") unary | near
///     near    = primary [ "NEAR/n" primary ]
///     primary = "(" or ")" | phrase | word
///
/// Limits, checked before recursing so that no query can exhaust the stack or make planning
/// cost more than linear: ``Query/maxNesting`` levels of parentheses and `NOT`, and
/// ``Query/maxTerms`` terms. `NOT NOT x` is `x`, and repeated operands of an `AND` or `OR`
/// count once.
struct QueryParser {
    private let lexemes: [Lexeme]
    private let query: String
    private var index = 0
    private var nesting = 0
    private var terms = 0

    init(_ query: String) throws(QueryError) {
        self.query = query
        lexemes = try QueryLexer(query).lexemes()
    }

    mutating func parse() throws(QueryError) -> QueryExpression {
        if lexemes[0].kind == .end {
            throw error(at: lexemes[0], expected: "a term, a phrase or a field such as lang:fr")
        }
        let expression = try parseOr()
        let next = current
        switch next.kind {
        case .end: return expression
        case .close: throw error(at: next, expected: "end of query (this ')' closes no '(')")
        default: throw error(at: next, expected: "AND, OR or a term (NEAR/n joins two terms or phrases only)")
        }
    }

    private var current: Lexeme { lexemes[index] }
    private var previous: Lexeme? { index > 0 ? lexemes[index - 1] : nil }

    private func error(at lexeme: Lexeme, expected: String) -> QueryError {
        QueryError(column: lexeme.column, found: lexeme.shown, expected: expected, query: query)
    }

    /// What an operand is missing after, for messages like "expected a term after 'AND'".
    private func expectedOperand() -> String {
        guard let previous else { return "a term, a phrase or '('" }
        switch previous.kind {
        case .and, .or, .not, .minus, .open, .near: return "a term, a phrase or '(' after \(previous.shown)"
        default: return "a term, a phrase or '('"
        }
    }

    private mutating func parseOr() throws(QueryError) -> QueryExpression {
        var operands = [try parseAnd()]
        while current.kind == .or {
            index += 1
            operands.append(try parseAnd())
        }
        if operands.count == 1 { return operands[0] }
        let distinct = Self.distinct(operands.flatMap(Self.flattenOr))
        return distinct.count == 1 ? distinct[0] : .or(distinct)
    }

    /// Operands in their first order, each once (`x OR x` is `x`).
    private static func distinct(_ operands: [QueryExpression]) -> [QueryExpression] {
        var seen = Set<QueryExpression>()
        return operands.filter { seen.insert($0).inserted }
    }

    /// Enters one level of parentheses or `NOT`, refusing to go past ``Query/maxNesting``.
    private mutating func enter(_ lexeme: Lexeme) throws(QueryError) {
        nesting += 1
        guard nesting <= Query.maxNesting else {
            throw error(at: lexeme, expected: "at most \(Query.maxNesting) levels of parentheses and NOT (the query nests deeper)")
        }
    }

    private mutating func parseAnd() throws(QueryError) -> QueryExpression {
        var operands = [try parseUnary()]
        while true {
            switch current.kind {
            case .and:
                index += 1
                operands.append(try parseUnary())
            case .word, .phrase, .open, .not, .minus:
                operands.append(try parseUnary())
            default:
                if operands.count == 1 { return operands[0] }
                let distinct = Self.distinct(operands.flatMap(Self.flattenAnd))
                return distinct.count == 1 ? distinct[0] : .and(distinct)
            }
        }
    }

    private mutating func parseUnary() throws(QueryError) -> QueryExpression {
        switch current.kind {
        case .not, .minus:
            try enter(current)
            index += 1
            let operand = try parseUnary()
            nesting -= 1
            // `NOT NOT x` is `x`.
            if case .not(let inner) = operand { return inner }
            return .not(operand)
        default:
            return try parseNear()
        }
    }

    private mutating func parseNear() throws(QueryError) -> QueryExpression {
        let leftStart = current
        let left = try parsePrimary()
        guard case .near(let distance) = current.kind else { return left }
        let nearLexeme = current
        guard Self.isNearOperand(left) else {
            throw QueryError(column: leftStart.column, found: leftStart.shown,
                             expected: "a word, wildcard, phrase, hashtag or mention before \(nearLexeme.shown)",
                             query: query)
        }
        index += 1
        let rightStart = current
        let right = try parsePrimary()
        guard Self.isNearOperand(right) else {
            throw error(at: rightStart, expected: "a word, wildcard, phrase, hashtag or mention after \(nearLexeme.shown)")
        }
        if case .near = current.kind {
            throw error(at: current, expected: "AND, OR or end of query (NEAR/n joins exactly two terms)")
        }
        return .near(left, right, distance: distance)
    }

    private mutating func parsePrimary() throws(QueryError) -> QueryExpression {
        let lexeme = current
        switch lexeme.kind {
        case .open:
            try enter(lexeme)
            index += 1
            let inner = try parseOr()
            guard current.kind == .close else {
                throw error(at: current, expected: "')' to close the '(' at column \(lexeme.column)")
            }
            index += 1
            nesting -= 1
            return inner
        case .phrase(let text):
            try countTerm(lexeme)
            index += 1
            let words = Tokenizer.tokenize(text).map(\.folded)
            guard !words.isEmpty else {
                throw error(at: lexeme, expected: "a phrase with at least one word")
            }
            return .phrase(words)
        case .word(let text):
            try countTerm(lexeme)
            index += 1
            return try QueryWordParser(text: text, column: lexeme.column, query: query).parse()
        default:
            throw error(at: lexeme, expected: expectedOperand())
        }
    }

    private mutating func countTerm(_ lexeme: Lexeme) throws(QueryError) {
        terms += 1
        guard terms <= Query.maxTerms else {
            throw error(at: lexeme, expected: "at most \(Query.maxTerms) terms in a query (this is term \(terms))")
        }
    }

    private static func isNearOperand(_ expression: QueryExpression) -> Bool {
        switch expression {
        case .term, .prefix, .phrase, .hashtag, .mention: return true
        default: return false
        }
    }

    private static func flattenAnd(_ expression: QueryExpression) -> [QueryExpression] {
        if case .and(let operands) = expression { return operands }
        return [expression]
    }

    private static func flattenOr(_ expression: QueryExpression) -> [QueryExpression] {
        if case .or(let operands) = expression { return operands }
        return [expression]
    }
}

/// Reads one bare chunk: a word, `stem*`, `#tag`, `@handle`, a link or `field:value`.
private struct QueryWordParser {
    let text: String
    let column: Int
    let query: String

    private static let fields = ["author", "lang", "platform", "url", "site", "since", "until"]

    func parse() throws(QueryError) -> QueryExpression {
        let lowered = text.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("www.") {
            return .url(TextFolding.fold(text))
        }
        if let colon = text.firstIndex(of: ":"), colon > text.startIndex,
           text[..<colon].allSatisfy({ $0.isASCII && $0.isLetter }) {
            return try field(name: String(text[..<colon]).lowercased(), value: String(text[text.index(after: colon)...]),
                             valueColumn: column + text.distance(from: text.startIndex, to: colon) + 1)
        }
        if let star = text.firstIndex(of: "*") {
            let offset = text.distance(from: text.startIndex, to: star)
            guard star == text.index(before: text.endIndex) else {
                throw QueryError(column: column + offset, found: "'*' inside '\(text)'",
                                 expected: "a wildcard only at the end of a word, as in influenc*", query: query)
            }
            let tokens = Tokenizer.tokenize(String(text.dropLast()))
            guard tokens.count == 1, tokens[0].kind == .word else {
                throw failure("a single word before '*', as in influenc*")
            }
            return .prefix(tokens[0].folded)
        }
        let tokens = Tokenizer.tokenize(text)
        if text.hasPrefix("#") || text.hasPrefix("＃") {
            guard tokens.count == 1, tokens[0].kind == .hashtag else { throw failure("a hashtag such as #climat") }
            return .hashtag(tokens[0].folded)
        }
        if text.hasPrefix("@") || text.hasPrefix("＠") {
            guard tokens.count == 1, tokens[0].kind == .mention else { throw failure("a mention such as @ademe") }
            return .mention(tokens[0].folded)
        }
        switch tokens.count {
        case 0: throw failure("a term with letters, digits or emoji")
        case 1: return .term(tokens[0].folded)
        default: return .phrase(tokens.map(\.folded))
        }
    }

    private func failure(_ expected: String) -> QueryError {
        QueryError(column: column, found: "'\(text)'", expected: expected, query: query)
    }

    private func field(name: String, value: String, valueColumn: Int) throws(QueryError) -> QueryExpression {
        func invalid(_ expected: String) -> QueryError {
            QueryError(column: valueColumn, found: value.isEmpty ? "nothing" : "'\(value)'",
                       expected: expected, query: query)
        }
        switch name {
        case "author":
            let handle = TextFolding.fold(value.hasPrefix("@") ? String(value.dropFirst()) : value)
            guard !handle.isEmpty else { throw invalid("a handle after 'author:', as in author:ademe") }
            return .author(handle)
        case "lang":
            let code = value.lowercased()
            let subtags = code.split(separator: "-", omittingEmptySubsequences: false)
            guard let primary = subtags.first, (2...3).contains(primary.count),
                  primary.allSatisfy({ $0.isASCII && $0.isLetter }),
                  subtags.dropFirst().allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
            else {
                throw invalid("a language code after 'lang:', as in lang:fr or lang:en")
            }
            return .language(code)
        case "platform":
            guard let platform = Platform(rawValue: value.lowercased()) else {
                let names = Platform.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid("a platform after 'platform:' (one of \(names))")
            }
            return .platform(platform)
        case "url":
            guard !value.isEmpty else { throw invalid("part of a link after 'url:', as in url:lemonde.fr/politique") }
            return .url(TextFolding.fold(value))
        case "site":
            var domain = TextFolding.fold(value)
            for scheme in ["https://", "http://"] where domain.hasPrefix(scheme) { domain.removeFirst(scheme.count) }
            while domain.hasSuffix("/") { domain.removeLast() }
            guard !domain.isEmpty, !domain.contains("/") else {
                throw invalid("a domain after 'site:', as in site:lemonde.fr")
            }
            return .site(domain)
        case "since", "until":
            guard let date = DateParsing.parse(value) else {
                throw invalid("a date after '\(name):', as in \(name):2024-01-31 or \(name):2024-01-31T08:00:00Z"
                              + (DateParsing.problem(with: value).map { "; " + $0 } ?? ""))
            }
            if name == "since" { return .since(date) }
            // A bare day includes the whole day.
            let isBareDay = value.count == 10 && value.dropFirst(4).first == "-"
            return .until(isBareDay ? date.addingTimeInterval(86_400) : date)
        default:
            throw QueryError(column: column, found: "'\(name):'",
                             expected: "a field among \(Self.fields.map { $0 + ":" }.joined(separator: ", ")) "
                                + "(put text with ':' in double quotes)",
                             query: query)
        }
    }
}
