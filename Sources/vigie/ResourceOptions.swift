import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

/// `--lexicons DIR`: where scripts/fetch-lexicons put the lexicons and language profiles.
struct LexiconOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The lexicon folder (default: $VIGIE_LEXICONS, else .cache/lexicons here or above the executable).",
        valueName: "dir"))
    var lexicons: String?

    /// The language data and models of a command that needs no store: this flag (and
    /// `sentimentModel`), then the environment, then the defaults.
    func resources(sentimentModel: String? = nil) -> Resources {
        var configuration = EngineConfiguration(environment: ProcessInfo.processInfo.environment)
        if let lexicons { configuration.lexicons = lexicons }
        if let sentimentModel { configuration.sentimentModel = sentimentModel }
        return Resources(configuration: configuration)
    }
}
