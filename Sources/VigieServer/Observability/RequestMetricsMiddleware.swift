import Hummingbird

/// Counts every request and times it, per route template (the route's pattern, not the path
/// asked for, so `/w/{workspace}` is one series whatever the workspace).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        metrics.requestStarted()
        do {
            let response = try await next(request, context)
            metrics.requestFinished(route: context.endpointPath ?? "NotFound", method: request.method.rawValue,
                                    status: response.status.code, duration: .now - started)
            return response
        } catch {
            // The error middleware sits inside this one; this is a failure it could not answer.
            metrics.requestFinished(route: context.endpointPath ?? "NotFound", method: request.method.rawValue,
                                    status: 500, duration: .now - started)
            throw error
        }
    }
}
