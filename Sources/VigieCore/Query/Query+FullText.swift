import Foundation

/// Narrowing a query down with SQLite FTS5 before running ``Query/matches(_:)`` on the candidates.
///
/// Contract:
/// - The store indexes, for each post, ``Query/fullTextDocument(for:)`` in an FTS5 table whose
///   tokenizer is `unicode61` (the default; any `remove_diacritics` setting). The document is the
///   folded tokens of the text, plus the post's hashtags and mention handles, separated by spaces.
/// - ``Query/ftsPrefilter()`` is then an FTS5 `MATCH` expression such that every post for which
///   `matches` is true is found by `MATCH` (a superset: the store must still call `matches`).
/// - It is `nil` when no useful superset exists (a query that is only `NOT`, fields or dates, or an
///   `OR` with such a branch): the store must then scan, usually narrowed by its own date, language
///   or platform columns.
///
/// Translation: words, phrases, hashtags and mentions become quoted FTS5 strings (FTS5 tokenizes
/// them as phrases, the same way it tokenized the document), `stem*` becomes `"stem" *`, `NEAR/n`
/// becomes `AND` of its sides (token positions differ between the two tokenizers), `AND` and `OR`
/// keep their meaning, and `NOT`, fields and dates are left to `matches` (they drop out of an `AND`).
extension Query {
    /// FTS5 `MATCH` text selecting a superset of matching posts, or `nil` when none is useful.
    public func ftsPrefilter() -> String? {
        FullTextFilter(expression, stemmed: options.stemmed).rendered
    }

    /// The text a store indexes in FTS5 for ``ftsPrefilter()`` to be a superset of ``matches(_:)``.
    public static func fullTextDocument(for post: Post) -> String {
        var parts = Tokenizer.tokenize(post.text).map(\.folded)
        parts.append(contentsOf: post.hashtags.map(TextFolding.fold))
        parts.append(contentsOf: post.mentions.map { TextFolding.fold($0.handle) })
        return parts.joined(separator: " ")
    }
}

/// A filter FTS5 can evaluate; `.everything` when a sub-query cannot narrow anything.
indirect enum FullTextFilter: Hashable {
    case everything
    /// Words that must follow each other; `prefix` makes the last one a prefix.
    case phrase([String], prefix: Bool)
    case and([FullTextFilter])
    case or([FullTextFilter])

    init(_ expression: QueryExpression, stemmed: Bool) {
        let makeFilter = { (operand: QueryExpression) in FullTextFilter(operand, stemmed: stemmed) }
        switch expression {
        case .term(let word) where stemmed: self = Self.makeStemmed(word)
        case .term(let word): self = Self.makePhrase([word], prefix: false)
        case .prefix(let stem): self = Self.makePhrase([stem], prefix: true)
        case .phrase(let words): self = Self.makePhrase(words, prefix: false)
        case .hashtag(let tag): self = Self.makePhrase([tag], prefix: false)
        case .mention(let handle): self = Self.makePhrase([handle], prefix: false)
        case .near(let left, let right, _): self = Self.makeAnd([makeFilter(left), makeFilter(right)])
        case .and(let operands): self = Self.makeAnd(operands.map(makeFilter))
        case .or(let operands):
            let filters = operands.map(makeFilter)
            self = filters.contains(.everything) ? .everything : .or(filters)
        case .not, .author, .language, .platform, .url, .site, .since, .until:
            self = .everything
        }
    }

    /// A stemmed word: words sharing its stem start with the stem less its last two letters, which
    /// Snowball may rewrite (`happy` → `happi`, `sociaux` → `social`); the agent-noun step only
    /// shortens stems. One prefix per language, joined by `OR`; too short a prefix narrows nothing.
    private static func makeStemmed(_ word: String) -> FullTextFilter {
        var prefixes: [String] = []
        for stem in QueryStemming.stems(of: word) {
            let common = String(zip(stem, word).prefix { $0 == $1 }.map(\.0))
            let prefix = String(common.prefix(max(min(common.count, stem.count - 2), 0)))
            guard prefix.count >= 2, hasIndexableCharacter(prefix) else { return .everything }
            if !prefixes.contains(prefix) { prefixes.append(prefix) }
        }
        // Keep only the shortest prefixes: a longer one that extends another adds nothing.
        let minimal = prefixes.filter { prefix in !prefixes.contains { $0 != prefix && prefix.hasPrefix($0) } }
        let filters = minimal.map { FullTextFilter.phrase([$0], prefix: true) }
        return filters.count == 1 ? filters[0] : .or(filters)
    }

    private static func makeAnd(_ filters: [FullTextFilter]) -> FullTextFilter {
        let narrowing = filters.filter { $0 != .everything }
        switch narrowing.count {
        case 0: return .everything
        case 1: return narrowing[0]
        default: return .and(narrowing)
        }
    }

    /// Words that FTS5 would tokenize to nothing (emoji, punctuation) are left out; they were left
    /// out of the indexed document too, so adjacency is preserved.
    private static func makePhrase(_ words: [String], prefix: Bool) -> FullTextFilter {
        let indexable = words.filter(hasIndexableCharacter)
        guard !indexable.isEmpty else { return .everything }
        // A prefix whose stem FTS5 cannot see cannot narrow anything.
        if prefix, let last = words.last, !hasIndexableCharacter(last) { return .everything }
        return .phrase(indexable, prefix: prefix)
    }

    /// Letters and digits are what `unicode61` keeps as token characters.
    static func hasIndexableCharacter(_ word: String) -> Bool {
        word.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber:
                return true
            default:
                return false
            }
        }
    }

    var rendered: String? {
        switch self {
        case .everything: return nil
        default: return render(nested: false)
        }
    }

    private func render(nested: Bool) -> String {
        switch self {
        case .everything:
            return ""
        case .phrase(let words, let prefix):
            let quoted = "\"" + words.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return prefix ? quoted + " *" : quoted
        case .and(let filters):
            let text = filters.map { $0.render(nested: true) }.joined(separator: " AND ")
            return nested ? "(" + text + ")" : text
        case .or(let filters):
            let text = filters.map { $0.render(nested: true) }.joined(separator: " OR ")
            return nested ? "(" + text + ")" : text
        }
    }
}
