import Foundation

/// What a store keeps of a post that a newer version or a newer observation may change, and the
/// rule that merges two versions of one post. Times are whole milliseconds since 1970: stores
/// keep them to the millisecond, so comparing at that precision tells a re-import from a change.
///
/// ```swift
/// let (merged, replacesVersion) = PostContent(storedPost).merged(with: PostContent(incoming))
/// if merged != stored { /* update the row */ }
/// ```
public struct PostContent: Sendable, Hashable {
    /// The creation of the post's first version (the earliest seen).
    public var createdAt: Int64
    /// `editedAt ?? createdAt` of the version shown: what decides which version is newest.
    public var versionAt: Int64
    /// The platform id of the version shown (an edit's own id, or the post's).
    public var currentVersionID: String
    public var text: String
    public var language: String?
    public var replyToPostID: String?
    public var replyToAccountID: String?
    public var repostOfID: String?
    public var repostOfAccountID: String?
    public var quoteOfID: String?
    public var quoteOfAccountID: String?
    public var conversationID: String?
    public var mediaCount: Int
    public var source: String?
    public var editedAt: Int64?
    /// Country codes where the post is withheld; `nil` when it is visible.
    public var withheldCountries: [String]?
    public var metrics: Metrics

    /// The stored columns of these fields, in the order every backend writes and reads them
    /// (SQLite, PostgreSQL and `vigie migrate` alike).
    public static let columnNames = [
        "created_at", "version_at", "current_version_id", "text", "language", "reply_to_platform_id",
        "reply_to_account_platform_id", "repost_of_platform_id", "repost_of_account_platform_id",
        "quote_of_platform_id", "quote_of_account_platform_id", "conversation_id", "media_count",
        "source", "likes", "reposts", "replies", "quotes", "views", "metrics_observed_at",
        "edited_at", "withheld_countries",
    ]

    /// The engagement counts of a post with the time they were observed.
    public struct Metrics: Sendable, Hashable {
        public var likes: Int?
        public var reposts: Int?
        public var replies: Int?
        public var quotes: Int?
        public var views: Int?
        public var observedAt: Int64?

        public init(likes: Int? = nil, reposts: Int? = nil, replies: Int? = nil, quotes: Int? = nil,
                    views: Int? = nil, observedAt: Int64? = nil) {
            self.likes = likes
            self.reposts = reposts
            self.replies = replies
            self.quotes = quotes
            self.views = views
            self.observedAt = observedAt
        }

        public init(_ metrics: PostMetrics?) {
            likes = metrics?.likes
            reposts = metrics?.reposts
            replies = metrics?.replies
            quotes = metrics?.quotes
            views = metrics?.views
            observedAt = metrics?.observedAt.map(milliseconds)
        }

        public var isEmpty: Bool {
            likes == nil && reposts == nil && replies == nil && quotes == nil && views == nil && observedAt == nil
        }

        /// The model value; `nil` when nothing is known.
        public var model: PostMetrics? {
            isEmpty ? nil : PostMetrics(likes: likes, reposts: reposts, replies: replies, quotes: quotes, views: views,
                                        observedAt: observedAt.map { Date(timeIntervalSince1970: Double($0) / 1000) })
        }

        /// A newer observation's counts win; an older or undated one only fills unknown counts.
        public func merged(with incoming: Metrics) -> Metrics {
            if incoming.isEmpty { return self }
            let incomingIsNewer = isEmpty || (incoming.observedAt ?? .min) > (observedAt ?? .min)
            let (first, second) = incomingIsNewer ? (incoming, self) : (self, incoming)
            var result = Metrics()
            result.likes = first.likes ?? second.likes
            result.reposts = first.reposts ?? second.reposts
            result.replies = first.replies ?? second.replies
            result.quotes = first.quotes ?? second.quotes
            result.views = first.views ?? second.views
            let observed = max(first.observedAt ?? .min, second.observedAt ?? .min)
            result.observedAt = observed == .min ? nil : observed
            return result
        }
    }

    public init(createdAt: Int64, versionAt: Int64, currentVersionID: String, text: String, language: String? = nil,
                replyToPostID: String? = nil, replyToAccountID: String? = nil, repostOfID: String? = nil,
                repostOfAccountID: String? = nil, quoteOfID: String? = nil, quoteOfAccountID: String? = nil,
                conversationID: String? = nil, mediaCount: Int = 0, source: String? = nil, editedAt: Int64? = nil,
                withheldCountries: [String]? = nil, metrics: Metrics = Metrics()) {
        self.createdAt = createdAt
        self.versionAt = versionAt
        self.currentVersionID = currentVersionID
        self.text = text
        self.language = language
        self.replyToPostID = replyToPostID
        self.replyToAccountID = replyToAccountID
        self.repostOfID = repostOfID
        self.repostOfAccountID = repostOfAccountID
        self.quoteOfID = quoteOfID
        self.quoteOfAccountID = quoteOfAccountID
        self.conversationID = conversationID
        self.mediaCount = mediaCount
        self.source = source
        self.editedAt = editedAt
        self.withheldCountries = withheldCountries
        self.metrics = metrics
    }

    /// The content of one incoming version.
    public init(_ post: Post) {
        createdAt = milliseconds(post.createdAt)
        editedAt = post.editedAt.map(milliseconds)
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
        case .withheld(let countries): withheldCountries = countries
        }
        metrics = Metrics(post.metrics)
    }

    /// The merge of a stored post with an incoming version of it. A strictly newer version
    /// (`versionAt`) replaces the content, its unknown fields keeping the stored values; an older
    /// or equally dated one only fills unknown fields, so re-imports in any order are stable.
    /// The creation date is the earliest seen; metrics merge by observation time.
    /// `replacesVersion` tells the store to replace what the version implies (entities, edges).
    public func merged(with incoming: PostContent) -> (content: PostContent, replacesVersion: Bool) {
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
        // The post is dated by the original's creation, whichever version arrived first.
        result.createdAt = min(createdAt, incoming.createdAt)
        result.metrics = metrics.merged(with: incoming.metrics)
        return (result, replacesVersion)
    }

    /// The post as a store gives it back: the version shown, under the post's root id
    /// (`editOf` is set when the version shown has an id of its own), with its entities.
    public func post(platform: Platform, rootID: String, authorID: String, authorHandle: String?,
                     hashtags: [String], mentions: [Mention], urls: [String]) -> Post {
        Post(platform: platform, platformID: currentVersionID,
             editOf: currentVersionID == rootID ? nil : rootID,
             authorID: authorID, authorHandle: authorHandle,
             createdAt: Date(timeIntervalSince1970: Double(createdAt) / 1000),
             text: text, language: language,
             replyToPostID: replyToPostID, replyToAccountID: replyToAccountID,
             repostOfID: repostOfID, repostOfAccountID: repostOfAccountID,
             quoteOfID: quoteOfID, quoteOfAccountID: quoteOfAccountID, conversationID: conversationID,
             hashtags: hashtags, mentions: mentions, urls: urls, mediaCount: mediaCount, source: source,
             metrics: metrics.model,
             editedAt: editedAt.map { Date(timeIntervalSince1970: Double($0) / 1000) },
             state: withheldCountries.map { .withheld(countries: $0) } ?? .visible)
    }
}

/// Whole milliseconds since 1970, rounded: the precision stores keep.
func milliseconds(_ date: Date) -> Int64 {
    date.unixMillis
}
