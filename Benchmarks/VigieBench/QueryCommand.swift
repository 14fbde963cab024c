import ArgumentParser
import Foundation
import VigieCore
import VigieEngine
import VigiePostgres
import VigieStore

/// Query latency (scripts/bench-query): each line of a file is a listening query (`stemmed: ` in
/// front for the stemmed mode; `# ` starts a comment, while `#tag` is a hashtag query), run
/// `--repeats` times in this process, each returning a page of `--limit` posts with the total
/// count and distinct authors. One TSV row per run on standard output.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Time listening queries from a file, several runs each, as TSV (scripts/bench-query)."
    )

    @Option(help: ArgumentHelp("SQLite database file or postgres:// URL (default: $VIGIE_DATABASE, else ./vigie.sqlite).", valueName: "path"))
    var database: String?

    @Option(help: ArgumentHelp("Workspace (default: $VIGIE_WORKSPACE, else default).", valueName: "name"))
    var workspace: String?

    @Argument(help: ArgumentHelp("The queries, one per line.", valueName: "file"))
    var file: String

    @Option(help: "Runs per query.")
    var repeats = 5

    @Option(help: "Posts returned per query (the page).")
    var limit = 50

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1.") }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
    }

    func run() async throws {
        var configuration = EngineConfiguration(environment: ProcessInfo.processInfo.environment)
        if let database { configuration.database = database }
        if let workspace { configuration.workspace = workspace }
        try configuration.validate()
        // Read-only: a benchmark never writes, and maps the file as read commands do.
        let store: any Store = PostgresStore.handles(configuration.database)
            ? try PostgresStore(url: configuration.database, readOnly: true)
            : try SQLiteStore(path: configuration.database, readOnly: true)
        let engine = Engine(store: store, configuration: configuration)
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let lines = text.split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("# ") }
        var requests: [(line: String, request: QueryRequest)] = []
        for (number, line) in lines.enumerated() {
            let stemmed = line.hasPrefix("stemmed: ")
            let query = stemmed ? String(line.dropFirst("stemmed: ".count)) : line
            do {
                _ = try Query.parse(query, options: QueryOptions(stemmed: stemmed))
            } catch {
                throw ValidationError("\(file): query \(number + 1) '\(query)' is invalid\n\(error.description)")
            }
            requests.append((line, QueryRequest(text: query, stemmed: stemmed, limit: limit)))
        }
        print("query\trun\tmilliseconds\tmatched\tcandidates\texact\tfull_text_filter\tcpu_milliseconds")
        for (line, request) in requests {
            for run in 1...repeats {
                let started = DispatchTime.now().uptimeNanoseconds
                let cpuStarted = processCPUNanoseconds()
                let page = try await engine.query(request).page
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                let cpuMilliseconds = Double(processCPUNanoseconds() - cpuStarted) / 1e6
                print([line, String(run), String(format: "%.2f", milliseconds), String(page.matched), String(page.candidates),
                       page.exact ? "yes" : "no", page.indexFilter ?? "(scan)", String(format: "%.2f", cpuMilliseconds)]
                    .joined(separator: "\t"))
            }
        }
    }
}

/// CPU time of the whole process (every thread) in nanoseconds: the store answers on its own
/// queues, so the calling thread's time alone would miss the work.
private func processCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
