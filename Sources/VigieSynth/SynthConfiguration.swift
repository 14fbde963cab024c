import Foundation

/// The output formats `vigie synth` writes. Raw values match `ImportFormat` so that
/// `--format` means the same thing for `synth` and `ingest`.
public enum SynthFormat: String, Sendable, Hashable, CaseIterable {
    /// twarc2 raw responses: `{"data":[…], "includes":{…}, "meta":{…}, "__twarc":{…}}`, one page a line.
    case twitterV2 = "twitter-v2"
    /// Twitter API v1.1 tweet objects with the embedded `user`, one a line.
    case twitterV1 = "twitter-v1"
    /// Mastodon statuses with their `account`, one a line.
    case mastodon
    /// Bluesky Jetstream events (posts, reposts, likes, follows, identity), one a line.
    case jetstream = "bluesky-jetstream"
    /// The coordination-network-toolkit CSV.
    case toolkitCSV = "toolkit-csv"

    /// Name of the data file written in the output directory.
    public var dataFileName: String {
        switch self {
        case .twitterV2: return "tweets-v2.jsonl"
        case .twitterV1: return "tweets-v1.jsonl"
        case .mastodon: return "statuses.jsonl"
        case .jetstream: return "jetstream.jsonl"
        case .toolkitCSV: return "messages.csv"
        }
    }
}

/// What to generate. Every parameter has a default; only `posts` and `seed` usually change.
public struct SynthConfiguration: Sendable, Hashable {
    /// Number of posts (originals, replies, quotes and reposts together).
    public var posts: Int
    public var seed: UInt64
    /// Start of the period (UTC).
    public var start: Date
    public var days: Int
    /// Number of accounts; `nil` means `max(200, posts / 25)`.
    public var accounts: Int?
    /// Share of French-speaking accounts; the rest write in English.
    public var frenchShare: Double
    /// Number of topics (1 to `TopicCatalog.all.count`).
    public var topicCount: Int
    /// Share of on-topic posts that contain a topic's main keyword; the rest use only related
    /// vocabulary, hashtags and links.
    public var keywordShare: Double
    /// Topic experts per topic (few followers, mostly on-topic posts).
    public var expertsPerTopic: Int
    /// Popular off-topic accounts (macro and mega followers); `nil` means about one in 200 accounts.
    public var popularAccounts: Int?
    /// Share of accounts that are bots.
    public var botShare: Double
    /// Share of posts written by bots (bots post more often than people).
    public var botPostShare: Double
    /// Share of human accounts that carry a few bot-like traits (hard negatives).
    public var hardNegativeShare: Double
    /// Coordinated groups and their size range.
    public var coordinatedGroups: Int
    public var groupSizes: ClosedRange<Int>
    /// Share of posts made by coordinated groups inside their campaigns.
    public var coordinatedPostShare: Double
    /// All posts of one campaign fall within this many seconds of its first post.
    public var coordinationWindowSeconds: Int
    /// Hashtags that appear at a known time and rise to a peak.
    public var emergingHashtags: Int
    /// Share of posts that carry an emerging hashtag at its peak.
    public var emergingPeakShare: Double
    /// Posts per twarc2 page (Twitter v2 format).
    public var pageSize: Int
    /// Expected likes per post and follows per post written in the Jetstream format.
    public var likesPerPost: Double
    public var followsPerPost: Double
    /// Write `post-truth.csv` (one line per post). Needed to measure discovery recall and sentiment.
    public var writePostTruth: Bool

    public init(
        posts: Int = 10_000,
        seed: UInt64 = 1,
        start: Date = Date(timeIntervalSince1970: 1_740_787_200), // 2025-03-01T00:00:00Z
        days: Int = 30,
        accounts: Int? = nil,
        frenchShare: Double = 0.5,
        topicCount: Int = 5,
        keywordShare: Double = 0.2,
        expertsPerTopic: Int = 12,
        popularAccounts: Int? = nil,
        botShare: Double = 0.08,
        botPostShare: Double = 0.15,
        hardNegativeShare: Double = 0.05,
        coordinatedGroups: Int = 6,
        groupSizes: ClosedRange<Int> = 5...30,
        coordinatedPostShare: Double = 0.03,
        coordinationWindowSeconds: Int = 60,
        emergingHashtags: Int = 3,
        emergingPeakShare: Double = 0.03,
        pageSize: Int = 100,
        likesPerPost: Double = 1.0,
        followsPerPost: Double = 0.05,
        writePostTruth: Bool = true
    ) {
        self.posts = posts
        self.seed = seed
        self.start = start
        self.days = days
        self.accounts = accounts
        self.frenchShare = frenchShare
        self.topicCount = topicCount
        self.keywordShare = keywordShare
        self.expertsPerTopic = expertsPerTopic
        self.popularAccounts = popularAccounts
        self.botShare = botShare
        self.botPostShare = botPostShare
        self.hardNegativeShare = hardNegativeShare
        self.coordinatedGroups = coordinatedGroups
        self.groupSizes = groupSizes
        self.coordinatedPostShare = coordinatedPostShare
        self.coordinationWindowSeconds = coordinationWindowSeconds
        self.emergingHashtags = emergingHashtags
        self.emergingPeakShare = emergingPeakShare
        self.pageSize = pageSize
        self.likesPerPost = likesPerPost
        self.followsPerPost = followsPerPost
        self.writePostTruth = writePostTruth
    }

    /// The number of accounts actually generated.
    public var accountCount: Int { accounts ?? max(200, posts / 25) }

    /// Checks the parameters; the message says which one is wrong and what is allowed.
    public func validate() throws(SynthError) {
        func fail(_ message: String) -> SynthError { SynthError(message: message) }
        guard posts >= 1 else { throw fail("posts must be at least 1") }
        guard days >= 1 else { throw fail("days must be at least 1") }
        guard accountCount >= 50 else { throw fail("accounts must be at least 50") }
        guard (1...TopicCatalog.all.count).contains(topicCount) else {
            throw fail("topic count must be between 1 and \(TopicCatalog.all.count)")
        }
        let shares: [(String, Double)] = [
            ("frenchShare", frenchShare), ("keywordShare", keywordShare), ("botShare", botShare),
            ("botPostShare", botPostShare), ("hardNegativeShare", hardNegativeShare),
            ("coordinatedPostShare", coordinatedPostShare), ("emergingPeakShare", emergingPeakShare),
        ]
        for (name, value) in shares where !(0...1).contains(value) {
            throw fail("\(name) must be between 0 and 1, got \(value)")
        }
        guard botShare < 0.5, botPostShare + coordinatedPostShare < 0.8 else {
            throw fail("bots and coordinated groups must leave most posts to people")
        }
        guard groupSizes.lowerBound >= 3 else { throw fail("coordinated groups need at least 3 members") }
        guard coordinationWindowSeconds >= 5 else { throw fail("the coordination window must be at least 5 seconds") }
        guard (1...100).contains(pageSize) else { throw fail("page size must be between 1 and 100") }
        guard expertsPerTopic >= 1 else { throw fail("there must be at least one expert per topic") }
        guard emergingHashtags >= 0, emergingHashtags <= Lexicon.emergingTags.count else {
            throw fail("emerging hashtags must be between 0 and \(Lexicon.emergingTags.count)")
        }
    }
}

/// What a run wrote.
public struct SynthSummary: Sendable, Hashable {
    public var format: SynthFormat
    public var posts: Int
    public var originals: Int
    public var replies: Int
    public var quotes: Int
    public var reposts: Int
    public var accounts: Int
    public var bots: Int
    public var coordinatedAccounts: Int
    /// Likes and follows written (Jetstream only).
    public var likes: Int
    public var follows: Int
    /// Lines (or CSV rows, header excluded) in the data file.
    public var dataLines: Int
    public var onTopicPosts: Int
    public var dataFile: URL
    public var groundTruthFile: URL
    public var postTruthFile: URL?
    public var coordinationTruthFile: URL
}

/// A generation that could not run: bad parameters or an output that cannot be written.
public struct SynthError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
