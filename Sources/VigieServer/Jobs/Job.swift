import Foundation
import Synchronization
import VigieEngine

/// Where a job stands.
package enum JobState: String, Sendable, Codable {
    case queued, running, succeeded, failed, cancelled

    package var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// A job's progress as its work reports it.
package struct JobProgress: Sendable, Codable, Hashable {
    /// What the job is doing (`reading export.jsonl`, `building indexes`).
    package var stage: String
    /// Done so far, from 0 to 1, when the work can tell.
    package var fraction: Double?
    /// Records handled so far, and the current rate.
    package var records: Int?
    package var recordsPerSecond: Double?

    package init(stage: String, fraction: Double? = nil, records: Int? = nil, recordsPerSecond: Double? = nil) {
        self.stage = stage
        self.fraction = fraction
        self.records = records
        self.recordsPerSecond = recordsPerSecond
    }
}

/// What a finished job produced, by kind. Trust reports and community detection join as cases.
package enum JobOutcome: Sendable, Codable {
    case importFiles(report: ImportJobReport)
    /// A long analysis (trust report, communities, influencers…): its result is served by `result`.
    case analysis(outcome: AnalysisOutcome)
    /// An erasure (`POST …/privacy/erasures`): its receipt's number, never whom it erased.
    case erasure(outcome: PrivacyErasureOutcome)
}

/// A job as the API and the dashboard show it.
package struct JobSnapshot: Sendable, Codable {
    package var id: String
    /// `import` (later `trust-report`, `communities`).
    package var kind: String
    /// What the job works on, for people (`export.jsonl`).
    package var title: String
    package var workspace: String
    package var createdBy: String
    package var state: JobState
    package var progress: JobProgress
    package var createdAt: Date
    package var startedAt: Date?
    package var finishedAt: Date?
    /// Set when the job succeeded.
    package var outcome: JobOutcome?
    /// Set when it failed or was cancelled: why, in words for people.
    package var error: String?
}

/// The work of a job: it reports progress through `report` and returns its outcome. It runs in
/// the job queue's task group and must stop when its task is cancelled (server shutdown).
typealias JobWork = @Sendable (_ report: JobReporter) async throws -> JobOutcome

/// The handle a job's work reports through; it may be called from any thread (the importer
/// reports from its decoding thread).
struct JobReporter: Sendable {
    fileprivate let record: JobRecord

    func progress(_ progress: JobProgress) {
        record.state.withLock { $0.progress = progress }
    }
}

/// One job's mutable state, shared between the queue and the reporter.
final class JobRecord: Sendable {
    let state: Mutex<JobSnapshot>
    let work: JobWork
    /// Run when the job ends whatever the outcome (removes the uploaded file).
    let cleanup: @Sendable () -> Void

    init(snapshot: JobSnapshot, work: @escaping JobWork, cleanup: @escaping @Sendable () -> Void) {
        state = Mutex(snapshot)
        self.work = work
        self.cleanup = cleanup
    }

    var snapshot: JobSnapshot { state.withLock { $0 } }
    var reporter: JobReporter { JobReporter(record: self) }
}
