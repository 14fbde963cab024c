import ArgumentParser
import Foundation
import VigieCore
import VigieEngine
import VigieStore

/// `vigie-bench trust-score HANDLE`: an account's trust score as `vigie trust score --json`
/// prints it, computed either way: from its neighbourhood (what the command does) or from one
/// pass over the whole workspace (the reference). scripts/bench-trust times both and checks the
/// outputs are identical.
struct TrustScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-score",
        abstract: "An account's trust score (JSON, as `vigie trust score --json`), from its neighbourhood or the whole workspace.")

    @Option(help: ArgumentHelp("SQLite database file (default: $VIGIE_DATABASE, else ./vigie.sqlite).", valueName: "path"))
    var database: String?

    @Option(help: ArgumentHelp("Workspace (default: $VIGIE_WORKSPACE, else default).", valueName: "name"))
    var workspace: String?

    @Option(help: ArgumentHelp("Trust model file (default: $VIGIE_TRUST_MODEL, else models/inauthenticity-v3.json).", valueName: "path"))
    var model: String?

    @Argument(help: "The account's handle (with or without @) or platform id.")
    var handle: String

    @Option(help: "How many reasons to show each way.")
    var reasons = 5

    @Flag(help: "Score from one pass over the whole workspace (the reference) instead of the account's neighbourhood.")
    var wholeWorkspace = false

    func run() async throws {
        var configuration = EngineConfiguration(environment: ProcessInfo.processInfo.environment)
        if let database { configuration.database = database }
        if let workspace { configuration.workspace = workspace }
        if let model { configuration.trustModel = model }
        try configuration.validate()
        let engine = Engine(store: try SQLiteStore(path: configuration.database, readOnly: true), configuration: configuration)
        let result = try await engine.trustScore(TrustScoreRequest(
            handle: handle, reasons: reasons, scope: wholeWorkspace ? .wholeWorkspace : .neighbourhood))
        // The same encoding as the CLI's JSON output, so that the two can be compared byte for byte.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try result.accounts.count == 1 ? encoder.encode(result.accounts[0]) : encoder.encode(result.accounts)
        print(String(decoding: data, as: UTF8.self))
    }
}
