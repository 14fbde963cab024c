import Foundation
import VigieCore

/// Looking for a data subject before answering them: every account that matches, with what is
/// held about each, for a person to confirm which one is the requester.
public struct PrivacyFindRequest: Sendable, Hashable {
    public var kind: SubjectSearch.Kind
    public var text: String
    public var platform: Platform?
    public var limit: Int
    /// Who searches, and why (the request's reference): both go to the audit log.
    public var actor: String
    public var reason: String

    public init(kind: SubjectSearch.Kind = .handle, text: String = "", platform: Platform? = nil, limit: Int = 20,
                actor: String = "cli", reason: String = "") {
        self.kind = kind
        self.text = text
        self.platform = platform
        self.limit = limit
        self.actor = actor
        self.reason = reason
    }

    public func validate() throws(EngineError) {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidArgument, field: "text", "give the handle, id, name or words to look for")
        }
        guard (1...1000).contains(limit) else {
            throw EngineError(.invalidArgument, field: "limit", "the limit must be between 1 and 1000")
        }
    }
}

public struct PrivacyFindResult: Sendable, Codable {
    public var workspace: String
    public var matches: [SubjectMatch]
}

/// A reference to one data subject as a person types it: `platform:id` (`twitter:12345`) or a
/// handle (`@alice`, which must name exactly one account).
public struct SubjectReference: Sendable, Hashable {
    public var text: String

    public init(_ text: String) { self.text = text }

    /// The account key when the text is `platform:id`.
    public var accountKey: AccountKey? {
        guard let colon = text.firstIndex(of: ":"), let platform = Platform(rawValue: String(text[..<colon]).lowercased()) else {
            return nil
        }
        let id = String(text[text.index(after: colon)...])
        return id.isEmpty ? nil : AccountKey(platform: platform, platformID: id)
    }
}

extension Engine {
    /// Finds the accounts a data subject may be, and audits the search.
    ///
    /// ```swift
    /// let found = try await engine.findSubjects(PrivacyFindRequest(kind: .handle, text: "@alice", reason: "DSAR-12"))
    /// ```
    public func findSubjects(_ request: PrivacyFindRequest) async throws -> PrivacyFindResult {
        try request.validate()
        let matches = try await store.findSubjects(SubjectSearch(request.kind, request.text, platform: request.platform),
                                                   workspace: workspace, limit: request.limit)
        // The audit names the kind of search and its outcome, not the words searched for.
        try await auditPrivacy("privacy.find", actor: request.actor, target: nil,
                               detail: "\(request.kind.rawValue), \(matches.count) match(es)" + reasonSuffix(request.reason))
        return PrivacyFindResult(workspace: workspace, matches: matches)
    }

    /// The one account a reference names.
    func resolveSubject(_ reference: SubjectReference, field: String) async throws -> AccountKey {
        if let key = reference.accountKey { return key }
        let handle = SubjectSearch(.handle, reference.text).normalizedText
        guard !handle.isEmpty else {
            throw EngineError(.invalidArgument, field: field, "name the person as platform:id (twitter:12345) or @handle")
        }
        let exact = try await store.findSubjects(SubjectSearch(.handle, handle), workspace: workspace, limit: 50)
            .filter { $0.handle?.lowercased() == handle }
        switch exact.count {
        case 0:
            throw EngineError(.notFound, field: field, "no account @\(handle) in workspace '\(workspace)'")
        case 1:
            return exact[0].key
        default:
            let keys = exact.map(\.key.description).joined(separator: ", ")
            throw EngineError(.invalidArgument, field: field,
                              "@\(handle) names \(exact.count) accounts (\(keys)); give one as platform:id")
        }
    }

    func auditPrivacy(_ action: String, actor: String, target: String?, detail: String) async throws {
        try await store.appendAudit(AuditEvent(actor: actor, workspace: workspace, action: action, target: target, detail: detail))
    }

    func reasonSuffix(_ reason: String) -> String { reason.isEmpty ? "" : "; reason: \(reason)" }
}
