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
    /// The pseudonyms the route must show people by: set when the workspace's pseudonymisation is
    /// on and the route was opened with ``PseudonymHandling/pseudonymises``; `nil` otherwise.
    var pseudonyms: Pseudonymizer? = nil

    /// Throws 403 unless the caller's role allows `needed`.
    func require(_ needed: WorkspaceRole, to action: String) throws {
        guard role >= needed else {
            let allowed = needed == .owner ? "owner" : "\(needed.rawValue) or owner"
            throw Problem.forbidden("your role in workspace '\(name)' is \(role.rawValue); \(action) needs \(allowed)")
        }
    }

    /// Whether the caller may see a job: an erasure's state and failure name the person asked
    /// about, so only owners, who asked for it, see erasure jobs.
    func canSee(_ job: JobSnapshot) -> Bool {
        job.kind != PrivacyErasureOutcome.jobKind || role == .owner
    }

    /// Posts as the caller may see them: by pseudonym when the workspace asks for it.
    func shown(_ posts: [Post]) async throws -> [Post] {
        guard let pseudonyms else { return posts }
        return try await engine.pseudonymised(posts, with: pseudonyms)
    }
}

/// What a route does with the people of a workspace that shows them by pseudonym
/// (`vigie privacy pseudonyms on`, `PUT …/privacy/pseudonyms`). The gate applies it, so a route
/// declares it once and cannot forget the check.
enum PseudonymHandling: Sendable {
    /// The route may show handles or names and cannot hide them: refused (409) while the mode is
    /// on. The default, so that a route added later is covered without anyone thinking of it.
    case refusedWhenOn
    /// The route shows people through ``WorkspaceScope/shown(_:)`` or ``WorkspaceScope/pseudonyms``.
    case pseudonymises
    /// The route shows nobody from the corpus (the workspace's figures, its members, a
    /// conversion), or is an owner's privacy operation, which must work while the mode is on.
    case showsNobody
}

/// Opens the workspace a route names for its caller. A workspace the caller does not belong to
/// answers 404 exactly like one that does not exist, so guessing names tells nothing; a member
/// whose role is too low gets 403; a route that could show people of a pseudonymised workspace
/// gets 409 (``PseudonymHandling``).
struct WorkspaceGate: Sendable {
    let store: any Store
    let engineConfiguration: EngineConfiguration

    func open(_ name: String, for principal: Principal?, needing needed: WorkspaceRole = .viewer,
              to action: String = "this", pseudonyms: PseudonymHandling = .refusedWhenOn) async throws -> WorkspaceScope {
        guard let principal else { throw Problem.unauthenticated() }
        guard Workspace.isValidName(name) else { throw Problem.noWorkspace(name) }
        if case .token(_, let limitedTo?) = principal.credential, limitedTo != name { throw Problem.noWorkspace(name) }
        guard let membership = try await store.memberships(user: principal.user).first(where: { $0.workspace == name }) else {
            throw Problem.noWorkspace(name)
        }
        var configuration = engineConfiguration
        configuration.workspace = name
        var scope = WorkspaceScope(name: name, role: membership.role, principal: principal,
                                   engine: Engine(store: store, configuration: configuration))
        try scope.require(needed, to: action)
        switch pseudonyms {
        case .showsNobody:
            break
        case .refusedWhenOn:
            // Read per request: an owner may turn the mode on while the server runs.
            if try await store.isPseudonymising(workspace: name) { throw Problem.pseudonymised(name) }
        case .pseudonymises:
            scope.pseudonyms = try await scope.engine.outputPseudonymizer()
        }
        return scope
    }

    /// The workspaces the caller may open (a token limited to one workspace sees that one).
    func workspaces(for principal: Principal) async throws -> [Membership] {
        let memberships = try await store.memberships(user: principal.user)
        if case .token(_, let limitedTo?) = principal.credential { return memberships.filter { $0.workspace == limitedTo } }
        return memberships
    }
}
