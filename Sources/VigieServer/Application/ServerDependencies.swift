import Logging
import VigieCore
import VigieEngine

/// What the routes share, built once by ``buildApplication(configuration:store:logger:)`` and
/// handed to each controller: nothing is global.
struct ServerDependencies: Sendable {
    let configuration: ServerConfiguration
    let store: any Store
    let access: AccessControl
    let gate: WorkspaceGate
    let jobs: JobQueue
    let cache: ResultCache
    let metrics: ServerMetrics
    let cookies: SessionCookies
    let logger: Logger
    /// Long analyses run as jobs, their results cached.
    let analyses: AnalysisJobs
}
