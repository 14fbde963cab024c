import Foundation
import VigieCore
import VigieEngine
import VigieIngest

/// What an import job did: the engine's per-file reports, named by the file the user sent.
package struct ImportJobReport: Sendable, Codable {
    package var file: String
    package var bytes: Int
    package var reports: [ImportReport]
    /// Files of the upload that held nothing to import, and files that failed, with the reason.
    package var skipped: [FileNote]
    package var failures: [FileNote]
    package var notes: [String]
    package var posts: Int
    package var accounts: Int
    package var rejected: Int

    package struct FileNote: Sendable, Codable, Hashable {
        package var file: String
        package var reason: String
    }
}

/// Imports an uploaded file through the engine, reporting its progress to the job.
enum ImportJob {
    /// The options of an upload, from the API's query string or the dashboard's form.
    struct Options: Sendable {
        var format: ImportFormat?
        var platform: Platform?
        var identifyLanguages = true

        init(format: String?, platform: String?, identifyLanguages: Bool = true) throws {
            if let format, !format.isEmpty {
                guard let parsed = ImportFormat(rawValue: format) else {
                    throw Problem.invalidArgument("unknown format '\(format)'; use one of "
                                                  + ImportFormat.allCases.map(\.rawValue).joined(separator: ", "), field: "format")
                }
                self.format = parsed
            }
            if let platform, !platform.isEmpty {
                guard let parsed = Platform(rawValue: platform) else {
                    throw Problem.invalidArgument("unknown platform '\(platform)'; use one of "
                                                  + Platform.allCases.map(\.rawValue).joined(separator: ", "), field: "platform")
                }
                self.platform = parsed
            }
            self.identifyLanguages = identifyLanguages
        }
    }

    static func work(engine: Engine, upload: UploadedFile, options: Options) -> JobWork {
        { reporter in
            var csv = CSVOptions()
            if let platform = options.platform { csv.platform = platform }
            let request = IngestRequest(paths: [upload.path], format: options.format, csv: csv,
                                        identifyLanguages: options.identifyLanguages)
            let name = upload.originalName
            let result = try await engine.ingest(request) { event in
                switch event {
                case .progress(let progress):
                    reporter.progress(JobProgress(stage: "importing \(name)", fraction: progress.fraction,
                                                  records: progress.records, recordsPerSecond: progress.recordsPerSecond))
                case .buildingIndexes:
                    reporter.progress(JobProgress(stage: "building indexes", fraction: 0.99))
                case .fileDone(let report):
                    reporter.progress(JobProgress(stage: "imported \(name)", fraction: 1, records: report.records))
                }
            }
            func rename(_ path: String) -> String { path == upload.path ? name : (path as NSString).lastPathComponent }
            if let failure = result.failures.first {
                throw EngineError(.unreadableInput, field: "file", "\(name): \(failure.message)")
            }
            if let skipped = result.skippedFiles.first, result.reports.isEmpty {
                throw EngineError(.unreadableInput, field: "file", "\(name): \(skipped.reason)")
            }
            return .importFiles(report: ImportJobReport(
                file: name, bytes: upload.bytes,
                reports: result.reports.map { report in
                    var report = report
                    report.file = rename(report.file)
                    return report
                },
                skipped: result.skippedFiles.map { .init(file: rename($0.file), reason: $0.reason) },
                failures: result.failures.map { .init(file: rename($0.file), reason: $0.message) },
                notes: result.notes, posts: result.totalPosts, accounts: result.totalAccounts, rejected: result.totalRejected))
        }
    }
}
