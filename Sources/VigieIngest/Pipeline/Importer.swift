import Foundation
import VigieCore

/// What an import does with one file.
public struct ImportOptions: Sendable {
    /// `nil` detects the format from the content.
    public var format: ImportFormat?
    public var workspace: String
    /// Items per transaction: large enough to amortise commits, small enough to bound memory.
    public var batchSize: Int
    public var csv: CSVOptions
    /// Fills `Post.language` for posts that arrive without one (left `nil` when undetermined).
    /// The model has no "inferred" flag: `ImportReport.languagesInferred` counts them.
    public var languageIdentifier: LanguageIdentifier?

    public init(format: ImportFormat? = nil, workspace: String = Workspace.defaultName,
                batchSize: Int = 10_000, csv: CSVOptions = CSVOptions(),
                languageIdentifier: LanguageIdentifier? = nil) {
        self.format = format
        self.workspace = workspace
        self.batchSize = batchSize
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
    /// Top-level units read (lines, array elements, CSV rows).
    public var records = 0
    public var posts = 0
    public var accounts = 0
    public var interactions = 0
    public var tombstones = 0
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
}

/// A file that cannot be imported at all (unreadable, unrecognised format, bad header).
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable, unrecognisedFormat, badHeader, empty
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
            let format = try options.format ?? FormatDetector.detect(path: path)
            var run = ImportRun(path: path, format: format, options: options, source: source,
                                started: started, progress: progress, channel: channel)
            try run.execute()
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
        try splitter.forEachUnit({ bytes, line in
            report.records += 1
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch let error as JSONParser.Error {
                let (lineOffset, column) = Self.position(of: error.offset, in: bytes)
                reject(line: line + lineOffset,
                       reason: "invalid JSON: \(error.message) (line \(line + lineOffset), column \(column))",
                       excerpt: Self.excerpt(bytes))
                try maybeFlush()
                return
            } catch {
                reject(line: line, reason: "invalid JSON: \(error)", excerpt: Self.excerpt(bytes))
                try maybeFlush()
                return
            }
            let before = items.count
            do {
                try decoder.decode(value, into: &items)
            } catch let error as RecordError {
                record(error, line: line, excerpt: Self.excerpt(bytes))
            } catch {
                reject(line: line, reason: "\(error)", excerpt: Self.excerpt(bytes))
            }
            for part in decoder.rejectedParts {
                reject(line: line, reason: Self.describe(part), excerpt: Self.excerpt(bytes))
            }
            dropRepeats(from: before)
            try maybeFlush()
        }, onError: { error in
            report.records += 1
            reject(line: error.line, reason: error.reason, excerpt: error.excerpt)
        })
    }

    private mutating func readCSV<D: CSVRecordDecoder>(_ type: D.Type) throws {
        var decoder: D?
        var csv = options.csv
        if csv.delimiter == UInt8(ascii: ","), let detected = try? CSVRowSplitter.detectDelimiter(path: path) {
            csv.delimiter = detected
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
                do {
                    try decoder!.decode(fields, into: &items)
                } catch let error as RecordError {
                    record(error, line: line, excerpt: fields.joined(separator: ","))
                } catch {
                    reject(line: line, reason: "\(error)", excerpt: fields.joined(separator: ","))
                }
                dropRepeats(from: before)
                try maybeFlush()
            }, onError: { error in
                report.records += 1
                reject(line: error.line, reason: error.reason, excerpt: error.excerpt)
            })
        } catch where headerError != nil {
            let reason = (headerError as? RecordError).map(Self.describe) ?? "\(headerError!)"
            throw ImportError(code: .badHeader, file: path, message: "line 1 (header): \(reason)")
        }
    }

    // MARK: - Outcomes

    /// Counts the items a record gave, then drops the exact repeats among them.
    private mutating func dropRepeats(from start: Int) {
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
            items[kept] = inferLanguage(item)
            kept += 1
        }
        items.removeLast(items.count - kept)
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

    private mutating func record(_ error: RecordError, line: Int, excerpt: String) {
        switch error.kind {
        case .skipped: report.skipped[error.reason, default: 0] += 1
        case .invalid: reject(line: line, reason: Self.describe(error), excerpt: excerpt)
        }
    }

    private mutating func reject(line: Int, reason: String, excerpt: String) {
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
