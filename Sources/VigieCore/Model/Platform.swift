/// The social network a record comes from. Identifiers are unique only within a platform.
public enum Platform: String, Sendable, Hashable, Codable, CaseIterable {
    case twitter
    case mastodon
    case bluesky
    case instagram
    case tiktok
    case youtube
    /// Records from a generic CSV whose platform was not named.
    case other
}
