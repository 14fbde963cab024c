import Foundation
import Hummingbird
import VigieCore

/// The web dashboard: server-rendered pages that work without JavaScript, in French or English.
/// Pages under `/w/{workspace}` open their workspace through ``WorkspaceGate`` like the API, so
/// the isolation suite covers both. Forms that change something carry the session's
/// anti-forgery token; the sign-in form carries a token of its own (double-submit cookie).
struct DashboardController: Sendable {
    let dependencies: ServerDependencies
    let renderer: PageRenderer

    func addRoutes(to router: Router<ServerRequestContext>) {
        router.get("/") { _, context in
            Response.redirect(to: context.principal == nil ? "/sign-in" : "/workspaces", type: .found)
        }
        router.get("/assets/vigie.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.vigie_css)))
        }
        router.get("/language", use: setLanguage)
        router.get("/sign-in", use: signInForm)
        router.post("/sign-in", use: signIn)
        router.post("/sign-out", use: signOut)
        router.get("/workspaces", use: workspaces)

        workspacePage(router, .get, "/w/{workspace}", use: home)
        workspacePage(router, .get, "/w/{workspace}/query", pseudonyms: .pseudonymises, use: queryPage)
        workspacePage(router, .get, "/w/{workspace}/accounts", use: findAccount)
        workspacePage(router, .get, "/w/{workspace}/accounts/{handle}", use: accountPage)
        workspacePage(router, .get, "/w/{workspace}/imports", use: importsPage)
        workspacePage(router, .post, "/w/{workspace}/imports", needing: .analyst, action: "importing data", use: uploadImport)
        workspacePage(router, .get, "/w/{workspace}/jobs/{job}", use: jobPage)
        workspacePage(router, .get, "/w/{workspace}/rejects", use: rejectsPage)
        workspacePage(router, .get, "/w/{workspace}/audit", needing: .owner, action: "reading the audit log", use: auditPage)
        // Watches, influencers, trust, coordination, alerts (DashboardController+Watches, +Analyses).
        addAnalysisPages(to: router)
        addCampaignPages(to: router)
    }

    /// A page of a workspace: the handler runs for a member whose role allows `needed`; a
    /// visitor who is not signed in is sent to the sign-in page and back. While the workspace
    /// shows people by pseudonym, a page is refused by the gate unless it says how it hides them.
    func workspacePage(
        _ router: Router<ServerRequestContext>, _ method: HTTPRequest.Method, _ path: String,
        needing needed: WorkspaceRole = .viewer, action: String = "this", pseudonyms: PseudonymHandling = .refusedWhenOn,
        use handler: @escaping @Sendable (Request, ServerRequestContext, WorkspaceScope) async throws -> Response
    ) {
        let gate = dependencies.gate
        router.on(RouterPath(path), method: method) { request, context in
            guard context.principal != nil else { return Self.signInRedirect(for: request) }
            let name = try context.parameters.decoded("workspace")
            let scope = try await gate.open(name, for: context.principal, needing: needed, to: action, pseudonyms: pseudonyms)
            return try await handler(request, context, scope)
        }
    }

    // MARK: Frame

    func frame(_ request: Request, _ context: ServerRequestContext, title: String, scope: WorkspaceScope? = nil,
               current: String = "", refreshSeconds: Int? = nil) -> PageFrame {
        let language = Language.of(request)
        return PageFrame(language: language, title: title, path: request.uri.description, user: context.principal?.user,
                         csrf: context.principal?.csrfToken, workspace: scope.map {
                             WorkspaceNavigation(scope: $0, language: language, current: current)
                         }, refreshSeconds: refreshSeconds)
    }

    static func signInRedirect(for request: Request) -> Response {
        let next = request.method == .get ? request.uri.description : "/workspaces"
        return Response.redirect(to: "/sign-in?next=" + DashboardPaths.escapeQuery(next), type: .found)
    }

    /// Checks the `_csrf` field of a form posted by a signed-in user.
    static func checkForm(_ fields: [String: String], context: ServerRequestContext) throws {
        guard let expected = context.principal?.csrfToken, let sent = fields["_csrf"],
              Secrets.constantTimeEqual(sent, expected) else {
            throw AccessError(.csrf, "the form's anti-forgery token is missing or stale")
        }
    }

    /// The dashboard's answer to an error: the sign-in page for a missing session, else a page
    /// saying what went wrong in the reader's language.
    func errorPage(_ problem: Problem, request: Request, context: ServerRequestContext) -> Response {
        if problem.statusCode == 401 { return Self.signInRedirect(for: request) }
        let language = Language.of(request)
        let heading = switch problem.statusCode {
        case 404: language.text("notFoundTitle")
        case 403: language.text("forbiddenTitle")
        default: language.text("errorTitle")
        }
        struct ErrorPage {
            var heading: String
            var detail: String
            var requestId: String
        }
        var headers = HTTPFields()
        if let retryAfter = problem.retryAfter { headers[.retryAfter] = String(retryAfter) }
        var response = renderer.render("error", page: ErrorPage(heading: heading, detail: problem.detail, requestId: context.id),
                                       frame: frame(request, context, title: heading), status: problem.status)
        response.headers.append(contentsOf: headers)
        return response
    }

    // MARK: Language, sign-in, workspaces

    @Sendable func setLanguage(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let fields = FormFields(query: request)
        guard let language = fields.text("set").flatMap(Language.init(rawValue:)) else {
            throw Problem.invalidArgument("set must be fr or en", field: "set")
        }
        let next = fields.text("next").flatMap { DashboardPaths.isLocal($0) ? $0 : nil } ?? "/"
        var response = Response.redirect(to: next, type: .found)
        response.setCookie(dependencies.cookies.language(language.rawValue))
        return response
    }

    struct SignInPage {
        var formToken: String
        var next: String
        var name: String
        var error: String?
    }

    @Sendable func signInForm(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let next = FormFields(query: request).text("next").flatMap { DashboardPaths.isLocal($0) ? $0 : nil } ?? "/workspaces"
        if context.principal != nil { return Response.redirect(to: next, type: .found) }
        return signInResponse(request, context, next: next, name: "", error: nil, status: .ok)
    }

    private func signInResponse(_ request: Request, _ context: ServerRequestContext, next: String, name: String,
                                error: String?, status: HTTPResponse.Status) -> Response {
        let token = Secrets.random()
        let language = Language.of(request)
        var response = renderer.render("sign-in", page: SignInPage(formToken: token, next: next, name: name, error: error),
                                       frame: frame(request, context, title: language.text("signIn")), status: status)
        response.setCookie(dependencies.cookies.signInCSRF(token))
        return response
    }

    @Sendable func signIn(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let fields = try await FormFields.body(of: request)
        let language = Language.of(request)
        let next = fields.text("next").flatMap { DashboardPaths.isLocal($0) ? $0 : nil } ?? "/workspaces"
        let name = fields.text("name") ?? ""
        guard let cookie = request.cookies[dependencies.cookies.signInCSRFName]?.value, let sent = fields["_csrf"],
              Secrets.constantTimeEqual(cookie, sent) else {
            return signInResponse(request, context, next: next, name: name, error: language.text("formExpired"), status: .forbidden)
        }
        do {
            let session = try await dependencies.access.signIn(name: name, password: fields["password"] ?? "",
                                                               client: context.clientAddress)
            var response = Response.redirect(to: next, type: .normal)
            response.setCookie(dependencies.cookies.session(session.id))
            response.headers[.cacheControl] = "no-store"
            return response
        } catch let error as AccessError where error.code == .badCredentials {
            return signInResponse(request, context, next: next, name: name, error: language.text("badCredentials"),
                                  status: .unauthorized)
        } catch let error as AccessError where error.code == .throttled {
            let message = language.fill("throttled", String(error.retryAfterSeconds ?? 60))
            var response = signInResponse(request, context, next: next, name: name, error: message, status: .tooManyRequests)
            response.headers[.retryAfter] = String(error.retryAfterSeconds ?? 60)
            return response
        }
    }

    @Sendable func signOut(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let fields = try await FormFields.body(of: request)
        var response = Response.redirect(to: "/sign-in", type: .normal)
        if let principal = context.principal, let sessionID = principal.sessionID {
            try Self.checkForm(fields.values, context: context)
            try await dependencies.access.signOut(sessionID: sessionID, user: principal.user)
        }
        response.setCookie(dependencies.cookies.expiredSession())
        return response
    }

    struct WorkspacesPage {
        struct Item {
            var name: String
            var role: String
            var href: String
        }

        var workspaces: [Item]
    }

    @Sendable func workspaces(_ request: Request, context: ServerRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Self.signInRedirect(for: request) }
        let language = Language.of(request)
        let memberships = try await dependencies.gate.workspaces(for: principal)
        let page = WorkspacesPage(workspaces: memberships.map {
            .init(name: $0.workspace, role: language.text("role." + $0.role.rawValue), href: "/w/" + DashboardPaths.escape($0.workspace))
        })
        return renderer.render("workspaces", page: page, frame: frame(request, context, title: language.text("workspaces")))
    }
}
