import Foundation

/// Data-subject operations (GDPR Art. 15 access, Art. 17 erasure, Art. 5 storage limitation),
/// spoken in domain identities like the rest of the seam.
///
/// Semantics every backend keeps (checked by `StoreConformance.privacyChecks`):
/// - ``eraseSubject(_:workspace:options:)`` removes the account, its profile history, its posts
///   with their versions, entities, full-text entries and watch matches, every interaction made
///   or received, reposts of its posts, tombstones and rejects naming it, and fired alerts whose
///   evidence names it; other people's posts that mention or answer it are redacted
///   (``Post/redacting(_:)``). A placeholder account of its handle goes too. Live cursors stay.
/// - With `options.suppress`, a keyed hash of the account (and of its handle) joins the
///   workspace's suppression list, and every later write drops the person
///   (``IngestBatch/suppressing(_:)``).
/// - Requests (``PrivacyRequest``) whose subject names the erased account are kept as the proof
///   of the answer, their subject replaced by ``PrivacyRequest/erasedSubject(hash:)``.
/// - The receipt names the person only by ``subjectHash(_:workspace:)``.
///
/// ```swift
/// let matches = try await store.findSubjects(SubjectSearch(.handle, "alice"), workspace: "acme", limit: 20)
/// let receipt = try await store.eraseSubject(matches[0].key, workspace: "acme", options: ErasureOptions(reason: "request 12"))
/// ```
public protocol PrivacyStore: Sendable {
    /// Whether this backend implements erasure (imports then apply platform deletions through
    /// it: ``PlatformDeletionWriter``).
    var erasesSubjects: Bool { get }
    /// Accounts that match, best first: exact handle or id before partial names.
    func findSubjects(_ search: SubjectSearch, workspace: String, limit: Int) async throws -> [SubjectMatch]
    /// Everything held about one account; `nil` when the workspace does not know it.
    func subjectRecords(_ account: AccountKey, workspace: String) async throws -> SubjectRecords?
    /// Erases one account through its derived data; `nil` when the workspace does not know it
    /// (it is still added to the suppression list when `options.suppress`).
    @discardableResult
    func eraseSubject(_ account: AccountKey, workspace: String, options: ErasureOptions) async throws -> ErasureReceipt?
    /// The keyed hash that names the account in receipts and the suppression list.
    func subjectHash(_ account: AccountKey, workspace: String) async throws -> String
    func isSuppressed(_ account: AccountKey, workspace: String) async throws -> Bool
    /// Receipts, newest first.
    func erasureReceipts(workspace: String, limit: Int) async throws -> [ErasureReceipt]

    /// The workspace's retention periods (``RetentionPolicy/defaults`` until one is set).
    func retentionPolicy(workspace: String) async throws -> RetentionPolicy
    func setRetentionPolicy(_ policy: RetentionPolicy, workspace: String) async throws
    /// Whether someone set the workspace's periods; until then they are the defaults, which a
    /// scheduled purge does not apply on its own (an archive imported before anyone chose a
    /// policy is not deleted behind its owner's back).
    func isRetentionSet(workspace: String) async throws -> Bool
    /// Removes what is older than each cutoff, with its derived data, in short transactions;
    /// a dry run counts what would go.
    func purgeExpired(before cutoffs: [RetentionPolicy.DataKind: Date], workspace: String,
                      dryRun: Bool) async throws -> PurgeSummary

    /// Records a data subject's request; returns it with its id.
    func addPrivacyRequest(_ request: PrivacyRequest, workspace: String) async throws -> PrivacyRequest
    func privacyRequest(id: Int64, workspace: String) async throws -> PrivacyRequest?
    /// Open requests first, the nearest deadline first; then closed ones, newest first.
    func privacyRequests(workspace: String, filter: PrivacyRequestFilter) async throws -> [PrivacyRequest]
    /// Stores a request's new state and answer (matched by id); `false` when there is none.
    @discardableResult
    func updatePrivacyRequest(_ request: PrivacyRequest, workspace: String) async throws -> Bool

    /// Whether the workspace shows people by pseudonym (``Pseudonymizer``) in its outputs.
    func isPseudonymising(workspace: String) async throws -> Bool
    func setPseudonymising(_ on: Bool, workspace: String) async throws
    /// The workspace's pseudonyms, under its key (made on first use, never exported).
    func pseudonymizer(workspace: String) async throws -> Pseudonymizer
    /// The accounts and mentioned handles of the workspace whose pseudonym is `pseudonym`.
    func revealPseudonym(_ pseudonym: String, workspace: String) async throws -> [PseudonymOwner]
}
