import Foundation

/// A platform-neutral post (tweet, toot, skeet, Instagram post…).
public struct Post: Sendable, Hashable, Codable {
    public var platform: Platform
    /// The platform's identifier of this version of the post.
    public var platformID: String
    /// For an edit that the platform gives a new identifier (Twitter), the identifier of the
    /// original post; `nil` when this is the original or the platform keeps one id (Mastodon, Bluesky).
    public var editOf: String?
    /// Platform identifier of the author account.
    public var authorID: String
    /// Author handle where the source gives it next to the post (helps when no account record comes).
    public var authorHandle: String?
    /// ``Post/undated`` when the source gives no date.
    public var createdAt: Date
    public var text: String
    /// BCP-47 language code as given by the source (`fr`, `en`); `nil` when not given or undetermined.
    public var language: String?
    public var replyToPostID: String?
    public var replyToAccountID: String?
    public var repostOfID: String?
    /// Author of the reposted post, where known (needed for the repost interaction edge).
    public var repostOfAccountID: String?
    public var quoteOfID: String?
    public var quoteOfAccountID: String?
    public var conversationID: String?
    /// Hashtags without `#`, as written (case kept; matching folds case later).
    public var hashtags: [String]
    public var mentions: [Mention]
    /// Links, expanded where the source gives the expanded form.
    public var urls: [String]
    public var mediaCount: Int
    /// Posting application (`Twitter for Android`, a Mastodon app name).
    public var source: String?
    public var metrics: PostMetrics?
    /// When this version was edited, for platforms that keep one id across edits.
    public var editedAt: Date?
    public var state: PostState

    public init(
        platform: Platform,
        platformID: String,
        editOf: String? = nil,
        authorID: String,
        authorHandle: String? = nil,
        createdAt: Date,
        text: String,
        language: String? = nil,
        replyToPostID: String? = nil,
        replyToAccountID: String? = nil,
        repostOfID: String? = nil,
        repostOfAccountID: String? = nil,
        quoteOfID: String? = nil,
        quoteOfAccountID: String? = nil,
        conversationID: String? = nil,
        hashtags: [String] = [],
        mentions: [Mention] = [],
        urls: [String] = [],
        mediaCount: Int = 0,
        source: String? = nil,
        metrics: PostMetrics? = nil,
        editedAt: Date? = nil,
        state: PostState = .visible
    ) {
        self.platform = platform
        self.platformID = platformID
        self.editOf = editOf
        self.authorID = authorID
        self.authorHandle = authorHandle
        self.createdAt = createdAt
        self.text = text
        self.language = language
        self.replyToPostID = replyToPostID
        self.replyToAccountID = replyToAccountID
        self.repostOfID = repostOfID
        self.repostOfAccountID = repostOfAccountID
        self.quoteOfID = quoteOfID
        self.quoteOfAccountID = quoteOfAccountID
        self.conversationID = conversationID
        self.hashtags = hashtags
        self.mentions = mentions
        self.urls = urls
        self.mediaCount = mediaCount
        self.source = source
        self.metrics = metrics
        self.editedAt = editedAt
        self.state = state
    }

    /// The identifier that names the post across its edits: the original's.
    public var rootID: String { editOf ?? platformID }
}

/// An account named in a post.
public struct Mention: Sendable, Hashable, Codable {
    /// Platform id of the mentioned account when the source resolves it.
    public var accountID: String?
    /// Handle as written, without `@`.
    public var handle: String

    public init(accountID: String? = nil, handle: String) {
        self.accountID = accountID
        self.handle = handle
    }
}

/// Public engagement counts, with the time they were observed (counts change over time).
public struct PostMetrics: Sendable, Hashable, Codable {
    public var likes: Int?
    public var reposts: Int?
    public var replies: Int?
    public var quotes: Int?
    public var views: Int?
    public var observedAt: Date?

    public init(likes: Int? = nil, reposts: Int? = nil, replies: Int? = nil, quotes: Int? = nil,
                views: Int? = nil, observedAt: Date? = nil) {
        self.likes = likes
        self.reposts = reposts
        self.replies = replies
        self.quotes = quotes
        self.views = views
        self.observedAt = observedAt
    }
}

/// Whether a post can be shown.
public enum PostState: Sendable, Hashable, Codable {
    case visible
    /// Withheld in the listed countries (ISO codes), as Twitter reports it.
    case withheld(countries: [String])
}

extension Post {
    /// The date given to posts whose source has none (TwiBot-20 keeps tweets as bare texts): the
    /// Unix epoch, which no real post has. Timing analyses (coordination windows, posting rhythm)
    /// leave such posts out instead of seeing them all at one instant.
    public static let undated = Date(timeIntervalSince1970: 0)

    public var isDated: Bool { createdAt != Post.undated }
}
