import ArgumentParser
import Foundation
import VigieCore
import VigieStore

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Saved queries (watches): what they match, over time, with share of voice and top entities.",
        discussion: """
            A watch applies to every post stored and to every post imported, edited or deleted \
            later, without a full rescan: each read first tests only what changed. See docs/watches.md.
            """,
        subcommands: [Add.self, List.self, Show.self, Compare.self, Remove.self, Refresh.self, TimeZoneSetting.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a query as a watch and match it against everything stored.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Name of the watch (letters, digits, '-', '_', '.').") var name: String
        @Argument(help: "The query (see docs/query-language.md; quote it for the shell).") var query: String
        @Flag(help: "Match words by their stem (French and English Snowball).") var stemmed = false

        func run() throws {
            let refresh: WatchRefresh
            do {
                refresh = try store.openStore().addWatch(Watch(name: name, query: query, stemmed: stemmed),
                                                         workspace: store.workspace)
            } catch let error as WatchError {
                throw CLIError(error.description)
            }
            print("watch '\(name)' added: \(Output.count(refresh.totalMatches)) posts match")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The workspace's watches with their match counts.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let sqlite = try store.openStore(mustExist: true)
            struct Entry: Encodable {
                var name: String
                var query: String
                var stemmed: Bool
                var createdAt: Date
                var matches: Int
            }
            let entries = try sqlite.watches(workspace: store.workspace).map { watch in
                Entry(name: watch.name, query: watch.query, stemmed: watch.stemmed, createdAt: watch.createdAt,
                      matches: try sqlite.refreshWatch(named: watch.name, workspace: store.workspace).totalMatches)
            }
            if json {
                print(try Output.json(entries))
                return
            }
            if entries.isEmpty {
                print("no watches in workspace '\(store.workspace)': add one with `vigie watch add NAME QUERY`")
                return
            }
            print(Output.table(["name", "matches", "stemmed", "query"], entries.map { entry in
                [entry.name, Output.count(entry.matches), entry.stemmed ? "yes" : "no", entry.query]
            }))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a watch and its matches.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String

        func run() throws {
            guard try store.openStore(mustExist: true).removeWatch(named: name, workspace: store.workspace) else {
                throw CLIError(WatchError.notFound(name).description)
            }
            print("watch '\(name)' removed")
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Test the posts imported, edited or deleted since the last refresh (all watches by default).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Watches to refresh.") var names: [String] = []

        func run() throws {
            let sqlite = try store.openStore(mustExist: true)
            let names = self.names.isEmpty ? try sqlite.watches(workspace: store.workspace).map(\.name) : self.names
            var rows: [[String]] = []
            for name in names {
                let started = Date()
                let refresh: WatchRefresh
                do {
                    refresh = try sqlite.refreshWatch(named: name, workspace: store.workspace)
                } catch let error as WatchError {
                    throw CLIError(error.description)
                }
                rows.append([name, Output.count(refresh.newPostsMatched), Output.count(refresh.newPostsExamined),
                             Output.count(refresh.changedPostsExamined), Output.count(refresh.totalMatches),
                             String(format: "%.3f", Date().timeIntervalSince(started))])
            }
            print(Output.table(["watch", "new matched", "tested one by one", "changed retested", "matches", "seconds"], rows))
        }
    }

    struct TimeZoneSetting: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "timezone",
            abstract: "Show or set the workspace's time zone for dashboard buckets (default UTC).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "An IANA time zone such as Europe/Paris or UTC.") var zone: String?

        func run() throws {
            let sqlite = try store.openStore()
            if let zone {
                try sqlite.setTimeZone(try DashboardOptions.timeZone(zone, option: "time zone"), workspace: store.workspace)
            }
            print(try sqlite.timeZone(workspace: store.workspace).identifier)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A watch's dashboard: volume, authors, engagement, sentiment, top entities, each against the previous period.",
            discussion: "With several watches, also their share of voice.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "One or more watches.") var names: [String]
        @OptionGroup var options: DashboardOptions

        func validate() throws {
            guard !names.isEmpty else { throw ValidationError("name at least one watch (see `vigie watch list`).") }
        }

        func run() throws {
            try options.show(names, store: store)
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Share of voice and dashboards of several watches over the same period.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Two or more watches.") var names: [String]
        @OptionGroup var options: DashboardOptions

        func validate() throws {
            guard names.count >= 2 else { throw ValidationError("name at least two watches to compare.") }
        }

        func run() throws {
            try options.show(names, store: store)
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
    /// For scripts/bench-query: the refresh and dashboard times on standard error.
    @Flag(help: .hidden) var timings = false

    func validate() throws {
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv.") }
        guard top >= 0 else { throw ValidationError("--top must not be negative.") }
        if let timeZone { _ = try Self.timeZone(timeZone, option: "--timezone") }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, DateParsing.parse(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a date: use 2024-01-31 or 2024-01-31T12:00:00Z.")
            }
        }
    }

    static func timeZone(_ name: String, option: String) throws -> TimeZone {
        guard let zone = TimeZone(identifier: name) else {
            throw ValidationError("\(option) '\(name)' is not a time zone: use an IANA name such as Europe/Paris, America/Montreal or UTC.")
        }
        return zone
    }

    /// A date alone (`2025-03-01`) is local midnight in `zone`; `end` moves it to the next midnight.
    static func date(_ text: String, in zone: TimeZone, end: Bool) -> Date? {
        let parts = text.split(separator: "-")
        if text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            guard let midnight = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
            return end ? calendar.date(byAdding: .day, value: 1, to: midnight) : midnight
        }
        return DateParsing.parse(text)
    }

    func buckets(store: SQLiteStore, workspace: String, names: [String]) throws -> TimeBuckets {
        let zone = try timeZone.map { try Self.timeZone($0, option: "--timezone") } ?? store.timeZone(workspace: workspace)
        let start = since.flatMap { Self.date($0, in: zone, end: false) }
        let end = until.flatMap { Self.date($0, in: zone, end: true) }
        if let start {
            let stop = end ?? Date()
            guard start < stop else { throw CLIError("--since must be before --until") }
            return TimeBuckets(size: bucket, timeZone: zone, covering: start..<stop)
        }
        if let end { return TimeBuckets(size: bucket, timeZone: zone, count: bucket.defaultCount, endingAt: end) }
        // By default the period ends with the newest match of the watches, so old data shows too.
        var newest: Date?
        for name in names {
            if let span = try store.watchSpan(named: name, workspace: workspace) {
                newest = max(newest ?? span.upperBound, span.upperBound)
            }
        }
        return TimeBuckets(size: bucket, timeZone: zone, count: bucket.defaultCount,
                           endingAt: (newest ?? Date()).addingTimeInterval(0.001))
    }

    func show(_ names: [String], store options: StoreOptions) throws {
        let store = try options.openStore(mustExist: true)
        let dashboards: [WatchDashboard]
        let buckets: TimeBuckets
        do {
            let started = DispatchTime.now().uptimeNanoseconds
            var refreshes: [WatchRefresh] = []
            for name in names { refreshes.append(try store.refreshWatch(named: name, workspace: options.workspace)) }
            let refreshed = DispatchTime.now().uptimeNanoseconds
            buckets = try self.buckets(store: store, workspace: options.workspace, names: names)
            let spanned = DispatchTime.now().uptimeNanoseconds
            var analyzers = try TextAnalysis.dashboardAnalyzers(TextAnalysis.lexicons())
            let loaded = DispatchTime.now().uptimeNanoseconds
            // --timings: the time spent in each text analysis, to tell it from reading the posts.
            let sentimentClock = Stopwatch(), termsClock = Stopwatch()
            if timings {
                if let sentiment = analyzers.sentiment {
                    analyzers.sentiment = { text, language in sentimentClock.time { sentiment(text, language) } }
                }
                let terms = analyzers.terms
                analyzers.terms = { text, language in termsClock.time { terms(text, language) } }
            }
            dashboards = try names.map { name in
                try store.dashboard(named: name, workspace: options.workspace, buckets: buckets,
                                    analyzers: analyzers, topCount: top)
            }
            if timings {
                let done = DispatchTime.now().uptimeNanoseconds
                let analysed = sentimentClock.milliseconds + termsClock.milliseconds
                Output.printError(String(format: "timings: refresh %.1f ms (%d new posts tested, %d changed), dashboard %.1f ms (%d posts in the two periods)"
                                         + " = period %.1f ms + lexicons and model loaded %.1f ms + posts read and counted %.1f ms"
                                         + " + sentiment %.1f ms + terms %.1f ms",
                                         Double(refreshed - started) / 1e6, refreshes.reduce(0) { $0 + $1.newPostsExamined },
                                         refreshes.reduce(0) { $0 + $1.changedPostsExamined }, Double(done - refreshed) / 1e6,
                                         dashboards.reduce(0) { $0 + $1.posts.current + $1.posts.previous },
                                         Double(spanned - refreshed) / 1e6, Double(loaded - spanned) / 1e6,
                                         Double(done - loaded) / 1e6 - analysed, sentimentClock.milliseconds, termsClock.milliseconds))
            }
        } catch let error as WatchError {
            throw CLIError(error.description)
        }
        let share = dashboards.count > 1 ? ShareOfVoice(dashboards) : nil
        if json {
            struct Result: Encodable {
                var dashboards: [WatchDashboard]
                var shareOfVoice: ShareOfVoice?
            }
            print(try Output.json(Result(dashboards: dashboards, shareOfVoice: share)))
        } else if csv {
            print(DashboardText.csv(dashboards, share: share))
        } else {
            print(DashboardText.render(dashboards, share: share))
        }
    }
}

extension BucketSize: ExpressibleByArgument {}

/// Dashboards as aligned text tables and as CSV.
enum DashboardText {
    static func render(_ dashboards: [WatchDashboard], share: ShareOfVoice?) -> String {
        var out: [String] = []
        for dashboard in dashboards {
            out.append(render(dashboard))
        }
        if let share {
            out.append("share of voice")
            out.append(Output.table(["watch", "posts", "share", "previous", "change", "share by bucket"], share.entries.map { entry in
                [entry.watch, Output.count(entry.posts.current), percent(entry.share), percent(entry.previousShare),
                 String(format: "%+.1f pts", entry.changePoints), sparkline(entry.shareByBucket)]
            }))
        }
        return out.joined(separator: "\n\n")
    }

    static func render(_ d: WatchDashboard) -> String {
        var out: [String] = []
        out.append("watch \(d.watch): \(d.query)")
        out.append("period \(day(d.period.start, d.timeZone)) to \(day(d.period.end, d.timeZone)) (\(d.volume.count) \(d.bucket.rawValue) buckets, \(d.timeZone)); "
                   + "previous \(day(d.previousPeriod.start, d.timeZone)) to \(day(d.previousPeriod.end, d.timeZone))")
        out.append("")
        var rows: [[String]] = [
            figureRow("posts", d.posts),
            figureRow("unique authors", d.uniqueAuthors),
            figureRow("likes", d.engagement.likes),
            figureRow("reposts", d.engagement.reposts),
            figureRow("replies", d.engagement.replies),
            figureRow("quotes", d.engagement.quotes),
        ]
        if let sentiment = d.sentiment {
            rows += [figureRow("negative", sentiment.negative), figureRow("neutral", sentiment.neutral),
                     figureRow("positive", sentiment.positive), figureRow("unclassified", sentiment.unclassified)]
        }
        out.append(Output.table(["", "now", "previous", "change"], rows))
        if d.sentiment == nil { out.append("sentiment: not available") }
        let counts = d.volume.map { Double($0.posts) }
        let peak = d.volume.max { $0.posts < $1.posts }
        out.append("")
        out.append("volume  " + sparkline(counts) + "  peak \(Output.count(peak?.posts ?? 0)) per \(d.bucket.rawValue)"
                   + (peak.map { " at \($0.label)" } ?? ""))
        out.append(Output.table(["bucket", "posts", ""], d.volume.map { point in
            [point.label, Output.count(point.posts), bar(point.posts, max: peak?.posts ?? 0)]
        }))
        for (title, entries) in [("top hashtags", d.top.hashtags), ("top terms", d.top.terms), ("top domains", d.top.domains),
                                 ("top mentioned accounts", d.top.mentions), ("top authors", d.top.authors)] {
            out.append("")
            if entries.isEmpty {
                out.append("\(title): none")
                continue
            }
            out.append(Output.table([title, "posts", "previous", "change"], entries.map { entry in
                [entry.value, Output.count(entry.count), Output.count(entry.previous), change(entry.change)]
            }))
        }
        return out.joined(separator: "\n")
    }

    static func csv(_ dashboards: [WatchDashboard], share: ShareOfVoice?) -> String {
        var lines = ["watch,section,key,current,previous,change"]
        func add(_ watch: String, _ section: String, _ key: String, _ current: String, _ previous: String, _ change: Double?) {
            lines.append([watch, section, key, current, previous, change.map { String(format: "%.4f", $0) } ?? ""]
                .map(CSVText.field).joined(separator: ","))
        }
        for d in dashboards {
            func figure(_ key: String, _ f: WatchDashboard.Figure) { add(d.watch, "total", key, String(f.current), String(f.previous), f.change) }
            figure("posts", d.posts)
            figure("unique_authors", d.uniqueAuthors)
            figure("likes", d.engagement.likes)
            figure("reposts", d.engagement.reposts)
            figure("replies", d.engagement.replies)
            figure("quotes", d.engagement.quotes)
            if let s = d.sentiment {
                for (key, f) in [("negative", s.negative), ("neutral", s.neutral), ("positive", s.positive), ("unclassified", s.unclassified)] {
                    add(d.watch, "sentiment", key, String(f.current), String(f.previous), f.change)
                }
            }
            for point in d.volume { add(d.watch, "volume", point.label, String(point.posts), "", nil) }
            for (section, entries) in [("hashtag", d.top.hashtags), ("term", d.top.terms), ("domain", d.top.domains),
                                       ("mention", d.top.mentions), ("author", d.top.authors)] {
                for entry in entries { add(d.watch, section, entry.value, String(entry.count), String(entry.previous), entry.change) }
            }
        }
        for entry in share?.entries ?? [] {
            add(entry.watch, "share_of_voice", "share", String(format: "%.4f", entry.share),
                String(format: "%.4f", entry.previousShare), entry.share - entry.previousShare)
        }
        return lines.joined(separator: "\n")
    }

    private static func figureRow(_ name: String, _ f: WatchDashboard.Figure) -> [String] {
        [name, Output.count(f.current), Output.count(f.previous), change(f.change)]
    }

    static func change(_ value: Double?) -> String {
        guard let value else { return "new" }
        return String(format: "%+.1f%%", value * 100)
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    /// One block character per value, scaled to the largest.
    static func sparkline(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let peak = values.max() ?? 0
        return String(values.map { value in
            guard peak > 0, value > 0 else { return " " }
            return blocks[min(blocks.count - 1, Int((value / peak) * Double(blocks.count - 1) + 0.5))]
        })
    }

    private static func bar(_ value: Int, max peak: Int) -> String {
        guard peak > 0 else { return "" }
        return String(repeating: "▇", count: Int((Double(value) / Double(peak) * 30).rounded()))
    }

    private static func day(_ date: Date, _ zone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

/// Wall time accumulated over calls (watch show --timings); the dashboard calls it from one thread.
final class Stopwatch: @unchecked Sendable {
    private let lock = NSLock()
    private var nanoseconds: UInt64 = 0

    var milliseconds: Double { lock.withLock { Double(nanoseconds) / 1e6 } }

    func time<T>(_ body: () -> T) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        lock.withLock { nanoseconds += elapsed }
        return result
    }
}
