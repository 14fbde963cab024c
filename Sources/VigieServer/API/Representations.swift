import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// What the API answers, one type per resource. Most wrap the engine's own values; these are
/// the places where the API chooses what a client sees (never a hash, never a server path).

struct MeView: ResponseEncodable {
    struct WorkspaceRoleView: Encodable, Sendable {
        var workspace: String
        var role: WorkspaceRole
    }

    var user: String
    var displayName: String?
    /// How the caller is authenticated: `session` or `token`.
    var authenticatedBy: String
    var workspaces: [WorkspaceRoleView]
}

struct WorkspaceView: ResponseEncodable, Sendable {
    var name: String
    var role: WorkspaceRole
}

struct WorkspaceDetailView: ResponseEncodable {
    var name: String
    var role: WorkspaceRole
    var stats: StoreStats
    var watches: Int
}

struct MemberView: ResponseEncodable, Sendable {
    var user: String
    var role: WorkspaceRole
    var grantedAt: Date

    init(_ membership: Membership) {
        user = membership.user
        role = membership.role
        grantedAt = membership.grantedAt
    }
}

struct TokenView: ResponseEncodable, Sendable {
    var id: String
    var name: String
    var workspace: String?
    var createdAt: Date
    var expiresAt: Date?
    var lastUsedAt: Date?
    var revokedAt: Date?

    init(_ token: APITokenRecord) {
        id = token.id
        name = token.name
        workspace = token.workspace
        createdAt = token.createdAt
        expiresAt = token.expiresAt
        lastUsedAt = token.lastUsedAt
        revokedAt = token.revokedAt
    }
}

/// A new token, with its secret: the only answer that ever holds it.
struct NewTokenView: ResponseEncodable {
    var secret: String
    var token: TokenView
}

struct WatchView: ResponseEncodable, Sendable {
    var name: String
    var query: String
    var stemmed: Bool
    var createdAt: Date

    init(_ watch: Watch) {
        name = watch.name
        query = watch.query
        stemmed = watch.stemmed
        createdAt = watch.createdAt
    }
}

struct RejectView: Encodable, Sendable {
    var file: String
    var line: Int
    var format: String
    var reason: String
    var excerpt: String

    /// Uploaded files are named by the name the user sent, not by where the server kept them.
    init(_ reject: Reject, uploadFolder: String) {
        let inUploads = reject.file.hasPrefix(URL(fileURLWithPath: uploadFolder).standardizedFileURL.path)
            || reject.file.contains("/vigie-upload-")
        file = inUploads ? (reject.file as NSString).lastPathComponent : reject.file
        line = reject.line
        format = reject.format
        reason = reject.reason
        excerpt = reject.excerpt
    }
}

struct QueryView: ResponseEncodable {
    /// The query as parsed (canonical form).
    var query: String
    /// Totals over every match; on the first page only (later pages read on from a position).
    var matched: Int?
    var authors: Int?
    var posts: [Post]
    var nextCursor: String?
}

struct AccountsView: ResponseEncodable {
    var accounts: [AccountDetail]
}

struct PostsView: ResponseEncodable {
    var posts: [Post]
}

struct JobView: ResponseEncodable {
    var job: JobSnapshot
}

struct HealthView: ResponseEncodable {
    var status: String
    var checks: [String: String]
}

