import Foundation
import GRDB
import VigieCore

extension PostContent.Metrics {
    /// The engagement columns of a post row.
    init(row: Row) throws {
        self.init(likes: try row.value("likes"), reposts: try row.value("reposts"), replies: try row.value("replies"), quotes: try row.value("quotes"),
                  views: try row.value("views"), observedAt: try row.value("metrics_observed_at"))
    }
}

/// The mutable columns of a post row are a ``PostContent``: what a newer version or a newer
/// observation may change. The merge rules are the core's; this is only their SQL form.
extension PostContent {
    init(row: Row) throws {
        let withheld: String? = try row.value("withheld_countries")
        self.init(createdAt: try row.value("created_at"), versionAt: try row.value("version_at"), currentVersionID: try row.value("current_version_id"),
                  text: try row.value("text"), language: try row.value("language"), replyToPostID: try row.value("reply_to_platform_id"),
                  replyToAccountID: try row.value("reply_to_account_platform_id"), repostOfID: try row.value("repost_of_platform_id"),
                  repostOfAccountID: try row.value("repost_of_account_platform_id"), quoteOfID: try row.value("quote_of_platform_id"),
                  quoteOfAccountID: try row.value("quote_of_account_platform_id"), conversationID: try row.value("conversation_id"),
                  mediaCount: try row.value("media_count"), source: try row.value("source"), editedAt: try row.value("edited_at"),
                  withheldCountries: withheld.map(Self.countries), metrics: try Metrics(row: row))
    }

    /// The columns of `BatchWriter.postContentColumns`, read in that order.
    init(columns: inout ColumnReader) throws {
        let createdAt = try columns.int64(), versionAt = try columns.int64(), currentVersionID = try columns.text()
        let text = try columns.text(), language = try columns.optionalText()
        let replyToPostID = try columns.optionalText(), replyToAccountID = try columns.optionalText()
        let repostOfID = try columns.optionalText(), repostOfAccountID = try columns.optionalText()
        let quoteOfID = try columns.optionalText(), quoteOfAccountID = try columns.optionalText()
        let conversationID = try columns.optionalText(), mediaCount = try columns.int(), source = try columns.optionalText()
        let metrics = Metrics(likes: try columns.optionalInt(), reposts: try columns.optionalInt(), replies: try columns.optionalInt(),
                              quotes: try columns.optionalInt(), views: try columns.optionalInt(), observedAt: try columns.optionalInt64())
        let editedAt = try columns.optionalInt64(), withheld = try columns.optionalText()
        self.init(createdAt: createdAt, versionAt: versionAt, currentVersionID: currentVersionID, text: text,
                  language: language, replyToPostID: replyToPostID, replyToAccountID: replyToAccountID,
                  repostOfID: repostOfID, repostOfAccountID: repostOfAccountID, quoteOfID: quoteOfID,
                  quoteOfAccountID: quoteOfAccountID, conversationID: conversationID, mediaCount: mediaCount,
                  source: source, editedAt: editedAt, withheldCountries: withheld.map(Self.countries), metrics: metrics)
    }

    /// `withheld_countries` holds the codes comma-separated; `NULL` when the post is visible.
    static func countries(_ column: String) -> [String] {
        column.split(separator: ",").map(String.init)
    }

    var withheldColumn: String? { withheldCountries?.joined(separator: ",") }

    /// Binds the columns listed in `BatchWriter.postContentColumns`, in that order.
    func bind(to row: inout HotStatement.Binder) {
        row.add(createdAt); row.add(versionAt); row.add(currentVersionID); row.add(text); row.add(language)
        row.add(replyToPostID); row.add(replyToAccountID); row.add(repostOfID); row.add(repostOfAccountID)
        row.add(quoteOfID); row.add(quoteOfAccountID); row.add(conversationID); row.add(mediaCount)
        row.add(source); row.add(metrics.likes); row.add(metrics.reposts); row.add(metrics.replies)
        row.add(metrics.quotes); row.add(metrics.views); row.add(metrics.observedAt); row.add(editedAt)
        row.add(withheldColumn)
    }

    /// Values for the columns listed in `BatchWriter.postContentColumns`, in that order.
    var arguments: StatementArguments {
        [createdAt, versionAt, currentVersionID, text, language, replyToPostID, replyToAccountID,
         repostOfID, repostOfAccountID, quoteOfID, quoteOfAccountID, conversationID, mediaCount,
         source, metrics.likes, metrics.reposts, metrics.replies, metrics.quotes, metrics.views,
         metrics.observedAt, editedAt, withheldColumn]
    }
}

extension Account {
    /// Values for `BatchWriter.accountColumns`, in that order.
    func columnArguments(workspaceID: Int64) -> StatementArguments {
        [workspaceID, platform.rawValue, platformID, handle, handle.map(caseFolded), displayName, bio,
         createdAt?.unixMillis, followers, following, postsCount, listedCount, verified, declaredBot,
         defaultProfileImage, location, url, isPrivate, status?.rawValue, observedAt?.unixMillis,
         observedAtIsImportTime == true ? 1 : nil]
    }

    init(row: Row) throws {
        let platformName: String = try row.value("platform")
        guard let platform = Platform(rawValue: platformName) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "unknown platform '\(platformName)' in account row")
        }
        let statusName: String? = try row.value("status")
        let createdAt: Int64? = try row.value("created_at")
        let observedAt: Int64? = try row.value("observed_at")
        self.init(
            platform: platform, platformID: try row.value("platform_id"), handle: try row.value("handle"),
            displayName: try row.value("display_name"), bio: try row.value("bio"),
            createdAt: createdAt.map(Date.init(unixMillis:)),
            followers: try row.value("followers"), following: try row.value("following"), postsCount: try row.value("posts_count"),
            listedCount: try row.value("listed_count"), verified: try row.value("verified"), declaredBot: try row.value("declared_bot"),
            defaultProfileImage: try row.value("default_profile_image"), location: try row.value("location"), url: try row.value("url"),
            isPrivate: try row.value("is_private"), status: statusName.flatMap(AccountStatus.init(rawValue:)),
            observedAt: observedAt.map(Date.init(unixMillis:)),
            observedAtIsImportTime: (try row.value("observed_at_import") as Int64?).map { $0 != 0 })
    }
}

/// The host of a link, lowercased and without `www.`, for per-domain queries. Parsed by hand:
/// Foundation's URL is slow on the ingest path and rejects many real-world links.
func linkDomain(_ link: String) -> String? {
    // A byte scan: this runs for every link of every imported post, and Character-based
    // Substring searches cost several times more.
    var utf8 = Array(link.utf8)
    var start = 0
    var end = utf8.count
    if let colon = utf8.firstIndex(of: UInt8(ascii: ":")), colon + 2 < end,
       utf8[colon + 1] == UInt8(ascii: "/"), utf8[colon + 2] == UInt8(ascii: "/") {
        start = colon + 3
    }
    var i = start
    while i < end {
        let c = utf8[i]
        if c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") { end = i; break }
        i += 1
    }
    // Credentials before '@' and a port after ':' are not part of the host.
    if let at = utf8[start..<end].lastIndex(of: UInt8(ascii: "@")) { start = at + 1 }
    if let colon = utf8[start..<end].lastIndex(of: UInt8(ascii: ":")) { end = colon }
    for k in start..<end where utf8[k] >= 0x41 && utf8[k] <= 0x5A { utf8[k] |= 0x20 }
    if end - start >= 4, utf8[start..<(start + 4)].elementsEqual("www.".utf8) { start += 4 }
    return start < end ? String(decoding: utf8[start..<end], as: UTF8.self) : nil
}
