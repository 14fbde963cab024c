import Foundation
import Testing
import VigieSynth

/// A folder with a small store (synth posts imported), for the tests that run read commands.
struct FuzzWorkspace {
    let directory: URL
    let dataFile: URL

    init(posts: Int = 300) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-fuzz-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        dataFile = try SynthGenerator(configuration: SynthConfiguration(posts: posts, seed: 5))
            .generate(format: .toolkitCSV, to: directory.appendingPathComponent("synth")).dataFile
        let outcome = try run(["ingest", dataFile.path, "--no-language-id", "--quiet"])
        #expect(outcome.status == 0, "setting up the store failed: \(outcome.stderr)")
    }

    func run(_ arguments: [String], timeout: Double = 60) throws -> VigieProcess.Outcome {
        try VigieProcess.run(arguments, in: directory, timeout: timeout)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// What every run must show: no trap, no hang, and on failure a message a person can act on
    /// (no backtrace, no raw Foundation or SQLite error).
    static func expectHandled(_ outcome: VigieProcess.Outcome, _ arguments: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let shown = arguments.map { $0.count > 60 ? String($0.prefix(60)) + "…(\($0.count) chars)" : $0 }
        #expect(!outcome.trapped, "trap: vigie \(shown)\n\(outcome.stderr.prefix(600))", sourceLocation: sourceLocation)
        #expect(!outcome.hung, "no answer: vigie \(shown)", sourceLocation: sourceLocation)
        guard let status = outcome.status, status != 0 else { return }
        #expect(!outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                "exit \(status) without a message: vigie \(shown)", sourceLocation: sourceLocation)
        for raw in ["NSCocoaErrorDomain", "Error Domain=", "SQLite error", "Fatal error"] {
            #expect(!outcome.stderr.contains(raw), "raw error '\(raw)': vigie \(shown)\n\(outcome.stderr.prefix(600))",
                    sourceLocation: sourceLocation)
        }
    }
}
