import Foundation

/// A Bluesky Jetstream subscription (an unauthenticated WebSocket of every post, like, repost and
/// follow). Every field has a default: `JetstreamSettings()` is the public firehose's posts,
/// likes, reposts and follows from now on.
public struct JetstreamSettings: Sendable, Hashable, Codable {
    public static let publicEndpoint = "wss://jetstream2.us-east.bsky.network/subscribe"
    public static let defaultCollections = ["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost",
                                            "app.bsky.graph.follow"]

    /// The subscribe URL (`ws://` or `wss://`), without query parameters.
    public var endpoint: String
    /// `wantedCollections`: NSIDs, or prefixes ending in `.*` (`app.bsky.graph.*`); at most 100.
    public var collections: [String]
    /// `wantedDids`: only these repositories (at most 10,000); empty: every repository.
    public var dids: [String]
    /// Asks for zstd-compressed frames (about a third of the bytes).
    public var compress: Bool
    /// The zstd dictionary the server compresses with (Jetstream's `zstd_dictionary` file); `nil`:
    /// frames compressed without a dictionary.
    public var zstdDictionary: String?
    public var start: SourceStart
    /// On reconnect, resume this many seconds before the stored cursor: Jetstream's events are
    /// only roughly in time order, and idempotent writes make the overlap harmless.
    public var rewindSeconds: Double
    /// Seconds without any message after which the connection counts as stalled and is replaced.
    public var idleTimeoutSeconds: Double
    /// The largest message accepted (a bigger one closes the connection, which is then retried).
    public var maxMessageBytes: Int

    public init(endpoint: String = JetstreamSettings.publicEndpoint, collections: [String] = JetstreamSettings.defaultCollections,
                dids: [String] = [], compress: Bool = false, zstdDictionary: String? = nil, start: SourceStart = .live,
                rewindSeconds: Double = 5, idleTimeoutSeconds: Double = 30, maxMessageBytes: Int = 16 << 20) {
        self.endpoint = endpoint
        self.collections = collections
        self.dids = dids
        self.compress = compress
        self.zstdDictionary = zstdDictionary
        self.start = start
        self.rewindSeconds = rewindSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxMessageBytes = maxMessageBytes
    }

    public func validate() throws(SourceConfigurationError) {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(),
              ["ws", "wss"].contains(scheme), url.host != nil, url.query == nil else {
            throw SourceConfigurationError(field: "endpoint",
                "endpoint '\(endpoint)' is not a ws:// or wss:// URL without a query (e.g. \(Self.publicEndpoint))")
        }
        guard collections.count <= 100 else {
            throw SourceConfigurationError(field: "collections", "Jetstream accepts at most 100 collections, \(collections.count) given")
        }
        for collection in collections where !Self.isCollection(collection) {
            throw SourceConfigurationError(field: "collections",
                "collection '\(collection)' is not an NSID (e.g. app.bsky.feed.post) or a prefix ending in .* (e.g. app.bsky.graph.*)")
        }
        guard dids.count <= 10_000 else {
            throw SourceConfigurationError(field: "dids", "Jetstream accepts at most 10,000 DIDs, \(dids.count) given")
        }
        for did in dids where !(did.hasPrefix("did:") && did.count > 6 && !did.contains(where: \.isWhitespace)) {
            throw SourceConfigurationError(field: "dids", "'\(did)' is not a DID (e.g. did:plc:z72i7hdynmk6r22z27h6tvur)")
        }
        guard rewindSeconds >= 0, rewindSeconds <= 3_600 else {
            throw SourceConfigurationError(field: "rewindSeconds", "the rewind must be between 0 and 3600 seconds")
        }
        guard idleTimeoutSeconds >= 1 else {
            throw SourceConfigurationError(field: "idleTimeoutSeconds", "the idle timeout must be at least 1 second")
        }
        guard maxMessageBytes >= 16 << 10, maxMessageBytes <= 256 << 20 else {
            throw SourceConfigurationError(field: "maxMessageBytes", "the largest message must be between 16 KiB and 256 MiB")
        }
        if zstdDictionary != nil, !compress {
            throw SourceConfigurationError(field: "zstdDictionary", "a zstd dictionary is only used with compression: ask for it too")
        }
    }

    /// `a.b.c` segments of letters, digits and `-`, or such a prefix followed by `.*`.
    static func isCollection(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasSuffix(".*") { body = body.dropLast(2) }
        let segments = body.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count >= (text.hasSuffix(".*") ? 2 : 3), text.count <= 317 else { return false }
        return segments.allSatisfy { segment in
            !segment.isEmpty && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

/// One Mastodon timeline.
public enum MastodonTimeline: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The federated timeline (`/api/v1/timelines/public`, stream `public`).
    case federated
    /// The instance's own posts (`?local=true`, stream `public:local`).
    case local
    /// A hashtag, without `#` (`/api/v1/timelines/tag/NAME`, stream `hashtag`).
    case hashtag(String)

    /// `public`, `local`, `hashtag:NAME`: the key of the timeline in the source's cursor.
    public var description: String {
        switch self {
        case .federated: return "public"
        case .local: return "local"
        case .hashtag(let tag): return "hashtag:\(tag)"
        }
    }

    public init?(_ text: String) {
        switch text {
        case "public", "federated": self = .federated
        case "local": self = .local
        default:
            guard text.hasPrefix("hashtag:") else { return nil }
            self = .hashtag(String(text.dropFirst("hashtag:".count)))
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let timeline = MastodonTimeline(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown timeline '\(text)'"))
        }
        self = timeline
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A Mastodon instance's timelines: polled over REST, and with a token also streamed (with a REST
/// backfill after every reconnect).
public struct MastodonSettings: Sendable, Hashable, Codable {
    /// The instance's base URL (`https://mastodon.social`).
    public var instance: String
    public var timelines: [MastodonTimeline]
    /// Seconds between REST polls when there is no stream (no token), and the longest wait
    /// between backfills when there is one.
    public var pollIntervalSeconds: Double
    /// Statuses per REST page (Mastodon serves at most 40).
    public var pageLimit: Int
    public var start: SourceStart
    /// Seconds without any message on the stream after which it is replaced (Mastodon's
    /// streaming server sends a heartbeat every few seconds).
    public var idleTimeoutSeconds: Double

    public init(instance: String, timelines: [MastodonTimeline] = [.federated], pollIntervalSeconds: Double = 30,
                pageLimit: Int = 40, start: SourceStart = .live, idleTimeoutSeconds: Double = 90) {
        self.instance = instance
        self.timelines = timelines
        self.pollIntervalSeconds = pollIntervalSeconds
        self.pageLimit = pageLimit
        self.start = start
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    public func validate() throws(SourceConfigurationError) {
        guard let url = URL(string: instance), let scheme = url.scheme?.lowercased(),
              ["http", "https"].contains(scheme), url.host != nil, url.query == nil else {
            throw SourceConfigurationError(field: "instance", "instance '\(instance)' is not an http(s) URL (e.g. https://mastodon.social)")
        }
        guard !timelines.isEmpty else {
            throw SourceConfigurationError(field: "timelines", "no timeline: name a hashtag, the local or the public timeline")
        }
        for case .hashtag(let tag) in timelines {
            guard !tag.isEmpty, tag.count <= 100, tag.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw SourceConfigurationError(field: "hashtag", "hashtag '\(tag)' is not valid: letters, digits and '_', without '#'")
            }
        }
        guard Set(timelines).count == timelines.count else {
            throw SourceConfigurationError(field: "timelines", "a timeline is named twice")
        }
        guard pollIntervalSeconds >= 1, pollIntervalSeconds <= 3_600 else {
            throw SourceConfigurationError(field: "pollIntervalSeconds", "the poll interval must be between 1 second and 1 hour")
        }
        guard (1...40).contains(pageLimit) else {
            throw SourceConfigurationError(field: "pageLimit", "the page size must be between 1 and 40 statuses")
        }
        guard idleTimeoutSeconds >= 1 else {
            throw SourceConfigurationError(field: "idleTimeoutSeconds", "the idle timeout must be at least 1 second")
        }
    }

    /// The instance URL without a trailing slash.
    public var baseURL: String {
        var text = instance
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
