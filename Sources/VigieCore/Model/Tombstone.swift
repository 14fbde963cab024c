import Foundation

/// A deletion the platform reported. Kept so that a later import cannot bring the post back.
public struct Tombstone: Sendable, Hashable, Codable {
    public enum Target: String, Sendable, Hashable, Codable {
        case post, account, like, repost, follow
    }

    public var platform: Platform
    public var target: Target
    public var platformID: String
    /// Author or actor, when the source says (Bluesky deletes carry the DID).
    public var accountID: String?
    public var deletedAt: Date?
    /// `deleted`, `protected`, `deactivated`, `suspended`, `scrub_geo`…, as the source words it.
    public var reason: String

    public init(platform: Platform, target: Target, platformID: String, accountID: String? = nil,
                deletedAt: Date? = nil, reason: String) {
        self.platform = platform
        self.target = target
        self.platformID = platformID
        self.accountID = accountID
        self.deletedAt = deletedAt
        self.reason = reason
    }
}
