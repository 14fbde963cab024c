import ArgumentParser
import Foundation
import VigieCore
import VigieIngest
import VigieStore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Import posts, accounts and interactions from files or folders.",
        discussion: """
            The format of each file is detected from its content; --format overrides it. \
            Formats: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")). \
            Folders are read recursively (files ending in .json, .jsonl, .ndjson, .csv, .tsv). \
            Re-importing the same data changes nothing. Bad records are reported with their \
            file and line, kept aside (see `vigie rejects`), and never stop the import.
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

    @Option(help: ArgumentHelp("CSV delimiter: ',', ';' or 'tab' (default: detected).", valueName: "char"))
    var delimiter: String?

    @Option(help: "Records per transaction.")
    var batchSize: Int = 10_000

    @Flag(help: "Decode and validate only: report what would be imported and rejected, store nothing.")
    var dryRun = false

    @Flag(help: "Do not identify the language of posts that arrive without one.")
    var noLanguageId = false

    @OptionGroup var lexicon: LexiconOptions

    @Flag(help: "Print the import reports as JSON.")
    var json = false

    @Flag(name: .shortAndLong, help: "No progress display, even on a terminal.")
    var quiet = false

    func validate() throws {
        guard (1...ImportOptions.maxBatchSize).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and \(Output.count(ImportOptions.maxBatchSize)).")
        }
        for mapping in mappings {
            guard let equals = mapping.firstIndex(of: "="), equals != mapping.startIndex,
                  mapping.index(after: equals) != mapping.endIndex else {
                throw ValidationError("--map '\(mapping)' should read FIELD=COLUMN with both named, e.g. --map text=message.")
            }
        }
        if let delimiter, !["," , ";", "tab", "\t", "|"].contains(delimiter) {
            throw ValidationError("--delimiter must be ',', ';', '|' or 'tab'.")
        }
    }

    func run() throws {
        var missing: [String] = []
        let files = try expand(paths, missing: &missing)
        // A path that is not there is reported; the others still import, and the exit status says it.
        for path in missing { Output.printError("error: \(path): no such file or folder") }
        guard !files.isEmpty else {
            if !missing.isEmpty { throw ExitCode(1) }
            throw CLIError("no importable files (.json, .jsonl, .ndjson, .csv, .tsv) under \(paths.joined(separator: ", "))")
        }
        defer { if !missing.isEmpty { Output.printError("\(missing.count) of the paths given did not exist (see above)") } }
        if dryRun {
            try importAll(files, with: Importer(store: DiscardingStore()))
        } else {
            try importAll(files, with: Importer(store: try store.openStore()))
        }
        if !missing.isEmpty { throw ExitCode(1) }
    }

    private func importAll<S: Store>(_ files: [(path: String, named: Bool)], with importer: Importer<S>) throws {
        let options = importOptions()
        let showProgress = !quiet && !json && Output.stderrIsTerminal
        var reports: [ImportReport] = []
        var failures: [ImportError] = []
        let inputBytes = files.reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0)
        }
        let bulk = try importer.store.beginBulkLoad(inputBytes: inputBytes)
        defer {
            if bulk {
                if showProgress { Output.status("building indexes…") }
                do {
                    try importer.store.endBulkLoad()
                } catch {
                    Output.printError("error: building the indexes failed (\(error)); they are rebuilt the next time the database opens")
                }
                if showProgress { Output.clearStatus() }
            }
        }

        for (file, named) in files {
            do {
                let report = try importer.importFile(at: file, options: options,
                                                     progress: showProgress ? Self.showProgress : nil)
                if showProgress { Output.clearStatus() }
                reports.append(report)
                if !json { print(summary(of: report)) }
            } catch let error as ImportError {
                if showProgress { Output.clearStatus() }
                if error.code == .empty || error.code == .nothingToImport || (error.code == .unrecognisedFormat && !named) {
                    // An empty file, or a file met in a folder that is not data (a ground-truth
                    // file beside generated data), is reported and skipped, not an error.
                    if !json { print("\(file): skipped: \(error.message)") }
                    continue
                }
                failures.append(error)
                Output.printError("error: \(error)")
            }
        }
        if json {
            print(try Output.json(reports))
        } else if files.count > 1 {
            let total = reports.reduce(into: (posts: 0, accounts: 0, rejected: 0)) {
                $0.posts += $1.posts; $0.accounts += $1.accounts; $0.rejected += $1.rejected
            }
            print("\(reports.count) of \(files.count) files imported: \(Output.count(total.posts)) posts, "
                  + "\(Output.count(total.accounts)) accounts, \(Output.count(total.rejected)) rejected")
        }
        if reports.contains(where: { $0.rejected > 0 }) && !json && !dryRun {
            print("see the rejected records with: vigie rejects\(store.database.map { " --database \($0)" } ?? "")")
        }
        if !failures.isEmpty || reports.contains(where: { $0.unaccounted != 0 }) { throw ExitCode(1) }
    }

    @Sendable private static func showProgress(_ p: ImportProgress) {
        let name = (p.file as NSString).lastPathComponent
        let percent = String(format: "%5.1f%%", p.fraction * 100)
        let rate = Output.count(Int(p.recordsPerSecond))
        Output.status("\(name)  \(percent)  \(Output.count(p.records)) records  \(rate) records/s")
    }

    private func importOptions() -> ImportOptions {
        var csv = CSVOptions()
        for mapping in mappings {
            // `validate` checked that both sides are there.
            guard let equals = mapping.firstIndex(of: "=") else { continue }
            csv.mapping[String(mapping[..<equals])] = String(mapping[mapping.index(after: equals)...])
        }
        if let platform { csv.platform = platform }
        if let delimiter, let byte = delimiter == "tab" ? 0x09 : delimiter.utf8.first {
            csv.delimiter = byte
        }
        return ImportOptions(format: format, workspace: store.workspace, batchSize: batchSize, csv: csv,
                             languageIdentifier: languageIdentifier())
    }

    /// The identifier for posts without a language; without lexicons the import goes on without it.
    private func languageIdentifier() -> LanguageIdentifier? {
        guard !noLanguageId else { return nil }
        do {
            return try LanguageIdentifier(lexicons: lexicon.locate())
        } catch {
            FileHandle.standardError.write(Data("note: posts without a language keep none: \(error)\n".utf8))
            return nil
        }
    }

    private func summary(of report: ImportReport) -> String {
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

    /// Files named, and the importable files inside folders named, in a stable order;
    /// `named` tells a file the user named from one found in a folder.
    private func expand(_ paths: [String], missing: inout [String]) throws -> [(path: String, named: Bool)] {
        let extensions: Set<String> = ["json", "jsonl", "ndjson", "csv", "tsv"]
        var files: [(path: String, named: Bool)] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if !isDirectory.boolValue {
                files.append((path, true))
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw CLIError("\(path): cannot list the folder")
            }
            var found: [String] = []
            for case let relative as String in walker {
                let ext = (relative as NSString).pathExtension.lowercased()
                if extensions.contains(ext) { found.append((path as NSString).appendingPathComponent(relative)) }
            }
            files += found.sorted().map { ($0, false) }
        }
        return files
    }
}

extension ImportFormat: ExpressibleByArgument {}
extension Platform: ExpressibleByArgument {}
