import VigieCore

/// The text analyses that the listening commands share (watch dashboards, trends, alerts),
/// built from the lexicon folder that scripts/fetch-lexicons fills. Without it those commands
/// still run, say so once, and fall back: terms use a short built-in stop list and sentiment is
/// "not available".
enum TextAnalysis {
    /// The lexicon folder, or `nil` after a note on standard error.
    static func lexicons(explicit: String? = nil) -> LexiconDirectory? {
        do {
            return try LexiconDirectory.locate(explicit: explicit)
        } catch {
            Output.printError("note: \(error); sentiment is not available and terms use a short stop list")
            return nil
        }
    }

    /// Per-language stop words (stopwords-iso), else the built-in short list.
    static func stopWords(_ lexicons: LexiconDirectory?) throws -> any StopWordFilter {
        guard let lexicons else { return BasicStopWords() }
        return try StopWords(lexicons: lexicons)
    }

    static func sentimentAnalyzer(_ lexicons: LexiconDirectory?) throws -> SentimentAnalyzer? {
        guard let lexicons else { return nil }
        return try SentimentAnalyzer(lexicons: lexicons)
    }

    /// What a watch dashboard counts: sentiment labels and terms (words and bigrams).
    static func dashboardAnalyzers(_ lexicons: LexiconDirectory?) throws -> DashboardAnalyzers {
        guard let lexicons else { return DashboardAnalyzers() }
        let analyzer = try SentimentAnalyzer(lexicons: lexicons)
        let extractor = TermExtractor(stopWords: try StopWords(lexicons: lexicons))
        return DashboardAnalyzers(
            sentiment: { text, language in
                // Only French and English have lexicons; other posts stay unclassified.
                let language = language.map { String($0.prefix(2)) }
                if let language, !SentimentAnalyzer.supportedLanguages.contains(language) { return nil }
                return analyzer.analyze(text, language: language).label
            },
            terms: { text, language in extractor.terms(in: text, language: language).map(\.text) })
    }
}
