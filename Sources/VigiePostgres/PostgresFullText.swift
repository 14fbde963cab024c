import VigieCore

/// How the PostgreSQL store spells the core's full-text plan (``QueryIndex``) with `tsvector`
/// and `tsquery`.
///
/// `post.document` holds every form of the post's ``FullTextDocument`` as one lexeme: the
/// field's code (a digit, ``code(_:)``) followed by the folded form, with its position in the
/// field (token positions for ``FullTextField/tokens``, so phrases and `NEAR` are positional).
/// The lexemes are written as a `tsvector` literal, never parsed by a text-search
/// configuration, so no form is ever split, stemmed or merged: `tsquery` lexemes compare with
/// them exactly, and a prefix (`:*`) is a prefix of the form within its field.
///
/// ``render(_:)`` turns a ``FullTextExpression`` into a `tsquery`:
///
/// | expression | tsquery |
/// |---|---|
/// | phrase of one form | `'0velo'` (`'0vel':*` for a prefix) |
/// | phrase of several forms | `'0a' <-> '0b'` |
/// | word | `('0x' & !'1x')` |
/// | near(L, R, n) | one chain per start of R relative to L within reach, overlaps included (`a <0> b`: same position) |
/// | and, or, andNot | `&`, `\|`, `& !` |
enum PostgresFullText {
    /// PostgreSQL keeps positions up to this; later tokens share it (a phrase past it is then
    /// found by the tested path only, which is why such rare posts stay exact: see `render`).
    static let maximumPosition = 16_383
    /// Lexemes longer than this (bytes) are refused by PostgreSQL: they are left out.
    static let maximumLexemeBytes = 2_000

    static func code(_ field: FullTextField) -> String { String(field.rawValue) }

    /// The `tsvector` literal of a post's document.
    static func vector(_ document: FullTextDocument) -> String {
        var text = ""
        text.reserveCapacity(document.tokens.count * 12)
        func add(_ field: FullTextField, _ form: String, _ position: Int) {
            guard !form.isEmpty, form.utf8.count <= maximumLexemeBytes else { return }
            if !text.isEmpty { text.append(" ") }
            text.append(quoted(code(field) + form))
            text.append(":")
            text.append(String(min(position, maximumPosition)))
        }
        for (index, token) in document.tokens.enumerated() { add(.tokens, token.folded, index + 1) }
        for field in FullTextField.allCases where field != .tokens {
            for (index, form) in document.forms(of: field).enumerated() { add(field, form, index + 1) }
        }
        return text
    }

    /// A lexeme in quotes, as both `tsvector` and `tsquery` input read it.
    static func quoted(_ lexeme: String) -> String {
        var out = "'"
        for character in lexeme {
            switch character {
            case "'": out.append("''")
            case "\\": out.append("\\\\")
            default: out.append(character)
            }
        }
        out.append("'")
        return out
    }

    /// The `tsquery` text of `expression`.
    static func render(_ expression: FullTextExpression) -> String {
        switch expression {
        case .phrase(let field, let forms, let prefix):
            return phrase(field, forms, prefix: prefix)
        case .word(let form):
            return "(" + phrase(.tokens, [form], prefix: false) + " & !" + phrase(.nonWords, [form], prefix: false) + ")"
        case .near(let left, let right, let distance):
            return near(left, right, distance: max(distance, 0))
        case .and(let operands):
            return "(" + operands.map(render).joined(separator: " & ") + ")"
        case .or(let operands):
            return "(" + operands.map(render).joined(separator: " | ") + ")"
        case .andNot(let kept, let excluded):
            return "(" + render(kept) + " & !" + render(excluded) + ")"
        }
    }

    /// `NEAR/n` as the matcher measures it: at most `n` tokens strictly between the two spans,
    /// in either order, overlapping spans counting as adjacent (`velo NEAR/0 vel*` finds a lone
    /// `velo`). Every start of the right side relative to the left one that satisfies this is one
    /// alternative; each alternative is a chain of positions, where lexemes sharing a position are
    /// joined with `<0>` and consecutive positions with `<g>` (g the gap).
    private static func near(_ left: FullTextPhrase, _ right: FullTextPhrase, distance: Int) -> String {
        func lexemes(_ side: FullTextPhrase) -> [String] {
            side.forms.enumerated().map { index, form in
                quoted(code(.tokens) + form) + (side.prefix && index == side.forms.count - 1 ? ":*" : "")
            }
        }
        let l = lexemes(left), r = lexemes(right)
        guard !l.isEmpty, !r.isEmpty else { return "(" + phrase(.tokens, left.forms + right.forms, prefix: false) + ")" }
        var alternatives: [String] = []
        // offset = right start - left start; tokens between = max(offset - |l|, -offset - |r|).
        for offset in -(distance + r.count)...(distance + l.count) {
            var atPosition: [Int: [String]] = [:]
            for (index, lexeme) in l.enumerated() { atPosition[index, default: []].append(lexeme) }
            for (index, lexeme) in r.enumerated() { atPosition[offset + index, default: []].append(lexeme) }
            let positions = atPosition.keys.sorted()
            var chain = ""
            for (index, position) in positions.enumerated() {
                let group = atPosition[position]!
                let term = group.count == 1 ? group[0] : "(" + group.joined(separator: " <0> ") + ")"
                chain = index == 0 ? term : "(" + chain + " <\(position - positions[index - 1])> " + term + ")"
            }
            alternatives.append(chain)
        }
        return "(" + alternatives.joined(separator: " | ") + ")"
    }

    private static func phrase(_ field: FullTextField, _ forms: [String], prefix: Bool) -> String {
        let parts = forms.enumerated().map { index, form in
            quoted(code(field) + form) + (prefix && index == forms.count - 1 ? ":*" : "")
        }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " <-> ") + ")"
    }

    /// The `tsquery` of a set, `nil` for none or all.
    static func render(_ set: FullTextSet) -> String? {
        set.expression.map(render)
    }

    /// How a plan narrows, for display: `nil` when the index narrows nothing.
    static func describe(_ plan: FullTextPlan) -> String? {
        plan.description(rendering: render)
    }

    /// Plain search: every form anywhere in the text.
    static func search(_ forms: [String]) -> String {
        forms.map { phrase(.tokens, [$0], prefix: false) }.joined(separator: " & ")
    }
}
