import Foundation

/// A term for "top terms": a content word or a two-word phrase, folded (`reseau cyclable`).
public struct Term: Sendable, Hashable, Codable, Comparable {
    /// Folded words joined by one space.
    public var text: String
    /// 1 for a word, 2 for a bigram.
    public var words: Int

    public init(text: String, words: Int) {
        self.text = text
        self.words = words
    }

    public static func < (lhs: Term, rhs: Term) -> Bool { (lhs.words, lhs.text) < (rhs.words, rhs.text) }
}

/// Extracts the terms of a post from ``Tokenizer``'s tokens: words that are not stop words,
/// numbers or one letter long, and bigrams of two such words next to each other. Hashtags,
/// mentions, links and emoji are not terms (they have their own tops) and break bigrams, as do
/// stop words; elisions are dropped: "le réseau cyclable de Lyon s'agrandit" gives `reseau`,
/// `cyclable`, `lyon`, `agrandit`, `reseau cyclable` and `lyon agrandit`.
///
/// ```swift
/// let extractor = TermExtractor(stopWords: try StopWords(lexicons: LexiconDirectory.locate()))
/// extractor.terms(in: "Le réseau cyclable de Lyon s'agrandit", language: "fr").map(\.text)
/// // ["reseau", "cyclable", "lyon", "agrandit", "reseau cyclable", "lyon agrandit"]
/// ```
public struct TermExtractor: Sendable {
    public var stopWords: StopWords
    /// Also return bigrams.
    public var bigrams: Bool
    /// Words shorter than this (in characters) are not terms.
    public var minimumLength: Int

    public init(stopWords: StopWords, bigrams: Bool = true, minimumLength: Int = 2) {
        self.stopWords = stopWords
        self.bigrams = bigrams
        self.minimumLength = minimumLength
    }

    /// The terms of `text`: unigrams in text order, then bigrams in text order (repeats kept).
    public func terms(in text: String, language: String?) -> [Term] {
        var unigrams: [Term] = []
        var pairs: [Term] = []
        var previous: String?
        for token in Tokenizer.tokenize(text) {
            // An elision leans on the next word: `s'agrandit` is one word for bigrams.
            if token.kind == .elision { continue }
            guard token.kind == .word, isContentWord(token.folded, language: language) else {
                previous = nil
                continue
            }
            unigrams.append(Term(text: token.folded, words: 1))
            if bigrams, let previous { pairs.append(Term(text: previous + " " + token.folded, words: 2)) }
            previous = token.folded
        }
        return unigrams + pairs
    }

    private func isContentWord(_ folded: String, language: String?) -> Bool {
        guard folded.count >= minimumLength else { return false }
        guard folded.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) else { return false }
        return !stopWords.contains(folded, language: language)
    }
}

/// Counts terms over many posts: each term once per post (document frequency), so one post that
/// repeats a word does not make it a top term.
///
/// ```swift
/// var counter = TermCounter(extractor: extractor)
/// for post in posts { counter.add(post.text, language: post.language) }
/// counter.top(10)   // [(Term("velo"), 42), (Term("piste cyclable"), 17), …]
/// ```
public struct TermCounter: Sendable {
    public var extractor: TermExtractor
    public private(set) var counts: [Term: Int] = [:]
    public private(set) var posts = 0

    public init(extractor: TermExtractor) {
        self.extractor = extractor
    }

    public mutating func add(_ text: String, language: String?) {
        posts += 1
        for term in Set(extractor.terms(in: text, language: language)) { counts[term, default: 0] += 1 }
    }

    /// The `limit` most frequent terms (`words`: only unigrams or bigrams), ties by text.
    public func top(_ limit: Int, words: Int? = nil) -> [(term: Term, posts: Int)] {
        let kept = counts.filter { words == nil || $0.key.words == words }
        return kept.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map { ($0.key, $0.value) }
    }
}
