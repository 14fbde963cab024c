import Foundation
import PostgresNIO
import VigieCore

/// Ids the writer already resolved, so the ingest hot path skips most account lookups; emptied
/// whenever a batch fails (ids created by a rolled-back transaction do not exist).
struct PostgresWriteCache: Sendable {
    struct Key: Hashable, Sendable {
        var workspaceID: Int64
        var platform: Platform
        /// The platform id, or `@` + lowercased handle for a target only known by handle.
        var platformID: String
    }

    struct CachedAccount: Sendable {
        var rowID: Int64
        var hasHandle: Bool
    }

    static let maximumAccounts = 400_000

    var accounts: [Key: CachedAccount] = [:]
    var stems = StemCache()

    mutating func remember(_ key: Key, _ account: CachedAccount) {
        if accounts.count >= Self.maximumAccounts { accounts.removeAll(keepingCapacity: true) }
        accounts[key] = account
    }
}

extension Date {
    var pgMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(pgMillis: Int64) {
        self.init(timeIntervalSince1970: Double(pgMillis) / 1000)
    }
}

/// Reading columns of a row by name.
extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    func int(_ column: String) throws -> Int? { try self[column].decode(Int?.self) }
    func int64(_ column: String) throws -> Int64? { try self[column].decode(Int64?.self) }
    func string(_ column: String) throws -> String? { try self[column].decode(String?.self) }
    func bool(_ column: String) throws -> Bool? { try self[column].decode(Bool?.self) }
}

/// The columns of a post row that a newer version or observation may change, in
/// ``PostgresPostColumns/content`` order.
enum PostgresPostColumns {
    static let content = PostContent.columnNames
    static let entities = ["hashtags", "mention_handles", "mention_ids", "urls"]
    /// Every column `COPY` fills, in order.
    static let copied = ["workspace_id", "id", "platform", "platform_id", "author_account_id"] + content + entities + ["document"]

    /// What a store gives back for a post: the columns of ``PostgresPostDecoding``.
    static let select = """
        p.id, p.platform, p.platform_id, p.current_version_id, a.platform_id AS author_platform_id, a.handle AS author_handle,
        p.created_at, p.version_at, p.text, p.language, p.reply_to_platform_id, p.reply_to_account_platform_id,
        p.repost_of_platform_id, p.repost_of_account_platform_id, p.quote_of_platform_id, p.quote_of_account_platform_id,
        p.conversation_id, p.media_count, p.source, p.likes, p.reposts, p.replies, p.quotes, p.views,
        p.metrics_observed_at, p.edited_at, p.withheld_countries, p.hashtags, p.mention_handles, p.mention_ids, p.urls,
        p.author_account_id
        """
    static let from = "post p JOIN account a ON a.workspace_id = p.workspace_id AND a.id = p.author_account_id"
}

enum PostgresPostDecoding {
    static func content(_ row: PostgresRandomAccessRow) throws -> PostContent {
        PostContent(
            createdAt: try row.value("created_at"), versionAt: try row.value("version_at"),
            currentVersionID: try row.value("current_version_id"), text: try row.value("text"),
            language: try row.string("language"), replyToPostID: try row.string("reply_to_platform_id"),
            replyToAccountID: try row.string("reply_to_account_platform_id"),
            repostOfID: try row.string("repost_of_platform_id"),
            repostOfAccountID: try row.string("repost_of_account_platform_id"),
            quoteOfID: try row.string("quote_of_platform_id"),
            quoteOfAccountID: try row.string("quote_of_account_platform_id"),
            conversationID: try row.string("conversation_id"), mediaCount: try row.int("media_count") ?? 0,
            source: try row.string("source"), editedAt: try row.int64("edited_at"),
            withheldCountries: try row.string("withheld_countries").map(countries),
            metrics: PostContent.Metrics(likes: try row.int("likes"), reposts: try row.int("reposts"),
                                         replies: try row.int("replies"), quotes: try row.int("quotes"),
                                         views: try row.int("views"), observedAt: try row.int64("metrics_observed_at")))
    }

    static func countries(_ column: String) -> [String] {
        column.split(separator: ",").map(String.init)
    }

    static func mentions(handles: [String], ids: [String]) -> [Mention] {
        zip(handles, ids).map { Mention(accountID: $1.isEmpty ? nil : $1, handle: $0) }
    }

    /// A post from a row of ``PostgresPostColumns/select``.
    static func post(_ row: PostgresRandomAccessRow) throws -> Post {
        let platformName: String = try row.value("platform")
        guard let platform = Platform(rawValue: platformName) else {
            throw StoreError(code: .unreadableData, location: "post", message:
                "unknown platform '\(platformName)' in a post row: it was written by a newer Vigie")
        }
        return try content(row).post(
            platform: platform, rootID: try row.value("platform_id"), authorID: try row.value("author_platform_id"),
            authorHandle: try row.string("author_handle"), hashtags: try row.value("hashtags"),
            mentions: mentions(handles: try row.value("mention_handles"), ids: try row.value("mention_ids")),
            urls: try row.value("urls"))
    }
}

enum PostgresAccountColumns {
    static let all = [
        "platform", "platform_id", "handle", "handle_lower", "display_name", "bio", "created_at",
        "followers", "following", "posts_count", "listed_count", "verified", "declared_bot",
        "default_profile_image", "location", "url", "is_private", "status", "observed_at", "observed_at_import",
    ]

    static func account(_ row: PostgresRandomAccessRow) throws -> Account {
        let platformName: String = try row.value("platform")
        guard let platform = Platform(rawValue: platformName) else {
            throw StoreError(code: .unreadableData, location: "account", message:
                "unknown platform '\(platformName)' in an account row: it was written by a newer Vigie")
        }
        return Account(
            platform: platform, platformID: try row.value("platform_id"), handle: try row.string("handle"),
            displayName: try row.string("display_name"), bio: try row.string("bio"),
            createdAt: try row.int64("created_at").map(Date.init(pgMillis:)),
            followers: try row.int("followers"), following: try row.int("following"),
            postsCount: try row.int("posts_count"), listedCount: try row.int("listed_count"),
            verified: try row.bool("verified"), declaredBot: try row.bool("declared_bot"),
            defaultProfileImage: try row.bool("default_profile_image"), location: try row.string("location"),
            url: try row.string("url"), isPrivate: try row.bool("is_private"),
            status: try row.string("status").flatMap(AccountStatus.init(rawValue:)),
            observedAt: try row.int64("observed_at").map(Date.init(pgMillis:)),
            observedAtIsImportTime: try row.bool("observed_at_import"))
    }

    /// Binds for ``all`` after the workspace id.
    static func binds(_ account: Account, workspaceID: Int64) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(workspaceID)
        binds.append(account.platform.rawValue)
        binds.append(account.platformID)
        binds.append(account.handle)
        binds.append(account.handle.map(caseFoldedHandle))
        binds.append(account.displayName)
        binds.append(account.bio)
        binds.append(account.createdAt?.pgMillis)
        binds.append(account.followers)
        binds.append(account.following)
        binds.append(account.postsCount)
        binds.append(account.listedCount)
        binds.append(account.verified)
        binds.append(account.declaredBot)
        binds.append(account.defaultProfileImage)
        binds.append(account.location)
        binds.append(account.url)
        binds.append(account.isPrivate)
        binds.append(account.status?.rawValue)
        binds.append(account.observedAt?.pgMillis)
        // Only the mark is kept (NULL otherwise), as on SQLite.
        binds.append(account.observedAtIsImportTime == true ? true : nil)
        return binds
    }
}

/// Handles compare case-insensitively: the same folding as the SQLite store (`lowercased`).
func caseFoldedHandle(_ handle: String) -> String { handle.lowercased() }
