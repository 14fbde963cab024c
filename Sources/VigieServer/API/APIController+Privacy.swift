import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Data subjects' rights (GDPR), for the owners of a workspace: what `vigie privacy` does, over
/// HTTP. Every call is in the audit log with its caller and, where the engine takes one, its
/// reason: the engine audits what it changes or reveals (a search, an export, an erasure, a
/// setting), and ``auditRead(_:scope:detail:)`` audits the reads it does not.
extension APIController {
    func addPrivacyRoutes(_ api: RouterGroup<ServerRequestContext>) {
        func route<Output: ResponseGenerator>(
            _ method: HTTPRequest.Method, _ path: String, _ action: String,
            use handler: @escaping @Sendable (Request, ServerRequestContext, WorkspaceScope) async throws -> Output
        ) {
            // Owners answer data subjects whatever the mode: these routes stay open under pseudonyms.
            workspaceRoute(api, method, "workspaces/{workspace}/privacy/" + path, needing: .owner, action: action,
                           pseudonyms: .showsNobody, use: handler)
        }
        route(.get, "subjects", "looking for a data subject", use: findSubjects)
        route(.get, "requests", "reading privacy requests", use: listPrivacyRequests)
        route(.post, "requests", "recording a privacy request", use: createPrivacyRequest)
        route(.get, "requests/{request}", "reading privacy requests", use: privacyRequest)
        route(.post, "requests/{request}/verify", "answering privacy requests", use: verifyPrivacyRequest)
        route(.post, "requests/{request}/close", "answering privacy requests", use: closePrivacyRequest)
        route(.post, "exports", "exporting a person's data", use: exportSubject)
        route(.post, "erasures", "erasing a person", use: startErasure)
        route(.get, "erasures/{job}", "erasing a person", use: erasureJob)
        route(.get, "receipts", "reading erasure receipts", use: erasureReceipts)
        route(.get, "retention", "reading retention periods", use: retention)
        route(.patch, "retention", "changing retention periods", use: setRetention)
        route(.post, "retention/apply", "applying retention periods", use: applyRetention)
        route(.get, "record", "reading the record of processing", use: processingRecord)
        route(.get, "pseudonyms", "reading the pseudonymisation mode", use: pseudonymisation)
        route(.put, "pseudonyms", "changing the pseudonymisation mode", use: setPseudonymisation)
        route(.post, "pseudonyms/reveal", "revealing a pseudonym", use: revealPseudonym)
    }

    // MARK: Finding a person

    /// `GET …/privacy/subjects?text=@alice[&by=handle|platform-id|display-name|mention][&platform=…][&reason=DSAR-12]`
    @Sendable func findSubjects(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> SubjectsView {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["text", "by", "platform", "limit", "reason"])
        let kind = try fields.text("by").map { name in
            guard let kind = SubjectSearch.Kind(rawValue: name) else {
                throw Problem.invalidArgument("'by' must be one of \(SubjectSearch.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                                              field: "by")
            }
            return kind
        } ?? .handle
        let found = try await scope.engine.findSubjects(PrivacyFindRequest(
            kind: kind, text: try fields.require("text"), platform: try Self.platform(fields), limit: try fields.int("limit", in: 1...1000) ?? 20,
            actor: scope.principal.user, reason: fields.text("reason") ?? ""))
        return SubjectsView(matches: found.matches)
    }

    // MARK: Requests

    /// `GET …/privacy/requests[?open=true][&limit=100][&warnDays=7]`: the requests, open ones
    /// first, and those due soon or late.
    @Sendable func listPrivacyRequests(_ request: Request, context: ServerRequestContext,
                                       scope: WorkspaceScope) async throws -> PrivacyRequestsView {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["open", "limit", "warnDays"])
        let list = try await scope.engine.privacyRequests(
            PrivacyRequestFilter(openOnly: try fields.bool("open") ?? false, limit: try fields.int("limit", in: 1...10_000) ?? 100),
            warningDays: try fields.int("warnDays", in: 0...366) ?? 7)
        try await auditRead("privacy.requests.list", scope: scope, detail: "\(list.requests.count) request(s)")
        return PrivacyRequestsView(items: list.requests, needingAttention: list.needingAttention, warningDays: list.warningDays)
    }

    struct NewRequestBody: StrictDecodable {
        static let members: Set<String> = ["kind", "subject", "requester", "identityCheck", "receivedAt"]
        var kind: PrivacyRequest.Kind
        var subject: String
        var requester: String
        var identityCheck: String?
        var receivedAt: Date?
    }

    /// `POST …/privacy/requests` `{"kind": "access", "subject": "@alice", "requester": "Alice <alice@example.org>"}` (201).
    @Sendable func createPrivacyRequest(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        try FormFields(query: request).refuseUnknown([])
        let body = try await JSONBody.decode(NewRequestBody.self, from: request, limit: jsonLimit)
        let created = try await scope.engine.addPrivacyRequest(NewPrivacyRequest(
            kind: body.kind, subject: body.subject, requester: body.requester, identityCheck: body.identityCheck,
            receivedAt: body.receivedAt, actor: scope.principal.user))
        var response = try PrivacyRequestView(request: created).response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "\(Self.prefix)/workspaces/\(scope.name)/privacy/requests/\(created.id)"
        return response
    }

    @Sendable func privacyRequest(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> PrivacyRequestView {
        try FormFields(query: request).refuseUnknown([])
        let id = try Self.requestID(context)
        let found = try await scope.engine.privacyRequest(id)
        try await auditRead("privacy.request.show", scope: scope, target: "request:\(id)")
        return PrivacyRequestView(request: found)
    }

    struct VerifyBody: StrictDecodable {
        static let members: Set<String> = ["identityCheck"]
        var identityCheck: String
    }

    /// `POST …/privacy/requests/{request}/verify` `{"identityCheck": "ID card seen by video call"}`.
    @Sendable func verifyPrivacyRequest(_ request: Request, context: ServerRequestContext,
                                        scope: WorkspaceScope) async throws -> PrivacyRequestView {
        try FormFields(query: request).refuseUnknown([])
        let id = try Self.requestID(context)
        let body = try await JSONBody.decode(VerifyBody.self, from: request, limit: jsonLimit)
        return PrivacyRequestView(request: try await scope.engine.verifyPrivacyRequest(id, identityCheck: body.identityCheck,
                                                                                      actor: scope.principal.user))
    }

    struct CloseBody: StrictDecodable {
        static let members: Set<String> = ["refused", "note"]
        var refused: Bool?
        var note: String
    }

    /// `POST …/privacy/requests/{request}/close` `{"note": "corrected by hand"}` or `{"refused": true, "note": "…"}`.
    @Sendable func closePrivacyRequest(_ request: Request, context: ServerRequestContext,
                                       scope: WorkspaceScope) async throws -> PrivacyRequestView {
        try FormFields(query: request).refuseUnknown([])
        let id = try Self.requestID(context)
        let body = try await JSONBody.decode(CloseBody.self, from: request, limit: jsonLimit)
        return PrivacyRequestView(request: try await scope.engine.closePrivacyRequest(id, refused: body.refused ?? false, note: body.note,
                                                                                     actor: scope.principal.user))
    }

    // MARK: Access export

    struct ExportBody: StrictDecodable {
        static let members: Set<String> = ["subject", "request", "language", "includeScores", "format", "reason"]
        var subject: String?
        var request: Int64?
        var language: DocumentLanguage?
        var includeScores: Bool?
        /// `json` (the default) or `html`.
        var format: String?
        var reason: String?
    }

    /// `POST …/privacy/exports` `{"request": 3}` or `{"subject": "twitter:12345", "reason": "DSAR-12"}`: the
    /// Art. 15 export, as the JSON document itself (the bytes whose SHA-256 the request keeps) or
    /// its HTML page. A POST, because it completes the request it answers.
    @Sendable func exportSubject(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        try FormFields(query: request).refuseUnknown([])
        let body = try await JSONBody.decode(ExportBody.self, from: request, limit: jsonLimit)
        let html = try Self.wantsHTML(body.format)
        try Self.requireSubjectOrRequest(body.subject, body.request)
        let result = try await scope.engine.exportSubject(PrivacyExportRequest(
            subject: body.subject ?? "", language: body.language ?? .en, includeScores: body.includeScores ?? true,
            actor: scope.principal.user, reason: body.reason ?? "", requestID: body.request))
        let contentType = html ? "text/html; charset=utf-8" : "application/json"
        // Personal data: no cache anywhere on the way.
        return Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: html ? Array(result.html.utf8) : Array(result.json))))
    }

    /// An export or an erasure names the person, or the request that does.
    static func requireSubjectOrRequest(_ subject: String?, _ request: Int64?) throws {
        guard subject != nil || request != nil else {
            throw Problem.invalidArgument("name the person (subject: platform:id or @handle) or the request it answers (request)",
                                          field: "subject")
        }
    }

    // MARK: Erasure, as a job

    struct ErasureBody: StrictDecodable {
        static let members: Set<String> = ["subject", "request", "reason", "suppress", "compact"]
        var subject: String?
        var request: Int64?
        var reason: String?
        var suppress: Bool?
        var compact: Bool?
    }

    /// `POST …/privacy/erasures` `{"request": 4}` or `{"subject": "twitter:12345", "reason": "DSAR-12"}`: erases
    /// the person in a job (202; rewriting the index takes a while on a large store), whose
    /// state is at `…/privacy/erasures/{job}`. The request is checked before the job starts.
    @Sendable func startErasure(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        try FormFields(query: request).refuseUnknown([])
        let body = try await JSONBody.decode(ErasureBody.self, from: request, limit: jsonLimit)
        try Self.requireSubjectOrRequest(body.subject, body.request)
        if body.request == nil, (body.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw Problem.invalidArgument("give the reason for the erasure (the request's reference), or the request it answers",
                                          field: "reason")
        }
        let erasure = PrivacyEraseRequest(subject: body.subject ?? "", reason: body.reason ?? "", actor: scope.principal.user,
                                          suppress: body.suppress ?? true, compact: body.compact ?? true, requestID: body.request)
        // Bad input answers now (400/404), not through a failed job.
        if let id = body.request { _ = try await scope.engine.privacyRequest(id) }
        let engine = scope.engine
        let cache = dependencies.cache
        // The title names no one: job lists are open to every member.
        let job = try await dependencies.jobs.submit(kind: PrivacyErasureOutcome.jobKind, title: body.request.map { "request \($0)" } ?? "erasure",
                                                     workspace: scope.name, user: scope.principal.user, work: { reporter in
            reporter.progress(JobProgress(stage: "erasing"))
            let result = try await engine.eraseSubject(erasure)
            await cache.invalidate(workspace: engine.workspace)
            return .erasure(outcome: PrivacyErasureOutcome(result))
        })
        var response = try JobView(job: job).response(from: request, context: context)
        response.status = .accepted
        response.headers[.location] = "\(Self.prefix)/workspaces/\(scope.name)/privacy/erasures/\(job.id)"
        return response
    }

    /// `GET …/privacy/erasures/{job}`: where an erasure job stands, and its receipt once done.
    @Sendable func erasureJob(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> JobView {
        try FormFields(query: request).refuseUnknown([])
        let id = try context.parameters.decoded("job")
        guard let job = await dependencies.jobs.job(id: id, workspace: scope.name), job.kind == PrivacyErasureOutcome.jobKind else {
            throw Problem.notFound("no erasure job '\(id)' in workspace '\(scope.name)'", field: "job")
        }
        return JobView(job: job)
    }

    /// `GET …/privacy/receipts[?limit=50]`: erasure receipts, newest first (people named by hash only).
    @Sendable func erasureReceipts(_ request: Request, context: ServerRequestContext,
                                   scope: WorkspaceScope) async throws -> ReceiptsView {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["limit"])
        let receipts = try await dependencies.store.erasureReceipts(workspace: scope.name, limit: try fields.int("limit", in: 1...1000) ?? 50)
        try await auditRead("privacy.receipts.list", scope: scope, detail: "\(receipts.count) receipt(s)")
        return ReceiptsView(items: receipts)
    }

    // MARK: Retention

    /// `GET …/privacy/retention`: the periods, in days (`null`: kept until removed).
    @Sendable func retention(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> RetentionView {
        try FormFields(query: request).refuseUnknown([])
        let policy = try await scope.engine.retentionPolicy()
        try await auditRead("privacy.retention.show", scope: scope)
        return RetentionView(policy)
    }

    /// `PATCH …/privacy/retention` `{"posts": 180, "rejects": null, "reason": "DPO review"}`: the
    /// kinds named change (`null`: no limit), the others stay; `"defaults": true` starts from the defaults.
    @Sendable func setRetention(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> RetentionView {
        try FormFields(query: request).refuseUnknown([])
        let data = try await JSONBody.data(from: request, limit: jsonLimit)
        let body = try JSONBody.decode(RetentionBody.self, from: data)
        // `null` and a missing member differ here (no limit / unchanged): read which were sent.
        let sent = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]).map { Set($0.keys) } ?? []
        var days: [RetentionPolicy.DataKind: Int?] = [:]
        for kind in RetentionPolicy.DataKind.allCases where sent.contains(kind.rawValue) {
            // `updateValue`, not a subscript: assigning a nil period must keep the key.
            days.updateValue(body.days[kind], forKey: kind)
        }
        guard !days.isEmpty || body.defaults == true else {
            throw Problem.invalidArgument("name at least one period (posts, interactions, profiles, metrics, alerts, rejects) or defaults: true")
        }
        let policy = try await scope.engine.setRetention(RetentionSetRequest(days: days, resetToDefaults: body.defaults ?? false,
                                                                             actor: scope.principal.user, reason: body.reason ?? ""))
        return RetentionView(policy)
    }

    struct ApplyBody: StrictDecodable {
        static let members: Set<String> = ["dryRun"]
        var dryRun: Bool?
    }

    /// `POST …/privacy/retention/apply` `{"dryRun": false}`: deletes what the periods expire, in
    /// short transactions; without `"dryRun": false` it only counts (as the CLI without `--yes`).
    @Sendable func applyRetention(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> PurgeView {
        try FormFields(query: request).refuseUnknown([])
        // The body is optional: an empty one is a dry run.
        let data = try await JSONBody.data(from: request, limit: jsonLimit)
        let body = data.isEmpty ? ApplyBody() : try JSONBody.decode(ApplyBody.self, from: data)
        let dryRun = body.dryRun ?? true
        let summary = try await scope.engine.applyRetention(RetentionApplyRequest(dryRun: dryRun, actor: scope.principal.user))
        if dryRun {
            try await auditRead("privacy.retention.preview", scope: scope)
        } else {
            await dependencies.cache.invalidate(workspace: scope.name)
        }
        return PurgeView(summary)
    }

    // MARK: Record of processing

    /// `GET …/privacy/record[?language=fr][&controller=Brand][&format=markdown]` (Art. 30).
    @Sendable func processingRecord(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["language", "controller", "format"])
        let language = try fields.text("language").map { name in
            guard let language = DocumentLanguage(rawValue: name) else {
                throw Problem.invalidArgument("'language' must be en or fr", field: "language")
            }
            return language
        } ?? .en
        let format = fields.text("format") ?? "json"
        guard ["json", "markdown"].contains(format) else { throw Problem.invalidArgument("'format' must be json or markdown", field: "format") }
        let record = try await scope.engine.processingRecord(ProcessingRecordRequest(language: language, controller: fields.text("controller")))
        try await auditRead("privacy.record", scope: scope)
        if format == "markdown" {
            return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: record.markdown)))
        }
        return try ProcessingRecordView(record: record).response(from: request, context: context)
    }

    // MARK: Pseudonymisation

    @Sendable func pseudonymisation(_ request: Request, context: ServerRequestContext,
                                    scope: WorkspaceScope) async throws -> PseudonymisationView {
        try FormFields(query: request).refuseUnknown([])
        return PseudonymisationView(status: try await scope.engine.pseudonymisationStatus())
    }

    struct PseudonymsBody: StrictDecodable {
        static let members: Set<String> = ["on", "reason"]
        var on: Bool
        var reason: String?
    }

    /// `PUT …/privacy/pseudonyms` `{"on": true, "reason": "client asked"}`: while on, the API and
    /// the dashboard show the workspace's people by pseudonym or not at all.
    @Sendable func setPseudonymisation(_ request: Request, context: ServerRequestContext,
                                       scope: WorkspaceScope) async throws -> PseudonymisationView {
        try FormFields(query: request).refuseUnknown([])
        let body = try await JSONBody.decode(PseudonymsBody.self, from: request, limit: jsonLimit)
        let status = try await scope.engine.setPseudonymisation(body.on, actor: scope.principal.user, reason: body.reason ?? "")
        // Cached results were made under the other mode.
        await dependencies.cache.invalidate(workspace: scope.name)
        return PseudonymisationView(status: status)
    }

    struct RevealBody: StrictDecodable {
        static let members: Set<String> = ["pseudonym", "reason"]
        var pseudonym: String
        var reason: String
    }

    /// `POST …/privacy/pseudonyms/reveal` `{"pseudonym": "p-3fa9c21b07de", "reason": "moderation case 31"}`.
    @Sendable func revealPseudonym(_ request: Request, context: ServerRequestContext,
                                   scope: WorkspaceScope) async throws -> PseudonymOwnersView {
        try FormFields(query: request).refuseUnknown([])
        let body = try await JSONBody.decode(RevealBody.self, from: request, limit: jsonLimit)
        return PseudonymOwnersView(owners: try await scope.engine.revealPseudonym(body.pseudonym, actor: scope.principal.user,
                                                                                 reason: body.reason))
    }

    // MARK: Helpers

    /// Audits a read the engine does not audit itself, so that every privacy call leaves a line.
    private func auditRead(_ action: String, scope: WorkspaceScope, target: String? = nil, detail: String? = nil) async throws {
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: action,
                                            target: target, detail: detail)
    }

    private static func requestID(_ context: ServerRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.decoded("request")), id > 0 else {
            throw Problem.notFound("requests are numbered from 1", field: "request")
        }
        return id
    }

    private static func platform(_ fields: FormFields) throws -> Platform? {
        try fields.text("platform").map { name in
            guard let platform = Platform(rawValue: name.lowercased()) else {
                throw Problem.invalidArgument("unknown platform '\(name)'", field: "platform")
            }
            return platform
        }
    }

    private static func wantsHTML(_ format: String?) throws -> Bool {
        switch format ?? "json" {
        case "json": false
        case "html": true
        default: throw Problem.invalidArgument("'format' must be json or html", field: "format")
        }
    }
}

/// `PATCH …/privacy/retention`: periods by kind; decoded by hand because `null` means "no limit".
struct RetentionBody: StrictDecodable {
    static let members: Set<String> = Set(RetentionPolicy.DataKind.allCases.map(\.rawValue)).union(["defaults", "reason"])
    var days: [RetentionPolicy.DataKind: Int] = [:]
    var defaults: Bool?
    var reason: String?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for kind in RetentionPolicy.DataKind.allCases {
            if let days = try container.decodeIfPresent(Int.self, forKey: Key(stringValue: kind.rawValue)) { self.days[kind] = days }
        }
        defaults = try container.decodeIfPresent(Bool.self, forKey: Key(stringValue: "defaults"))
        reason = try container.decodeIfPresent(String.self, forKey: Key(stringValue: "reason"))
    }
}

// MARK: Representations

struct PrivacyRequestView: ResponseEncodable {
    var request: PrivacyRequest
}

struct SubjectsView: ResponseEncodable {
    var matches: [SubjectMatch]
}

struct PrivacyRequestsView: ResponseEncodable {
    var items: [PrivacyRequest]
    /// Open requests due within `warningDays`, or late.
    var needingAttention: [PrivacyRequest]
    var warningDays: Int
}

struct ReceiptsView: ResponseEncodable {
    var items: [ErasureReceipt]
}

/// Periods by kind name, `null` for no limit (a dictionary keyed by the enum would encode as a list).
struct RetentionView: ResponseEncodable {
    var days: [String: Int?]

    init(_ policy: RetentionPolicy) {
        days = Dictionary(uniqueKeysWithValues: RetentionPolicy.DataKind.allCases.map { ($0.rawValue, policy.days[$0]) })
    }
}

struct PurgeView: ResponseEncodable {
    var dryRun: Bool
    /// Rows removed (or, in a dry run, that would be) by kind.
    var removed: [String: Int]
    var cutoffs: [String: Date]
    var transactions: Int
    var longestTransactionMilliseconds: Double

    init(_ summary: PurgeSummary) {
        dryRun = summary.dryRun
        removed = Dictionary(uniqueKeysWithValues: summary.removed.map { ($0.key.rawValue, $0.value) })
        cutoffs = Dictionary(uniqueKeysWithValues: summary.cutoffs.map { ($0.key.rawValue, $0.value) })
        transactions = summary.batches
        longestTransactionMilliseconds = summary.longestBatchMilliseconds
    }
}

struct ProcessingRecordView: ResponseEncodable {
    var record: ProcessingRecord
    var markdown: String

    init(record: ProcessingRecord) {
        self.record = record
        markdown = record.markdown
    }
}

struct PseudonymisationView: ResponseEncodable {
    var status: PseudonymisationStatus
}

struct PseudonymOwnersView: ResponseEncodable {
    var owners: [PseudonymOwner]
}

/// What an erasure job leaves for every member to see: the receipt's number and size, the
/// request it answered, and configuration to fix; the receipt itself is at `…/privacy/receipts`.
package struct PrivacyErasureOutcome: Sendable, Codable {
    static let jobKind = "privacy-erasure"

    package var receipt: Int64
    package var rows: Int
    package var request: Int64?
    package var notes: [String]

    init(_ result: PrivacyEraseResult) {
        receipt = result.receipt.id
        rows = result.receipt.totalRows
        request = result.request?.id
        notes = result.notes
    }
}
