/// The fields of a post's full-text document (``FullTextDocument``): what a store indexes so that
/// ``QueryIndex/plan(for:)`` answers most listening queries from its index alone. Each holds
/// folded forms (``Token/folded``); how a store spells them and lays them out is its own
/// business (FTS5 columns for SQLite).
public enum FullTextField: Int, Sendable, Hashable, CaseIterable {
    /// Every token of the text, in order (all kinds): positions count here (phrases, `NEAR`).
    case tokens
    /// Forms that occur only as non-word tokens (mention, elision, link) in the post.
    case nonWords
    /// Hashtags, from the text and from the source's list.
    case hashtags
    /// Mention handles (text and list), plus the part before `@` of `user@instance`.
    case handles
    /// Link hosts (text and list) and every parent domain (`a.lemonde.fr`, `lemonde.fr`, `fr`).
    case sites
    /// French stems (``QueryStemming``) of the words and hashtags, where the stem differs from the word.
    case frenchStems
    /// English stems, likewise.
    case englishStems

    /// The stem fields, in ``QueryStemming/stems(of:)`` order.
    public static let stems: [FullTextField] = [.frenchStems, .englishStems]
}

/// The forms of one post by ``FullTextField``, built by ``QueryIndex/document(for:stems:)``.
/// Lists keep the order (and, for handles, the repeats) a store must index them in, so that an
/// entry it later removes is stated exactly as it was added.
public struct FullTextDocument: Sendable, Hashable {
    /// ``FullTextField/tokens``: the text's tokens in order.
    public var tokens: [Token]
    /// ``FullTextField/nonWords``, sorted.
    public var nonWords: [String]
    /// ``FullTextField/hashtags``, distinct, sorted.
    public var hashtags: [String]
    /// ``FullTextField/handles``: each distinct handle, then its part before `@` when it has one
    /// (which may repeat another handle); unsorted.
    public var handles: [String]
    /// ``FullTextField/sites``, distinct, sorted.
    public var sites: [String]
    /// Per stem field (``FullTextField/stems`` order), distinct stems, first seen first.
    public var stems: [[String]]

    public init(tokens: [Token], nonWords: [String], hashtags: [String], handles: [String], sites: [String],
                stems: [[String]]) {
        self.tokens = tokens
        self.nonWords = nonWords
        self.hashtags = hashtags
        self.handles = handles
        self.sites = sites
        self.stems = stems
    }

    /// The forms of one field, in the order above.
    public func forms(of field: FullTextField) -> [String] {
        switch field {
        case .tokens: return tokens.map(\.folded)
        case .nonWords: return nonWords
        case .hashtags: return hashtags
        case .handles: return handles
        case .sites: return sites
        case .frenchStems: return stems[0]
        case .englishStems: return stems[1]
        }
    }
}

/// A full-text condition over the fields of ``FullTextDocument``, as an abstract tree: each store
/// renders it in its own index's language (an FTS5 `MATCH` expression for SQLite).
public indirect enum FullTextExpression: Sendable, Hashable {
    /// Folded forms that follow each other in one field (one form: that form anywhere in it);
    /// with `prefix`, the last one stands for every form it begins.
    case phrase(FullTextField, [String], prefix: Bool)
    /// A word used as a word: in ``FullTextField/tokens`` and not among the post's
    /// ``FullTextField/nonWords``.
    case word(String)
    /// Two phrases of ``FullTextField/tokens`` with at most `distance` tokens between them, in
    /// either order.
    case near(FullTextPhrase, FullTextPhrase, distance: Int)
    case and([FullTextExpression])
    case or([FullTextExpression])
    /// The posts of the first without those of the second.
    case andNot(FullTextExpression, FullTextExpression)
}

/// One side of a ``FullTextExpression/near(_:_:distance:)``: forms in sequence in
/// ``FullTextField/tokens``, the last a prefix when `prefix`.
public struct FullTextPhrase: Sendable, Hashable {
    public var forms: [String]
    public var prefix: Bool

    public init(_ forms: [String], prefix: Bool = false) {
        self.forms = forms
        self.prefix = prefix
    }
}

/// How a store runs a query with the index of ``QueryIndex``: the posts of `sure` match without
/// being tested, those of `tested` (disjoint from `sure`) must each be tested with
/// ``Query/matches(_:)``; both with the query's top-level field conditions
/// (``QueryFieldConditions``) applied by the store. The plan is exact when nothing is left to test.
public struct FullTextPlan: Sendable, Hashable {
    public var sure: FullTextSet
    public var tested: FullTextSet

    public init(sure: FullTextSet, tested: FullTextSet) {
        self.sure = sure
        self.tested = tested
    }

    public var exact: Bool { tested == .none }

    /// How the plan narrows, for display, each set written by `render` (a backend's query
    /// syntax): `nil` when the index narrows nothing.
    public func description(rendering render: (FullTextExpression) -> String) -> String? {
        switch (sure, tested) {
        case (.match(let sure), .none): return render(sure)
        case (.match(let sure), .match(let tested)): return "sure: " + render(sure) + " | tested: " + render(tested)
        case (.none, .match(let tested)): return render(tested)
        case (.all, _), (_, .all), (.none, .none): return nil
        }
    }
}

/// A set of posts a full-text condition can state: none, all, or the posts an expression selects.
public enum FullTextSet: Sendable, Hashable {
    case none
    case all
    case match(FullTextExpression)

    public var expression: FullTextExpression? { if case .match(let expression) = self { expression } else { nil } }
}

extension FullTextSet {
    static func and(_ parts: [FullTextSet]) -> FullTextSet {
        if parts.contains(.none) { return .none }
        let expressions = parts.compactMap(\.expression)
        switch expressions.count {
        case 0: return .all
        case 1: return .match(expressions[0])
        default: return .match(.and(expressions))
        }
    }

    static func or(_ parts: [FullTextSet]) -> FullTextSet {
        if parts.contains(.all) { return .all }
        var expressions: [FullTextExpression] = []
        for case .match(let expression) in parts where !expressions.contains(expression) { expressions.append(expression) }
        switch expressions.count {
        case 0: return .none
        case 1: return .match(expressions[0])
        default: return .match(.or(expressions))
        }
    }

    /// `self` without `other`; an index cannot state "all posts but …", so `widen` says which
    /// way to err: `true` gives a superset (all), `false` a subset (none).
    func excluding(_ other: FullTextSet, widen: Bool) -> FullTextSet {
        switch (self, other) {
        case (.none, _): return .none
        case (_, .none): return self
        case (_, .all): return .none
        case (.all, .match): return widen ? .all : .none
        case (.match(let kept), .match(let excluded)): return .match(.andNot(kept, excluded))
        }
    }
}
