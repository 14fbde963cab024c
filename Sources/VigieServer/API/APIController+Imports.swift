import Foundation
import Hummingbird
import VigieCore

/// Imports run as jobs: the upload is stored, a job starts, and the answer (202) points to it.
extension APIController {
    /// `POST …/imports?filename=export.jsonl[&format=…][&platform=…]` with the file as the body.
    @Sendable func startImport(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["filename", "format", "platform", "identifyLanguages"])
        let options = try ImportJob.Options(format: fields.text("format"), platform: fields.text("platform"),
                                            identifyLanguages: try fields.bool("identifyLanguages") ?? true)
        let limit = dependencies.configuration.maximumUploadBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.tooLarge(limit: limit)
        }
        let upload = try await Uploads.receive(request.body, name: fields.text("filename"),
                                               root: dependencies.configuration.uploadFolder, limit: limit)
        guard upload.bytes > 0 else {
            upload.remove()
            throw Problem.invalidArgument("the upload is empty: send the file as the request body", field: "body")
        }
        let job = try await submitImport(upload, options: options, scope: scope)
        var response = try JobView(job: job).response(from: request, context: context)
        response.status = .accepted
        response.headers[.location] = "\(Self.prefix)/workspaces/\(scope.name)/jobs/\(job.id)"
        return response
    }

    /// Queues the import of an upload (shared with the dashboard's form) and audits it.
    func submitImport(_ upload: UploadedFile, options: ImportJob.Options, scope: WorkspaceScope) async throws -> JobSnapshot {
        let job = try await dependencies.jobs.submit(kind: "import", title: upload.originalName, workspace: scope.name,
                                                     user: scope.principal.user, cleanup: { upload.remove() },
                                                     work: ImportJob.work(engine: scope.engine, upload: upload, options: options))
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "import.start",
                                            target: upload.originalName, detail: "job \(job.id), \(upload.bytes) bytes")
        return job
    }

    @Sendable func listJobs(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<JobSnapshot> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<JobPosition>.fields)
        let jobs = await dependencies.jobs.jobs(workspace: scope.name).filter(scope.canSee)
        return try PageRequest<JobPosition>(fields).page(of: jobs) { JobPosition(createdAt: -$0.createdAt.timeIntervalSince1970, id: $0.id) }
    }

    @Sendable func job(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> JobView {
        try FormFields(query: request).refuseUnknown([])
        let id = try context.parameters.decoded("job")
        guard let job = await dependencies.jobs.job(id: id, workspace: scope.name), scope.canSee(job) else {
            throw Problem.notFound("no job '\(id)' in workspace '\(scope.name)'", field: "job")
        }
        return JobView(job: job)
    }
}

/// Where a list of jobs stands: newest first.
struct JobPosition: Codable, Sendable, Comparable {
    var createdAt: Double
    var id: String

    static func < (lhs: JobPosition, rhs: JobPosition) -> Bool { (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id) }
}
