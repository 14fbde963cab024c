import Foundation
import VigieCore
import VigieIngest

/// What to import and how.
public struct IngestRequest: Sendable {
    /// Files, and folders read recursively (files ending in one of ``importableExtensions``).
    public var paths: [String]
    /// `nil` detects each file's format from its content.
    public var format: ImportFormat?
    public var csv: CSVOptions
    /// Items per transaction.
    public var batchSize: Int
    /// Decode and validate only: nothing is stored.
    public var dryRun: Bool
    /// Identify the language of posts that arrive without one (needs the language data).
    public var identifyLanguages: Bool
    /// When the profiles were observed, for records that carry no date of their own (trust
    /// measures account age at it); `nil`: such accounts get the import time, marked as such.
    public var observedAt: Date?

    public static let importableExtensions: Set<String> = ["json", "jsonl", "ndjson", "csv", "tsv"]
    /// Batches larger than this would hold too much in memory for no gain.
    public static let maximumBatchSize = 1_000_000

    public init(paths: [String], format: ImportFormat? = nil, csv: CSVOptions = CSVOptions(), batchSize: Int = 10_000,
                dryRun: Bool = false, identifyLanguages: Bool = true, observedAt: Date? = nil) {
        self.paths = paths
        self.format = format
        self.csv = csv
        self.batchSize = batchSize
        self.dryRun = dryRun
        self.identifyLanguages = identifyLanguages
        self.observedAt = observedAt
    }

    public func validate() throws(EngineError) {
        guard (1...Self.maximumBatchSize).contains(batchSize) else {
            throw EngineError(.invalidArgument, field: "batchSize",
                              "the batch size must be between 1 and \(Self.maximumBatchSize) records")
        }
        guard !paths.isEmpty else { throw EngineError(.invalidArgument, field: "paths", "name at least one file or folder to import") }
    }
}

/// What an import did, file by file.
public struct IngestResult: Sendable, Codable {
    /// One report per file imported.
    public var reports: [ImportReport] = []
    /// Files met in folders (or empty files) that hold nothing to import, with the reason.
    public var skippedFiles: [SkippedFile] = []
    /// Files that could not be imported at all; the others were imported.
    public var failures: [FileFailure] = []
    /// What the import did without (language data missing…).
    public var notes: [String] = []
    /// Whether the store suspended and rebuilt its read indexes around the import.
    public var bulkLoad = false

    public struct SkippedFile: Sendable, Codable, Hashable {
        public var file: String
        public var reason: String
    }

    public struct FileFailure: Sendable, Codable, Hashable {
        public var file: String
        public var message: String
    }

    public var totalPosts: Int { reports.reduce(0) { $0 + $1.posts } }
    public var totalAccounts: Int { reports.reduce(0) { $0 + $1.accounts } }
    public var totalRejected: Int { reports.reduce(0) { $0 + $1.rejected } }
}

/// Where a running import stands, for a progress display.
public enum IngestEvent: Sendable {
    case progress(ImportProgress)
    /// The store is rebuilding the indexes it suspended for a bulk load.
    case buildingIndexes
    case fileDone(ImportReport)
}

extension Engine {
    /// Imports files and folders into the store (or only decodes them, for a dry run). A file
    /// that cannot be read is reported and the others still import; bad records inside a file
    /// are reported with their line and kept aside, never stopping the import.
    ///
    /// ```swift
    /// let result = try await engine.ingest(IngestRequest(paths: ["export.jsonl", "archive/"]))
    /// ```
    public func ingest(_ request: IngestRequest,
                       events: (@Sendable (IngestEvent) -> Void)? = nil) async throws -> IngestResult {
        if request.dryRun {
            return try await Self.ingest(request, into: DiscardingWriter(), workspace: workspace,
                                         resources: resources, events: events)
        }
        return try await Self.ingest(request, into: store.applyingPlatformDeletions, workspace: workspace, resources: resources,
                                     events: events)
    }

    /// The same, into any writer: a dry run needs no store.
    public static func ingest(_ request: IngestRequest, into writer: some StoreWriter, workspace: String,
                              resources: Resources, events: (@Sendable (IngestEvent) -> Void)? = nil) async throws -> IngestResult {
        try request.validate()
        var result = IngestResult()
        let (files, missing) = Self.expand(request.paths)
        result.failures = missing
        guard !files.isEmpty else {
            if !missing.isEmpty { return result }
            throw EngineError(.unreadableInput, field: "paths",
                              "no importable files (\(IngestRequest.importableExtensions.sorted().map { "." + $0 }.joined(separator: ", "))) under "
                              + request.paths.joined(separator: ", "))
        }
        var languageIdentifier: LanguageIdentifier?
        if request.identifyLanguages {
            let (identifier, note) = resources.languageIdentifier()
            languageIdentifier = identifier
            if let note { result.notes.append(note) }
        }
        let options = ImportOptions(format: request.format, workspace: workspace, batchSize: request.batchSize,
                                    csv: request.csv, languageIdentifier: languageIdentifier, observedAt: request.observedAt)
        let inputBytes = files.reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0)
        }
        result.bulkLoad = try await writer.beginBulkLoad(inputBytes: inputBytes)
        let importer = Importer(store: writer)
        var progress: (@Sendable (ImportProgress) -> Void)?
        if let events { progress = { events(.progress($0)) } }
        do {
            for file in files {
                try Task.checkCancellation()
                do {
                    let report = try await importer.importFile(at: file.path, options: options, progress: progress)
                    result.reports.append(report)
                    events?(.fileDone(report))
                } catch let error as ImportError {
                    if error.code == .empty || error.code == .nothingToImport || (error.code == .unrecognisedFormat && !file.named) {
                        // An empty file, or a file met in a folder that is not data (a ground-truth
                        // file beside generated data), is reported and skipped, not an error.
                        result.skippedFiles.append(.init(file: file.path, reason: error.message))
                    } else {
                        result.failures.append(.init(file: file.path, message: error.message))
                    }
                }
            }
        } catch {
            if result.bulkLoad { try? await writer.endBulkLoad() }
            throw error
        }
        if result.bulkLoad {
            events?(.buildingIndexes)
            do {
                try await writer.endBulkLoad()
            } catch {
                result.notes.append("building the indexes failed (\(error)); they are rebuilt the next time the database opens")
            }
        }
        return result
    }

    /// Files named, and the importable files inside folders named, in a stable order; `named`
    /// tells a file the user named from one found in a folder. Paths that do not exist are
    /// returned apart, so the others still import.
    static func expand(_ paths: [String]) -> (files: [(path: String, named: Bool)], missing: [IngestResult.FileFailure]) {
        var files: [(path: String, named: Bool)] = []
        var missing: [IngestResult.FileFailure] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(.init(file: path, message: "no such file or folder"))
                continue
            }
            if !isDirectory.boolValue {
                files.append((path, true))
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                missing.append(.init(file: path, message: "cannot list the folder"))
                continue
            }
            var found: [String] = []
            for case let relative as String in walker {
                let ext = (relative as NSString).pathExtension.lowercased()
                if IngestRequest.importableExtensions.contains(ext) {
                    found.append((path as NSString).appendingPathComponent(relative))
                }
            }
            files += found.sorted().map { ($0, false) }
        }
        return (files, missing)
    }
}
