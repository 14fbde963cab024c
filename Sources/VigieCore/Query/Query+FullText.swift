import Foundation

/// A coarse full-text filter of a query: a superset of its matches stated with words and
/// prefixes only, for an index over ``Query/fullTextDocument(for:)`` whose tokenizer splits on
/// anything but letters and digits (as SQLite FTS5's `unicode61` does). ``QueryIndex`` uses it
/// for stemmed words when no stemmer can answer exactly.
///
/// Translation: words, phrases, hashtags and mentions become phrases (tokenized by the index the
/// way it tokenized the document), `stem*` a prefix, `NEAR/n` the `AND` of its sides (token
/// positions differ between the two tokenizers), `AND` and `OR` keep their meaning, and `NOT`,
/// fields and dates are left to ``Query/matches(_:)`` (they drop out of an `AND`).
extension Query {
    /// A filter selecting a superset of the matching posts, `nil` when none narrows anything (a
    /// query that is only `NOT`, fields or dates, or an `OR` with such a branch).
    public func fullTextFilter() -> FullTextFilter? {
        let filter = FullTextFilter(expression, stemmed: options.stemmed)
        return filter == .everything ? nil : filter
    }

    /// The text a store indexes for ``fullTextFilter()`` to be a superset of ``matches(_:)``: the
    /// folded tokens of the text, then the post's hashtags and mention handles, separated by spaces.
    public static func fullTextDocument(for post: Post) -> String {
        var parts = Tokenizer.tokenize(post.text).map(\.folded)
        parts.append(contentsOf: post.hashtags.map(TextFolding.fold))
        parts.append(contentsOf: post.mentions.map { TextFolding.fold($0.handle) })
        return parts.joined(separator: " ")
    }
}

/// A filter a word index can evaluate; `.everything` when a sub-query cannot narrow anything.
public indirect enum FullTextFilter: Sendable, Hashable {
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

    /// Words the index would tokenize to nothing (emoji, punctuation) are left out; they were left
    /// out of the indexed document too, so adjacency is preserved.
    private static func makePhrase(_ words: [String], prefix: Bool) -> FullTextFilter {
        let indexable = words.filter(hasIndexableCharacter)
        guard !indexable.isEmpty else { return .everything }
        // A prefix whose stem the index cannot see cannot narrow anything.
        if prefix, let last = words.last, !hasIndexableCharacter(last) { return .everything }
        return .phrase(indexable, prefix: prefix)
    }

    /// Letters and digits are what the index keeps as token characters (`unicode61`'s rule).
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
}
