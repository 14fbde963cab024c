import ArgumentParser
import Foundation
import VigieCore
import VigieStore

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Find stored posts with a listening query (Boolean, phrases, NEAR/n, wildcards, fields).",
        discussion: """
            Examples: 'velo OR cyclisme', '"piste cyclable" NOT lyon', 'influenc* NEAR/3 marque', \
            '#climat lang:fr since:2024-01-01', 'author:marie_velo site:lemonde.fr'. Matching folds \
            case and accents. The grammar is in docs/query-language.md. The full-text index narrows \
            the posts tested; every match is counted. Save a query as a watch with `vigie watch add`.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The query (quote it for the shell).")
    var query: String?

    @Option(help: ArgumentHelp("Only posts from this date on (e.g. 2024-01-01).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only posts before this date.", valueName: "date"))
    var until: String?

    @Option(help: "How many posts to show, newest first.")
    var limit = 20

    @Flag(help: "Match words by their stem (French and English Snowball): influenceur finds influenceuses.")
    var stemmed = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV.")
    var csv = false

    func validate() throws {
        guard query != nil || benchQueries != nil else { throw ValidationError("give a query, e.g. vigie query 'velo OR cyclisme'.") }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv.") }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, DateParsing.parse(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a date: use 2024-01-31 or 2024-01-31T12:00:00Z.")
            }
        }
    }

    @Option(name: .customLong("bench-queries"), help: .hidden)
    var benchQueries: String?

    @Option(help: .hidden)
    var repeats = 5

    func run() throws {
        if let benchQueries {
            try runBenchmark(file: benchQueries)
            return
        }
        let parsed: Query
        do {
            parsed = try Query.parse(query ?? "", options: QueryOptions(stemmed: stemmed))
        } catch {
            throw CLIError("invalid query\n\(error.description)")
        }
        let started = Date()
        let page = try store.openStore(mustExist: true).query(
            parsed, workspace: store.workspace, since: since.flatMap(DateParsing.parse),
            until: until.flatMap(DateParsing.parse), limit: limit)
        let seconds = Date().timeIntervalSince(started)
        let posts = page.posts
        if json {
            struct Result: Encodable {
                var query: String
                var matched: Int
                var authors: Int
                var posts: [Post]
            }
            print(try Output.json(Result(query: parsed.description, matched: page.matched, authors: page.authors, posts: posts)))
            return
        }
        if csv {
            print("created_at,platform,post_id,author_id,author,text")
            for post in posts {
                print([DateParsing.iso8601(post.createdAt), post.platform.rawValue, post.platformID, post.authorID,
                       post.authorHandle ?? "", post.text].map(CSVText.field).joined(separator: ","))
            }
            return
        }
        print("\(Output.count(page.matched)) posts by \(Output.count(page.authors)) accounts match \(parsed.description)"
              + String(format: " (%.3fs)", seconds))
        for post in posts {
            print(Output.post(post))
        }
    }

    /// The query benchmark (scripts/bench-query): each line of `file` is a query (`stemmed: ` in
    /// front for the stemmed mode; `# ` starts a comment, `#tag` is a hashtag query); each runs `repeats` times in this process, returning a page of
    /// `--limit` posts and the counts. Prints one TSV row per run.
    private func runBenchmark(file: String) throws {
        let store = try self.store.openStore(mustExist: true)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CLIError("cannot read the query file \(file): check that it exists and is UTF-8 text")
        }
        let lines = text.split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("# ") }
        // CPU time of this thread too: on a shared machine the wall time also counts waiting for a core.
        func cpuNanoseconds() -> UInt64 {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
        }
        print("query\trun\tmilliseconds\tmatched\tcandidates\texact\tfull_text_filter\tcpu_milliseconds")
        for line in lines {
            let isStemmed = line.hasPrefix("stemmed: ")
            let text = isStemmed ? String(line.dropFirst("stemmed: ".count)) : line
            let parsed: Query
            do {
                parsed = try Query.parse(text, options: QueryOptions(stemmed: isStemmed))
            } catch {
                throw CLIError("\(file): invalid query '\(text)'\n\(error.description)")
            }
            for run in 1...max(repeats, 1) {
                let started = DispatchTime.now().uptimeNanoseconds
                let cpuStarted = cpuNanoseconds()
                let page = try store.query(parsed, workspace: self.store.workspace, limit: limit)
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                let cpuMilliseconds = Double(cpuNanoseconds() - cpuStarted) / 1e6
                print([line, String(run), String(format: "%.2f", milliseconds), String(page.matched),
                       String(page.candidates), page.exact ? "yes" : "no", page.fullTextFilter ?? "(scan)",
                       String(format: "%.2f", cpuMilliseconds)].joined(separator: "\t"))
            }
        }
    }
}
