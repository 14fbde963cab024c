import Foundation

/// A boolean listening query, as analysts write them in Brandwatch or Talkwalker:
///
///     (influenceur* OR créateur) AND "placement de produit" -concours lang:fr since:2024-01-01
///
/// Parse with ``parse(_:)``, test posts with ``matches(_:)``. Matching folds case and accents
/// (`reseau` finds `Réseau`). The grammar and every operator are described in `docs/query-language.md`.
public struct Query: Sendable, Hashable, CustomStringConvertible {
    /// The parsed expression.
    public var expression: QueryExpression
    public var options: QueryOptions

    public init(expression: QueryExpression, options: QueryOptions = QueryOptions()) {
        self.expression = expression
        self.options = options
    }

    /// Deepest nesting of parentheses and `NOT` a query may have (real queries use a few levels;
    /// the bound keeps parsing, planning and matching far from the stack's limit and the
    /// full-text index's expression depth).
    public static let maxNesting = 24
    /// Most terms (words, phrases, hashtags, fields…) a query may hold.
    public static let maxTerms = 1_000

    /// Parses query text; the error names the column and what was expected there.
    public static func parse(_ text: String, options: QueryOptions = QueryOptions()) throws(QueryError) -> Query {
        var parser = try QueryParser(text)
        return Query(expression: try parser.parse(), options: options)
    }

    /// The query printed back in normalised form (explicit `AND`, `NOT` for `-`, folded words).
    /// The options are not part of it.
    public var description: String { expression.description }

    /// Whether the post satisfies the query. Pure: reads the post's text (tokenized once per call),
    /// hashtags, mentions, links, author handle, language, platform and creation date.
    public func matches(_ post: Post) -> Bool {
        MatchDocument(post: post, stemmed: options.stemmed).evaluate(expression)
    }

    /// Same as ``matches(_:)`` on a post tokenized once, for testing it against many queries.
    public func matches(_ document: QueryDocument) -> Bool {
        MatchDocument(document, stemmed: options.stemmed).evaluate(expression)
    }
}

/// A post tokenized once, to test against many queries (every watch of a workspace) without
/// tokenizing its text again for each.
public struct QueryDocument: Sendable {
    public let post: Post
    public let tokens: [Token]
    /// Per token, its stems; computed up front with `stems: true`, else by each stemmed query.
    let tokenStems: [[String]]?

    public init(post: Post, stems: Bool = false) {
        self.post = post
        tokens = Tokenizer.tokenize(post.text)
        tokenStems = stems ? MatchDocument.stems(of: tokens) : nil
    }

    /// Tokens and stems computed by the caller (``QueryMatcher`` remembers stems across posts).
    init(post: Post, tokens: [Token], tokenStems: [[String]]) {
        self.post = post
        self.tokens = tokens
        self.tokenStems = tokenStems
    }
}

/// How a query matches words.
public struct QueryOptions: Sendable, Hashable {
    /// Bare words match any word with the same Snowball stem in French or English
    /// (`influenceur` finds `influenceuses`, `network` finds `networks`). Exact phrases, wildcards,
    /// hashtags and mentions are not stemmed.
    public var stemmed: Bool

    public init(stemmed: Bool = false) {
        self.stemmed = stemmed
    }
}

/// One post prepared for evaluation.
struct MatchDocument {
    let post: Post
    let tokens: [Token]
    /// Per token, its stems (``QueryStemming``) in stemmed mode; empty otherwise.
    private let tokenStems: [[String]]
    private let stemmed: Bool

    init(post: Post, stemmed: Bool = false) {
        self.post = post
        self.stemmed = stemmed
        tokens = Tokenizer.tokenize(post.text)
        tokenStems = stemmed ? Self.stems(of: tokens) : []
    }

    init(_ document: QueryDocument, stemmed: Bool) {
        post = document.post
        self.stemmed = stemmed
        tokens = document.tokens
        tokenStems = stemmed ? document.tokenStems ?? Self.stems(of: document.tokens) : []
    }

    static func stems(of tokens: [Token]) -> [[String]] {
        tokens.map { $0.kind == .word || $0.kind == .hashtag ? QueryStemming.stems(of: $0.folded) : [] }
    }

    func evaluate(_ expression: QueryExpression) -> Bool {
        switch expression {
        case .term, .prefix, .phrase:
            return !spans(of: expression).isEmpty
        case .hashtag(let tag):
            return tokens.contains { $0.kind == .hashtag && $0.folded == tag }
                || post.hashtags.contains { TextFolding.fold($0) == tag }
        case .mention(let handle):
            return tokens.contains { $0.kind == .mention && Self.handle($0.folded, matches: handle) }
                || post.mentions.contains { Self.handle(TextFolding.fold($0.handle), matches: handle) }
        case .author(let handle):
            guard let author = post.authorHandle else { return false }
            return Self.handle(QueryFieldConditions.comparableHandle(author), matches: handle)
        case .language(let code):
            return QueryFieldConditions.language(post.language, matches: code)
        case .platform(let platform):
            return post.platform == platform
        case .url(let text):
            return links().contains { TextFolding.fold($0).contains(text) }
        case .site(let domain):
            return links().contains { link in
                guard let host = Self.host(of: link) else { return false }
                return host == domain || host.hasSuffix("." + domain)
            }
        case .since(let date):
            return post.createdAt >= date
        case .until(let date):
            return post.createdAt < date
        case .near(let left, let right, let distance):
            let leftSpans = spans(of: left)
            guard !leftSpans.isEmpty else { return false }
            let rightSpans = spans(of: right)
            for a in leftSpans {
                for b in rightSpans {
                    // Words strictly between the two spans; overlapping spans count as adjacent.
                    let between = max(b.lowerBound - a.upperBound, a.lowerBound - b.upperBound) - 1
                    if between <= distance { return true }
                }
            }
            return false
        case .not(let operand):
            return !evaluate(operand)
        case .and(let operands):
            return operands.allSatisfy(evaluate)
        case .or(let operands):
            return operands.contains(where: evaluate)
        }
    }

    /// Token positions (first...last) where a word-level operand occurs.
    func spans(of expression: QueryExpression) -> [ClosedRange<Int>] {
        switch expression {
        case .term(let word) where stemmed:
            let stems = QueryStemming.stems(of: word)
            return tokens.filter { token in
                guard Self.isWordLike(token) else { return false }
                if token.folded == word { return true }
                let candidate = tokenStems[token.position]
                return zip(stems, candidate).contains { $0 == $1 }
            }.map { $0.position...$0.position }
        case .term(let word):
            return tokens.filter { Self.isWordLike($0) && $0.folded == word }.map { $0.position...$0.position }
        case .prefix(let stem):
            return tokens.filter { Self.isWordLike($0) && $0.folded.hasPrefix(stem) }.map { $0.position...$0.position }
        case .phrase(let words):
            guard !words.isEmpty, tokens.count >= words.count else { return [] }
            var result: [ClosedRange<Int>] = []
            for start in 0...(tokens.count - words.count) where tokens[start].folded == words[0] {
                if (1..<words.count).allSatisfy({ tokens[start + $0].folded == words[$0] }) {
                    result.append(start...(start + words.count - 1))
                }
            }
            return result
        case .hashtag(let tag):
            return tokens.filter { $0.kind == .hashtag && $0.folded == tag }.map { $0.position...$0.position }
        case .mention(let handle):
            return tokens.filter { $0.kind == .mention && Self.handle($0.folded, matches: handle) }
                .map { $0.position...$0.position }
        default:
            return []
        }
    }

    /// Links given by the source, plus those written in the text.
    private func links() -> [String] {
        post.urls + tokens.lazy.filter { $0.kind == .url }.map(\.text)
    }

    /// A plain word also finds the same word used as a hashtag, as listening tools do.
    private static func isWordLike(_ token: Token) -> Bool {
        token.kind == .word || token.kind == .hashtag || token.kind == .emoji
    }

    /// `user` finds `user` and the fediverse `user@instance`; `user@instance` only itself.
    static func handle(_ candidate: String, matches handle: String) -> Bool {
        candidate == handle || (!handle.contains("@") && candidate.hasPrefix(handle + "@"))
    }

    /// Lowercased host of a link, without scheme, credentials, port or path.
    static func host(of link: String) -> String? {
        var rest = Substring(TextFolding.fold(link))
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        while rest.hasSuffix(".") { rest = rest.dropLast() }
        return rest.isEmpty ? nil : String(rest)
    }
}
