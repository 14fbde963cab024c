import Foundation
import Hummingbird
import VigieCore

/// Health and metrics, for load balancers and Prometheus. `/health/live` answers as long as the
/// process serves; `/health/ready` also reads the store. `/metrics` answers loopback clients only
/// unless the configuration opens it: its labels name the workspaces.
struct OperationsController: Sendable {
    let dependencies: ServerDependencies
    let metricsOpen: Bool

    func addRoutes(to router: Router<ServerRequestContext>) {
        router.get("/health/live") { _, _ in HealthView(status: "ok", checks: [:]) }
        router.get("/health/ready", use: ready)
        router.get("/metrics", use: metrics)
    }

    @Sendable func ready(_ request: Request, context: ServerRequestContext) async throws -> HealthView {
        do {
            _ = try await dependencies.store.workspaces()
        } catch {
            context.logger.error("readiness check failed", metadata: ["error": "\(error)"])
            throw Problem(.serviceUnavailable, code: "not-ready", title: "Not ready",
                          detail: "the store cannot be read", retryAfter: 5)
        }
        return HealthView(status: "ok", checks: ["store": "ok"])
    }

    @Sendable func metrics(_ request: Request, context: ServerRequestContext) async throws -> Response {
        guard metricsOpen || Self.isLoopback(context.remoteAddress?.ipAddress) else {
            throw Problem.forbidden("metrics are served to loopback clients only (see docs/server.md)")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: dependencies.metrics.render())))
    }

    /// In-process tests have no address; loopback is 127.0.0.0/8 and ::1.
    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return true }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
