import Foundation
import GRDB
import VigieCore

/// Timestamps are stored as integer milliseconds since the Unix epoch.
extension Date {
    /// Decoders only hand over dates in `DateParsing.supportedRange`; anything else (a date made
    /// in code, `distantFuture`) is clamped rather than trapping, and NaN stores as 0.
    var unixMillis: Int64 {
        let millis = (timeIntervalSince1970 * 1000).rounded()
        guard millis.isFinite else { return millis.isNaN ? 0 : (millis > 0 ? .max : .min) }
        // 2^63 is exactly representable; every Double below it converts without trapping.
        guard millis < 9_223_372_036_854_775_808.0 else { return .max }
        guard millis >= -9_223_372_036_854_775_808.0 else { return .min }
        return Int64(millis)
    }

    init(unixMillis: Int64) {
        self.init(timeIntervalSince1970: Double(unixMillis) / 1000)
    }
}

/// The engagement columns of a post row.
struct StoredMetrics: Equatable {
    var likes: Int?
    var reposts: Int?
    var replies: Int?
    var quotes: Int?
    var views: Int?
    var observedAt: Int64?

    init(_ metrics: PostMetrics?) {
        likes = metrics?.likes
        reposts = metrics?.reposts
        replies = metrics?.replies
        quotes = metrics?.quotes
        views = metrics?.views
        observedAt = metrics?.observedAt?.unixMillis
    }

    init(row: Row) throws {
        likes = try row.value("likes")
        reposts = try row.value("reposts")
        replies = try row.value("replies")
        quotes = try row.value("quotes")
        views = try row.value("views")
        observedAt = try row.value("metrics_observed_at")
    }

    var isEmpty: Bool {
        likes == nil && reposts == nil && replies == nil && quotes == nil && views == nil && observedAt == nil
    }

    var model: PostMetrics? {
        isEmpty ? nil : PostMetrics(likes: likes, reposts: reposts, replies: replies, quotes: quotes,
                                    views: views, observedAt: observedAt.map(Date.init(unixMillis:)))
    }

    /// A newer observation's counts win; an older or undated one only fills unknown counts.
    func merged(with incoming: StoredMetrics) -> StoredMetrics {
        if incoming.isEmpty { return self }
        let incomingIsNewer = isEmpty || (incoming.observedAt ?? .min) > (observedAt ?? .min)
        let (first, second) = incomingIsNewer ? (incoming, self) : (self, incoming)
        var result = StoredMetrics(nil)
        result.likes = first.likes ?? second.likes
        result.reposts = first.reposts ?? second.reposts
        result.replies = first.replies ?? second.replies
        result.quotes = first.quotes ?? second.quotes
        result.views = first.views ?? second.views
        result.observedAt = max(first.observedAt ?? .min, second.observedAt ?? .min)
        if result.observedAt == .min { result.observedAt = nil }
        return result
    }
}

/// The mutable columns of a post row: what a newer version or a newer observation may change.
struct StoredPostContent: Equatable {
    var createdAt: Int64
    /// `editedAt ?? createdAt` of the version shown: what decides which version is newest.
    var versionAt: Int64
    var currentVersionID: String
    var text: String
    var language: String?
    var replyToPostID: String?
    var replyToAccountID: String?
    var repostOfID: String?
    var repostOfAccountID: String?
    var quoteOfID: String?
    var quoteOfAccountID: String?
    var conversationID: String?
    var mediaCount: Int
    var source: String?
    var editedAt: Int64?
    /// Comma-separated country codes; `NULL` when visible.
    var withheldCountries: String?
    var metrics: StoredMetrics

    init(_ post: Post) {
        createdAt = post.createdAt.unixMillis
        editedAt = post.editedAt?.unixMillis
        versionAt = editedAt ?? createdAt
        currentVersionID = post.platformID
        text = post.text
        language = post.language
        replyToPostID = post.replyToPostID
        replyToAccountID = post.replyToAccountID
        repostOfID = post.repostOfID
        repostOfAccountID = post.repostOfAccountID
        quoteOfID = post.quoteOfID
        quoteOfAccountID = post.quoteOfAccountID
        conversationID = post.conversationID
        mediaCount = post.mediaCount
        source = post.source
        switch post.state {
        case .visible: withheldCountries = nil
        case .withheld(let countries): withheldCountries = countries.joined(separator: ",")
        }
        metrics = StoredMetrics(post.metrics)
    }

    init(row: Row) throws {
        createdAt = try row.value("created_at")
        versionAt = try row.value("version_at")
        currentVersionID = try row.value("current_version_id")
        text = try row.value("text")
        language = try row.value("language")
        replyToPostID = try row.value("reply_to_platform_id")
        replyToAccountID = try row.value("reply_to_account_platform_id")
        repostOfID = try row.value("repost_of_platform_id")
        repostOfAccountID = try row.value("repost_of_account_platform_id")
        quoteOfID = try row.value("quote_of_platform_id")
        quoteOfAccountID = try row.value("quote_of_account_platform_id")
        conversationID = try row.value("conversation_id")
        mediaCount = try row.value("media_count")
        source = try row.value("source")
        editedAt = try row.value("edited_at")
        withheldCountries = try row.value("withheld_countries")
        metrics = try StoredMetrics(row: row)
    }

    /// The merge of a stored row with an incoming version of the same post. A strictly newer
    /// version replaces the content (its unknown fields keep the stored values); an older or
    /// equally dated one only fills unknown fields, so re-imports in any order are stable.
    func merged(with incoming: StoredPostContent) -> (content: StoredPostContent, replacesVersion: Bool) {
        let replacesVersion = incoming.versionAt > versionAt
        let (first, second) = replacesVersion ? (incoming, self) : (self, incoming)
        var result = first
        result.language = first.language ?? second.language
        result.replyToPostID = first.replyToPostID ?? second.replyToPostID
        result.replyToAccountID = first.replyToAccountID ?? second.replyToAccountID
        result.repostOfID = first.repostOfID ?? second.repostOfID
        result.repostOfAccountID = first.repostOfAccountID ?? second.repostOfAccountID
        result.quoteOfID = first.quoteOfID ?? second.quoteOfID
        result.quoteOfAccountID = first.quoteOfAccountID ?? second.quoteOfAccountID
        result.conversationID = first.conversationID ?? second.conversationID
        result.source = first.source ?? second.source
        result.editedAt = first.editedAt ?? second.editedAt
        result.withheldCountries = first.withheldCountries ?? second.withheldCountries
        // The row is dated by the original's creation, whichever version arrived first.
        result.createdAt = min(createdAt, incoming.createdAt)
        result.metrics = metrics.merged(with: incoming.metrics)
        return (result, replacesVersion)
    }

    /// Binds the columns listed in `BatchWriter.postContentColumns`, in that order.
    func bind(to row: inout HotStatement.Binder) {
        row.add(createdAt); row.add(versionAt); row.add(currentVersionID); row.add(text); row.add(language)
        row.add(replyToPostID); row.add(replyToAccountID); row.add(repostOfID); row.add(repostOfAccountID)
        row.add(quoteOfID); row.add(quoteOfAccountID); row.add(conversationID); row.add(mediaCount)
        row.add(source); row.add(metrics.likes); row.add(metrics.reposts); row.add(metrics.replies)
        row.add(metrics.quotes); row.add(metrics.views); row.add(metrics.observedAt); row.add(editedAt)
        row.add(withheldCountries)
    }

    /// Values for the columns listed in `BatchWriter.postContentColumns`, in that order.
    var arguments: StatementArguments {
        [createdAt, versionAt, currentVersionID, text, language, replyToPostID, replyToAccountID,
         repostOfID, repostOfAccountID, quoteOfID, quoteOfAccountID, conversationID, mediaCount,
         source, metrics.likes, metrics.reposts, metrics.replies, metrics.quotes, metrics.views,
         metrics.observedAt, editedAt, withheldCountries]
    }
}

extension Account {
    /// Field-by-field merge: a `nil` never erases a known value, and when both sides know a field
    /// the more recent observation wins; on a tie (both undated) the later arrival wins, so an
    /// account record corrects the handle a post gave its stub row.
    func merged(with incoming: Account) -> Account {
        let incomingIsNewer = (incoming.observedAt ?? .distantPast) >= (observedAt ?? .distantPast)
        func pick<T>(_ stored: T?, _ new: T?) -> T? {
            incomingIsNewer ? (new ?? stored) : (stored ?? new)
        }
        var result = self
        result.handle = pick(handle, incoming.handle)
        result.displayName = pick(displayName, incoming.displayName)
        result.bio = pick(bio, incoming.bio)
        result.createdAt = pick(createdAt, incoming.createdAt)
        result.followers = pick(followers, incoming.followers)
        result.following = pick(following, incoming.following)
        result.postsCount = pick(postsCount, incoming.postsCount)
        result.listedCount = pick(listedCount, incoming.listedCount)
        result.verified = pick(verified, incoming.verified)
        result.declaredBot = pick(declaredBot, incoming.declaredBot)
        result.defaultProfileImage = pick(defaultProfileImage, incoming.defaultProfileImage)
        result.location = pick(location, incoming.location)
        result.url = pick(url, incoming.url)
        result.isPrivate = pick(isPrivate, incoming.isPrivate)
        result.status = pick(status, incoming.status)
        result.observedAt = pick(observedAt, incoming.observedAt)
        return result
    }

    /// Values for `BatchWriter.accountColumns`, in that order.
    func columnArguments(workspaceID: Int64) -> StatementArguments {
        [workspaceID, platform.rawValue, platformID, handle, handle.map(caseFolded), displayName, bio,
         createdAt?.unixMillis, followers, following, postsCount, listedCount, verified, declaredBot,
         defaultProfileImage, location, url, isPrivate, status?.rawValue, observedAt?.unixMillis]
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
            observedAt: observedAt.map(Date.init(unixMillis:)))
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
