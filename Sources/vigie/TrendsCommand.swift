import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct TrendsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trends",
        abstract: "Weak signals (what is new or accelerating) and volume spikes.",
        discussion: """
            Without a subcommand, ranks the terms, hashtags, links, domains, mentions and phrases \
            that are new or accelerating against their own history, as of the newest post (or --at): \
            each with its posts and authors in the window, what its baseline expected, growth, \
            first-seen time and a significance score. Bursts that look manufactured (few authors, \
            one dominant author, posts within minutes) or periodic are listed apart as flagged. \
            See docs/trends-and-alerts.md.
            """,
        subcommands: [TrendsSignalsCommand.self, TrendsSpikesCommand.self, TrendsBacktestCommand.self],
        defaultSubcommand: TrendsSignalsCommand.self
    )
}

struct TrendsSignalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signals",
        abstract: "Rank what is new or accelerating (the default of vigie trends)."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: TargetOptions
    @OptionGroup var signal: SignalOptions

    @Option(help: ArgumentHelp("Judge as of this time (default: the newest post).", valueName: "date"))
    var at: String?

    @Option(help: ArgumentHelp("Start of the recent window (instead of --window): what emerged since then.", valueName: "date"))
    var since: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        _ = try signal.make()
        _ = try date(at, option: "--at")
        _ = try date(since, option: "--since")
    }

    func run() async throws {
        let engine = try store.engine(readOnly: target.readsOnly, mustExist: true)
        let result = try await engine.weakSignals(WeakSignalsRequest(
            selection: target.selection, options: try signal.make(), at: try date(at, option: "--at"),
            since: try date(since, option: "--since")))
        for note in result.notes { Output.printError("note: \(note)") }
        let report = result.report
        if json {
            print(try Output.json(report))
            return
        }
        let options = result.options
        print("Weak signals in \(target.target) as of \(DateParsing.iso8601(report.at)): window \(TrendDuration.format(options.window))"
              + " (\(Output.count(report.postsInWindow)) posts) vs baseline \(TrendDuration.format(options.baseline))"
              + " (\(Output.count(report.postsInBaseline)) posts); \(Output.count(report.itemsExamined)) items examined")
        if let note = report.note { print("note: \(note)") }
        if report.signals.isEmpty {
            print("No emerging signal passes the thresholds (score ≥ \(options.minimumScore), ≥ \(options.minimumPosts) posts,"
                  + " ≥ \(options.minimumAuthors) authors, growth ≥ ×\(options.minimumGrowth)).")
        } else {
            print("")
            print(Self.table(report.signals))
            print("")
            for (rank, signal) in report.signals.enumerated() { print("\(rank + 1). \(signal.explanation)") }
        }
        if !report.flagged.isEmpty {
            print("\nFlagged (significant, but manufactured-looking or recurring):")
            for signal in report.flagged { print("- \(signal.explanation)") }
        }
    }

    static func table(_ signals: [WeakSignal]) -> String {
        Output.table(["#", "item", "kind", "posts", "authors", "expected", "growth", "score", "first seen"],
                     signals.enumerated().map { rank, s in
                         [String(rank + 1), s.display.count > 48 ? String(s.display.prefix(47)) + "…" : s.display,
                          s.kind.rawValue, String(s.posts), String(s.authors), WeakSignalDetector.format(s.expected),
                          WeakSignalDetector.format(s.growth), String(format: "%.1f", s.score),
                          String(DateParsing.iso8601(s.firstSeen).prefix(16))]
                     })
    }
}

struct TrendsSpikesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spikes",
        abstract: "Volume spikes: buckets far above their seasonal baseline, for long enough."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: TargetOptions

    @OptionGroup var spike: SpikeCLIOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let engine = try store.engine(readOnly: target.readsOnly, mustExist: true)
        let result = try await engine.spikes(SpikesRequest(selection: target.selection, bucket: try spike.bucketWidth(),
                                                           options: try spike.options()))
        if json {
            struct Result: Encodable { var series: VolumeSeries; var spikes: [Spike] }
            print(try Output.json(Result(series: result.series, spikes: result.spikes)))
            return
        }
        let series = result.series, spikes = result.spikes
        print("\(Output.count(result.posts)) posts in \(target.target), \(series.counts.count) buckets of \(TrendDuration.format(series.bucket));"
              + " \(spikes.count) spike\(spikes.count == 1 ? "" : "s")"
              + " (threshold z ≥ \(spike.threshold), ×\(spike.minRatio), ≥ \(spike.minCount) posts, persistence \(spike.persistence))")
        for spike in spikes { print("- \(spike.explanation)") }
    }
}

struct TrendsBacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay weak signals over past data, as if each step were now: when each item first ranked.",
        discussion: "scripts/bench-trends scores its JSON output against vigie synth's ground truth."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: TargetOptions
    @OptionGroup var signal: SignalOptions

    @Option(help: ArgumentHelp("Time between evaluations.", valueName: "duration"))
    var step: String = "1h"

    @Option(help: ArgumentHelp("First evaluation (default: the first post).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last evaluation (default: the newest post).", valueName: "date"))
    var through: String?

    @Flag(help: "Print JSON (every evaluation's ranking and each item's first ranking).")
    var json = false

    func validate() throws {
        _ = try signal.make()
        _ = try duration(step, option: "--step")
        _ = try date(from, option: "--from")
        _ = try date(through, option: "--through")
    }

    func run() async throws {
        let engine = try store.engine(readOnly: target.readsOnly, mustExist: true)
        let result = try await engine.backtest(BacktestRequest(
            selection: target.selection, options: try signal.make(), step: try duration(step, option: "--step")!,
            from: try date(from, option: "--from"), through: try date(through, option: "--through")))
        for note in result.notes { Output.printError("note: \(note)") }
        if json {
            struct Result: Encodable {
                var posts: Int
                var items: Int
                var loadSeconds: Double
                var replaySeconds: Double
                var backtest: TrendBacktest
            }
            print(try Output.json(Result(posts: result.posts, items: result.items, loadSeconds: result.loadSeconds,
                                         replaySeconds: result.replaySeconds, backtest: result.backtest)))
            return
        }
        let replay = result.backtest
        print("\(replay.evaluations.count) evaluations every \(TrendDuration.format(replay.step)) over \(Output.count(result.posts)) posts"
              + " (\(Output.count(result.items)) items): read in \(Duration.seconds(result.loadSeconds)),"
              + " replayed in \(Duration.seconds(result.replaySeconds))")
        for (name, signal) in replay.firstRanked.sorted(by: { $0.value.firstSeen < $1.value.firstSeen }) {
            let when = replay.evaluations.first { $0.ranked.contains(name) }.map { DateParsing.iso8601($0.at) } ?? "?"
            print("- first ranked \(when): \(signal.explanation)")
        }
    }
}
