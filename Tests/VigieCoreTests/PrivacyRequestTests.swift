import Foundation
import Testing
import VigieCore

/// The deadline of a data subject's request (GDPR Art. 12(3): one month from receipt) and the
/// warning before it.
@Suite("Privacy requests")
struct PrivacyRequestTests {
    static func utc(_ text: String) -> Date { DateParsing.parse(text)! }

    @Test func theDeadlineIsOneCalendarMonthLater() {
        #expect(PrivacyRequest.deadline(receivedAt: Self.utc("2026-12-07T09:30:00Z")) == Self.utc("2027-01-07T09:30:00Z"))
        // No 31 February: the month's last day.
        #expect(PrivacyRequest.deadline(receivedAt: Self.utc("2027-01-31T12:00:00Z")) == Self.utc("2027-02-28T12:00:00Z"))
        #expect(PrivacyRequest.deadline(receivedAt: Self.utc("2028-01-31T12:00:00Z")) == Self.utc("2028-02-29T12:00:00Z"))
        let request = PrivacyRequest(kind: .access, subject: "@a", requester: "A", receivedAt: Self.utc("2026-03-15T00:00:00Z"))
        #expect(request.dueAt == Self.utc("2026-04-15T00:00:00Z"))
    }

    @Test func theStateFollowsTheIdentityCheck() {
        let received = Date(timeIntervalSince1970: 0)
        #expect(PrivacyRequest(kind: .erasure, subject: "@a", requester: "A", receivedAt: received).state == .received)
        #expect(PrivacyRequest(kind: .erasure, subject: "@a", requester: "A", identityCheck: "ID seen", receivedAt: received).state == .verified)
        #expect(PrivacyRequest.Kind.objection.isAnsweredByErasure && !PrivacyRequest.Kind.access.isAnsweredByErasure)
    }

    @Test func anOpenRequestNeedsAttentionNearItsDeadline() {
        var request = PrivacyRequest(kind: .access, subject: "@a", requester: "A", receivedAt: Self.utc("2026-12-01T00:00:00Z"))
        // Due 2027-01-01.
        #expect(request.daysLeft(now: Self.utc("2026-12-22T00:00:00Z")) == 10)
        #expect(!request.needsAttention(now: Self.utc("2026-12-22T00:00:00Z"), withinDays: 7))
        #expect(request.needsAttention(now: Self.utc("2026-12-26T00:00:00Z"), withinDays: 7))
        #expect(request.daysLeft(now: Self.utc("2027-01-03T12:00:00Z")) == -3)
        #expect(request.needsAttention(now: Self.utc("2027-01-03T12:00:00Z"), withinDays: 0))
        request.state = .completed
        #expect(!request.needsAttention(now: Self.utc("2027-01-03T12:00:00Z"), withinDays: 7))
    }

    @Test func anErasedSubjectIsNamedByAHashPrefix() {
        let hash = String(repeating: "a1", count: 32)
        #expect(PrivacyRequest.erasedSubject(hash: hash) == "erased:" + String(repeating: "a1", count: 8))
    }
}
