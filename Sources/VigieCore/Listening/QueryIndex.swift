import Foundation

/// The full-text layout that lets a store answer most listening queries from its index alone.
///
/// A store keeps, per post, an FTS5 row (tokenizer `unicode61`) with five columns built by
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
///
/// ``filter(for:)`` translates a query into an FTS5 expression and says whether it is **exact**:
/// then the posts it selects (with the top-level field conditions applied by the store) are exactly
/// those ``Query/matches(_:)`` accepts, and the store need not load and test each one. Otherwise it
/// is a superset and the store tests every candidate. Words, phrases, hashtags, mentions, `site:`,
/// and their `AND`/`OR`/`NOT` combinations are exact; `NEAR`, wildcards, the stemmed mode, `url:`
/// and fields under `OR`/`NOT` are supersets (the latter two select everything).
public enum QueryIndex {
    public static let columns = ["pos", "nw", "tags", "handles", "sites"]

    /// The five column values for a post, in ``columns`` order.
    public static func document(for post: Post) -> [String] {
        let tokens = Tokenizer.tokenize(post.text)
        var pos = ""
        pos.reserveCapacity(post.text.utf8.count + 8)
        // Most posts have few non-word tokens: only those are compared with the words afterwards.
        var otherForms: [String] = []
        var tags: [String] = []
        var handles: [String] = []
        var hosts: [String] = []
        for token in tokens {
            if !pos.isEmpty { pos.append(" ") }
            pos.append(encode(token.folded))
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

    /// An FTS5 `MATCH` expression over the columns, or `nil` when nothing narrows (scan), and
    /// whether it is exact (see the type's documentation). Top-level field conjuncts (`since:`,
    /// `until:`, `platform:`, `lang:`, `author:`) count as exact: the store must apply them in SQL.
    public static func filter(for query: Query) -> (expression: String?, exact: Bool) {
        let translated = Filter.translate(query.expression, stemmed: query.options.stemmed, topLevel: true)
        return (translated.text, translated.exact)
    }

    /// The FTS5 expression for plain search words (each token anywhere in the text).
    public static func searchFilter(_ text: String) -> String? {
        let tokens = Tokenizer.tokenize(text)
        guard !tokens.isEmpty else { return nil }
        return tokens.map { "pos : \"" + encode($0.folded) + "\"" }.joined(separator: " AND ")
    }

    struct Filter {
        /// `nil`: selects everything.
        var text: String?
        var exact: Bool

        static let everything = Filter(text: nil, exact: false)

        static func column(_ name: String, _ code: String, prefix: Bool = false) -> String {
            name + " : \"" + code + "\"" + (prefix ? " *" : "")
        }

        static func translate(_ expression: QueryExpression, stemmed: Bool, topLevel: Bool = false) -> Filter {
            switch expression {
            case .term(let word) where stemmed:
                return Filter(text: stemmedText(word), exact: false)
            case .term(let word):
                let code = encode(word)
                return Filter(text: "(" + column("pos", code) + " NOT " + column("nw", code) + ")", exact: true)
            case .prefix(let stem):
                return Filter(text: column("pos", encode(stem), prefix: true), exact: false)
            case .phrase(let words):
                return Filter(text: "pos : \"" + words.map(encode).joined(separator: " ") + "\"", exact: true)
            case .hashtag(let tag):
                return Filter(text: column("tags", encode(tag)), exact: true)
            case .mention(let handle):
                return Filter(text: column("handles", encode(handle)), exact: true)
            case .site(let domain):
                return Filter(text: column("sites", encode(domain)), exact: true)
            case .url:
                return .everything
            case .since, .until, .platform, .language, .author:
                return Filter(text: nil, exact: topLevel)
            case .near(let left, let right, let distance):
                if let l = nearOperand(left, stemmed: stemmed), let r = nearOperand(right, stemmed: stemmed) {
                    return Filter(text: "pos : NEAR(" + l + " " + r + ", \(distance))", exact: false)
                }
                let both = translate(.and([left, right]), stemmed: stemmed)
                return Filter(text: both.text, exact: false)
            case .not:
                // Alone, NOT narrows nothing; under AND it is applied there.
                return .everything
            case .and(let operands):
                var positives: [String] = []
                var exact = true
                var negatives: [String] = []
                for operand in operands {
                    if case .not(let inner) = operand {
                        let negated = translate(inner, stemmed: stemmed)
                        if let text = negated.text, negated.exact {
                            negatives.append(text)
                        } else {
                            exact = false
                        }
                        continue
                    }
                    let filter = translate(operand, stemmed: stemmed, topLevel: topLevel && isField(operand))
                    exact = exact && filter.exact
                    if let text = filter.text { positives.append("(" + text + ")") }
                }
                guard !positives.isEmpty else {
                    // Only fields and negations: nothing for FTS5 to start from.
                    return Filter(text: nil, exact: exact && negatives.isEmpty)
                }
                var text = positives.joined(separator: " AND ")
                for negative in negatives { text = "(" + text + ") NOT (" + negative + ")" }
                return Filter(text: text, exact: exact)
            case .or(let operands):
                var parts: [String] = []
                var exact = true
                for operand in operands {
                    let filter = translate(operand, stemmed: stemmed)
                    guard let text = filter.text else { return .everything }
                    exact = exact && filter.exact
                    parts.append("(" + text + ")")
                }
                return Filter(text: parts.joined(separator: " OR "), exact: exact)
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

        /// Words sharing a stem start with the same prefix (see ``FullTextFilter``); `nil` when too short.
        static func stemmedText(_ word: String) -> String? {
            func render(_ filter: FullTextFilter) -> String? {
                switch filter {
                case .everything: return nil
                case .phrase(let words, let prefix):
                    return column("pos", words.map(encode).joined(separator: " "), prefix: prefix)
                case .or(let filters):
                    var parts: [String] = []
                    for filter in filters {
                        guard let text = render(filter) else { return nil }
                        parts.append("(" + text + ")")
                    }
                    return parts.joined(separator: " OR ")
                case .and(let filters):
                    let parts = filters.compactMap(render)
                    return parts.isEmpty ? nil : parts.map { "(" + $0 + ")" }.joined(separator: " AND ")
                }
            }
            // The exact word itself is one of the forms a stemmed term finds.
            guard let stems = render(FullTextFilter(.term(word), stemmed: true)) else { return nil }
            return "(" + stems + ") OR (" + column("pos", encode(word)) + ")"
        }
    }
}
