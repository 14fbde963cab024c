import VigieCore
import VigieEngine

/// A workspace opened for one request: its name, the caller's role in it, and the engine that
/// reads and writes only it. Routes get one from ``WorkspaceGate`` and from nowhere else, which
/// is what keeps every route scoped.
struct WorkspaceScope: Sendable {
    let name: String
    let role: WorkspaceRole
    let principal: Principal
    let engine: Engine

    /// Throws 403 unless the caller's role allows `needed`.
    func require(_ needed: WorkspaceRole, to action: String) throws {
        guard role >= needed else {
            let allowed = needed == .owner ? "owner" : "\(needed.rawValue) or owner"
            throw Problem.forbidden("your role in workspace '\(name)' is \(role.rawValue); \(action) needs \(allowed)")
        }
    }
}

/// Opens the workspace a route names for its caller. A workspace the caller does not belong to
/// answers 404 exactly like one that does not exist, so guessing names tells nothing; a member
/// whose role is too low gets 403.
struct WorkspaceGate: Sendable {
    let store: any Store
    let engineConfiguration: EngineConfiguration

    func open(_ name: String, for principal: Principal?, needing needed: WorkspaceRole = .viewer,
              to action: String = "this") async throws -> WorkspaceScope {
        guard let principal else { throw Problem.unauthenticated() }
        guard Workspace.isValidName(name) else { throw Problem.noWorkspace(name) }
        if case .token(_, let limitedTo?) = principal.credential, limitedTo != name { throw Problem.noWorkspace(name) }
        guard let membership = try await store.memberships(user: principal.user).first(where: { $0.workspace == name }) else {
            throw Problem.noWorkspace(name)
        }
        var configuration = engineConfiguration
        configuration.workspace = name
        let scope = WorkspaceScope(name: name, role: membership.role, principal: principal,
                                   engine: Engine(store: store, configuration: configuration))
        try scope.require(needed, to: action)
        return scope
    }

    /// The workspaces the caller may open (a token limited to one workspace sees that one).
    func workspaces(for principal: Principal) async throws -> [Membership] {
        let memberships = try await store.memberships(user: principal.user)
        if case .token(_, let limitedTo?) = principal.credential { return memberships.filter { $0.workspace == limitedTo } }
        return memberships
    }
}
