import Foundation

/// The text analyses a dashboard uses, injected so that better ones plug in without changing it.
///
/// ```swift
/// let analyzers = DashboardAnalyzers(
///     sentiment: { text, language in mySentimentAnalyzer.label(text, language) },  // nil: not available
///     terms: { text, language in myTerms.extract(text, language: language) })
/// ```
public struct DashboardAnalyzers: Sendable {
    /// Classifies one post's text (`language` as the post gives it, maybe `nil`); returning `nil`
    /// leaves the post unclassified. Without a classifier, a dashboard says sentiment is not available.
    public typealias SentimentClassifier = @Sendable (_ text: String, _ language: String?) -> SentimentLabel?
    /// The terms of one post's text that "top terms" counts (each counted once per post).
    public typealias TermExtractor = @Sendable (_ text: String, _ language: String?) -> [String]

    public var sentiment: SentimentClassifier?
    public var terms: TermExtractor
    /// When set, a post's sentiment comes from here instead of ``sentiment`` (a label stored
    /// for the post, or one computed and remembered: issue 19); `nil` inside is unclassified.
    public var postSentiment: (@Sendable (Post) -> SentimentLabel?)?

    public init(sentiment: SentimentClassifier? = nil, terms: @escaping TermExtractor = BasicTerms.extract) {
        self.sentiment = sentiment
        self.terms = terms
    }
}

/// Top-terms extraction without the lexicons: the folded words of the ``Tokenizer`` with at least
/// three letters, less numbers and the short French and English list of ``BasicStopWords``.
public enum BasicTerms {
    @Sendable
    public static func extract(_ text: String, language: String?) -> [String] {
        let stopWords = BasicStopWords()
        return Tokenizer.tokenize(text).compactMap { token in
            guard token.kind == .word, token.folded.count >= 3,
                  token.folded.contains(where: \.isLetter),
                  !stopWords.isStopWord(token.folded, language: language) else { return nil }
            return token.folded
        }
    }
}
