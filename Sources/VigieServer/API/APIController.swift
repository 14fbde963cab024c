import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// The JSON API under `/api/v1`: every route is in `Resources/openapi.json` (a test holds them
/// together), answers errors as problem details, and reads a workspace only through
/// ``WorkspaceGate``. Routes are registered here by concern; their handlers live in the
/// `APIController+…` files.
struct APIController: Sendable {
    let dependencies: ServerDependencies

    static let prefix = "/api/v1"

    func addRoutes(to router: Router<ServerRequestContext>) {
        let api = router.group(RouterPath(Self.prefix))
        api.get("openapi.json") { _, _ in OpenAPIDocument.response() }

        // The caller and their API tokens.
        api.get("me", use: me)
        api.get("tokens", use: listTokens)
        api.post("tokens", use: createToken)
        api.delete("tokens/{token}", use: revokeToken)

        // Workspaces and who is in them.
        api.get("workspaces", use: listWorkspaces)
        // Figures and members only: open while the workspace shows people by pseudonym.
        workspaceRoute(api, .get, "workspaces/{workspace}", pseudonyms: .showsNobody, use: workspaceDetail)
        workspaceRoute(api, .get, "workspaces/{workspace}/members", needing: .owner, action: "listing members",
                       pseudonyms: .showsNobody, use: listMembers)
        workspaceRoute(api, .put, "workspaces/{workspace}/members/{user}", needing: .owner, action: "changing members",
                       pseudonyms: .showsNobody, use: putMember)
        workspaceRoute(api, .delete, "workspaces/{workspace}/members/{user}", needing: .owner, action: "changing members",
                       pseudonyms: .showsNobody, use: deleteMember)
        workspaceRoute(api, .get, "workspaces/{workspace}/audit", needing: .owner, action: "reading the audit log",
                       use: auditLog)

        // The corpus.
        workspaceRoute(api, .get, "workspaces/{workspace}/query", pseudonyms: .pseudonymises, use: query)
        workspaceRoute(api, .get, "workspaces/{workspace}/search", pseudonyms: .pseudonymises, use: search)
        workspaceRoute(api, .get, "workspaces/{workspace}/accounts/{handle}", pseudonyms: .pseudonymises, use: account)
        workspaceRoute(api, .get, "workspaces/{workspace}/rejects", use: rejects)
        workspaceRoute(api, .get, "workspaces/{workspace}/watches", use: listWatches)
        workspaceRoute(api, .get, "workspaces/{workspace}/watches/{watch}", use: watch)

        // Imports, as jobs.
        workspaceRoute(api, .post, "workspaces/{workspace}/imports", needing: .analyst, action: "importing data", use: startImport)
        workspaceRoute(api, .get, "workspaces/{workspace}/jobs", use: listJobs)
        workspaceRoute(api, .get, "workspaces/{workspace}/jobs/{job}", use: job)

        // The analyses (APIController+Watches, +Trends, +Alerts, +Influence, +Trust, +Coordination).
        addAnalysisRoutes(api)
        // Campaigns, links, reports and conversions.
        addCampaignRoutes(to: api)
        // Data subjects' rights, for owners (APIController+Privacy).
        addPrivacyRoutes(api)
    }

    /// A route under `/workspaces/{workspace}`: the handler runs only for a member whose role
    /// allows `needed`, with the workspace opened for them; while the workspace shows people by
    /// pseudonym, only if the route says how it keeps them hidden (``PseudonymHandling``).
    func workspaceRoute<Output: ResponseGenerator>(
        _ group: RouterGroup<ServerRequestContext>, _ method: HTTPRequest.Method, _ path: String,
        needing needed: WorkspaceRole = .viewer, action: String = "this", pseudonyms: PseudonymHandling = .refusedWhenOn,
        use handler: @escaping @Sendable (Request, ServerRequestContext, WorkspaceScope) async throws -> Output
    ) {
        let gate = dependencies.gate
        group.on(RouterPath(path), method: method) { request, context in
            let name = try context.parameters.decoded("workspace")
            let scope = try await gate.open(name, for: context.principal, needing: needed, to: action, pseudonyms: pseudonyms)
            return try await handler(request, context, scope)
        }
    }

    var jsonLimit: Int { dependencies.configuration.maximumJSONBytes }
}

/// The OpenAPI 3.1 document of this API, written by hand (docs/server.md says why) and embedded
/// in the binary.
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_json

    static func response() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
