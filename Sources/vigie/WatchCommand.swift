import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Saved queries (watches): what they match, over time, with share of voice and top entities.",
        discussion: """
            A watch applies to every post stored and to every post imported, edited or deleted \
            later, without a full rescan: each read first tests only what changed. See docs/watches.md.
            """,
        subcommands: [Add.self, List.self, Show.self, Compare.self, Remove.self, Refresh.self, TimeZoneSetting.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Save a query as a watch and match it against everything stored.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Name of the watch (letters, digits, '-', '_', '.').") var name: String
        @Argument(help: "The query (see docs/query-language.md; quote it for the shell).") var query: String
        @Flag(help: "Match words by their stem (French and English Snowball).") var stemmed = false

        func run() async throws {
            let refresh = try await store.engine().addWatch(AddWatchRequest(name: name, query: query, stemmed: stemmed))
            print("watch '\(name)' added: \(Output.count(refresh.totalMatches)) posts match")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The workspace's watches with their match counts.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            // Listing brings each watch up to date (a write), so the store opens for writing.
            let engine = try store.engine(mustExist: true)
            let entries = try await engine.watches()
            if json {
                print(try Output.json(entries))
                return
            }
            if entries.isEmpty {
                print("no watches in workspace '\(engine.workspace)': add one with `vigie watch add NAME QUERY`")
                return
            }
            print(Output.table(["name", "matches", "stemmed", "query"], entries.map { entry in
                [entry.name, Output.count(entry.matches), entry.stemmed ? "yes" : "no", entry.query]
            }))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a watch and its matches.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String

        func run() async throws {
            try await store.engine(mustExist: true).removeWatch(named: name)
            print("watch '\(name)' removed")
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refresh",
            abstract: "Test the posts imported, edited or deleted since the last refresh (all watches by default).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Watches to refresh.") var names: [String] = []

        func run() async throws {
            let reports = try await store.engine(mustExist: true).refreshWatches(names)
            print(Output.table(["watch", "new matched", "tested one by one", "changed retested", "matches", "seconds"],
                               reports.map { report in
                                   let refresh = report.refresh
                                   return [report.watch, Output.count(refresh.newPostsMatched), Output.count(refresh.newPostsExamined),
                                           Output.count(refresh.changedPostsExamined), Output.count(refresh.totalMatches),
                                           String(format: "%.3f", report.seconds)]
                               }))
        }
    }

    struct TimeZoneSetting: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "timezone",
            abstract: "Show or set the workspace's time zone for dashboard buckets (default UTC).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "An IANA time zone such as Europe/Paris or UTC.") var zone: String?

        func validate() throws {
            if let zone { try DashboardOptions.checkTimeZone(zone, option: "time zone") }
        }

        func run() async throws {
            let engine = try store.engine()
            if let zone { try await engine.setDashboardTimeZone(zone) }
            print(try await engine.dashboardTimeZone().identifier)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "A watch's dashboard: volume, authors, engagement, sentiment, top entities, each against the previous period.",
            discussion: "With several watches, also their share of voice.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "One or more watches.") var names: [String]
        @OptionGroup var options: DashboardOptions

        func validate() throws {
            guard !names.isEmpty else { throw ValidationError("name at least one watch (see `vigie watch list`).") }
        }

        func run() async throws {
            try await options.show(names, store: store)
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "compare", abstract: "Share of voice and dashboards of several watches over the same period.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Two or more watches.") var names: [String]
        @OptionGroup var options: DashboardOptions

        func validate() throws {
            guard names.count >= 2 else { throw ValidationError("name at least two watches to compare.") }
        }

        func run() async throws {
            try await options.show(names, store: store)
        }
    }
}

/// Options and output of `watch show` and `watch compare`.
struct DashboardOptions: ParsableArguments {
    @Option(help: "Bucket size: hour, day or week.") var bucket: BucketSize = .day
    @Option(help: ArgumentHelp("Start of the period (a date is local midnight in the time zone).", valueName: "date"))
    var since: String?
    @Option(help: ArgumentHelp("End of the period, exclusive (a date alone includes that day).", valueName: "date"))
    var until: String?
    @Option(name: .customLong("timezone"), help: ArgumentHelp("Time zone of the buckets (default: the workspace's, see `watch timezone`).", valueName: "zone"))
    var timeZone: String?
    @Option(help: "How many entries in each top list.") var top = 10
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV (one row per figure).") var csv = false
    @Flag(help: "Also print the time of each phase on standard error (refresh, period, lexicons and model, posts read and analysed, sentiment, terms).")
    var timings = false

    func validate() throws {
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv.") }
        guard top >= 0 else { throw ValidationError("--top must not be negative.") }
        if let timeZone { try Self.checkTimeZone(timeZone, option: "--timezone") }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, PeriodBound(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a date: use 2024-01-31 or 2024-01-31T12:00:00Z.")
            }
        }
    }

    static func checkTimeZone(_ name: String, option: String) throws {
        guard TimeZone(identifier: name) != nil else {
            throw ValidationError("\(option) '\(name)' is not a time zone: use an IANA name such as Europe/Paris, America/Montreal or UTC.")
        }
    }

    func show(_ names: [String], store: StoreOptions) async throws {
        // A dashboard first brings its watches up to date (a write), so the store opens for writing.
        let result = try await store.engine(mustExist: true).dashboards(DashboardRequest(
            watches: names, bucket: bucket, since: since.flatMap(PeriodBound.init), until: until.flatMap(PeriodBound.init),
            timeZone: timeZone, top: top, timings: timings))
        for note in result.notes { Output.printError("note: \(note)") }
        if let t = result.timings {
            Output.printError(String(format: "timings: refresh %.1f ms (%d new posts tested, %d changed), dashboard %.1f ms (%d posts in the two periods)"
                                     + " = period %.1f ms + lexicons and model loaded %.1f ms + posts read, analysed and counted %.1f ms"
                                     + " (of which, summed over the %d threads that analyse posts: sentiment %.1f ms, terms %.1f ms)",
                                     t.refresh, t.newPostsTested, t.changedPostsRetested, t.dashboard, t.postsRead,
                                     t.period, t.resources, t.posts, t.cores, t.sentiment, t.terms))
        }
        if json {
            struct Result: Encodable {
                var dashboards: [WatchDashboard]
                var shareOfVoice: ShareOfVoice?
            }
            print(try Output.json(Result(dashboards: result.dashboards, shareOfVoice: result.shareOfVoice)))
        } else if csv {
            print(DashboardText.csv(result.dashboards, share: result.shareOfVoice))
        } else {
            print(DashboardText.render(result.dashboards, share: result.shareOfVoice))
        }
    }
}

extension BucketSize: ExpressibleByArgument {}
