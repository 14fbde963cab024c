import Foundation
import VigieCore

/// What an import does with one file.
public struct ImportOptions: Sendable {
    /// `nil` detects the format from the content.
    public var format: ImportFormat?
    public var workspace: String
    /// Items per transaction: large enough to amortise commits, small enough to bound memory.
    /// Kept within 1...``maxBatchSize``.
    public var batchSize: Int
    public static let maxBatchSize = 1_000_000
    public var csv: CSVOptions
    /// Fills `Post.language` for posts that arrive without one (left `nil` when undetermined).
    /// The model has no "inferred" flag: `ImportReport.languagesInferred` counts them.
    public var languageIdentifier: LanguageIdentifier?
    /// When the profiles were observed, for records whose source gives no date of its own (a
    /// v1.1 export without a crawl time). Without it, such accounts get the import time,
    /// marked as such (`Account.observedAtIsImportTime`).
    public var observedAt: Date?

    public init(format: ImportFormat? = nil, workspace: String = Workspace.defaultName,
                batchSize: Int = 10_000, csv: CSVOptions = CSVOptions(),
                languageIdentifier: LanguageIdentifier? = nil, observedAt: Date? = nil) {
        self.observedAt = observedAt
        self.format = format
        self.workspace = workspace
        self.batchSize = min(max(batchSize, 1), Self.maxBatchSize)
        self.csv = csv
        self.languageIdentifier = languageIdentifier
    }
}

/// Progress of a running import, for a terminal display.
public struct ImportProgress: Sendable {
    public var file: String
    public var bytesRead: Int
    public var bytesTotal: Int
    public var records: Int
    public var elapsed: TimeInterval

    public var fraction: Double { bytesTotal > 0 ? Double(bytesRead) / Double(bytesTotal) : 1 }
    public var recordsPerSecond: Double { elapsed > 0 ? Double(records) / elapsed : 0 }
}

/// The outcome of importing one file.
public struct ImportReport: Sendable, Codable {
    public var file: String
    public var format: String
    public var bytes: Int
    /// Top-level units read (lines, array elements, CSV rows). Each has one outcome:
    /// `records == imported + skippedCount + recordsRejected` (see ``unaccounted``).
    public var records = 0
    /// Records that gave something to store; what the store made of their items (new, updated,
    /// unchanged) is in ``written``.
    public var imported = 0
    /// Records rejected whole (each with at least one reject).
    public var recordsRejected = 0
    public var posts = 0
    public var accounts = 0
    public var interactions = 0
    public var tombstones = 0
    /// Rejects written: one per record rejected whole, plus one per bad element inside a record
    /// whose other elements were imported (a bad tweet in a page of a hundred).
    public var rejected = 0
    /// Exact repeats of a record met moments before (a user in every page of a twarc2 file),
    /// recognised and not written again.
    public var repeatsDropped = 0
    /// Posts without a language whose language was identified from their text.
    public var languagesInferred = 0
    /// Well-formed records that hold nothing to store, by reason.
    public var skipped: [String: Int] = [:]
    public var written = WriteSummary()
    public var seconds = 0.0

    public var skippedCount: Int { skipped.values.reduce(0, +) }

    /// Records with no outcome: always 0 unless the importer itself is wrong; checked at the end
    /// of every import and shown as an error.
    public var unaccounted: Int { records - imported - skippedCount - recordsRejected }
}

/// A file that cannot be imported at all (unreadable, unrecognised format, bad header).
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable, unrecognisedFormat, badHeader, empty
        /// The format named with `--format` plainly does not fit the content.
        case wrongFormat
        /// A known kind of document that holds no posts or accounts (an instance description).
        case nothingToImport
    }

    public var code: Code
    public var file: String
    public var message: String

    public var description: String { "\(file): \(message)" }
}

/// Reads files, decodes them with the right format and writes batches to a store.
///
/// Decoding runs on a worker thread of its own while the calling task writes the previous batch,
/// so parsing and the store's work overlap on two cores and the caller's executor is never
/// blocked. Each batch is one transaction: an interrupted import leaves whole batches only, and
/// re-running it completes it (writes are idempotent). Cancelling the task stops the import
/// after the batch being written.
///
/// ```swift
/// let report = try await Importer(store: store).importFile(at: "tweets.jsonl")
/// print(report.posts, report.rejected)
/// ```
public struct Importer<Writer: StoreWriter>: Sendable {
    public let store: Writer

    public init(store: Writer) {
        self.store = store
    }

    public func importFile(
        at path: String,
        options: ImportOptions = ImportOptions(),
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) async throws -> ImportReport {
        let started = Date()
        let channel = BatchChannel()
        // The decoder: a CPU pass on its own thread, feeding the channel.
        async let decoded: ImportReport = Offload.run {
            defer { channel.finish() }
            let source: ByteSource
            do {
                source = try ByteSource(path: path)
            } catch let error as ByteSource.OpenError {
                throw ImportError(code: .unreadable, file: path, message: error.reason)
            }
            guard source.size > 0 else {
                throw ImportError(code: .empty, file: path, message: "the file is empty, nothing to import")
            }
            // Detection reads the same open file and rewinds it; a named format wins over detection
            // but fails fast when the content plainly is not in it.
            let format: ImportFormat
            if let chosen = options.format {
                try FormatDetector.check(chosen, source: source)
                format = chosen
            } else {
                format = try FormatDetector.detect(source: source)
            }
            var run = ImportRun(path: path, format: format, options: options, source: source,
                                started: started, progress: progress, channel: channel)
            do {
                try run.execute()
            } catch let error as ByteSource.OpenError {
                throw ImportError(code: .unreadable, file: path, message: error.reason)
            }
            return run.report
        }
        var written = WriteSummary()
        var writeFailure: (any Error)?
        while let batch = await channel.next() {
            do {
                try Task.checkCancellation()
                written += try await store.write(batch, workspace: options.workspace)
                channel.consumed()
            } catch {
                writeFailure = error
                channel.stop(error)
                break
            }
        }
        // The decoder's own failure comes first; a write failure that stopped it comes next.
        var report: ImportReport
        do {
            report = try await decoded
        } catch {
            throw writeFailure ?? error
        }
        if let writeFailure { throw writeFailure }
        report.written = written
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}

/// The state of one file's import, on the decoding thread.
struct ImportRun {
    let path: String
    let format: ImportFormat
    let options: ImportOptions
    let source: ByteSource
    let started: Date
    let progress: (@Sendable (ImportProgress) -> Void)?
    var report: ImportReport
    private var items: [IngestItem] = []
    private var rejects: [Reject] = []
    private var lastProgress = Date.distantPast
    private let channel: BatchChannel
    private var repeats = RepeatFilter()

    init(path: String, format: ImportFormat, options: ImportOptions, source: ByteSource,
         started: Date, progress: (@Sendable (ImportProgress) -> Void)?, channel: BatchChannel) {
        self.path = path
        self.format = format
        self.options = options
        self.source = source
        self.started = started
        self.progress = progress
        self.channel = channel
        report = ImportReport(file: path, format: format.rawValue, bytes: source.size)
        items.reserveCapacity(options.batchSize + 200)
    }

    mutating func execute() throws {
        switch format {
        case .twitterV2: try readJSON(TwitterV2Decoder.self)
        case .twitterV1: try readJSON(TwitterV1Decoder.self)
        case .mastodon: try readJSON(MastodonDecoder.self)
        case .jetstream: try readJSON(JetstreamDecoder.self)
        case .toolkitCSV: try readCSV(ToolkitCSVDecoder.self)
        case .instagramCSV: try readCSV(InstagramCSVDecoder.self)
        case .genericCSV: try readCSV(GenericCSVDecoder.self)
        }
        try flush(completed: true)
    }

    // MARK: - Formats

    private mutating func readJSON<D: JSONRecordDecoder>(_ type: D.Type) throws {
        var decoder = D()
        let splitter = JSONUnitSplitter(source: source)
        var previousLine = 0
        try splitter.forEachUnit(resyncing: { bytes, start -> JSONUnitSplitter.Verdict in
            report.records += 1
            // Records that share a line (a one-line array) are told apart by their column.
            let place = start.line == previousLine ? " (record at column \(start.column))" : ""
            previousLine = start.line
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch let error as JSONParser.Error {
                let (lineOffset, column) = Self.position(of: error.offset, in: bytes)
                let absoluteColumn = lineOffset == 0 ? start.column + column - 1 : column
                beginRecord()
                // Two broken records may fail at the same place (one ran into the other): the
                // reason names the record's start whenever the failure is not on its first line.
                let which = place.isEmpty && lineOffset == 0 ? ""
                    : " in the record that starts at line \(start.line), column \(start.column)"
                reject(line: start.line + lineOffset,
                       reason: "invalid JSON\(which): \(error.message) (line \(start.line + lineOffset), column \(absoluteColumn))",
                       excerpt: Self.excerpt(bytes))
                endRecord(itemsFrom: items.count)
                try maybeFlush()
                return .broken(atOffset: error.offset)
            } catch {
                beginRecord()
                reject(line: start.line, reason: "invalid JSON: \(error)" + place, excerpt: Self.excerpt(bytes))
                endRecord(itemsFrom: items.count)
                try maybeFlush()
                return .broken(atOffset: 0)
            }
            let before = items.count
            beginRecord()
            // A unit the decoder refuses (a fragment of a damaged record, say) does not teach the
            // splitter how records start.
            var verdict = JSONUnitSplitter.Verdict.accepted
            do {
                try decoder.decode(value, into: &items)
            } catch let error as RecordError {
                record(error, line: start.line, excerpt: Self.excerpt(bytes), place: place)
                verdict = .notARecord
            } catch {
                reject(line: start.line, reason: "\(error)" + place, excerpt: Self.excerpt(bytes))
                verdict = .notARecord
            }
            for part in decoder.rejectedParts {
                reject(line: start.line, reason: Self.describe(part) + place, excerpt: Self.excerpt(bytes))
            }
            dropRepeats(from: before)
            endRecord(itemsFrom: before)
            try maybeFlush()
            return verdict
        }, onError: { error in
            report.records += 1
            beginRecord()
            reject(line: error.line, reason: error.reason, excerpt: error.excerpt)
            endRecord(itemsFrom: items.count)
        })
    }

    private mutating func readCSV<D: CSVRecordDecoder>(_ type: D.Type) throws {
        var decoder: D?
        var csv = options.csv
        // An explicit delimiter wins; detection only fills in a missing one.
        if options.csv.detectsDelimiter {
            csv.delimiter = (try? CSVRowSplitter.detectDelimiter(source: source)) ?? csv.delimiter
        }
        let splitter = CSVRowSplitter(source: source, delimiter: csv.delimiter)
        var headerError: Error?
        do {
            try splitter.forEachRow({ fields, line in
                guard decoder != nil else {
                    do {
                        decoder = try D(header: fields, options: csv)
                    } catch {
                        headerError = error
                        throw error
                    }
                    return
                }
                report.records += 1
                let before = items.count
                beginRecord()
                do {
                    try decoder!.decode(fields, into: &items)
                } catch let error as RecordError {
                    record(error, line: line, excerpt: fields.joined(separator: ","), place: "")
                } catch {
                    reject(line: line, reason: "\(error)", excerpt: fields.joined(separator: ","))
                }
                dropRepeats(from: before)
                endRecord(itemsFrom: before)
                try maybeFlush()
            }, onError: { error in
                report.records += 1
                beginRecord()
                reject(line: error.line, reason: error.reason, excerpt: error.excerpt)
                endRecord(itemsFrom: items.count)
            })
        } catch where headerError != nil {
            let reason = (headerError as? RecordError).map(Self.describe) ?? "\(headerError!)"
            throw ImportError(code: .badHeader, file: path, message: "line 1 (header): \(reason)")
        }
    }

    // MARK: - Accounting

    /// Rejects and skip reason of the record being read, to give it exactly one outcome.
    private var recordRejects = 0
    private var recordSkipReason: String?
    /// Hashes of the (line, reason) pairs of this file's rejects.
    private var usedReasons: Set<Int> = []

    private static func rejectKey(_ line: Int, _ reason: String) -> Int {
        var hasher = Hasher()
        hasher.combine(line)
        hasher.combine(reason)
        return hasher.finalize()
    }

    private mutating func beginRecord() {
        recordRejects = 0
        recordSkipReason = nil
    }

    /// The record's one outcome: imported when it gave items (even if some of its elements were
    /// rejected), else rejected when something was, else skipped (with its reason, or as empty).
    private mutating func endRecord(itemsFrom start: Int) {
        if items.count > start || gaveOnlyRepeats {
            report.imported += 1
        } else if recordRejects > 0 {
            report.recordsRejected += 1
        } else {
            report.skipped[recordSkipReason ?? "the record holds nothing to import", default: 0] += 1
        }
        gaveOnlyRepeats = false
    }

    /// Set by `dropRepeats` when every item of the record was an exact repeat (already stored).
    private var gaveOnlyRepeats = false

    // MARK: - Outcomes

    /// Counts the items a record gave, then drops the exact repeats among them.
    private mutating func dropRepeats(from start: Int) {
        gaveOnlyRepeats = false
        var kept = start
        for index in start..<items.count {
            let item = items[index]
            switch item {
            case .post: report.posts += 1
            case .account: report.accounts += 1
            case .interaction: report.interactions += 1
            case .tombstone: report.tombstones += 1
            }
            if repeats.isRepeat(item) {
                report.repeatsDropped += 1
                continue
            }
            items[kept] = stampObservation(inferLanguage(item))
            kept += 1
        }
        gaveOnlyRepeats = kept == start && items.count > start
        items.removeLast(items.count - kept)
    }

    /// Every account gets an observation date: its record's, else the one the import was given,
    /// else the import time (whole seconds, one for the file), marked as such.
    private func stampObservation(_ item: IngestItem) -> IngestItem {
        guard case .account(var account) = item, account.observedAt == nil else { return item }
        if let given = options.observedAt {
            account.observedAt = given
        } else {
            account.observedAt = Date(timeIntervalSince1970: started.timeIntervalSince1970.rounded(.down))
            account.observedAtIsImportTime = true
        }
        return .account(account)
    }

    private mutating func inferLanguage(_ item: IngestItem) -> IngestItem {
        guard let identifier = options.languageIdentifier, case .post(var post) = item, post.language == nil,
              !post.text.isEmpty else { return item }
        let language = identifier.identify(post.text).language
        guard language != LanguageIdentifier.undetermined else { return item }
        post.language = language
        report.languagesInferred += 1
        return .post(post)
    }

    private mutating func record(_ error: RecordError, line: Int, excerpt: String, place: String) {
        switch error.kind {
        case .skipped: recordSkipReason = error.reason
        case .invalid: reject(line: line, reason: Self.describe(error) + place, excerpt: excerpt)
        }
    }

    /// Each reject gets its own line and reason (the store keeps one reject per file, line and
    /// reason), so that `vigie rejects` lists as many as the summary counts: a repeat within the
    /// file is numbered. The numbering follows the file, so a re-import gives the same rejects.
    private mutating func reject(line: Int, reason: String, excerpt: String) {
        var reason = reason
        // Repeats come from records that overlap (one ran into the next): near each other, so
        // the memory of used reasons can be dropped from time to time to stay bounded.
        if usedReasons.count >= 100_000 { usedReasons.removeAll(keepingCapacity: true) }
        if !usedReasons.insert(Self.rejectKey(line, reason)).inserted {
            var copy = 2
            while !usedReasons.insert(Self.rejectKey(line, reason + " (#\(copy))")).inserted { copy += 1 }
            reason += " (#\(copy))"
        }
        recordRejects += 1
        report.rejected += 1
        rejects.append(Reject(file: path, line: line, format: format.rawValue, reason: reason, excerpt: excerpt))
    }

    private mutating func maybeFlush() throws {
        if items.count >= options.batchSize || rejects.count >= options.batchSize {
            try flush(completed: false)
        }
        if let progress {
            let now = Date()
            if now.timeIntervalSince(lastProgress) >= 0.25 {
                lastProgress = now
                progress(ImportProgress(file: path, bytesRead: source.bytesRead, bytesTotal: source.size,
                                        records: report.records, elapsed: now.timeIntervalSince(started)))
            }
        }
    }

    private mutating func flush(completed: Bool) throws {
        let checkpoint = ImportCheckpoint(file: path, format: format.rawValue,
                                          bytesRead: completed ? source.size : source.bytesRead,
                                          bytesTotal: source.size, records: report.records, completed: completed)
        try channel.send(IngestBatch(items: items, rejects: rejects, checkpoint: checkpoint))
        items.removeAll(keepingCapacity: true)
        rejects.removeAll(keepingCapacity: true)
    }

    // MARK: - Helpers

    static func describe(_ error: RecordError) -> String {
        if let field = error.field, !error.reason.contains(field) {
            return "\(error.reason) (field '\(field)')"
        }
        return error.reason
    }

    static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let limit = 2048
        if bytes.count <= limit { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<limit]), as: UTF8.self) + "…"
    }

    /// Line offset (0-based) and 1-based column of a byte offset inside a unit.
    static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 0
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
