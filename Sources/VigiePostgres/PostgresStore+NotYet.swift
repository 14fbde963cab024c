import Foundation
import VigieCore

/// The storage protocols PostgreSQL does not implement yet. Each call fails at once with a
/// `StoreError` that says so and what to do (use a SQLite store for these operations), rather
/// than a backend that would seem to work. The conformance suite leaves their checks out on
/// PostgreSQL (`StoreConformance.Capability.privacyOperations`, `.campaigns`).
extension PostgresStore {
    private func notYet(_ what: String) -> StoreError {
        StoreError(code: .backend, location: location, message:
            "\(what) are not available on PostgreSQL yet: run them on a SQLite store (docs/postgres.md)")
    }

    // MARK: PrivacyStore

    /// Imports on PostgreSQL mark deleted accounts only (no erasure yet).
    public var erasesSubjects: Bool { false }

    public func findSubjects(_ search: SubjectSearch, workspace: String, limit: Int) async throws -> [SubjectMatch] {
        throw notYet("privacy operations")
    }

    public func subjectRecords(_ account: AccountKey, workspace: String) async throws -> SubjectRecords? {
        throw notYet("privacy operations")
    }

    public func eraseSubject(_ account: AccountKey, workspace: String, options: ErasureOptions) async throws -> ErasureReceipt? {
        throw notYet("privacy operations")
    }

    public func subjectHash(_ account: AccountKey, workspace: String) async throws -> String {
        throw notYet("privacy operations")
    }

    public func isSuppressed(_ account: AccountKey, workspace: String) async throws -> Bool {
        throw notYet("privacy operations")
    }

    public func erasureReceipts(workspace: String, limit: Int) async throws -> [ErasureReceipt] {
        throw notYet("privacy operations")
    }

    public func retentionPolicy(workspace: String) async throws -> RetentionPolicy {
        throw notYet("privacy operations")
    }

    public func isRetentionSet(workspace: String) async throws -> Bool {
        throw notYet("privacy operations")
    }

    public func setRetentionPolicy(_ policy: RetentionPolicy, workspace: String) async throws {
        throw notYet("privacy operations")
    }

    public func purgeExpired(before cutoffs: [RetentionPolicy.DataKind: Date], workspace: String,
                      dryRun: Bool) async throws -> PurgeSummary {
        throw notYet("privacy operations")
    }

    public func addPrivacyRequest(_ request: PrivacyRequest, workspace: String) async throws -> PrivacyRequest {
        throw notYet("privacy operations")
    }

    public func privacyRequest(id: Int64, workspace: String) async throws -> PrivacyRequest? {
        throw notYet("privacy operations")
    }

    public func privacyRequests(workspace: String, filter: PrivacyRequestFilter) async throws -> [PrivacyRequest] {
        throw notYet("privacy operations")
    }

    public func updatePrivacyRequest(_ request: PrivacyRequest, workspace: String) async throws -> Bool {
        throw notYet("privacy operations")
    }

    /// The mode cannot be turned on here, so it is off.
    public func isPseudonymising(workspace: String) async throws -> Bool {
        false
    }

    public func setPseudonymising(_ on: Bool, workspace: String) async throws {
        throw notYet("privacy operations")
    }

    public func pseudonymizer(workspace: String) async throws -> Pseudonymizer {
        throw notYet("privacy operations")
    }

    public func revealPseudonym(_ pseudonym: String, workspace: String) async throws -> [PseudonymOwner] {
        throw notYet("privacy operations")
    }

    // MARK: CampaignStore

    public func addCampaign(_ campaign: Campaign, workspace: String) async throws {
        throw notYet("campaigns and short links")
    }

    public func updateCampaign(_ campaign: Campaign, workspace: String) async throws -> Bool {
        throw notYet("campaigns and short links")
    }

    public func campaigns(workspace: String) async throws -> [Campaign] {
        throw notYet("campaigns and short links")
    }

    public func campaign(named name: String, workspace: String) async throws -> Campaign? {
        throw notYet("campaigns and short links")
    }

    public func addLink(_ link: ShortLink, workspace: String) async throws {
        throw notYet("campaigns and short links")
    }

    public func links(workspace: String, campaign: String?) async throws -> [ShortLink] {
        throw notYet("campaigns and short links")
    }

    public func resolveLink(code: String) async throws -> ResolvedLink? {
        throw notYet("campaigns and short links")
    }

    public func recordClicks(_ clicks: [LinkClick]) async throws -> Int {
        throw notYet("campaigns and short links")
    }

    public func click(id clickID: String) async throws -> ClickReference? {
        throw notYet("campaigns and short links")
    }

    public func lastClick(code: String, visitor: String, notBefore: Date) async throws -> ClickReference? {
        throw notYet("campaigns and short links")
    }

    public func recordConversion(_ conversion: Conversion, workspace: String) async throws -> Bool {
        throw notYet("campaigns and short links")
    }

    public func conversions(workspace: String, campaign: String) async throws -> [Conversion] {
        throw notYet("campaigns and short links")
    }

    public func linkTraffic(workspace: String, campaign: String) async throws -> [LinkTraffic] {
        throw notYet("campaigns and short links")
    }

    public func compactClicks(before: Date, workspace: String) async throws -> Int {
        throw notYet("campaigns and short links")
    }
}
