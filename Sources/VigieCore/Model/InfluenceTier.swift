import Foundation

/// Influencer size tiers by followers, the industry's usual cut points (PRODUCT.md):
/// nano < 10k, micro 10k–100k, macro 100k–1M, mega > 1M.
///
/// ```swift
/// InfluenceTier(followers: 42_000)   // .micro
/// ```
public enum InfluenceTier: String, Sendable, Hashable, Codable, CaseIterable {
    case nano, micro, macro, mega

    public init(followers: Int) {
        switch followers {
        case ..<10_000: self = .nano
        case ..<100_000: self = .micro
        case ..<1_000_000: self = .macro
        default: self = .mega
        }
    }

    /// The followers range of the tier, for display (`10k–100k`).
    public var range: String {
        switch self {
        case .nano: return "<10k"
        case .micro: return "10k–100k"
        case .macro: return "100k–1M"
        case .mega: return ">1M"
        }
    }
}

/// Published engagement-rate benchmarks by follower band, in one place for every analysis.
///
/// Engagement rate = (likes + comments [+ reposts where the platform has them]) / followers,
/// averaged over the account's recent posts (HypeAuditor uses the last 12).
public enum EngagementBenchmark {
    /// One follower band and its mean engagement rate (a fraction: 0.0721 = 7.21%).
    public struct Band: Sendable, Hashable, Codable {
        public var minFollowers: Int
        /// Exclusive upper bound; `nil` for the open top band.
        public var maxFollowers: Int?
        public var meanRate: Double
        public var label: String
    }

    /// How many recent posts the engagement rate averages over.
    public static let recentPosts = 12

    /// Instagram, France: mean engagement rate by followers (Influence4You / HypeAuditor, PRODUCT.md).
    /// No figure is published below 1,000 followers.
    public static let instagramFrance: [Band] = [
        Band(minFollowers: 1_000, maxFollowers: 5_000, meanRate: 0.0721, label: "1k–5k"),
        Band(minFollowers: 5_000, maxFollowers: 20_000, meanRate: 0.0312, label: "5k–20k"),
        Band(minFollowers: 20_000, maxFollowers: 100_000, meanRate: 0.0247, label: "20k–100k"),
        Band(minFollowers: 100_000, maxFollowers: 1_000_000, meanRate: 0.0219, label: "100k–1M"),
        Band(minFollowers: 1_000_000, maxFollowers: nil, meanRate: 0.0186, label: ">1M"),
    ]

    /// The benchmark band of an account with `followers`; `nil` below the first band.
    public static func band(followers: Int, in bands: [Band] = instagramFrance) -> Band? {
        bands.first { followers >= $0.minFollowers && ($0.maxFollowers.map { followers < $0 } ?? true) }
    }
}
