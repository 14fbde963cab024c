import ArgumentParser
import Foundation
import VigieCore
import VigieStore

/// Which posts a trends or alerts command reads: a query, a watch, or every post.
struct TargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only posts matching this listening query (see vigie query).", valueName: "query"))
    var query: String?

    @Option(help: ArgumentHelp("Only posts of this watch.", valueName: "name"))
    var watch: String?

    @Flag(help: "Every post of the workspace (the default).")
    var all = false

    @Flag(help: "Match the query's words by their stem.")
    var stemmed = false

    func validate() throws {
        let chosen = [query != nil, watch != nil, all].filter { $0 }.count
        guard chosen <= 1 else { throw ValidationError("choose one of --query, --watch and --all.") }
    }

    var target: AlertRule.Target {
        if let watch { return .watch(watch) }
        if let query { return .query(query) }
        return .all
    }
}

/// The spike settings shared by `vigie trends spikes` and `vigie alerts add --kind spike`.
struct SpikeCLIOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Bucket width (e.g. 1h, 1d).", valueName: "duration"))
    var bucket: String = "1h"

    @Option(help: "Robust z-score a bucket must reach.")
    var threshold: Double = SpikeOptions().threshold

    @Option(help: "Consecutive buckets above threshold before a spike fires.")
    var persistence: Int = SpikeOptions().persistence

    @Option(help: "A bucket must also be this many times its baseline.")
    var minRatio: Double = SpikeOptions().minimumRatio

    @Option(help: "A bucket must also hold this many posts.")
    var minCount: Int = SpikeOptions().minimumCount

    func options() throws -> SpikeOptions {
        let options = SpikeOptions(threshold: threshold, minimumRatio: minRatio, minimumCount: minCount, persistence: persistence)
        do { try options.validate() } catch { throw ValidationError("\(error).") }
        return options
    }

    /// The bucket width in seconds.
    func bucketWidth() throws -> TimeInterval { try duration(bucket, option: "--bucket")! }

    func validate() throws {
        _ = try options()
        guard let width = try duration(bucket, option: "--bucket"), width >= 60 else {
            throw ValidationError("--bucket must be at least 1m.")
        }
    }
}

/// Reads the posts of a target from the store, in one scan.
enum TargetPosts {
    static func forEach(_ target: AlertRule.Target, stemmed: Bool, store: SQLiteStore, workspace: String,
                        _ body: (Post) throws -> Void) throws {
        var matcher: Query?
        switch target {
        case .all:
            break
        case .query(let text):
            do {
                matcher = try Query.parse(text, options: QueryOptions(stemmed: stemmed))
            } catch {
                throw CLIError("invalid query\n\(error.description)")
            }
        case .watch(let name):
            // Reading a watch first brings it up to date with what was imported since (incremental).
            do {
                try store.forEachWatchedPost(named: name, workspace: workspace, in: Date.distantPast..<Date.distantFuture) {
                    try body($0.post)
                }
            } catch let error as WatchError {
                throw CLIError(error.description)
            }
            return
        }
        try store.forEachPost(workspace: workspace) { post in
            if let matcher, !matcher.matches(post) { return }
            try body(post)
        }
    }
}

/// Weak signals' input for a target. Every post of the workspace (the default) comes through
/// the store's lean read path, its items extracted on every core; a query or a watch goes
/// through whole posts (the query matcher and the watch read them anyway).
enum TrendLoading {
    static func index(_ target: AlertRule.Target, stemmed: Bool, store: SQLiteStore, workspace: String,
                      extractor: TrendItemExtractor) throws -> TrendIndex {
        if case .all = target {
            let builder = TrendInputBuilder(extractor: extractor)
            try store.forEachTrendRecordBatch(workspace: workspace) { builder.add($0) }
            return TrendIndex(builder.finish())
        }
        var input = TrendInput(extractor: extractor)
        try TargetPosts.forEach(target, stemmed: stemmed, store: store, workspace: workspace) { input.append($0) }
        return TrendIndex(input)
    }
}

/// Parses `6h`, `14d` and the like for an option, naming the option when it is wrong.
func duration(_ text: String?, option: String) throws -> TimeInterval? {
    guard let text else { return nil }
    guard let value = TrendDuration.parse(text) else {
        throw ValidationError("\(option) '\(text)' is not a duration: use e.g. 90m, 6h, 14d or 2w.")
    }
    return value
}

func date(_ text: String?, option: String) throws -> Date? {
    guard let text else { return nil }
    guard let value = DateParsing.parse(text) else {
        throw ValidationError("\(option) '\(text)' is not a date: use 2025-03-14 or 2025-03-14T12:00:00Z.")
    }
    return value
}

struct TrendsCommand: ParsableCommand {
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

    /// Stop words for terms and phrases: per-language lists when the lexicons are there.
    static func makeStopWords() throws -> any StopWordFilter {
        try TextAnalysis.stopWords(TextAnalysis.lexicons())
    }
}

/// Options shared by the weak-signal subcommands.
struct SignalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The recent window compared to the baseline (e.g. 6h).", valueName: "duration"))
    var window: String = "6h"

    @Option(help: ArgumentHelp("The history before the window each item is compared to.", valueName: "duration"))
    var baseline: String = "14d"

    @Option(help: ArgumentHelp("Kinds to rank, comma-separated: term,hashtag,link,domain,mention,phrase.", valueName: "kinds"))
    var kinds: String?

    @Option(help: "Minimum significance (-log10 p) to report.")
    var minScore: Double = WeakSignalOptions().minimumScore

    @Option(help: "Minimum posts in the window.")
    var minPosts: Int = WeakSignalOptions().minimumPosts

    @Option(help: "Minimum distinct authors in the window; fewer flags the signal.")
    var minAuthors: Int = WeakSignalOptions().minimumAuthors

    @Option(help: "Minimum growth (observed / expected posts).")
    var minGrowth: Double = WeakSignalOptions().minimumGrowth

    @Option(help: "How many signals to list.")
    var limit: Int = 20

    func make(window override: TimeInterval? = nil) throws -> WeakSignalOptions {
        var options = WeakSignalOptions()
        options.window = try override ?? duration(window, option: "--window")!
        options.baseline = try duration(baseline, option: "--baseline")!
        if let kinds {
            do { options.kinds = try TrendItemKind.parseList(kinds) } catch { throw ValidationError("--kinds: \(error)") }
        }
        options.minimumScore = minScore
        options.minimumPosts = minPosts
        options.minimumAuthors = minAuthors
        options.minimumGrowth = minGrowth
        options.limit = limit
        do { try options.validate() } catch { throw ValidationError("\(error).") }
        return options
    }
}

struct TrendsSignalsCommand: ParsableCommand {
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

    func run() throws {
        let index = try TrendLoading.index(target.target, stemmed: target.stemmed, store: try store.openStore(mustExist: true),
                                           workspace: store.workspace,
                                           extractor: TrendItemExtractor(stopWords: try TrendsCommand.makeStopWords()))
        let atDate = try date(at, option: "--at") ?? index.timeRange?.upperBound
        var window: TimeInterval?
        if let sinceDate = try date(since, option: "--since"), let atDate {
            guard sinceDate < atDate else { throw CLIError("--since must be before the evaluation time \(DateParsing.iso8601(atDate))") }
            window = atDate.timeIntervalSince(sinceDate)
        }
        var options = try signal.make(window: window)
        if options.baseline < options.window { options.baseline = options.window }
        let report = WeakSignalDetector(options: options).report(in: index, at: atDate)
        if json {
            print(try Output.json(report))
            return
        }
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

struct TrendsSpikesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spikes",
        abstract: "Volume spikes: buckets far above their seasonal baseline, for long enough."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: TargetOptions

    @OptionGroup var spike: SpikeCLIOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        var times: [Date] = []
        let opened = try store.openStore(mustExist: true)
        if case .all = target.target {
            // Only the times are needed: one column instead of whole posts.
            times = try opened.postTimes(workspace: store.workspace).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        } else {
            try TargetPosts.forEach(target.target, stemmed: target.stemmed, store: opened, workspace: store.workspace) {
                times.append($0.createdAt)
            }
        }
        let series = VolumeSeries(times: times, bucket: try spike.bucketWidth())
        let spikes = SpikeDetector(options: try spike.options()).detect(in: series)
        if json {
            struct Result: Encodable { var series: VolumeSeries; var spikes: [Spike] }
            print(try Output.json(Result(series: series, spikes: spikes)))
            return
        }
        print("\(Output.count(times.count)) posts in \(target.target), \(series.counts.count) buckets of \(TrendDuration.format(series.bucket));"
              + " \(spikes.count) spike\(spikes.count == 1 ? "" : "s")"
              + " (threshold z ≥ \(spike.threshold), ×\(spike.minRatio), ≥ \(spike.minCount) posts, persistence \(spike.persistence))")
        for spike in spikes { print("- \(spike.explanation)") }
    }
}

struct TrendsBacktestCommand: ParsableCommand {
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

    func run() throws {
        let clock = ContinuousClock()
        let extractor = TrendItemExtractor(stopWords: try TrendsCommand.makeStopWords())
        let loaded = clock.now
        let index = try TrendLoading.index(target.target, stemmed: target.stemmed, store: try store.openStore(mustExist: true),
                                           workspace: store.workspace, extractor: extractor)
        let loadTime = clock.now - loaded
        guard let range = index.timeRange else { throw CLIError("no post in \(target.target)") }
        let stepSeconds = try duration(step, option: "--step")!
        let start = try date(from, option: "--from")
            ?? Date(timeIntervalSince1970: (range.lowerBound.timeIntervalSince1970 / stepSeconds).rounded(.up) * stepSeconds)
        let end = try date(through, option: "--through") ?? range.upperBound
        let began = clock.now
        let replay = TrendBacktest.run(WeakSignalDetector(options: try signal.make()), on: index, from: start, through: end,
                                       step: stepSeconds)
        let replayTime = clock.now - began
        if json {
            struct Result: Encodable {
                var posts: Int
                var items: Int
                var loadSeconds: Double
                var replaySeconds: Double
                var backtest: TrendBacktest
            }
            func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
            print(try Output.json(Result(posts: index.postCount, items: index.itemCount, loadSeconds: seconds(loadTime),
                                         replaySeconds: seconds(replayTime), backtest: replay)))
            return
        }
        print("\(replay.evaluations.count) evaluations every \(TrendDuration.format(stepSeconds)) over \(Output.count(index.postCount)) posts"
              + " (\(Output.count(index.itemCount)) items): read in \(loadTime), replayed in \(replayTime)")
        for (name, signal) in replay.firstRanked.sorted(by: { $0.value.firstSeen < $1.value.firstSeen }) {
            let when = replay.evaluations.first { $0.ranked.contains(name) }.map { DateParsing.iso8601($0.at) } ?? "?"
            print("- first ranked \(when): \(signal.explanation)")
        }
    }
}
