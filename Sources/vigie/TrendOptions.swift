import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

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

    /// What alert rules store (rules match their query word for word).
    var target: AlertRule.Target {
        if let watch { return .watch(watch) }
        if let query { return .query(query) }
        return .all
    }

    var selection: PostSelection {
        if let watch { return .watch(watch) }
        if let query { return .query(query, stemmed: stemmed) }
        return .all
    }

    /// Reading a watch brings it up to date, which writes to the store; the rest only reads.
    var readsOnly: Bool { watch == nil }
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

    func make() throws -> WeakSignalOptions {
        var options = WeakSignalOptions()
        options.window = try duration(window, option: "--window")!
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
