import Foundation

/// What scoring one account reads from a store: that account and the accounts around it, never
/// the whole workspace. Each subject is exactly what `TrustStore.trustSubjects(workspace:)`
/// computes for the same account (test `oneAccountMatchesTheWholeWorkspace`).
public protocol TrustNeighbourhoodStore: Sendable {
    /// Row ids (`TrustSubject.id`) of the accounts whose handle (without `@`, any case) or
    /// platform id is `handle`.
    func trustAccountIDs(workspace: String, handle: String) throws -> [Int64]

    /// The subjects of these accounts only: profile, posting behaviour from their own posts,
    /// reciprocity from their own interactions, and how many accounts share their bio.
    func trustSubjects(workspace: String, accountIDs: [Int64]) throws -> [TrustSubject]

    /// The posting activity (only its recent engagement counts) of every account of `tier`
    /// with at least one original post with counts: enough for the tier's median likes per reply
    /// (`AudienceAnalyzer.tierMedian`).
    func recentEngagement(workspace: String, tier: InfluenceTier) throws -> [PostingActivity]
}
