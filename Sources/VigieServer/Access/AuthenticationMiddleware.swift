import HTTPTypes
import Hummingbird

/// Finds who is calling: an API token (`Authorization: Bearer vigie_…`) or a session cookie.
/// A bearer token that is not valid is refused at once (a script must not fall back to a
/// browser's cookie); a stale cookie only marks the request, so that the dashboard can send the
/// browser to the sign-in page and the API can say the session expired.
///
/// Requests authenticated by cookie that change something (`POST`, `PUT`, `PATCH`, `DELETE`)
/// must prove they come from Vigie's own pages: API calls send the session's token in
/// `X-CSRF-Token`; dashboard forms send it in their `_csrf` field, which their routes check.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let access: AccessControl
    let cookies: SessionCookies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                  let token = try await access.token(secret: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
                throw Problem.unauthenticated("the API token is unknown, revoked or expired")
            }
            context.principal = Principal(user: token.user, credential: .token(id: token.id, workspace: token.workspace))
        } else if let sessionID = request.cookies[cookies.sessionName]?.value {
            if let session = try await access.session(id: sessionID) {
                context.principal = Principal(user: session.user, credential: .session(id: sessionID, csrfToken: session.csrfToken))
            } else {
                context.sessionExpired = true
            }
        }
        context.loggedUser.value = context.principal?.user
        if let principal = context.principal, let expected = principal.csrfToken, Self.isUnsafe(request.method),
           !ErrorMiddleware.isDashboard(request.uri.path) {
            guard let sent = request.headers[.csrfToken], Secrets.constantTimeEqual(sent, expected) else {
                throw AccessError(.csrf, "send the session's anti-forgery token in X-CSRF-Token, or use an API token")
            }
        }
        return try await next(request, context)
    }

    static func isUnsafe(_ method: HTTPRequest.Method) -> Bool {
        !(method == .get || method == .head || method == .options)
    }
}

extension HTTPField.Name {
    static var csrfToken: Self { Self("X-CSRF-Token")! }
}

/// The names and flags of Vigie's cookies. With secure cookies (the default) the session cookie
/// takes the `__Host-` prefix: the browser then refuses it unless it is `Secure`, host-only and
/// for the whole site, so a sibling subdomain cannot plant one.
struct SessionCookies: Sendable {
    let secure: Bool
    /// The session's longest life: the browser keeps the cookie that long, the server ends the
    /// session earlier when it is not used.
    let lifetime: Duration

    var sessionName: String { secure ? "__Host-vigie_session" : "vigie_session" }
    var signInCSRFName: String { secure ? "__Host-vigie_signin" : "vigie_signin" }
    static let languageName = "vigie_lang"

    func session(_ id: String) -> Cookie {
        Cookie(name: sessionName, value: id, maxAge: Int(lifetime.components.seconds), path: "/", secure: secure,
               httpOnly: true, sameSite: .lax)
    }

    func expiredSession() -> Cookie {
        Cookie(name: sessionName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// The anti-forgery value of the sign-in form (there is no session yet to hold one).
    func signInCSRF(_ value: String) -> Cookie {
        Cookie(name: signInCSRFName, value: value, maxAge: 3600, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    func language(_ code: String) -> Cookie {
        Cookie(name: Self.languageName, value: code, maxAge: 365 * 24 * 3600, path: "/", secure: secure, httpOnly: true,
               sameSite: .lax)
    }
}
