import Hummingbird
import Logging

/// One structured log line per request, once answered: method, path (without its query
/// string), route, status, duration, user and client. The request id (`hb.request.id`) is in
/// the logger's metadata already, and in every problem answer, so a user's report finds its line.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let level: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(level: response.status.code >= 500 ? .error : level, "request", metadata: [
            "http.method": .string(request.method.rawValue),
            "http.path": .string(request.uri.path),
            "http.route": .string(context.endpointPath ?? "NotFound"),
            "http.status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", milliseconds)),
            "user": .string(context.loggedUser.value ?? "-"),
            "client": .string(context.clientAddress),
        ])
        return response
    }
}
