import Hummingbird
import Logging

/// Turns every error a route throws into an answer: problem details (JSON) for the API, health
/// and metrics, an HTML page for the dashboard. Unexpected errors are logged with the request
/// id and answered with a bare 500 that says where to look; the server keeps serving.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    /// Renders a problem as a dashboard page; `nil` answers JSON.
    let dashboardPage: @Sendable (Problem, Request, ServerRequestContext) -> Response?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem(error: error)
            if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))",
                                                                  "status": "\(problem.statusCode)"])
            } else {
                context.logger.debug("request refused", metadata: ["problem": "\(problem.code)", "detail": "\(problem.detail)"])
            }
            if Self.isDashboard(request.uri.path), let page = dashboardPage(problem, request, context) {
                return page
            }
            return try problem.response(from: request, context: context)
        }
    }

    /// Paths answered in HTML: everything but the API, health and metrics.
    static func isDashboard(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path == "/api" || path.hasPrefix("/health/") || path == "/metrics")
    }
}
