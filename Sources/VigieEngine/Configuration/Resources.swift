import Foundation
import VigieCore

/// The language data and models that analyses load, located from an ``EngineConfiguration``:
/// the configured path when there is one, else searched in the configured folders and above.
///
/// Analyses that can run without a resource (a dashboard without sentiment) take the optional
/// form and report the returned note; those that cannot throw ``EngineError`` `resourceMissing`.
public struct Resources: Sendable {
    public let configuration: EngineConfiguration

    /// The file name the trust model has in `models/`.
    public static let trustModelFileName = "inauthenticity-v3.json"

    public init(configuration: EngineConfiguration) {
        self.configuration = configuration
    }

    // MARK: Language data

    /// The lexicon folder (VADER lexicons, langdetect profiles, stop words).
    public func lexicons() throws(EngineError) -> LexiconDirectory {
        do {
            if let explicit = configuration.lexicons {
                return try LexiconDirectory(url: URL(fileURLWithPath: explicit))
            }
            var searched: [String] = []
            for folder in configuration.searchFolders {
                if let found = try? LexiconDirectory.locate(searchingUpFrom: URL(fileURLWithPath: folder)) { return found }
                searched.append(URL(fileURLWithPath: folder).appendingPathComponent(".cache/lexicons").path)
            }
            throw LexiconError.notFound(searched: searched)
        } catch {
            throw EngineError(.resourceMissing, field: "lexicons", "\(error)")
        }
    }

    /// The lexicon folder, or `nil` with a note saying what is lost without it.
    public func optionalLexicons(without consequence: String) -> (LexiconDirectory?, note: String?) {
        do {
            return (try lexicons(), nil)
        } catch {
            return (nil, "\(error.message); \(consequence)")
        }
    }

    /// The shipped sentiment models; none (with a note) when the file is not found, so the
    /// analyser falls back to its lexicon-only calibration. A file that exists but cannot be read
    /// is an error.
    public func sentimentModels() throws(EngineError) -> (models: [String: SentimentModel], note: String?) {
        guard let path = configuration.sentimentModel
                ?? Self.search(relativePath: "models/" + SentimentModelFile.fileName, from: configuration.searchFolders) else {
            return ([:], "sentiment model not found (models/\(SentimentModelFile.fileName)); "
                    + "sentiment falls back to the lexicon-only calibration (less accurate)")
        }
        do {
            return (try SentimentModelFile.load(from: URL(fileURLWithPath: path)).models, nil)
        } catch {
            throw EngineError(.resourceMissing, field: "sentimentModel", "\(error)")
        }
    }

    /// The French/English sentiment analyser with its models.
    public func sentimentAnalyzer() throws(EngineError) -> (SentimentAnalyzer, notes: [String]) {
        let lexicons = try lexicons()
        let (models, note) = try sentimentModels()
        do {
            return (try SentimentAnalyzer(lexicons: lexicons, models: models), note.map { [$0] } ?? [])
        } catch {
            throw EngineError(.resourceMissing, field: "lexicons", "\(error)")
        }
    }

    /// Per-language stop words (stopwords-iso), else the short built-in list with a note.
    public func stopWords() throws(EngineError) -> (any StopWordFilter, note: String?) {
        let (lexicons, note) = optionalLexicons(without: "terms use a short built-in stop list")
        guard let lexicons else { return (BasicStopWords(), note) }
        do {
            return (try StopWords(lexicons: lexicons), nil)
        } catch {
            throw EngineError(.resourceMissing, field: "lexicons", "\(error)")
        }
    }

    /// The language identifier for posts that arrive without a language; `nil` with a note
    /// without the language profiles.
    public func languageIdentifier() -> (LanguageIdentifier?, note: String?) {
        let (lexicons, note) = optionalLexicons(without: "posts without a language keep none")
        guard let lexicons else { return (nil, note) }
        do {
            return (try LanguageIdentifier(lexicons: lexicons), nil)
        } catch {
            return (nil, "\(error); posts without a language keep none")
        }
    }

    /// What a watch dashboard counts: sentiment labels and terms (words and bigrams). Without
    /// the language data: terms from a short stop list and no sentiment, with a note.
    public func dashboardAnalyzers() throws(EngineError) -> (DashboardAnalyzers, notes: [String]) {
        let (lexicons, note) = optionalLexicons(without: "sentiment is not available and terms use a short stop list")
        guard let lexicons else { return (DashboardAnalyzers(), note.map { [$0] } ?? []) }
        let (analyzer, notes) = try sentimentAnalyzer()
        let extractor: TermExtractor
        do {
            extractor = TermExtractor(stopWords: try StopWords(lexicons: lexicons))
        } catch {
            throw EngineError(.resourceMissing, field: "lexicons", "\(error)")
        }
        let analyzers = DashboardAnalyzers(
            sentiment: { text, language in
                // Only French and English have lexicons; other posts stay unclassified.
                let language = language.map { String($0.prefix(2)) }
                if let language, !SentimentAnalyzer.supportedLanguages.contains(language) { return nil }
                return analyzer.classify(text, language: language).label
            },
            terms: { text, language in extractor.terms(in: text, language: language).map(\.text) })
        return (analyzers, notes)
    }

    // MARK: Models

    /// Where the trust model is: the configured file, else `models/inauthenticity-v3.json` in a
    /// search folder or above; `nil` when none is found.
    public func trustModelPath() -> String? {
        if let explicit = configuration.trustModel { return explicit }
        return Self.search(relativePath: "models/" + Self.trustModelFileName, from: configuration.searchFolders)
    }

    /// The inauthenticity model.
    public func trustModel() throws(EngineError) -> InauthenticityModel {
        guard let path = trustModelPath() else {
            throw EngineError(.resourceMissing, field: "trustModel",
                              "no trust model found (models/\(Self.trustModelFileName)); name the model file, "
                              + "or train one with the trust training in the repository")
        }
        do {
            return try InauthenticityModel.load(from: URL(fileURLWithPath: path))
        } catch {
            throw EngineError(.resourceMissing, field: "trustModel", "\(error)")
        }
    }

    /// `relativePath` in one of `folders` or a folder above it.
    static func search(relativePath: String, from folders: [String]) -> String? {
        for start in folders {
            var folder = URL(fileURLWithPath: start).standardizedFileURL
            for _ in 0..<12 {
                let candidate = folder.appendingPathComponent(relativePath)
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }
}
