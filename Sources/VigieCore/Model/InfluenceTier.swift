import Foundation

/// Influencer tiers by follower count (PRODUCT.md): nano < 10k, micro 10k–100k,
/// macro 100k–1M, mega > 1M.
public enum InfluenceTier: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case nano, micro, macro, mega

    public init(followers: Int) {
        switch followers {
        case ..<10_000: self = .nano
        case ..<100_000: self = .micro
        case ..<1_000_000: self = .macro
        default: self = .mega
        }
    }

    public static func < (lhs: InfluenceTier, rhs: InfluenceTier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Instagram (France) mean engagement rate by followers (Influence4You / HypeAuditor, in
    /// PRODUCT.md): >1M 1.86%; 100k–1M 2.19%; 20k–100k 2.47%; 5k–20k 3.12%; 1k–5k 7.21%.
    /// `nil` below 1,000 followers, where no benchmark is published.
    public static func benchmarkEngagementRate(followers: Int) -> Double? {
        switch followers {
        case ..<1_000: return nil
        case ..<5_000: return 0.0721
        case ..<20_000: return 0.0312
        case ..<100_000: return 0.0247
        case ..<1_000_000: return 0.0219
        default: return 0.0186
        }
    }
}
