/// An account's identity in every store: its platform and the platform's own identifier.
/// Stores may number accounts internally; what they give and take is this key.
public struct AccountKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var platform: Platform
    public var platformID: String

    public init(platform: Platform, platformID: String) {
        self.platform = platform
        self.platformID = platformID
    }

    public var description: String { "\(platform.rawValue):\(platformID)" }

    public static func < (lhs: AccountKey, rhs: AccountKey) -> Bool {
        lhs.platform.rawValue != rhs.platform.rawValue
            ? lhs.platform.rawValue < rhs.platform.rawValue : lhs.platformID < rhs.platformID
    }
}

extension Account {
    public var key: AccountKey { AccountKey(platform: platform, platformID: platformID) }
}

extension Post {
    /// The author's identity.
    public var authorKey: AccountKey { AccountKey(platform: platform, platformID: authorID) }
}
