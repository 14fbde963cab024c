import ArgumentParser
import Foundation
import VigieSynth

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate realistic social data with planted ground truth (deterministic for a seed).",
        discussion: """
            Writes the data in one of the import formats and ground-truth.json beside it: topics \
            (most on-topic posts lack the topic's keyword), topic experts and popular off-topic \
            accounts, bots, coordinated groups and emerging hashtags. Import it with `vigie ingest`.
            """
    )

    @Option(help: "Number of posts to generate.")
    var posts = 10_000

    @Option(help: "Random seed: the same seed gives the same data, byte for byte.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Output format: \(SynthFormat.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "format"))
    var format: SynthFormat = .twitterV2

    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: "Number of days the data spans.")
    var days = 30

    @Option(help: ArgumentHelp("Share of on-topic posts that contain the topic's main keyword (0–1): lower makes discovery beyond keywords matter more.",
                               valueName: "share"))
    var keywordShare = SynthConfiguration(posts: 1).keywordShare

    @Flag(name: .shortAndLong, help: "No progress display.")
    var quiet = false

    func validate() throws {
        guard posts > 0 else { throw ValidationError("--posts must be positive.") }
        guard days > 0 else { throw ValidationError("--days must be positive.") }
        guard (0...1).contains(keywordShare) else { throw ValidationError("--keyword-share must be between 0 and 1.") }
    }

    func run() throws {
        var configuration = SynthConfiguration(posts: posts, seed: seed)
        configuration.days = days
        configuration.keywordShare = keywordShare
        let generator = SynthGenerator(configuration: configuration)
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let showProgress = !quiet && Output.stderrIsTerminal
        let started = Date()
        let summary = try generator.generate(format: format, to: directory, progress: showProgress ? { done in
            Output.status("\(Output.count(done)) / \(Output.count(posts)) posts")
        } : nil)
        if showProgress { Output.clearStatus() }
        let seconds = Date().timeIntervalSince(started)
        print("generated \(Output.count(posts)) posts in \(format.rawValue) format in "
              + String(format: "%.1fs", seconds) + " → \(directory.path)")
        print("  \(Output.count(summary.originals)) originals, \(Output.count(summary.replies)) replies, "
              + "\(Output.count(summary.quotes)) quotes, \(Output.count(summary.reposts)) reposts; "
              + "\(Output.count(summary.onTopicPosts)) on topic")
        print("  \(Output.count(summary.accounts)) accounts, \(Output.count(summary.bots)) bots, "
              + "\(Output.count(summary.coordinatedAccounts)) in coordinated groups"
              + (summary.likes + summary.follows > 0
                 ? "; \(Output.count(summary.likes)) likes, \(Output.count(summary.follows)) follows" : ""))
        print("  data:         \(summary.dataFile.path)")
        print("  ground truth: \(summary.groundTruthFile.path)")
    }
}

extension SynthFormat: ExpressibleByArgument {}
