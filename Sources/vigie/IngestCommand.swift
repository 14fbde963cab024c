import ArgumentParser
import Foundation
import VigieCore
import VigieEngine
import VigieIngest

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Import posts, accounts and interactions from files or folders.",
        discussion: """
            The format of each file is detected from its content; --format overrides it. \
            Formats: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")). \
            Folders are read recursively (files ending in .json, .jsonl, .ndjson, .csv, .tsv). \
            Re-importing the same data changes nothing. Bad records are reported with their \
            file and line, kept aside (see `vigie rejects`), and never stop the import; a file \
            that cannot be read is reported and the others still import.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Files or folders to import.")
    var paths: [String]

    @Option(help: ArgumentHelp("Input format (default: detected).", valueName: "format"))
    var format: ImportFormat?

    @Option(name: .customLong("map"), help: ArgumentHelp(
        "For --format csv: a Vigie field and the CSV column that holds it, e.g. --map text=message.",
        valueName: "field=column"))
    var mappings: [String] = []

    @Option(help: ArgumentHelp("Platform of CSV records (twitter, mastodon, bluesky, instagram, tiktok, youtube, other).",
                               valueName: "platform"))
    var platform: Platform?

    @Option(help: ArgumentHelp("CSV delimiter: ',', ';', '|' or 'tab' (default: detected).", valueName: "char"))
    var delimiter: String?

    @Option(help: "Records per transaction (1 to 1,000,000).")
    var batchSize: Int = 10_000

    @Option(help: ArgumentHelp("When the profiles were observed (e.g. 2019-06-01), for records that carry no date of "
                               + "their own; without it they get the import time. Trust scoring measures account age at it.",
                               valueName: "date"))
    var observedAt: String?

    @Flag(help: "Decode and validate only: report what would be imported and rejected, store nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("Publish the decoded batches to this ingest bus (NATS JetStream) instead of writing them; `vigie worker` processes write them.",
                               valueName: "nats://host:port"))
    var bus: String?

    @Flag(help: "Do not identify the language of posts that arrive without one.")
    var noLanguageId = false

    @OptionGroup var lexicon: LexiconOptions

    @Flag(help: "Print the import reports as JSON.")
    var json = false

    @Flag(name: .shortAndLong, help: "No progress display, even on a terminal.")
    var quiet = false

    func validate() throws {
        guard (1...IngestRequest.maximumBatchSize).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and \(Output.count(IngestRequest.maximumBatchSize)).")
        }
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--map '\(mapping)' should read FIELD=COLUMN, e.g. --map text=message.")
            }
        }
        if let delimiter, !["," , ";", "tab", "\t", "|"].contains(delimiter) {
            throw ValidationError("--delimiter must be ',', ';', '|' or 'tab'.")
        }
        if let observedAt, DateParsing.parse(observedAt) == nil {
            throw ValidationError("--observed-at '\(observedAt)' is not a date: use e.g. 2019-06-01 or 2019-06-01T12:00:00Z.")
        }
        guard !(dryRun && bus != nil) else { throw ValidationError("choose one of --dry-run and --bus.") }
    }

    func run() async throws {
        let request = IngestRequest(paths: paths, format: format, csv: csvOptions(), batchSize: batchSize,
                                    dryRun: dryRun, identifyLanguages: !noLanguageId,
                                    observedAt: observedAt.flatMap(DateParsing.parse))
        let showProgress = !quiet && !json && Output.stderrIsTerminal
        let json = self.json
        // Nothing is written here in a dry run or when publishing to a bus: no write counts to show.
        let dryRun = self.dryRun || bus != nil
        let events: @Sendable (IngestEvent) -> Void = { event in
            switch event {
            case .progress(let progress): if showProgress { Self.showProgress(progress) }
            case .buildingIndexes: if showProgress { Output.status("building indexes…") }
            case .fileDone(let report):
                if showProgress { Output.clearStatus() }
                if !json { print(Self.summary(of: report, dryRun: dryRun)) }
            }
        }
        let result: IngestResult
        if self.dryRun {
            let configuration = store.configuration(lexicons: lexicon.lexicons)
            try configuration.validate()
            result = try await Engine.ingest(request, into: DiscardingWriter(), workspace: configuration.workspace,
                                             resources: Resources(configuration: configuration), events: events)
        } else if let bus {
            let configuration = store.configuration(lexicons: lexicon.lexicons)
            try configuration.validate()
            let writer = BusWriter(bus: try BusOptions.open(bus), idPrefix: BusOptions.importID(paths))
            result = try await Engine.ingest(request, into: writer, workspace: configuration.workspace,
                                             resources: Resources(configuration: configuration), events: events)
            if !json { print("published to \(bus): \(Output.count(result.totalPosts)) posts and \(Output.count(result.totalAccounts)) accounts; `vigie worker --bus \(bus)` writes them") }
        } else {
            result = try await store.engine(lexicons: lexicon.lexicons).ingest(request, events: events)
        }
        if showProgress { Output.clearStatus() }
        for note in result.notes { Output.printError("note: \(note)") }
        for failure in result.failures { Output.printError("error: \(failure.file): \(failure.message)") }
        if json {
            print(try Output.json(result.reports))
        } else {
            for skipped in result.skippedFiles { print("\(skipped.file): skipped: \(skipped.reason)") }
            let named = result.reports.count + result.skippedFiles.count + result.failures.count
            if named > 1 {
                print("\(result.reports.count) of \(named) files imported: \(Output.count(result.totalPosts)) posts, "
                      + "\(Output.count(result.totalAccounts)) accounts, \(Output.count(result.totalRejected)) rejected")
            }
            if result.totalRejected > 0 && !dryRun {
                print("see the rejected records with: vigie rejects\(store.database.map { " --database \(StoreOptions.printable($0))" } ?? "")")
            }
        }
        if !result.failures.isEmpty || result.reports.contains(where: { $0.unaccounted != 0 }) { throw ExitCode(1) }
    }

    private func csvOptions() -> CSVOptions {
        var csv = CSVOptions()
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1).map(String.init)
            csv.mapping[parts[0]] = parts[1]
        }
        if let platform { csv.platform = platform }
        if let delimiter {
            csv.delimiter = delimiter == "tab" || delimiter == "\t" ? 0x09 : delimiter.utf8.first ?? UInt8(ascii: ",")
        }
        return csv
    }

    @Sendable private static func showProgress(_ p: ImportProgress) {
        let name = (p.file as NSString).lastPathComponent
        let percent = String(format: "%5.1f%%", p.fraction * 100)
        let rate = Output.count(Int(p.recordsPerSecond))
        Output.status("\(name)  \(percent)  \(Output.count(p.records)) records  \(rate) records/s")
    }

    static func summary(of report: ImportReport, dryRun: Bool) -> String {
        let w = report.written
        func n(_ value: Int) -> String { Output.count(value) }
        var parts = ["\(n(report.records)) records (\(n(report.imported)) imported, \(n(report.skippedCount)) skipped, "
                     + "\(n(report.recordsRejected)) rejected)"]
        if report.posts > 0 {
            var post = "\(n(report.posts)) posts"
            if !dryRun {
                post += " (\(n(w.postsInserted)) new, \(n(w.postsUpdated)) updated, \(n(w.postsUnchanged)) unchanged"
                    + (w.postsSuppressed > 0 ? ", \(n(w.postsSuppressed)) deleted earlier and kept out" : "") + ")"
            }
            parts.append(post)
        }
        if report.accounts > 0 {
            parts.append("\(n(report.accounts)) accounts" + (dryRun ? "" : " (\(n(w.accountsInserted)) new)"))
        }
        if report.interactions > 0 { parts.append("\(n(report.interactions)) likes/reposts/follows") }
        if report.tombstones > 0 { parts.append("\(n(report.tombstones)) deletions") }
        if report.rejected > report.recordsRejected {
            parts.append("\(n(report.rejected - report.recordsRejected)) bad elements rejected inside imported records")
        }
        if report.languagesInferred > 0 { parts.append("\(n(report.languagesInferred)) languages identified") }
        var text = "\(report.file) [\(report.format)]: " + parts.joined(separator: ", ")
            + String(format: " in %.2fs", report.seconds)
        if report.seconds >= 1 {
            text += " (\(n(Int(Double(report.posts + report.accounts) / report.seconds))) records/s, "
                + String(format: "%.1f MB/s)", Double(report.bytes) / 1e6 / report.seconds)
        }
        for (reason, count) in report.skipped.sorted(by: { $0.value > $1.value }) {
            text += "\n  skipped \(n(count)): \(reason)"
        }
        if report.unaccounted != 0 {
            text += "\n  error: \(n(report.unaccounted)) records have no outcome (a bug in vigie: please report it)"
        }
        return text
    }
}

extension ImportFormat: ExpressibleByArgument {}
extension Platform: ExpressibleByArgument {}
