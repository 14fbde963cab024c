import ArgumentParser
import VigieCore

/// `--lexicons DIR`: where scripts/fetch-lexicons put the lexicons and language profiles.
struct LexiconOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The lexicon folder (default: $VIGIE_LEXICONS, else .cache/lexicons here or above the executable).",
        valueName: "dir"))
    var lexicons: String?

    func locate() throws -> LexiconDirectory {
        do {
            return try LexiconDirectory.locate(explicit: lexicons)
        } catch let error as LexiconError {
            throw CLIError(error.description)
        }
    }
}
