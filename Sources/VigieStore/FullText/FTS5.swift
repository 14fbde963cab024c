import VigieCore

/// How the SQLite store lays out and spells the core's full-text plan (``QueryIndex``) in FTS5.
///
/// The table `post_fts` (tokenizer `unicode61`, contentless) has one column per
/// ``FullTextField``:
///
/// | column | field |
/// |---|---|
/// | `pos` | ``FullTextField/tokens``: every token of the text, in order |
/// | `nw` | ``FullTextField/nonWords`` |
/// | `tags` | ``FullTextField/hashtags`` |
/// | `handles` | ``FullTextField/handles`` |
/// | `sites` | ``FullTextField/sites`` |
/// | `fr`, `en` | ``FullTextField/frenchStems``, ``FullTextField/englishStems`` |
///
/// Each form becomes exactly one FTS5 token, spelled with ``encode(_:)`` (ASCII letters and
/// digits only, reversible), so FTS5 positions are token positions and no token is ever split
/// or merged by `unicode61`. ``render(_:)`` turns a ``FullTextExpression`` into a `MATCH`
/// expression over these columns.
enum FTS5 {
    /// The columns of `post_fts`, in ``FullTextField`` order.
    static let columns = FullTextField.allCases.map(column)

    static func column(_ field: FullTextField) -> String {
        switch field {
        case .tokens: return "pos"
        case .nonWords: return "nw"
        case .hashtags: return "tags"
        case .handles: return "handles"
        case .sites: return "sites"
        case .frenchStems: return "fr"
        case .englishStems: return "en"
        }
    }

    /// One FTS5 token for a folded form: `a`-`y` and digits stand for themselves, any other byte of
    /// the UTF-8 (including `z`) is `z` and two hex digits. Prefix-free, so `t*` is exact on codes.
    static func encode(_ folded: String) -> String {
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

    /// The column values of a post's document, in ``columns`` order. The order of the tokens in
    /// each column is fixed (a contentless entry is removed by restating it exactly).
    static func columnValues(of document: FullTextDocument) -> [String] {
        var pos = ""
        for token in document.tokens {
            if !pos.isEmpty { pos.append(" ") }
            pos.append(encode(token.folded))
        }
        var handles = document.handles.map(encode)
        handles.sort()
        return [
            pos,
            codes(document.nonWords),
            codes(document.hashtags),
            handles.joined(separator: " "),
            codes(document.sites),
            codes(document.stems[0]),
            codes(document.stems[1]),
        ]
    }

    /// The forms encoded and separated by spaces, in one pass (the ingest path runs it per post).
    private static func codes(_ forms: [String]) -> String {
        var text = ""
        for (index, form) in forms.enumerated() {
            if index > 0 { text.append(" ") }
            text.append(encode(form))
        }
        return text
    }

    // MARK: Expressions

    /// The `MATCH` expression of `expression`.
    static func render(_ expression: FullTextExpression) -> String {
        switch expression {
        case .phrase(let field, let forms, let prefix):
            return column(field) + " : " + phrase(forms, prefix: prefix)
        case .word(let form):
            // In `pos`, and not among the post's non-word forms.
            return "(" + render(.phrase(.tokens, [form], prefix: false)) + " NOT "
                + render(.phrase(.nonWords, [form], prefix: false)) + ")"
        case .near(let left, let right, let distance):
            return "pos : NEAR(" + phrase(left.forms, prefix: left.prefix) + " " + phrase(right.forms, prefix: right.prefix)
                + ", \(distance))"
        case .and(let operands):
            return operands.map { "(" + render($0) + ")" }.joined(separator: " AND ")
        case .or(let operands):
            return operands.map { "(" + render($0) + ")" }.joined(separator: " OR ")
        case .andNot(let kept, let excluded):
            return "(" + render(kept) + ") NOT (" + render(excluded) + ")"
        }
    }

    /// A quoted FTS5 phrase of encoded forms (codes never hold a quote), `*` for a prefix.
    private static func phrase(_ forms: [String], prefix: Bool) -> String {
        "\"" + forms.map(encode).joined(separator: " ") + "\"" + (prefix ? " *" : "")
    }

    /// The `MATCH` expression of a set, `nil` for none or all.
    static func render(_ set: FullTextSet) -> String? {
        set.expression.map(render)
    }

    /// How a plan narrows, for display: `nil` when the index narrows nothing.
    static func describe(_ plan: FullTextPlan) -> String? {
        plan.description(rendering: render)
    }

    /// Plain search: every form anywhere in the text.
    static func search(_ forms: [String]) -> String {
        forms.map { "pos : \"" + encode($0) + "\"" }.joined(separator: " AND ")
    }
}
