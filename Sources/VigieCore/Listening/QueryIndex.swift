import Foundation

/// The full-text layout that lets a store answer most listening queries from its index alone.
///
/// A store keeps, per post, an FTS5 row (tokenizer `unicode61`) with seven columns built by
/// ``document(for:)``. Each ``Tokenizer`` token becomes exactly one FTS5 token, spelled with
/// ``encode(_:)`` (ASCII letters and digits only, reversible), so FTS5 positions are token positions
/// and no FTS5 token is ever split or merged:
///
/// | column | holds |
/// |---|---|
/// | `pos` | every token of the text, in order (all kinds, folded) |
/// | `nw` | folded forms that occur only as non-word tokens (mention, elision, link) in the post |
/// | `tags` | hashtags: from the text and from the source's list |
/// | `handles` | mention handles (text and list), plus the part before `@` of `user@instance` |
/// | `sites` | link hosts (text and list) and every parent domain (`a.lemonde.fr`, `lemonde.fr`, `fr`) |
/// | `fr`, `en` | French and English stems (``QueryStemming``) of the words and hashtags, where the stem differs from the word |
///
/// ``plan(for:)`` bounds a query's matches from both sides with FTS5 expressions: the posts that
/// surely match (with the top-level field conditions applied by the store) and the posts that may,
/// which the store loads and tests with ``Query/matches(_:)``. Words, phrases, hashtags, mentions,
/// `site:`, stemmed words and their `AND`/`OR`/`NOT` combinations are **exact** (nothing to test);
/// a wildcard leaves only the posts where a form it finds is also a non-word token; `NEAR` and
/// `url:` are tested; fields under `OR`/`NOT` make the store test everything.
public enum QueryIndex {
    public static let columns = ["pos", "nw", "tags", "handles", "sites", "fr", "en"]
    /// The columns of stems, in ``QueryStemming/stems(of:)`` order.
    static let stemColumns = ["fr", "en"]

    /// The column values for a post, in ``columns`` order.
    public static func document(for post: Post) -> [String] {
        var stems = StemCache()
        return document(for: post, stems: &stems)
    }

    /// Same as ``document(for:)``, with the stems of words already seen taken from `stems`.
    public static func document(for post: Post, stems: inout StemCache) -> [String] {
        let tokens = Tokenizer.tokenize(post.text)
        var pos = ""
        pos.reserveCapacity(post.text.utf8.count + 8)
        // Most posts have few non-word tokens: only those are compared with the words afterwards.
        var otherForms: [String] = []
        var tags: [String] = []
        var handles: [String] = []
        var hosts: [String] = []
        // Per language, the stems of the words (and hashtags) that differ from the word itself.
        var stemCodes: [[String]] = Array(repeating: [], count: stemColumns.count)
        for token in tokens {
            if !pos.isEmpty { pos.append(" ") }
            pos.append(encode(token.folded))
            if token.kind == .word || token.kind == .hashtag {
                let wordStems = stems.stems(of: token.folded)
                if wordStems.count == stemColumns.count {
                    for (index, stem) in wordStems.enumerated() where stem != token.folded {
                        let code = encode(stem)
                        if !stemCodes[index].contains(code) { stemCodes[index].append(code) }
                    }
                }
            }
            switch token.kind {
            case .word, .emoji:
                break
            case .hashtag:
                tags.append(token.folded)
            case .mention:
                otherForms.append(token.folded)
                handles.append(token.folded)
            case .elision:
                otherForms.append(token.folded)
            case .url:
                otherForms.append(token.folded)
                hosts.append(token.text)
            }
        }
        var nonWords: [String] = []
        if !otherForms.isEmpty {
            let words = Set(tokens.lazy.filter { $0.kind == .word || $0.kind == .emoji || $0.kind == .hashtag }.map(\.folded))
            nonWords = Set(otherForms).subtracting(words).sorted().map(encode)
        }
        tags += post.hashtags.map(TextFolding.fold)
        handles += post.mentions.map { TextFolding.fold($0.handle) }
        hosts += post.urls
        var handleForms: [String] = []
        for handle in Set(handles) {
            handleForms.append(encode(handle))
            if let at = handle.firstIndex(of: "@"), at > handle.startIndex {
                handleForms.append(encode(String(handle[..<at])))
            }
        }
        var sites = Set<String>()
        for link in hosts {
            guard var host = MatchDocument.host(of: link) else { continue }
            while true {
                sites.insert(host)
                guard let dot = host.firstIndex(of: ".") else { break }
                host = String(host[host.index(after: dot)...])
                if host.isEmpty { break }
            }
        }
        return [
            pos,
            nonWords.joined(separator: " "),
            tags.isEmpty ? "" : Set(tags).sorted().map(encode).joined(separator: " "),
            handleForms.sorted().joined(separator: " "),
            sites.isEmpty ? "" : sites.sorted().map(encode).joined(separator: " "),
            stemCodes[0].joined(separator: " "),
            stemCodes[1].joined(separator: " "),
        ]
    }

    /// One FTS5 token for a folded token: `a`-`y` and digits stand for themselves, any other byte of
    /// the UTF-8 (including `z`) is `z` and two hex digits. Prefix-free, so `t*` is exact on codes.
    public static func encode(_ folded: String) -> String {
        var plain = true
        for byte in folded.utf8 where !((byte >= 0x61 && byte <= 0x79) || (byte >= 0x30 && byte <= 0x39)) {
            plain = false
            break
        }
        if plain { return folded }
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(folded.utf8.count * 2)
        for byte in folded.utf8 {
            if (byte >= 0x61 && byte <= 0x79) || (byte >= 0x30 && byte <= 0x39) {
                out.append(byte)
            } else {
                out.append(0x7A)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// How a store answers `query` from the index (see ``FullTextPlan``). Top-level field
    /// conjuncts (`since:`, `until:`, `platform:`, `lang:`, `author:`) count as satisfied: the store
    /// must apply them in SQL to both parts of the plan.
    public static func plan(for query: Query) -> FullTextPlan {
        let bounds = Filter.translate(query.expression, stemmed: query.options.stemmed, topLevel: true)
        switch (bounds.sure, bounds.maybe) {
        case (.all, _):
            return FullTextPlan(sure: .all, tested: .none)
        case (_, .all):
            return FullTextPlan(sure: .none, tested: .all)
        case (_, .none):
            return FullTextPlan(sure: .none, tested: .none)
        case (.fts(let sure), .fts(let maybe)) where sure == maybe:
            return FullTextPlan(sure: .fts(sure), tested: .none)
        case (.fts(let sure), .fts(let maybe)):
            if let rest = bounds.rest, rest != .all { return FullTextPlan(sure: .fts(sure), tested: rest) }
            return FullTextPlan(sure: .fts(sure), tested: .fts("(" + maybe + ") NOT (" + sure + ")"))
        case (.none, .fts(let maybe)):
            return FullTextPlan(sure: .none, tested: .fts(maybe))
        }
    }

    /// Most distinct words a plain search may hold: FTS5's cost grows faster than linearly with
    /// the number of ANDed words, and no one searches for more.
    public static let maxSearchWords = 64

    /// The FTS5 expression for plain search words (each token anywhere in the text; a repeated
    /// word counts once); `nil` when the text holds no word. Throws past ``maxSearchWords``.
    public static func searchFilter(_ text: String) throws(QueryError) -> String? {
        var seen = Set<String>()
        var parts: [String] = []
        for token in Tokenizer.tokenize(text) where seen.insert(token.folded).inserted {
            guard parts.count < maxSearchWords else {
                throw QueryError(column: 1, found: "more than \(maxSearchWords) distinct words",
                                 expected: "at most \(maxSearchWords) words to search for", query: text)
            }
            parts.append("pos : \"" + encode(token.folded) + "\"")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " AND ")
    }
}

/// How a store runs a query with the index of ``QueryIndex``: the posts of `sure` match without
/// being tested, those of `tested` (disjoint from `sure`) must each be tested with
/// ``Query/matches(_:)``; both with the query's top-level field conditions applied in SQL.
/// The plan is exact when nothing is left to test.
public struct FullTextPlan: Sendable, Hashable {
    public var sure: FullTextSet
    public var tested: FullTextSet

    public var exact: Bool { tested == .none }
}

/// A set of posts an FTS5 expression can state: none, all, or the posts a `MATCH` expression selects.
public enum FullTextSet: Sendable, Hashable {
    case none
    case all
    case fts(String)

    var text: String? { if case .fts(let text) = self { text } else { nil } }
}

extension FullTextSet {
    static func and(_ parts: [FullTextSet]) -> FullTextSet {
        if parts.contains(.none) { return .none }
        let texts = parts.compactMap { part -> String? in if case .fts(let text) = part { text } else { nil } }
        switch texts.count {
        case 0: return .all
        case 1: return .fts(texts[0])
        default: return .fts(texts.map { "(" + $0 + ")" }.joined(separator: " AND "))
        }
    }

    static func or(_ parts: [FullTextSet]) -> FullTextSet {
        if parts.contains(.all) { return .all }
        var texts: [String] = []
        var seen = Set<String>()
        for case .fts(let text) in parts where seen.insert(text).inserted { texts.append(text) }
        switch texts.count {
        case 0: return .none
        case 1: return .fts(texts[0])
        default: return .fts(texts.map { "(" + $0 + ")" }.joined(separator: " OR "))
        }
    }

    /// `self` without `other`; FTS5 cannot state "all posts but …", so `widen` says which way
    /// to err: `true` gives a superset (all), `false` a subset (none).
    func excluding(_ other: FullTextSet, widen: Bool) -> FullTextSet {
        switch (self, other) {
        case (.none, _): return .none
        case (_, .none): return self
        case (_, .all): return .none
        case (.all, .fts): return widen ? .all : .none
        case (.fts(let text), .fts(let excluded)): return .fts("(" + text + ") NOT (" + excluded + ")")
        }
    }
}

extension QueryIndex {
    /// Two bounds on the posts an expression matches: every post in `sure` matches, every match is
    /// in `maybe`. Equal bounds are an exact answer.
    struct Filter {
        var sure: FullTextSet
        var maybe: FullTextSet
        /// `maybe` without `sure` when a cheaper expression than `maybe NOT sure` states it.
        var rest: FullTextSet?

        static let unknown = Filter(sure: .none, maybe: .all)

        init(sure: FullTextSet, maybe: FullTextSet, rest: FullTextSet? = nil) {
            self.sure = sure
            self.maybe = maybe
            self.rest = rest
        }

        static func exact(_ text: String) -> Filter { Filter(sure: .fts(text), maybe: .fts(text)) }

        var isExact: Bool { sure == maybe }

        static func column(_ name: String, _ code: String, prefix: Bool = false) -> String {
            name + " : \"" + code + "\"" + (prefix ? " *" : "")
        }

        /// A word used as a word (not only as a mention, elision or link): `pos` holds every token,
        /// `nw` the forms that occur only as non-words in the post.
        static func word(_ code: String) -> String {
            "(" + column("pos", code) + " NOT " + column("nw", code) + ")"
        }

        static func translate(_ expression: QueryExpression, stemmed: Bool, topLevel: Bool = false) -> Filter {
            switch expression {
            case .term(let word) where stemmed:
                return stemmedFilter(word)
            case .term(let word):
                return .exact(Self.word(encode(word)))
            case .prefix(let stem):
                // Every post whose `stem…` forms are all used as words matches; one where some form
                // occurs only as a mention, elision or link (rare) must be tested.
                let code = encode(stem)
                let all = column("pos", code, prefix: true)
                let nonWords = column("nw", code, prefix: true)
                return Filter(sure: .fts("(" + all + ") NOT (" + nonWords + ")"), maybe: .fts(all),
                              rest: .fts("(" + all + ") AND (" + nonWords + ")"))
            case .phrase(let words):
                return .exact("pos : \"" + words.map(encode).joined(separator: " ") + "\"")
            case .hashtag(let tag):
                return .exact(column("tags", encode(tag)))
            case .mention(let handle):
                return .exact(column("handles", encode(handle)))
            case .site(let domain):
                return .exact(column("sites", encode(domain)))
            case .url:
                return .unknown
            case .since, .until, .platform, .language, .author:
                return topLevel ? Filter(sure: .all, maybe: .all) : .unknown
            case .near(let left, let right, let distance):
                let both = translate(.and([left, right]), stemmed: stemmed)
                if let l = nearOperand(left, stemmed: stemmed), let r = nearOperand(right, stemmed: stemmed) {
                    // Positions are token positions, and FTS5's NEAR measures what the matcher does
                    // (tokens between the two spans, either order). A superset only because `pos`
                    // also holds the non-word tokens, which a word or wildcard side must not find.
                    let near = FullTextSet.fts("pos : NEAR(" + l + " " + r + ", \(distance))")
                    let maybe = FullTextSet.and([both.maybe, near])
                    guard let clashes = nearClashes([left, right]) else { return Filter(sure: .none, maybe: maybe) }
                    if clashes.isEmpty { return .exact(near.text ?? "") }
                    let clash = FullTextSet.or(clashes.map { .fts($0) })
                    return Filter(sure: near.excluding(clash, widen: false), maybe: maybe,
                                  rest: FullTextSet.and([maybe, clash]))
                }
                return Filter(sure: .none, maybe: both.maybe)
            case .not(let operand):
                let inner = translate(operand, stemmed: stemmed)
                return Filter(sure: FullTextSet.all.excluding(inner.maybe, widen: false),
                              maybe: FullTextSet.all.excluding(inner.sure, widen: true))
            case .and(let operands):
                var sure: [FullTextSet] = []
                var maybe: [FullTextSet] = []
                var rests: [FullTextSet?] = []
                var negatives: [Filter] = []
                for operand in operands {
                    if case .not(let inner) = operand {
                        negatives.append(translate(inner, stemmed: stemmed))
                        continue
                    }
                    let filter = translate(operand, stemmed: stemmed, topLevel: topLevel && isField(operand))
                    sure.append(filter.sure)
                    maybe.append(filter.maybe)
                    rests.append(filter.rest)
                }
                var result = Filter(sure: FullTextSet.and(sure), maybe: FullTextSet.and(maybe))
                // One inexact operand with a known rest, the others exact: the rest is its rest
                // with the others (`renouvel* lang:fr`, `cycl* NOT lyon`).
                let inexact = sure.indices.filter { sure[$0] != maybe[$0] }
                if inexact.count == 1, let rest = rests[inexact[0]], negatives.allSatisfy(\.isExact) {
                    var others = maybe
                    others[inexact[0]] = rest
                    result.rest = FullTextSet.and(others)
                }
                for negative in negatives {
                    result.sure = result.sure.excluding(negative.maybe, widen: false)
                    result.maybe = result.maybe.excluding(negative.sure, widen: true)
                    result.rest = result.rest?.excluding(negative.sure, widen: true)
                }
                return result
            case .or(let operands):
                let filters = operands.map { translate($0, stemmed: stemmed) }
                return Filter(sure: FullTextSet.or(filters.map(\.sure)), maybe: FullTextSet.or(filters.map(\.maybe)))
            }
        }

        static func isField(_ expression: QueryExpression) -> Bool {
            switch expression {
            case .since, .until, .platform, .language, .author: return true
            default: return false
            }
        }

        /// A NEAR operand as an FTS5 phrase over `pos`; `nil` when it has no phrase form.
        static func nearOperand(_ expression: QueryExpression, stemmed: Bool) -> String? {
            switch expression {
            case .term(let word) where !stemmed: return "\"" + encode(word) + "\""
            case .hashtag(let word): return "\"" + encode(word) + "\""
            case .prefix(let stem): return "\"" + encode(stem) + "\" *"
            case .phrase(let words): return "\"" + words.map(encode).joined(separator: " ") + "\""
            default: return nil
            }
        }

        /// The posts where a NEAR side could be found at a non-word token, as FTS5 conditions:
        /// empty when no side can (phrases match tokens of any kind, as FTS5 does); `nil` when
        /// that cannot be stated (hashtag sides, which the matcher finds only as hashtags).
        ///
        /// A word or wildcard side finds word-like tokens (words, hashtags, emoji); `pos` holds
        /// mentions, elisions and links too. A mention's form is in `handles`. An elision (`l'`) or
        /// a link (`www.`, `http…`) has a form that no word-like token has (an apostrophe at the
        /// end, a dot or colon), so it is in `nw` whenever the post has it. Without a `handles` or
        /// `nw` hit for a side's code, every `pos` position of it is a word-like token.
        static func nearClashes(_ sides: [QueryExpression]) -> [String]? {
            var clashes: [String] = []
            for side in sides {
                switch side {
                case .phrase:
                    continue
                case .term(let word):
                    let code = encode(word)
                    clashes += [column("handles", code), column("nw", code)]
                case .prefix(let stem):
                    let code = encode(stem)
                    clashes += [column("handles", code, prefix: true), column("nw", code, prefix: true)]
                default:
                    return nil
                }
            }
            return clashes
        }

        /// A stemmed word finds the word itself and every word or hashtag with the same French or
        /// English stem. The `fr` and `en` columns hold the stems of a post's words that differ from
        /// the word; a word that is its own stem is found in `pos`. Exact, except for a stem with
        /// characters other than letters and digits (`pos` could then hold it as an emoji).
        static func stemmedFilter(_ word: String) -> Filter {
            let stems = QueryStemming.stems(of: word)
            guard stems.count == stemColumns.count else { return prefixStemmedFilter(word) }
            var parts: [FullTextSet] = [.fts(Self.word(encode(word)))]
            var exact = true
            for (index, stem) in stems.enumerated() {
                parts.append(.fts(column(stemColumns[index], encode(stem))))
                if stem != word, QueryStemming.stems(of: stem)[index] == stem {
                    parts.append(.fts(Self.word(encode(stem))))
                    if !stem.unicodeScalars.allSatisfy(isLetterOrDigit) { exact = false }
                }
            }
            let maybe = FullTextSet.or(parts)
            return Filter(sure: exact ? maybe : .none, maybe: maybe)
        }

        static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .nonspacingMark, .spacingMark:
                return true
            default:
                return false
            }
        }

        /// Without both stemmers: words sharing a stem start with the same prefix (see
        /// ``FullTextFilter``), a superset; `.unknown` when the prefix is too short.
        static func prefixStemmedFilter(_ word: String) -> Filter {
            func render(_ filter: FullTextFilter) -> FullTextSet {
                switch filter {
                case .everything: return .all
                case .phrase(let words, let prefix):
                    return .fts(column("pos", words.map(encode).joined(separator: " "), prefix: prefix))
                case .or(let filters): return FullTextSet.or(filters.map(render))
                case .and(let filters): return FullTextSet.and(filters.map(render))
                }
            }
            let prefixes = render(FullTextFilter(.term(word), stemmed: true))
            return Filter(sure: .none, maybe: FullTextSet.or([prefixes, .fts(column("pos", encode(word)))]))
        }
    }
}
