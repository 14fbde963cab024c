import Foundation

/// The field conditions at the top of a query (`since:`, `until:`, `platform:`, `lang:` and
/// `author:` as conjuncts), which every match satisfies: a store applies them with its own columns
/// to both parts of a ``FullTextPlan``. The matcher's rules for languages and handles are given
/// here as data and functions, so a store states them without copying them.
///
/// ```swift
/// let fields = QueryFieldConditions(query, since: request.since)
/// for code in fields.languages {   // language = code, or starting with a subtag prefix
///     let prefixes = QueryFieldConditions.languageSubtagPrefixes(of: code)
/// }
/// ```
public struct QueryFieldConditions: Sendable, Hashable {
    /// The latest `since:` (and the caller's), inclusive.
    public var since: Date?
    /// The earliest `until:` (and the caller's), exclusive.
    public var until: Date?
    public var platforms: [Platform] = []
    /// Language codes (lowercase), each to satisfy with ``language(_:matches:)``.
    public var languages: [String] = []
    /// Handles (folded), each to satisfy with ``handle(_:matches:)`` on the author's
    /// ``comparableHandle(_:)``.
    public var authors: [String] = []
    /// What the matcher reads of a post besides its text, language and platform, so that a store
    /// loads only that for the posts it tests.
    public var readsHashtags = false
    public var readsMentions = false
    public var readsLinks = false
    public var readsAuthorHandle = false

    /// The conditions of `query`, narrowed by the caller's own date range.
    public init(_ query: Query, since: Date? = nil, until: Date? = nil) {
        self.since = since
        self.until = until
        let conjuncts: [QueryExpression]
        if case .and(let operands) = query.expression { conjuncts = operands } else { conjuncts = [query.expression] }
        for conjunct in conjuncts {
            switch conjunct {
            case .since(let date): self.since = max(self.since ?? .distantPast, date)
            case .until(let date): self.until = min(self.until ?? .distantFuture, date)
            case .platform(let platform): platforms.append(platform)
            case .language(let code): languages.append(code)
            case .author(let handle): authors.append(handle)
            default: break
            }
        }
        collectReads(query.expression)
    }

    private mutating func collectReads(_ expression: QueryExpression) {
        switch expression {
        case .hashtag: readsHashtags = true
        case .mention: readsMentions = true
        case .url, .site: readsLinks = true
        case .author: readsAuthorHandle = true
        case .near(let left, let right, _):
            collectReads(left)
            collectReads(right)
        case .not(let operand): collectReads(operand)
        case .and(let operands), .or(let operands): operands.forEach { collectReads($0) }
        default: break
        }
    }

    // MARK: The matcher's rules

    /// `lang:code` admits a language (lowercased) equal to `code` or beginning with one of these:
    /// a subtag of it (`fr-CA`, `fr_CA`).
    public static func languageSubtagPrefixes(of code: String) -> [String] {
        [code + "-", code + "_"]
    }

    /// Whether a post's language satisfies `lang:code`.
    public static func language(_ language: String?, matches code: String) -> Bool {
        guard let language = language?.lowercased() else { return false }
        return language == code || languageSubtagPrefixes(of: code).contains { language.hasPrefix($0) }
    }

    /// The form of an account's handle that `author:` compares: without a leading `@`, case and
    /// accents folded.
    public static func comparableHandle(_ handle: String) -> String {
        TextFolding.fold(handle.hasPrefix("@") ? String(handle.dropFirst()) : handle)
    }

    /// Whether a comparable handle satisfies `author:handle` (or `@handle`): `user` finds `user`
    /// and the fediverse `user@instance`; `user@instance` only itself.
    public static func handle(_ candidate: String, matches handle: String) -> Bool {
        MatchDocument.handle(candidate, matches: handle)
    }

    /// The prefix that also satisfies `handle` (`user@`), `nil` when the handle names an
    /// instance: with equality, what ``handle(_:matches:)`` admits, as data.
    public static func instancePrefix(of handle: String) -> String? {
        handle.contains("@") ? nil : handle + "@"
    }
}
