import Foundation
import VigieCore

/// What pseudonymisation is in a workspace, for an owner to check.
public struct PseudonymisationStatus: Sendable, Codable {
    public var workspace: String
    public var on: Bool
}

extension Engine {
    /// The pseudonyms outputs must use: `nil` unless the workspace's pseudonymisation mode is on.
    ///
    /// ```swift
    /// let pseudonyms = try await engine.outputPseudonymizer()
    /// let shown = pseudonyms.map { p in posts.map(p.post) } ?? posts
    /// ```
    public func outputPseudonymizer() async throws -> Pseudonymizer? {
        guard try await store.isPseudonymising(workspace: workspace) else { return nil }
        return try await store.pseudonymizer(workspace: workspace)
    }

    /// Posts as outputs show them under pseudonymisation. A handle mentioned without an id that
    /// names one account of the workspace gets that account's pseudonym, so a person is the same
    /// pseudonym as author and as mention.
    ///
    /// ```swift
    /// if let pseudonyms = try await engine.outputPseudonymizer() {
    ///     posts = try await engine.pseudonymised(posts, with: pseudonyms)
    /// }
    /// ```
    public func pseudonymised(_ posts: [Post], with pseudonyms: Pseudonymizer) async throws -> [Post] {
        var accountIDs: [Platform: [String: String]] = [:]
        var looked: Set<String> = []
        for post in posts {
            let handles = post.mentions.filter { $0.accountID == nil }.map(\.handle) + Pseudonymizer.handles(in: post.text)
            for handle in Set(handles.map { $0.lowercased() }) where looked.insert(post.platform.rawValue + ":" + handle).inserted {
                let keys = try await store.accountKeys(workspace: workspace, handle: handle).filter { $0.platform == post.platform }
                if keys.count == 1 { accountIDs[post.platform, default: [:]][handle] = keys[0].platformID }
            }
        }
        return posts.map { pseudonyms.post($0, accountIDs: accountIDs[$0.platform] ?? [:]) }
    }

    public func pseudonymisationStatus() async throws -> PseudonymisationStatus {
        PseudonymisationStatus(workspace: workspace, on: try await store.isPseudonymising(workspace: workspace))
    }

    /// Turns the mode on or off, and audits the change.
    public func setPseudonymisation(_ on: Bool, actor: String = "cli", reason: String = "") async throws -> PseudonymisationStatus {
        try await store.setPseudonymising(on, workspace: workspace)
        try await auditPrivacy(on ? "privacy.pseudonymise.on" : "privacy.pseudonymise.off", actor: actor, target: nil,
                               detail: reason.isEmpty ? "" : "reason: \(reason)")
        return try await pseudonymisationStatus()
    }

    /// Who a pseudonym stands for. Revealing is an owner's act with a reason, and audited.
    ///
    /// ```swift
    /// let owners = try await engine.revealPseudonym("p-3fa9c21b07de", reason: "moderation case 31")
    /// ```
    public func revealPseudonym(_ pseudonym: String, actor: String = "cli", reason: String) async throws -> [PseudonymOwner] {
        let name = pseudonym.trimmingCharacters(in: .whitespaces)
        guard name.drop(while: { $0 == "@" }).hasPrefix(Pseudonymizer.prefix) else {
            throw EngineError(.invalidArgument, field: "pseudonym", "'\(pseudonym)' is not a pseudonym (they start with \(Pseudonymizer.prefix))")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidArgument, field: "reason", "say why the identity is needed: it is kept in the audit log")
        }
        let owners = try await store.revealPseudonym(name, workspace: workspace)
        try await auditPrivacy("privacy.pseudonym.reveal", actor: actor, target: String(name.drop { $0 == "@" }),
                               detail: "\(owners.count) match(es)" + reasonSuffix(reason))
        return owners
    }
}
