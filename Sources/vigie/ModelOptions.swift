import ArgumentParser

/// `--model FILE`: the trust model (default: $VIGIE_TRUST_MODEL, else models/inauthenticity-v2.json
/// of the repository, searched from the current folder and the executable's).
struct ModelOptions: ParsableArguments {
    static let fileName = "inauthenticity-v2.json"

    @Option(help: ArgumentHelp("Trust model file (default: $VIGIE_TRUST_MODEL, else models/\(fileName) of the repository).",
                               valueName: "path"))
    var model: String?
}
