import Foundation

/// The full-text plan that lets a store answer most listening queries from its index alone.
///
/// A store keeps, per post, the fields of ``document(for:stems:)`` (``FullTextField``) in a
/// full-text index whose tokens are exactly the ``Tokenizer``'s: each token is one indexed form,
/// none is ever split or merged, so index positions are token positions. (The SQLite store's
/// FTS5 layout and token spelling are in `VigieStore`.)
///
/// ``plan(for:)`` bounds a query's matches from both sides with ``FullTextExpression``s: the posts
/// that surely match (with the top-level field conditions applied by the store) and the posts
/// that may, which the store loads and tests with ``Query/matches(_:)``. Words, phrases,
/// hashtags, mentions, `site:`, stemmed words and their `AND`/`OR`/`NOT` combinations are
/// **exact** (nothing to test); a wildcard leaves only the posts where a form it finds is also a
/// non-word token; `NEAR` and `url:` are tested; fields under `OR`/`NOT` make the store test
/// everything.
public enum QueryIndex {
    /// The fields of stems, in ``QueryStemming/stems(of:)`` order.
    static let stemColumns = FullTextField.stems

    /// The forms of a post by field.
    public static func document(for post: Post) -> FullTextDocument {
        var stems = StemCache()
        return document(for: post, stems: &stems)
    }

    /// Same as ``document(for:)``, with the stems of words already seen taken from `stems`.
    public static func document(for post: Post, stems: inout StemCache) -> FullTextDocument {
        let tokens = Tokenizer.tokenize(post.text)
        // Most posts have few non-word tokens: only those are compared with the words afterwards.
        var otherForms: [String] = []
        var tags: [String] = []
        var handles: [String] = []
        var hosts: [String] = []
        // Per language, the stems of the words (and hashtags) that differ from the word itself.
        var stemForms: [[String]] = Array(repeating: [], count: stemColumns.count)
        for token in tokens {
            if token.kind == .word || token.kind == .hashtag {
                let wordStems = stems.stems(of: token.folded)
                if wordStems.count == stemColumns.count {
                    for (index, stem) in wordStems.enumerated() where stem != token.folded {
                        if !stemForms[index].contains(stem) { stemForms[index].append(stem) }
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
            nonWords = Set(otherForms).subtracting(words).sorted()
        }
        tags += post.hashtags.map(TextFolding.fold)
        handles += post.mentions.map { TextFolding.fold($0.handle) }
        hosts += post.urls
        var handleForms: [String] = []
        for handle in Set(handles) {
            handleForms.append(handle)
            if let at = handle.firstIndex(of: "@"), at > handle.startIndex {
                handleForms.append(String(handle[..<at]))
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
        return FullTextDocument(tokens: tokens, nonWords: nonWords, hashtags: tags.isEmpty ? [] : Set(tags).sorted(),
                                handles: handleForms, sites: sites.isEmpty ? [] : sites.sorted(), stems: stemForms)
    }

    /// How a store answers `query` from the index (see ``FullTextPlan``). Top-level field
    /// conjuncts (`since:`, `until:`, `platform:`, `lang:`, `author:`) count as satisfied: the store
    /// applies them (``QueryFieldConditions``) to both parts of the plan.
    public static func plan(for query: Query) -> FullTextPlan {
        let bounds = Filter.translate(query.expression, stemmed: query.options.stemmed, topLevel: true)
        switch (bounds.sure, bounds.maybe) {
        case (.all, _):
            return FullTextPlan(sure: .all, tested: .none)
        case (_, .all):
            return FullTextPlan(sure: .none, tested: .all)
        case (_, .none):
            return FullTextPlan(sure: .none, tested: .none)
        case (.match(let sure), .match(let maybe)) where sure == maybe:
            return FullTextPlan(sure: .match(sure), tested: .none)
        case (.match(let sure), .match(let maybe)):
            if let rest = bounds.rest, rest != .all { return FullTextPlan(sure: .match(sure), tested: rest) }
            return FullTextPlan(sure: .match(sure), tested: .match(.andNot(maybe, sure)))
        case (.none, .match(let maybe)):
            return FullTextPlan(sure: .none, tested: .match(maybe))
        }
    }

    /// Most distinct words a plain search may hold: full-text cost grows faster than linearly with
    /// the number of ANDed words, and no one searches for more.
    public static let maxSearchWords = 64

    /// The forms plain search words look for (each anywhere in ``FullTextField/tokens``; a
    /// repeated word counts once), `nil` when the text has no token. Throws past ``maxSearchWords``.
    public static func searchForms(_ text: String) throws(QueryError) -> [String]? {
        var seen = Set<String>()
        var forms: [String] = []
        for token in Tokenizer.tokenize(text) where seen.insert(token.folded).inserted {
            guard forms.count < maxSearchWords else {
                throw QueryError(column: 1, found: "more than \(maxSearchWords) distinct words",
                                 expected: "at most \(maxSearchWords) words to search for", query: text)
            }
            forms.append(token.folded)
        }
        return forms.isEmpty ? nil : forms
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

        static func exact(_ expression: FullTextExpression) -> Filter { Filter(sure: .match(expression), maybe: .match(expression)) }

        var isExact: Bool { sure == maybe }

        static func column(_ field: FullTextField, _ form: String, prefix: Bool = false) -> FullTextExpression {
            .phrase(field, [form], prefix: prefix)
        }

        /// A word used as a word (not only as a mention, elision or link): `tokens` holds every
        /// token, `nonWords` the forms that occur only as non-words in the post.
        static func word(_ form: String) -> FullTextExpression {
            .word(form)
        }

        static func translate(_ expression: QueryExpression, stemmed: Bool, topLevel: Bool = false) -> Filter {
            switch expression {
            case .term(let word) where stemmed:
                return stemmedFilter(word)
            case .term(let word):
                return .exact(Self.word(word))
            case .prefix(let stem):
                // Every post whose `stem…` forms are all used as words matches; one where some form
                // occurs only as a mention, elision or link (rare) must be tested.
                let all = column(.tokens, stem, prefix: true)
                let nonWords = column(.nonWords, stem, prefix: true)
                return Filter(sure: .match(.andNot(all, nonWords)), maybe: .match(all),
                              rest: .match(.and([all, nonWords])))
            case .phrase(let words):
                return .exact(.phrase(.tokens, words, prefix: false))
            case .hashtag(let tag):
                return .exact(column(.hashtags, tag))
            case .mention(let handle):
                return .exact(column(.handles, handle))
            case .site(let domain):
                return .exact(column(.sites, domain))
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
                    let near = FullTextExpression.near(l, r, distance: distance)
                    let maybe = FullTextSet.and([both.maybe, .match(near)])
                    guard let clashes = nearClashes([left, right]) else { return Filter(sure: .none, maybe: maybe) }
                    if clashes.isEmpty { return .exact(near) }
                    let clash = FullTextSet.or(clashes.map { .match($0) })
                    return Filter(sure: FullTextSet.match(near).excluding(clash, widen: false), maybe: maybe,
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

        /// A NEAR operand as a phrase over `tokens`; `nil` when it has no phrase form.
        static func nearOperand(_ expression: QueryExpression, stemmed: Bool) -> FullTextPhrase? {
            switch expression {
            case .term(let word) where !stemmed: return FullTextPhrase([word])
            case .hashtag(let word): return FullTextPhrase([word])
            case .prefix(let stem): return FullTextPhrase([stem], prefix: true)
            case .phrase(let words): return FullTextPhrase(words)
            default: return nil
            }
        }

        /// The posts where a NEAR side could be found at a non-word token, as conditions:
        /// empty when no side can (phrases match tokens of any kind, as FTS5 does); `nil` when
        /// that cannot be stated (hashtag sides, which the matcher finds only as hashtags).
        ///
        /// A word or wildcard side finds word-like tokens (words, hashtags, emoji); `pos` holds
        /// mentions, elisions and links too. A mention's form is in `handles`. An elision (`l'`) or
        /// a link (`www.`, `http…`) has a form that no word-like token has (an apostrophe at the
        /// end, a dot or colon), so it is in `nonWords` whenever the post has it. Without a
        /// `handles` or `nonWords` hit for a side's form, every `tokens` position of it is a
        /// word-like token.
        static func nearClashes(_ sides: [QueryExpression]) -> [FullTextExpression]? {
            var clashes: [FullTextExpression] = []
            for side in sides {
                switch side {
                case .phrase:
                    continue
                case .term(let word):
                    clashes += [column(.handles, word), column(.nonWords, word)]
                case .prefix(let stem):
                    clashes += [column(.handles, stem, prefix: true), column(.nonWords, stem, prefix: true)]
                default:
                    return nil
                }
            }
            return clashes
        }

        /// A stemmed word finds the word itself and every word or hashtag with the same French or
        /// English stem. The stem fields hold the stems of a post's words that differ from the
        /// word; a word that is its own stem is found in `tokens`. Exact, except for a stem with
        /// characters other than letters and digits (`tokens` could then hold it as an emoji).
        static func stemmedFilter(_ word: String) -> Filter {
            let stems = QueryStemming.stems(of: word)
            guard stems.count == stemColumns.count else { return prefixStemmedFilter(word) }
            var parts: [FullTextSet] = [.match(Self.word(word))]
            var exact = true
            for (index, stem) in stems.enumerated() {
                parts.append(.match(column(stemColumns[index], stem)))
                if stem != word, QueryStemming.stems(of: stem)[index] == stem {
                    parts.append(.match(Self.word(stem)))
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
                    return .match(.phrase(.tokens, words, prefix: prefix))
                case .or(let filters): return FullTextSet.or(filters.map(render))
                case .and(let filters): return FullTextSet.and(filters.map(render))
                }
            }
            let prefixes = render(FullTextFilter(.term(word), stemmed: true))
            return Filter(sure: .none, maybe: FullTextSet.or([prefixes, .match(column(.tokens, word))]))
        }
    }
}
