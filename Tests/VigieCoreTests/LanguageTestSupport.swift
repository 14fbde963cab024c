import Foundation
import Testing
import VigieCore
import VigieTestSupport

/// Finds what the text-analysis tests read: the lexicons fetched by scripts/fetch-lexicons
/// (scripts/test fetches them first) and the labelled tweets in ../shared/data.
enum LanguageTestSupport {
    static func lexicons() throws -> LexiconDirectory {
        if let path = ProcessInfo.processInfo.environment["VIGIE_LEXICONS"], !path.isEmpty {
            return try LexiconDirectory(url: URL(fileURLWithPath: path))
        }
        return try LexiconDirectory.locate(searchingUpFrom: URL(fileURLWithPath: #filePath))
    }

    /// `tweets-sentiment-xlmt` of the shared data (see `SharedData`).
    static func labelledTweets() throws -> URL {
        guard SharedData.exists("tweets-sentiment-xlmt") else {
            throw LabelledDataMissing(searched: SharedData.candidates.map(\.path))
        }
        return SharedData.url("tweets-sentiment-xlmt")
    }

    struct LabelledDataMissing: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "tweets-sentiment-xlmt not found in \(searched.joined(separator: ", ")) (set VIGIE_SHARED_DATA)"
        }
    }

    /// Whether the labelled tweets are there; the accuracy tests are skipped (with this said) otherwise.
    static var hasLabelledTweets: Bool { (try? labelledTweets()) != nil }
    static let missingLabelledTweets: Comment = "../shared/data/tweets-sentiment-xlmt not found beside the repository: set VIGIE_SHARED_DATA"

    /// The shipped sentiment models, `models/sentiment-v3.json` of this repository.
    static let sentimentModels: Result<SentimentModelFile, Error> = Result {
        try SentimentModelFile.load(from: SentimentModelFile.locate(searchingUpFrom: URL(fileURLWithPath: #filePath)))
    }

    /// Loaded once for all the tests (profiles and lexicons take a fraction of a second).
    static let identifier: Result<LanguageIdentifier, Error> = Result { try LanguageIdentifier(lexicons: lexicons()) }
    /// The lexicons with the shipped models (what the CLI and dashboards use).
    static let analyzer: Result<SentimentAnalyzer, Error> = Result {
        try SentimentAnalyzer(lexicons: lexicons(), models: sentimentModels.get().models)
    }
}
