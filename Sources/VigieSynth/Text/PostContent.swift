enum PostKind: UInt8 {
    case original, reply, repost, quote
    var name: String {
        switch self {
        case .original: return "original"
        case .reply: return "reply"
        case .repost: return "repost"
        case .quote: return "quote"
        }
    }
}

/// A hashtag, mention or link inside a post's text, by UTF-8 byte range. The text holds the
/// entity as written (`#tag`, `@handle`, the full `https://` link); each format derives its
/// own offsets (code points for Twitter, bytes for Bluesky) and forms (t.co links, HTML).
struct TextEntity {
    enum Kind: UInt8 { case hashtag, mention, link }
    var kind: Kind
    var start: Int32
    var end: Int32
    /// Account index of a mention; tag or domain id otherwise.
    var value: Int32
}

/// One generated post, platform-neutral, with what its truth records.
struct PostContent {
    /// Twitter-style snowflake: milliseconds since the Twitter epoch and a sequence number.
    /// Other formats derive their identifiers from it.
    var id: UInt64 = 0
    var sequence: Int = 0
    var millis: Int64 = 0
    var author: Int32 = 0
    var kind: PostKind = .original
    var french = true
    var text: [UInt8] = []
    var entities: [TextEntity] = []
    var replyToID: UInt64 = 0
    var replyToAuthor: Int32 = -1
    var conversationID: UInt64 = 0
    var conversationAuthor: Int32 = 0
    /// The reposted or quoted post.
    var referenceID: UInt64 = 0
    var referenceAuthor: Int32 = -1
    var likes: Int32 = 0
    var reposts: Int32 = 0
    var replies: Int32 = 0
    var quotes: Int32 = 0
    // Planted truth.
    var topic: Int8 = -1
    var hasKeyword = false
    var sentiment: Int8 = 0
    var group: Int16 = -1
    var campaign: Int32 = -1
    var emerging: Int8 = -1

    static let twitterEpochMillis: Int64 = 1_288_834_974_657

    static func makeID(millis: Int64, sequence: Int) -> UInt64 {
        UInt64(max(0, millis - twitterEpochMillis)) << 22 | UInt64(sequence & 0x3F_FFFF)
    }

    /// Recovers the time and sequence from an id (Bluesky and Mastodon ids are built from them).
    static func parts(of id: UInt64) -> (millis: Int64, sequence: Int) {
        (Int64(id >> 22) + twitterEpochMillis, Int(id & 0x3F_FFFF))
    }
}

/// A post and the post it refers to (reposted, quoted or replied to), when it has one.
struct PlannedPost {
    var post: PostContent
    var reference: PostContent?
}
