import Foundation

/// Stop words per language, from the `stopwordsiso` package (stopwords-iso, 58 languages) that
/// `scripts/fetch-lexicons` downloads, folded like tokens (``TextFolding``), plus the words of
/// social-media plumbing (`rt`, `http`, `amp`, `via`) in every language.
///
/// ```swift
/// let stopWords = try StopWords(lexicons: LexiconDirectory.locate())
/// stopWords.contains("parce", language: "fr")   // true
/// stopWords.contains("velo", language: "fr")    // false
/// ```
public struct StopWords: Sendable {
    /// Dropped whatever the language: retweet markers, link placeholders, HTML leftovers.
    public static let platformWords: Set<String> = ["rt", "http", "https", "www", "amp", "via", "cc", "user"]

    public let languages: [String]
    private let byLanguage: [String: Set<String>]
    private let union: Set<String>
    /// The same lists with ``platformWords`` added, for ``setWithPlatformWords(language:)``.
    private let byLanguageWithPlatform: [String: Set<String>]
    private let unionWithPlatform: Set<String>

    /// Loads the lists of `languages` (nil: all 58).
    public init(lexicons: LexiconDirectory, languages: [String]? = nil) throws {
        let file = try lexicons.path(LexiconDirectory.File.stopWords)
        let all: [String: [String]]
        do {
            all = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: file))
        } catch {
            throw LexiconError.malformed(file: file.path, line: 1, reason: "not a stopwords-iso JSON object (\(error))")
        }
        var byLanguage: [String: Set<String>] = [:]
        for (language, words) in all where languages?.contains(language) ?? true {
            byLanguage[language] = Set(words.map(TextFolding.fold))
        }
        if let languages, let missing = languages.first(where: { byLanguage[$0] == nil }) {
            throw LexiconError.malformed(file: file.path, line: 1, reason: "no stop words for language '\(missing)'")
        }
        self.init(byLanguage)
    }

    /// Lists given directly (folded here); for tests and custom lists.
    public init(_ lists: [String: Set<String>]) {
        byLanguage = lists.mapValues { Set($0.map(TextFolding.fold)) }
        languages = byLanguage.keys.sorted()
        union = byLanguage.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        byLanguageWithPlatform = byLanguage.mapValues { $0.union(Self.platformWords) }
        unionWithPlatform = union.union(Self.platformWords)
    }

    /// Whether the folded word is a stop word in `language` (a regional tag like `fr-CA` counts as
    /// `fr`); with `nil` or a language without a list, in any loaded language.
    public func contains(_ folded: String, language: String?) -> Bool {
        if Self.platformWords.contains(folded) { return true }
        if let language, let list = byLanguage[language] ?? byLanguage[String(language.prefix(2)).lowercased()] {
            return list.contains(folded)
        }
        return union.contains(folded)
    }

    /// The set ``contains(_:language:)`` looks `folded` up in (platform words included), so
    /// that a caller with many words of one text resolves the language once.
    public func setWithPlatformWords(language: String?) -> Set<String> {
        if let language, let list = byLanguageWithPlatform[language] ?? byLanguageWithPlatform[String(language.prefix(2)).lowercased()] {
            return list
        }
        return unionWithPlatform
    }

    /// The folded list of one language (empty when not loaded).
    public func words(for language: String) -> Set<String> { byLanguage[language] ?? [] }
}
