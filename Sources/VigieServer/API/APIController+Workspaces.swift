import Foundation
import Hummingbird
import VigieCore

/// Workspaces, their members and their audit log.
extension APIController {
    @Sendable func listWorkspaces(_ request: Request, context: ServerRequestContext) async throws -> Page<WorkspaceView> {
        let principal = try context.requirePrincipal()
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<String>.fields)
        let workspaces = try await dependencies.gate.workspaces(for: principal).map { WorkspaceView(name: $0.workspace, role: $0.role) }
        return try PageRequest<String>(fields).page(of: workspaces, position: \.name)
    }

    @Sendable func workspaceDetail(_ request: Request, context: ServerRequestContext,
                                   scope: WorkspaceScope) async throws -> WorkspaceDetailView {
        try FormFields(query: request).refuseUnknown([])
        let stats = try await scope.engine.stats()
        let watches = try await dependencies.store.watches(workspace: scope.name).count
        return WorkspaceDetailView(name: scope.name, role: scope.role, stats: stats, watches: watches)
    }

    @Sendable func listMembers(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<MemberView> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<String>.fields)
        let members = try await dependencies.store.members(workspace: scope.name).map(MemberView.init)
        return try PageRequest<String>(fields).page(of: members) { $0.user.lowercased() }
    }

    struct MemberBody: StrictDecodable {
        static let members: Set<String> = ["role"]
        var role: WorkspaceRole
    }

    @Sendable func putMember(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> MemberView {
        let user = try context.parameters.decoded("user")
        let body = try await JSONBody.decode(MemberBody.self, from: request, limit: jsonLimit)
        if user.lowercased() == scope.principal.user.lowercased(), body.role != .owner {
            try await requireAnotherOwner(in: scope)
        }
        try await dependencies.access.grant(body.role, user: user, workspace: scope.name, actor: scope.principal.user)
        guard let membership = try await dependencies.store.members(workspace: scope.name)
            .first(where: { $0.user.lowercased() == user.lowercased() }) else {
            throw Problem.notFound("no user named '\(user)'", field: "user")
        }
        return MemberView(membership)
    }

    @Sendable func deleteMember(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let user = try context.parameters.decoded("user")
        if user.lowercased() == scope.principal.user.lowercased() { try await requireAnotherOwner(in: scope) }
        guard try await dependencies.access.revoke(user: user, workspace: scope.name, actor: scope.principal.user) else {
            throw Problem.notFound("'\(user)' is not a member of workspace '\(scope.name)'", field: "user")
        }
        return Response(status: .noContent)
    }

    /// A workspace keeps at least one owner: the last one cannot step down or leave.
    private func requireAnotherOwner(in scope: WorkspaceScope) async throws {
        let owners = try await dependencies.store.members(workspace: scope.name).filter { $0.role == .owner }
        guard owners.contains(where: { $0.user.lowercased() != scope.principal.user.lowercased() }) else {
            throw Problem(.conflict, code: "last-owner", title: "Last owner",
                          detail: "you are the last owner of workspace '\(scope.name)': make someone else owner first")
        }
    }

    @Sendable func auditLog(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<AuditEvent> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<Int64>.fields)
        let page = try PageRequest<Int64>(fields)
        // Newest first by keyset on the event number: one more than asked tells if there is more.
        let events = try await dependencies.store.auditEvents(workspace: scope.name, before: page.after, limit: page.limit + 1)
        let items = Array(events.prefix(page.limit))
        return Page(items: items, nextCursor: events.count > page.limit ? items.last.map { Cursor.encode($0.sequence) } : nil)
    }
}
