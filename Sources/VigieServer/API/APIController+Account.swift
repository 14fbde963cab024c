import Foundation
import Hummingbird
import VigieCore

/// The caller and their API tokens.
extension APIController {
    @Sendable func me(_ request: Request, context: ServerRequestContext) async throws -> MeView {
        let principal = try context.requirePrincipal()
        let user = try await dependencies.store.user(named: principal.user)
        let workspaces = try await dependencies.gate.workspaces(for: principal)
        let via: String
        switch principal.credential {
        case .session: via = "session"
        case .token: via = "token"
        }
        return MeView(user: principal.user, displayName: user?.displayName, authenticatedBy: via,
                      workspaces: workspaces.map { .init(workspace: $0.workspace, role: $0.role) })
    }

    @Sendable func listTokens(_ request: Request, context: ServerRequestContext) async throws -> Page<TokenView> {
        let principal = try context.requirePrincipal()
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<String>.fields)
        let tokens = try await dependencies.store.tokens(user: principal.user).map(TokenView.init)
        // Newest first; the position is the creation time and id, descending.
        let page = try PageRequest<TokenPosition>(fields)
        return page.page(of: tokens) { TokenPosition(createdAt: $0.createdAt.timeIntervalSince1970 * -1, id: $0.id) }
    }

    struct CreateTokenBody: StrictDecodable {
        static let members: Set<String> = ["name", "workspace", "expiresInDays"]
        var name: String
        var workspace: String?
        var expiresInDays: Int?
    }

    @Sendable func createToken(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await JSONBody.decode(CreateTokenBody.self, from: request, limit: jsonLimit)
        if let days = body.expiresInDays, !(1...3650).contains(days) {
            throw Problem.invalidArgument("expiresInDays must be from 1 to 3650", field: "expiresInDays")
        }
        if case .token(_, let limitedTo?) = principal.credential, body.workspace != limitedTo {
            // A token limited to one workspace cannot mint a token that reaches further.
            throw Problem.forbidden("this token is limited to workspace '\(limitedTo)'; its tokens must be limited to it too")
        }
        let created = try await dependencies.access.createToken(
            user: principal.user, name: body.name, workspace: body.workspace,
            lifetime: body.expiresInDays.map { .seconds($0 * 86_400) }, actor: principal.user)
        let view = NewTokenView(secret: created.secret, token: TokenView(created.token))
        var response = try view.response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "\(Self.prefix)/tokens/\(created.token.id)"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func revokeToken(_ request: Request, context: ServerRequestContext) async throws -> TokenView {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.decoded("token")
        let token = try await dependencies.access.revokeToken(id: id, owner: principal.user, actor: principal.user)
        return TokenView(token)
    }
}

/// Where a list of tokens stands: newest first, so the time is negated to sort ascending.
struct TokenPosition: Codable, Sendable, Comparable {
    var createdAt: Double
    var id: String

    static func < (lhs: TokenPosition, rhs: TokenPosition) -> Bool {
        (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id)
    }
}
