import Foundation
import VigieCore

/// Profile tables (one account a row), as in the SRF Data fake-follower study
/// (`"Profile.URL","rating","Username","Number.of.posts","Number.of.people.they.follow",
/// "Number.of.followers","has_profile_picture","Private.account"`) and in the profile exports of
/// Instagram, TikTok and YouTube scrapers (`username,followers,following,posts,full_name,
/// biography,is_private,is_verified`).
///
/// Column names are compared without case, `.`, `_`, `-` or spaces, and several usual names
/// are accepted for each field. Accounts take `CSVOptions.platform`, or `.instagram` when it is
/// `.other`.
///
/// These tables rarely carry the platform's numeric id, and the SRF one does not: the account's
/// `platformID` is then its username (an `id`/`user_id`/`pk` column is used when present).
///
/// A `rating` column (the SRF fake/genuine label) is ground truth for evaluation, not a profile
/// field: it is deliberately not stored in the account; a separate labels loader reads it.
public struct InstagramCSVDecoder: CSVRecordDecoder {
    public static let format = ImportFormat.instagramCSV

    static let usernameNames = ["username", "user_name", "handle", "screen_name", "unique_id", "account"]
    static let followersNames = ["Number.of.followers", "followers", "followers_count", "follower_count",
                                 "subscribers", "subscriber_count", "fans", "fans_count"]
    private static let idNames = ["id", "user_id", "pk", "account_id", "channel_id", "platform_id"]
    private static let followingNames = ["Number.of.people.they.follow", "following", "following_count",
                                         "follows", "follows_count", "friends_count"]
    private static let postsNames = ["Number.of.posts", "posts", "posts_count", "media_count", "video_count",
                                      "videos", "statuses_count"]
    private static let hasPictureNames = ["has_profile_picture", "has_profile_pic", "has_profile_image"]
    private static let defaultPictureNames = ["default_profile_image", "default_profile_picture"]
    private static let privateNames = ["Private.account", "is_private", "private", "protected"]
    private static let verifiedNames = ["is_verified", "verified"]
    private static let nameNames = ["full_name", "display_name", "name", "nickname"]
    private static let bioNames = ["biography", "bio", "description", "signature"]
    private static let profileURLNames = ["Profile.URL", "profile_link", "url", "link"]
    private static let websiteNames = ["external_url", "website"]
    private static let createdNames = ["created_at", "joined", "join_date"]

    private let header: CSVHeader
    private let platform: Platform
    private let username: Int
    private let id, followers, following, posts, hasPicture, defaultPicture, isPrivate, verified: Int?
    private let displayName, bio, profileURL, website, created: Int?

    public static func recognizes(header: [String]) -> Bool {
        let lookup = CSVHeader(header)
        return lookup.index(anyOf: usernameNames) != nil && lookup.index(anyOf: followersNames) != nil
    }

    public init(header: [String], options: CSVOptions) throws {
        let lookup = CSVHeader(header)
        guard let username = lookup.index(anyOf: Self.usernameNames) else {
            throw RecordError.invalid("no username column in the profile table (looked for "
                                      + Self.usernameNames.joined(separator: ", ") + "; header: \(lookup.list))",
                                      field: "username")
        }
        self.header = lookup
        self.username = username
        platform = options.platform == .other ? .instagram : options.platform
        id = lookup.index(anyOf: Self.idNames)
        followers = lookup.index(anyOf: Self.followersNames)
        following = lookup.index(anyOf: Self.followingNames)
        posts = lookup.index(anyOf: Self.postsNames)
        hasPicture = lookup.index(anyOf: Self.hasPictureNames)
        defaultPicture = lookup.index(anyOf: Self.defaultPictureNames)
        isPrivate = lookup.index(anyOf: Self.privateNames)
        verified = lookup.index(anyOf: Self.verifiedNames)
        displayName = lookup.index(anyOf: Self.nameNames)
        bio = lookup.index(anyOf: Self.bioNames)
        profileURL = lookup.index(anyOf: Self.profileURLNames)
        website = lookup.index(anyOf: Self.websiteNames)
        created = lookup.index(anyOf: Self.createdNames)
    }

    public mutating func decode(_ row: [String], into items: inout [IngestItem]) throws {
        try CSVField.checkCount(row, header: header)
        guard let handle = CSVField.text(row, username).map({ String($0.trimmingSpaces) }), !handle.isEmpty else {
            throw RecordError.missing(column(username))
        }
        var noPicture = try CSVField.boolean(row, defaultPicture, column: column(defaultPicture))
        if let hasPicture, let has = try CSVField.boolean(row, hasPicture, column: column(hasPicture)) {
            noPicture = !has
        }
        let account = Account(
            platform: platform,
            platformID: CSVField.text(row, id) ?? handle,
            handle: handle,
            displayName: CSVField.text(row, displayName),
            bio: CSVField.text(row, bio),
            createdAt: try CSVField.date(row, created, column: column(created)),
            followers: try CSVField.integer(row, followers, column: column(followers)),
            following: try CSVField.integer(row, following, column: column(following)),
            postsCount: try CSVField.integer(row, posts, column: column(posts)),
            verified: try CSVField.boolean(row, verified, column: column(verified)),
            defaultProfileImage: noPicture,
            url: CSVField.text(row, profileURL) ?? CSVField.text(row, website),
            isPrivate: try CSVField.boolean(row, isPrivate, column: column(isPrivate))
        )
        items.append(.account(account))
    }

    /// The column's name as the file spells it, for error messages.
    private func column(_ index: Int?) -> String {
        guard let index else { return "" }
        return header.columns[index]
    }
}
