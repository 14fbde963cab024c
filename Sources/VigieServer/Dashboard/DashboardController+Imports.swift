import Foundation
import Hummingbird
import VigieCore
import VigieIngest

/// Imports (upload form, jobs and their progress), rejected records and the audit log.
extension DashboardController {
    struct ImportsPage {
        struct JobRow {
            var id: String
            var href: String
            var title: String
            var state: String
            var stateLabel: String
            var created: String
        }

        var canImport: Bool
        var action: String
        var csrf: String
        var formats: [String]
        var jobs: [JobRow]
    }

    @Sendable func importsPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let jobs = await dependencies.jobs.jobs(workspace: scope.name).filter(scope.canSee)
        let page = ImportsPage(
            canImport: scope.role >= .analyst, action: base + "/imports", csrf: context.principal?.csrfToken ?? "",
            formats: ImportFormat.allCases.map(\.rawValue),
            jobs: jobs.map { job in
                .init(id: job.id, href: base + "/jobs/" + job.id, title: job.title, state: job.state.rawValue,
                      stateLabel: language.text("state." + job.state.rawValue), created: language.format(job.createdAt))
            })
        return renderer.render("imports", page: page,
                               frame: frame(request, context, title: language.text("imports"), scope: scope, current: "imports"))
    }

    /// The upload form's target: the file streams to disk, the job starts, and the browser goes
    /// at once to the job's page, which shows its progress.
    @Sendable func uploadImport(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let limit = dependencies.configuration.maximumUploadBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit + 64 * 1024 {
            throw Problem.tooLarge(limit: limit)
        }
        let (fields, file) = try await Uploads.receiveForm(request.body, contentType: request.headers[.contentType] ?? "",
                                                          fileField: "file", root: dependencies.configuration.uploadFolder,
                                                          limit: limit)
        do {
            try Self.checkForm(fields, context: context)
        } catch {
            file?.remove()
            throw error
        }
        guard let file else { throw Problem.invalidArgument("choose a file to import", field: "file") }
        let options: ImportJob.Options
        do {
            options = try ImportJob.Options(format: fields["format"], platform: fields["platform"])
        } catch {
            file.remove()
            throw error
        }
        let job = try await APIController(dependencies: dependencies).submitImport(file, options: options, scope: scope)
        return Response.redirect(to: "/w/" + DashboardPaths.escape(scope.name) + "/jobs/" + job.id, type: .normal)
    }

    struct JobPage {
        struct FileRow {
            var file: String
            var format: String
            var records: String
            var posts: String
            var accounts: String
            var rejected: String
        }

        struct Report {
            var posts: String
            var accounts: String
            var rejected: String
            var files: [FileRow]
            var notes: [String]
            var skipped: [ImportJobReport.FileNote]
            var hasRejects: Bool
            var rejectsHref: String
        }

        struct Running {
            var stage: String
            var percent: Int?
            var records: String?
            var rate: String?
        }

        var id: String
        var title: String
        var state: String
        var stateLabel: String
        var running: Running?
        var error: String?
        var report: Report?
        /// For an analysis: the page that shows its result.
        var resultHref: String?
    }

    @Sendable func jobPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let id = try context.parameters.decoded("job")
        guard let job = await dependencies.jobs.job(id: id, workspace: scope.name), scope.canSee(job) else {
            throw Problem.notFound("no job '\(id)' in workspace '\(scope.name)'", field: "job")
        }
        var page = JobPage(id: job.id, title: job.title, state: job.state.rawValue,
                           stateLabel: language.text("state." + job.state.rawValue), error: job.error)
        if !job.state.isFinished {
            page.running = .init(stage: job.progress.stage, percent: job.progress.fraction.map { Int(($0 * 100).rounded()) },
                                 records: job.progress.records.map(language.format),
                                 rate: job.progress.recordsPerSecond.map { language.format(Int($0)) })
        }
        if case .importFiles(let report)? = job.outcome {
            page.report = .init(
                posts: language.format(report.posts), accounts: language.format(report.accounts),
                rejected: language.format(report.rejected),
                files: report.reports.map { file in
                    .init(file: file.file, format: file.format, records: language.format(file.records), posts: language.format(file.posts),
                          accounts: language.format(file.accounts), rejected: language.format(file.rejected))
                },
                notes: report.notes, skipped: report.skipped, hasRejects: report.rejected > 0,
                rejectsHref: "/w/" + DashboardPaths.escape(scope.name) + "/rejects")
        }
        if case .analysis(outcome: let outcome)? = job.outcome { page.resultHref = outcome.page ?? outcome.result }
        // A running job's page reloads itself every second: progress shows without scripts.
        let title = language.text("job") + " " + job.id
        return renderer.render("job", page: page, frame: frame(request, context, title: title, scope: scope, current: "imports",
                                                               refreshSeconds: job.state.isFinished ? nil : 1))
    }

    struct RejectsPage {
        var rejects: [RejectView]
        var nextHref: String?
    }

    @Sendable func rejectsPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let fields = FormFields(query: request)
        let page = try PageRequest<Int>(fields)
        let skip = max(0, page.after ?? 0)
        let records = try await scope.engine.rejects(limit: skip + page.limit + 1)
        let items = records.dropFirst(skip).prefix(page.limit).map { RejectView($0, uploadFolder: dependencies.configuration.uploadFolder) }
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let next = records.count > skip + page.limit
            ? Self.link(base + "/rejects", fields: fields, replacing: ["cursor": Cursor.encode(skip + page.limit)]) : nil
        return renderer.render("rejects", page: RejectsPage(rejects: Array(items), nextHref: next),
                               frame: frame(request, context, title: language.text("rejects"), scope: scope, current: "rejects"))
    }

    struct AuditPage {
        struct Row {
            var date: String
            var isoDate: String
            var actor: String
            var action: String
            var target: String
            var detail: String
        }

        var events: [Row]
        var nextHref: String?
    }

    @Sendable func auditPage(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let language = Language.of(request)
        let fields = FormFields(query: request)
        let page = try PageRequest<Int64>(fields)
        let events = try await dependencies.store.auditEvents(workspace: scope.name, before: page.after, limit: page.limit + 1)
        let shown = events.prefix(page.limit)
        let base = "/w/" + DashboardPaths.escape(scope.name)
        let next = events.count > page.limit ? shown.last.map {
            Self.link(base + "/audit", fields: fields, replacing: ["cursor": Cursor.encode($0.sequence)])
        } : nil
        let rows = shown.map { event in
            AuditPage.Row(date: language.format(event.at), isoDate: DateParsing.iso8601(event.at), actor: event.actor,
                          action: event.action, target: event.target ?? "", detail: event.detail ?? "")
        }
        return renderer.render("audit", page: AuditPage(events: rows, nextHref: next),
                               frame: frame(request, context, title: language.text("audit"), scope: scope, current: "audit"))
    }
}
