import Foundation
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
        return try SentimentAnalyzer(lexicons: lexicons, models: sentimentModels())
    }

    /// The shipped sentiment models (models/sentiment-v3.json, or `explicit`, or
    /// $VIGIE_SENTIMENT_MODEL). When none is found: a note on standard error and no model, so
    /// the analyser labels with the lexicon-only calibration (documented fallback). A file that
    /// exists but cannot be read is an error.
    static func sentimentModels(explicit: String? = nil) throws -> [String: SentimentModel] {
        let url: URL
        do { url = try SentimentModelFile.locate(explicit: explicit) } catch let error as SentimentModelError {
            Output.printError("note: \(error.description); sentiment falls back to the lexicon-only calibration (less accurate)")
            return [:]
        }
        do { return try SentimentModelFile.load(from: url).models } catch let error as SentimentModelError {
            throw CLIError(error.description)
        }
    }

    /// What a watch dashboard counts: sentiment labels and terms (words and bigrams).
    static func dashboardAnalyzers(_ lexicons: LexiconDirectory?) throws -> DashboardAnalyzers {
        guard let lexicons else { return DashboardAnalyzers() }
        let analyzer = try SentimentAnalyzer(lexicons: lexicons, models: sentimentModels())
        let extractor = TermExtractor(stopWords: try StopWords(lexicons: lexicons))
        return DashboardAnalyzers(
            sentiment: { text, language in
                // Only French and English have lexicons; other posts stay unclassified.
                let language = language.map { String($0.prefix(2)) }
                if let language, !SentimentAnalyzer.supportedLanguages.contains(language) { return nil }
                return analyzer.classify(text, language: language).label
            },
            terms: { text, language in extractor.terms(in: text, language: language).map(\.text) })
    }
}
