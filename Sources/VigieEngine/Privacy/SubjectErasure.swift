import Foundation
import VigieCore

/// An erasure request (GDPR Art. 17).
public struct PrivacyEraseRequest: Sendable, Hashable {
    /// `platform:id` or `@handle`.
    public var subject: String
    /// Why: the request's reference or the platform deletion; kept in the receipt and the audit log.
    public var reason: String
    public var actor: String
    /// Keep the person out of later imports and live data (on unless a platform deletion may be undone).
    public var suppress: Bool
    /// Rewrite the full-text index and truncate the log so the bytes leave the files too.
    public var compact: Bool
    /// The tracked request (``PrivacyRequest``) this erasure answers: an erasure or objection
    /// request whose requester's identity was verified; it is then completed with the receipt.
    /// Its subject is used when `subject` is empty, and `request <id>` when `reason` is.
    public var requestID: Int64?

    public init(subject: String = "", reason: String = "", actor: String = "cli", suppress: Bool = true, compact: Bool = true,
                requestID: Int64? = nil) {
        self.subject = subject
        self.reason = reason
        self.actor = actor
        self.suppress = suppress
        self.compact = compact
        self.requestID = requestID
    }

    public func validate() throws(EngineError) {
        guard !subject.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidArgument, field: "subject", "name the person as platform:id (twitter:12345) or @handle")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidArgument, field: "reason",
                              "give the reason for the erasure (the request's reference): it is kept in the receipt")
        }
    }
}

public struct PrivacyEraseResult: Sendable, Codable {
    public var receipt: ErasureReceipt
    /// The request it answered, now completed.
    public var request: PrivacyRequest?
    /// Configuration written by users that still names the person (a watch's query, a live
    /// source's account list): Vigie does not rewrite it, someone should.
    public var notes: [String]
}

extension Engine {
    /// Erases one person from the workspace through every derived record, keeps them from
    /// coming back, and returns a receipt that names them only by a keyed hash.
    ///
    /// ```swift
    /// let result = try await engine.eraseSubject(PrivacyEraseRequest(subject: "twitter:12345", reason: "DSAR-12"))
    /// print(result.receipt.counts)
    /// ```
    public func eraseSubject(_ request: PrivacyEraseRequest) async throws -> PrivacyEraseResult {
        var request = request
        if let id = request.requestID {
            let tracked = try await answerableRequest(id, answeredByErasure: true)
            request.subject = try await subject(given: request.subject, request: tracked)
            if request.reason.trimmingCharacters(in: .whitespaces).isEmpty { request.reason = "request \(id)" }
        }
        try request.validate()
        let key = try await resolveSubject(SubjectReference(request.subject), field: "subject")
        // Read before the erasure: afterwards nothing names them any more.
        let handle = try await store.findSubjects(SubjectSearch(.platformID, key.platformID, platform: key.platform),
                                                  workspace: workspace, limit: 5).first { $0.key == key }?.handle
        let options = ErasureOptions(actor: request.actor, reason: request.reason, suppress: request.suppress,
                                     compact: request.compact)
        guard let receipt = try await store.eraseSubject(key, workspace: workspace, options: options) else {
            throw EngineError(.notFound, field: "subject", "no account \(key) in workspace '\(workspace)'"
                              + (request.suppress ? "; it was added to the suppression list all the same" : ""))
        }
        var answered: PrivacyRequest?
        if let id = request.requestID {
            // Read again: the erasure replaced the request's subject by the person's hash.
            var tracked = try await privacyRequest(id)
            tracked.erasureReceipt = receipt.id
            tracked.state = .completed
            tracked.closedAt = receipt.erasedAt
            tracked.note = "answered by erasure receipt \(receipt.id)"
            answered = try await save(tracked)
        }
        try await auditPrivacy("privacy.erase", actor: request.actor, target: "subject:" + receipt.subjectHash.prefix(16),
                               detail: "receipt \(receipt.id), \(receipt.totalRows) rows" + reasonSuffix(request.reason))
        return PrivacyEraseResult(receipt: receipt, request: answered, notes: try await configurationNaming(key, handle: handle))
    }

    /// Watches, alert rules and live sources whose text names the account (by id or `@handle`).
    func configurationNaming(_ key: AccountKey, handle: String?) async throws -> [String] {
        func names(_ text: String) -> Bool {
            let lowered = text.lowercased()
            if text.contains(key.platformID), key.platformID.count >= 3 { return true }
            guard let handle = handle?.lowercased(), handle.count >= 2 else { return false }
            return lowered.contains("@" + handle) || lowered.contains("author:" + handle) || lowered.contains("from:" + handle)
        }
        var notes: [String] = []
        for watch in try await store.watches(workspace: workspace) where names(watch.query) {
            notes.append("watch '\(watch.name)' has a query naming the erased account: change or remove it")
        }
        for rule in try await store.alertRules(workspace: workspace) {
            if case .query(let query) = rule.target, names(query) {
                notes.append("alert rule '\(rule.name)' has a query naming the erased account: change or remove it")
            }
        }
        for source in try await store.sources(workspace: workspace) {
            if case .jetstream(let settings) = source.settings, settings.dids.contains(key.platformID) {
                notes.append("live source '\(source.name)' follows the erased account: remove it from the source's accounts")
            }
        }
        return notes
    }
}
