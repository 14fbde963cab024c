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

    public init(sentiment: SentimentClassifier? = nil, terms: @escaping TermExtractor = BasicTerms.extract) {
        self.sentiment = sentiment
        self.terms = terms
    }
}

/// Top-terms extraction used until a richer one (per-language stop words, n-grams) is plugged in:
/// the folded words of the ``Tokenizer`` with at least three letters, less a short list of French
/// and English function words and numbers.
public enum BasicTerms {
    @Sendable
    public static func extract(_ text: String, language: String?) -> [String] {
        Tokenizer.tokenize(text).compactMap { token in
            guard token.kind == .word, token.folded.count >= 3,
                  token.folded.contains(where: \.isLetter),
                  !stopWords.contains(token.folded) else { return nil }
            return token.folded
        }
    }

    /// Folded (no accents), so `être` is `etre`.
    static let stopWords: Set<String> = [
        // French
        "les", "des", "une", "est", "pour", "que", "qui", "dans", "sur", "pas", "par", "plus", "avec", "son",
        "ses", "sont", "mais", "comme", "tout", "tous", "nous", "vous", "ils", "elle", "elles", "leur",
        "leurs", "ont", "aux", "cette", "ces", "ete", "etre", "fait", "faire", "sans", "sous", "entre",
        "aussi", "bien", "tres", "encore", "deja", "meme", "quand", "alors", "donc", "car", "notre", "votre",
        "nos", "vos", "mes", "tes", "moi", "toi", "lui", "eux", "ceci", "cela", "ici", "avoir", "peu", "fois",
        // English
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one",
        "our", "out", "has", "have", "his", "how", "its", "who", "did", "this", "that", "with", "from",
        "they", "will", "would", "there", "their", "what", "about", "which", "when", "your", "just", "been",
        "were", "than", "then", "them", "into", "more", "some", "such", "only", "also", "very", "over",
    ]
}
