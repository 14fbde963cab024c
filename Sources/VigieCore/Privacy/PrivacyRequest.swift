import Foundation

/// A data subject's request, tracked from receipt to answer: who asks, how their identity was
/// checked (nothing is answered before), the one-month deadline of GDPR Art. 12(3), its state,
/// and what answered it (an access export's digest, an erasure receipt).
///
/// ```swift
/// var request = PrivacyRequest(kind: .access, subject: "@alice", requester: "Alice Martin <alice@example.org>",
///                              receivedAt: Date())
/// request.dueAt          // one calendar month later
/// request.state          // .received until someone records how the identity was verified
/// ```
public struct PrivacyRequest: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Art. 15: answered by an access export.
        case access
        /// Art. 17: answered by an erasure.
        case erasure
        /// Art. 21: for data Vigie collects from public sources, answered by an erasure with suppression.
        case objection
        /// Art. 16: Vigie mirrors what platforms publish; answered by hand, then closed.
        case rectification

        /// Whether an erasure answers this kind of request.
        public var isAnsweredByErasure: Bool { self == .erasure || self == .objection }
    }

    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Received; the requester's identity is not checked yet, so nothing may be answered.
        case received
        /// The identity was checked: the request may be answered.
        case verified
        /// Answered (an export or an erasure, or by hand).
        case completed
        /// Refused (identity not confirmed, manifestly unfounded…), with the reason in `note`.
        case refused

        public var isOpen: Bool { self == .received || self == .verified }
    }

    public var id: Int64
    public var kind: Kind
    /// The person the request is about, as `platform:id` or `@handle`. Once they are erased it
    /// becomes `erased:` and the first 16 digits of their keyed hash, as in the receipt.
    public var subject: String
    /// Who asks and how to answer them (name and address). Kept as the proof of the answer
    /// (Art. 5(2) accountability).
    public var requester: String
    /// How the identity was verified (`ID card seen by video call`); `nil` until it was.
    public var identityCheck: String?
    public var receivedAt: Date
    public var dueAt: Date
    public var state: State
    /// When an access export answered it, and the SHA-256 of the JSON sent (Vigie keeps no copy).
    public var exportedAt: Date?
    public var exportDigest: String?
    /// The erasure receipt that answered it.
    public var erasureReceipt: Int64?
    public var closedAt: Date?
    /// Why it was refused, or what was done by hand.
    public var note: String?
    /// Who recorded it.
    public var actor: String

    public init(id: Int64 = 0, kind: Kind, subject: String, requester: String, identityCheck: String? = nil,
                receivedAt: Date, dueAt: Date? = nil, state: State? = nil, exportedAt: Date? = nil, exportDigest: String? = nil,
                erasureReceipt: Int64? = nil, closedAt: Date? = nil, note: String? = nil, actor: String = "cli") {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.requester = requester
        self.identityCheck = identityCheck
        self.receivedAt = receivedAt
        self.dueAt = dueAt ?? Self.deadline(receivedAt: receivedAt)
        self.state = state ?? (identityCheck == nil ? .received : .verified)
        self.exportedAt = exportedAt
        self.exportDigest = exportDigest
        self.erasureReceipt = erasureReceipt
        self.closedAt = closedAt
        self.note = note
        self.actor = actor
    }

    /// One calendar month after receipt (Art. 12(3)), counted in UTC: 31 January gives the last
    /// day of February.
    public static func deadline(receivedAt: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .month, value: 1, to: receivedAt) ?? receivedAt.addingTimeInterval(30 * 86_400)
    }

    /// Whole days left before the deadline at `now` (negative once it has passed).
    public func daysLeft(now: Date) -> Int {
        Int((dueAt.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// An open request whose deadline is within `days` days of `now`, or past.
    public func needsAttention(now: Date, withinDays days: Int) -> Bool {
        state.isOpen && dueAt.timeIntervalSince(now) <= Double(days) * 86_400
    }

    /// The subject reference that replaces an erased person's identifiers.
    public static func erasedSubject(hash: String) -> String { "erased:" + hash.prefix(16) }
}

/// Which requests a listing returns.
public struct PrivacyRequestFilter: Sendable, Hashable {
    /// Only requests still to answer (received or verified).
    public var openOnly: Bool
    public var limit: Int

    public init(openOnly: Bool = false, limit: Int = 100) {
        self.openOnly = openOnly
        self.limit = limit
    }
}
