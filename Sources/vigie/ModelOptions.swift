import ArgumentParser
import VigieEngine

/// `--model FILE`: the trust model (default: $VIGIE_TRUST_MODEL, else models/inauthenticity-v3.json
/// of the repository, searched from the current folder and the executable's).
struct ModelOptions: ParsableArguments {
    static let fileName = Resources.trustModelFileName

    @Option(help: ArgumentHelp("Trust model file (default: $VIGIE_TRUST_MODEL, else models/\(fileName) of the repository).",
                               valueName: "path"))
    var model: String?
}
