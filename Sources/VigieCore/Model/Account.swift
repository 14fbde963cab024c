import Foundation

/// A platform-neutral account (profile).
///
/// Every descriptive field is optional: `nil` means *unknown* (the source did not say), never
/// zero or false. Stores merge accounts field by field, so a record that knows only the handle
/// (a Bluesky identity event, a mention) never erases what an earlier, richer record said.
public struct Account: Sendable, Hashable, Codable {
    public var platform: Platform
    /// The platform's stable identifier (Twitter user id, Mastodon `acct` URI or id, Bluesky DID).
    public var platformID: String
    public var handle: String?
    public var displayName: String?
    public var bio: String?
    public var createdAt: Date?
    public var followers: Int?
    public var following: Int?
    public var postsCount: Int?
    public var listedCount: Int?
    public var verified: Bool?
    /// The account says it is automated (Mastodon `bot`, a Twitter automated label).
    public var declaredBot: Bool?
    /// The profile picture is the platform's default one (or there is none).
    public var defaultProfileImage: Bool?
    public var location: String?
    public var url: String?
    /// Protected / private account.
    public var isPrivate: Bool?
    /// Lifecycle state where the source reports it (Bluesky `account` events, compliance streams).
    public var status: AccountStatus?
    /// When the counts above were observed (the record's retrieval time, the date given to the
    /// import, or the import time).
    public var observedAt: Date?
    /// `true` when `observedAt` is only the import time (the source and the import gave none):
    /// any real observation date supersedes it.
    public var observedAtIsImportTime: Bool?

    public init(
        platform: Platform,
        platformID: String,
        handle: String? = nil,
        displayName: String? = nil,
        bio: String? = nil,
        createdAt: Date? = nil,
        followers: Int? = nil,
        following: Int? = nil,
        postsCount: Int? = nil,
        listedCount: Int? = nil,
        verified: Bool? = nil,
        declaredBot: Bool? = nil,
        defaultProfileImage: Bool? = nil,
        location: String? = nil,
        url: String? = nil,
        isPrivate: Bool? = nil,
        status: AccountStatus? = nil,
        observedAt: Date? = nil,
        observedAtIsImportTime: Bool? = nil
    ) {
        self.platform = platform
        self.platformID = platformID
        self.handle = handle
        self.displayName = displayName
        self.bio = bio
        self.createdAt = createdAt
        self.followers = followers
        self.following = following
        self.postsCount = postsCount
        self.listedCount = listedCount
        self.verified = verified
        self.declaredBot = declaredBot
        self.defaultProfileImage = defaultProfileImage
        self.location = location
        self.url = url
        self.isPrivate = isPrivate
        self.status = status
        self.observedAt = observedAt
        self.observedAtIsImportTime = observedAtIsImportTime
    }
}

/// Lifecycle of an account as reported by the platform.
public enum AccountStatus: String, Sendable, Hashable, Codable {
    case active
    case deactivated
    case suspended
    case deleted
    case takendown
    case protected
}
