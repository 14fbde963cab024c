import Foundation

/// The planted truth, written as `ground-truth.json`. Ids and handles are those of the data
/// file's format (for Bluesky: DIDs, and at:// URIs for posts).
public struct GroundTruth: Codable, Sendable, Hashable {
    public struct Generator: Codable, Sendable, Hashable {
        public var seed: UInt64
        public var format: String
        public var platform: String
        public var posts: Int
        public var accounts: Int
        public var start: String
        public var days: Int
        public var coordinationWindowSeconds: Int
        public var keywordShare: Double
    }

    public struct Files: Codable, Sendable, Hashable {
        public var data: String
        /// One line per post (`post_id,…,topic,has_keyword,sentiment,…`); absent if disabled.
        public var postTruth: String?
        /// One line per post made inside a coordinated campaign.
        public var coordinationTruth: String
    }

    public struct Counts: Codable, Sendable, Hashable {
        public var posts: Int
        public var originals: Int
        public var replies: Int
        public var quotes: Int
        public var reposts: Int
        public var onTopic: Int
        public var positive: Int
        public var neutral: Int
        public var negative: Int
        public var likes: Int
        public var follows: Int
    }

    public struct AccountRef: Codable, Sendable, Hashable {
        public var id: String
        public var handle: String
        public var followers: Int
    }

    public struct RelevantAccount: Codable, Sendable, Hashable {
        public var id: String
        public var handle: String
        public var followers: Int
        /// 3 core expert, 2 expert, 1 enthusiast; accounts not listed are 0.
        public var relevance: Int
        public var role: String
        public var posts: Int
        public var onTopicPosts: Int
    }

    public struct TopicTruth: Codable, Sendable, Hashable {
        public var name: String
        /// The main keyword in French and in English.
        public var keywords: [String]
        public var vocabularyFrench: [String]
        public var vocabularyEnglish: [String]
        public var hashtags: [String]
        public var domains: [String]
        public var onTopicPosts: Int
        public var postsWithKeyword: Int
        /// Share of on-topic posts in which no main keyword appears.
        public var shareWithoutKeyword: Double
        /// Graded relevance for NDCG, best first: every expert, and the most active
        /// enthusiasts (at most `GroundTruth.enthusiastsListed`) with at least two on-topic posts.
        public var relevantAccounts: [RelevantAccount]
    }

    public struct BotTruth: Codable, Sendable, Hashable {
        public var id: String
        public var handle: String
        /// `spam` (duplicate texts and links) or `amplifier` (mostly reposts).
        public var kind: String
        public var source: String
        public var posts: Int
    }

    public struct HardNegative: Codable, Sendable, Hashable {
        public var id: String
        public var handle: String
        public var traits: [String]
    }

    public struct CampaignTruth: Codable, Sendable, Hashable {
        public var id: Int
        public var behaviour: String
        public var start: String
        public var end: String
        public var posts: Int
        /// The reposted original (co-repost campaigns).
        public var originalPostID: String?
        public var link: String
    }

    public struct GroupTruth: Codable, Sendable, Hashable {
        public var group: Int
        public var topic: String
        public var members: [AccountRef]
        public var behaviours: [String]
        public var hashtags: [String]
        public var domain: String
        public var posts: Int
        public var campaigns: [CampaignTruth]
    }

    public struct EmergingHashtag: Codable, Sendable, Hashable {
        public var tag: String
        /// No post carries the tag before this time.
        public var onset: String
        public var peak: String
        public var firstUse: String?
        public var posts: Int
        /// Posts carrying the tag within 12 hours of the peak.
        public var postsNearPeak: Int
    }

    /// Enthusiasts (relevance 1) listed per topic.
    public static let enthusiastsListed = 500

    public var generator: Generator
    public var files: Files
    public var counts: Counts
    public var topics: [TopicTruth]
    public var popularAccounts: [AccountRef]
    public var bots: [BotTruth]
    public var hardNegatives: [HardNegative]
    public var coordinatedGroups: [GroupTruth]
    public var emergingHashtags: [EmergingHashtag]
}
