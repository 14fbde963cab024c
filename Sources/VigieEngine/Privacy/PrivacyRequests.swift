import Foundation
import VigieCore

/// A data subject's request as it arrives (see ``PrivacyRequest``).
public struct NewPrivacyRequest: Sendable, Hashable {
    public var kind: PrivacyRequest.Kind
    /// `platform:id` or `@handle`: the person the request is about.
    public var subject: String
    /// Who asks and how to answer them.
    public var requester: String
    /// How their identity was verified, when it already was.
    public var identityCheck: String?
    /// When the request reached the controller (now by default): the deadline counts from it.
    public var receivedAt: Date?
    public var actor: String

    public init(kind: PrivacyRequest.Kind = .access, subject: String = "", requester: String = "", identityCheck: String? = nil,
                receivedAt: Date? = nil, actor: String = "cli") {
        self.kind = kind
        self.subject = subject
        self.requester = requester
        self.identityCheck = identityCheck
        self.receivedAt = receivedAt
        self.actor = actor
    }

    public func validate(now: Date) throws(EngineError) {
        guard !subject.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidArgument, field: "subject", "name the person as platform:id (twitter:12345) or @handle")
        }
        guard !requester.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidArgument, field: "requester", "say who asks and how to answer them (name and address)")
        }
        if let identityCheck, identityCheck.trimmingCharacters(in: .whitespaces).isEmpty {
            throw EngineError(.invalidArgument, field: "identityCheck", "say how the identity was verified, or leave it out")
        }
        if let receivedAt, receivedAt > now.addingTimeInterval(86_400) {
            throw EngineError(.invalidArgument, field: "received", "a request cannot be received in the future")
        }
    }
}

/// The requests of a workspace, with those that need attention: open and due within the warning
/// period, or late.
public struct PrivacyRequestList: Sendable, Codable {
    public var workspace: String
    public var requests: [PrivacyRequest]
    public var needingAttention: [PrivacyRequest]
    public var warningDays: Int
}

extension Engine {
    /// Records a request; the deadline is one month after receipt.
    ///
    /// ```swift
    /// let request = try await engine.addPrivacyRequest(NewPrivacyRequest(
    ///     kind: .erasure, subject: "@alice", requester: "Alice Martin <alice@example.org>",
    ///     identityCheck: "replied from the address on her public profile"))
    /// ```
    public func addPrivacyRequest(_ new: NewPrivacyRequest, now: Date = Date()) async throws -> PrivacyRequest {
        try new.validate(now: now)
        let request = try await store.addPrivacyRequest(PrivacyRequest(
            kind: new.kind, subject: new.subject.trimmingCharacters(in: .whitespaces),
            requester: new.requester.trimmingCharacters(in: .whitespaces),
            identityCheck: new.identityCheck?.trimmingCharacters(in: .whitespaces), receivedAt: new.receivedAt ?? now,
            actor: new.actor), workspace: workspace)
        // The audit names the request, not the person: the request row holds who it is about.
        try await auditPrivacy("privacy.request.add", actor: new.actor, target: "request:\(request.id)",
                               detail: "\(request.kind.rawValue), \(request.state.rawValue), due \(day(request.dueAt))")
        return request
    }

    /// One request of the workspace.
    public func privacyRequest(_ id: Int64) async throws -> PrivacyRequest {
        guard let request = try await store.privacyRequest(id: id, workspace: workspace) else {
            throw EngineError(.notFound, field: "request", "no request \(id) in workspace '\(workspace)'")
        }
        return request
    }

    /// The requests (open ones first, nearest deadline first) and those due within `warningDays`.
    ///
    /// ```swift
    /// let list = try await engine.privacyRequests(PrivacyRequestFilter(openOnly: true))
    /// for late in list.needingAttention { print(late.id, late.dueAt) }
    /// ```
    public func privacyRequests(_ filter: PrivacyRequestFilter = PrivacyRequestFilter(), warningDays: Int = 7,
                                now: Date = Date()) async throws -> PrivacyRequestList {
        guard (1...10_000).contains(filter.limit) else {
            throw EngineError(.invalidArgument, field: "limit", "the limit must be between 1 and 10000")
        }
        guard warningDays >= 0 else {
            throw EngineError(.invalidArgument, field: "warnDays", "the warning period must be 0 days or more")
        }
        let requests = try await store.privacyRequests(workspace: workspace, filter: filter)
        // Attention covers every open request, not only the page shown.
        let open = try await store.privacyRequests(workspace: workspace, filter: PrivacyRequestFilter(openOnly: true, limit: 100_000))
        return PrivacyRequestList(workspace: workspace, requests: requests,
                                  needingAttention: open.filter { $0.needsAttention(now: now, withinDays: warningDays) },
                                  warningDays: warningDays)
    }

    /// Records how the requester's identity was checked: the request may then be answered.
    public func verifyPrivacyRequest(_ id: Int64, identityCheck: String, actor: String = "cli") async throws -> PrivacyRequest {
        let check = identityCheck.trimmingCharacters(in: .whitespaces)
        guard !check.isEmpty else {
            throw EngineError(.invalidArgument, field: "identityCheck", "say how the identity was verified")
        }
        var request = try await openRequest(id)
        request.identityCheck = check
        request.state = .verified
        let stored = try await save(request)
        try await auditPrivacy("privacy.request.verify", actor: actor, target: "request:\(id)", detail: "identity verified")
        return stored
    }

    /// Closes a request answered by hand (`completed`) or refused; both need a note saying what
    /// was done or why.
    public func closePrivacyRequest(_ id: Int64, refused: Bool, note: String, actor: String = "cli",
                                    now: Date = Date()) async throws -> PrivacyRequest {
        let note = note.trimmingCharacters(in: .whitespaces)
        guard !note.isEmpty else {
            throw EngineError(.invalidArgument, field: "note",
                              refused ? "say why the request is refused" : "say what was done to answer the request")
        }
        var request = try await openRequest(id)
        if !refused && request.identityCheck == nil {
            throw EngineError(.invalidArgument, field: "request",
                              "request \(id) cannot be completed before the requester's identity is verified; refuse it or verify it first")
        }
        request.state = refused ? .refused : .completed
        request.note = note
        request.closedAt = now
        let stored = try await save(request)
        try await auditPrivacy("privacy.request.close", actor: actor, target: "request:\(id)", detail: request.state.rawValue)
        return stored
    }

    // MARK: Answering a request (export and erasure)

    /// The open request `id`, checked to be answerable by an export or an erasure: identity
    /// verified, a kind that this answer fits.
    func answerableRequest(_ id: Int64, answeredByErasure: Bool) async throws -> PrivacyRequest {
        let request = try await openRequest(id)
        guard request.identityCheck != nil else {
            throw EngineError(.invalidArgument, field: "request",
                              "request \(id): the requester's identity is not verified yet; record how it was checked first")
        }
        guard request.kind.isAnsweredByErasure == answeredByErasure, request.kind != .rectification else {
            let article = request.kind == .rectification ? "a" : "an"
            let remedy = switch request.kind {
            case .access: "answer it with an export"
            case .rectification: "answer it by hand, then close it"
            case .erasure, .objection: "answer it with an erasure"
            }
            throw EngineError(.invalidArgument, field: "request", "request \(id) is \(article) \(request.kind.rawValue) request: \(remedy)")
        }
        return request
    }

    /// The subject to act on: the one given, or the request's; both must name the same person.
    func subject(given: String, request: PrivacyRequest?) async throws -> String {
        let given = given.trimmingCharacters(in: .whitespaces)
        guard let request else { return given }
        guard !given.isEmpty else { return request.subject }
        let fromRequest = try await resolveSubject(SubjectReference(request.subject), field: "request")
        let named = try await resolveSubject(SubjectReference(given), field: "subject")
        guard fromRequest == named else {
            throw EngineError(.invalidArgument, field: "request",
                              "request \(request.id) is about \(request.subject), not \(given)")
        }
        return given
    }

    /// Stores the request and returns it as stored (times at the store's precision).
    func save(_ request: PrivacyRequest) async throws -> PrivacyRequest {
        try await store.updatePrivacyRequest(request, workspace: workspace)
        return try await privacyRequest(request.id)
    }

    private func openRequest(_ id: Int64) async throws -> PrivacyRequest {
        let request = try await privacyRequest(id)
        guard request.state.isOpen else {
            throw EngineError(.invalidArgument, field: "request", "request \(id) is already \(request.state.rawValue)")
        }
        return request
    }

    func day(_ date: Date) -> String { String(DateParsing.iso8601(date).prefix(10)) }
}
