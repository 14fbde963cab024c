import Foundation

/// The platform-neutral signals the inauthenticity model reads, each computed from an account's
/// profile, its posts or its place in the interaction graph.
///
/// A feature a source does not give is *missing*: it is left out of the vector, contributes
/// nothing to the score (it is reported as unknown) and lowers the score's confidence. It never
/// counts as zero.
public enum TrustFeature: String, Sendable, Hashable, Codable, CaseIterable {
    // Profile
    case accountAge, followers, following, followRatio, postsCount, listedCount, lifetimePostRate
    case defaultImage, emptyBio, sharedBio, handleDigits, handleEntropy, verified, declaredBot
    case isPrivate, profileFields
    // Profile, added in model v2 (growth rates, name, handle shape, bio content)
    case followerGrowth, followingGrowth, listedPerFollowers, handleLength, handleUppercase, handleUnderscores
    case handleTrailingDigits, nameLength, nameDigits, nameNonASCII, nameHandleSimilarity
    case bioLength, bioLinks, bioHashtags, bioMentions
    // Posting behaviour (from the posts in the store)
    case observedPostRate, gapEntropy, hourSpread, repostShare, duplicateTextShare
    case urlsPerPost, hashtagsPerPost, automationApp, schedulerApp
    // Graph
    case engagementRate, reciprocity

    public enum Group: String, Sendable, Codable { case profile, behaviour, graph }

    public var group: Group {
        switch self {
        case .observedPostRate, .gapEntropy, .hourSpread, .repostShare, .duplicateTextShare,
             .urlsPerPost, .hashtagsPerPost, .automationApp, .schedulerApp:
            return .behaviour
        case .engagementRate, .reciprocity:
            return .graph
        default:
            return .profile
        }
    }

    /// The value the model reads, from the raw (readable) value: counts and rates on a log scale.
    public func modelInput(_ raw: Double) -> Double {
        switch self {
        case .accountAge, .followers, .following, .postsCount, .listedCount, .lifetimePostRate,
             .observedPostRate, .hashtagsPerPost, .followerGrowth, .followingGrowth, .listedPerFollowers, .bioLength:
            return log1p(max(raw, 0))
        case .bioLinks, .bioHashtags, .bioMentions, .nameDigits, .handleTrailingDigits, .handleUppercase,
             .handleUnderscores:
            return min(max(raw, 0), 6)
        case .followRatio:
            return log10(max(raw, 0) + 0.001)
        case .engagementRate:
            return log10(max(raw, 0) + 0.0001)
        case .urlsPerPost:
            return min(max(raw, 0), 3)
        default:
            return raw
        }
    }

    /// A short readable name.
    public var title: String {
        switch self {
        case .accountAge: return "account age"
        case .followers: return "followers"
        case .following: return "accounts followed"
        case .followRatio: return "followers/following ratio"
        case .postsCount: return "posts published"
        case .listedCount: return "lists the account is on"
        case .lifetimePostRate: return "posts per day since creation"
        case .defaultImage: return "default profile image"
        case .emptyBio: return "empty bio"
        case .sharedBio: return "bio shared with other accounts"
        case .handleDigits: return "digits in the handle"
        case .handleEntropy: return "handle randomness"
        case .verified: return "verified"
        case .declaredBot: return "declared automated"
        case .isPrivate: return "private account"
        case .profileFields: return "profile link and location"
        case .observedPostRate: return "posts per day observed"
        case .gapEntropy: return "irregularity of the time between posts"
        case .hourSpread: return "spread over the hours of the day"
        case .repostShare: return "share of reposts"
        case .duplicateTextShare: return "share of repeated texts"
        case .urlsPerPost: return "links per post"
        case .hashtagsPerPost: return "hashtags per post"
        case .automationApp: return "posts from automation tools"
        case .schedulerApp: return "posts from scheduling tools"
        case .engagementRate: return "engagement per post relative to followers"
        case .reciprocity: return "reciprocity of interactions"
        case .followerGrowth: return "followers gained per day"
        case .followingGrowth: return "accounts followed per day"
        case .listedPerFollowers: return "lists per 1,000 followers"
        case .handleLength: return "handle length"
        case .handleUppercase: return "capitals in the handle"
        case .handleUnderscores: return "underscores in the handle"
        case .handleTrailingDigits: return "digits ending the handle"
        case .nameLength: return "display name length"
        case .nameDigits: return "digits in the display name"
        case .nameNonASCII: return "non-ASCII share of the display name"
        case .nameHandleSimilarity: return "display name matching the handle"
        case .bioLength: return "bio length"
        case .bioLinks: return "links in the bio"
        case .bioHashtags: return "hashtags in the bio"
        case .bioMentions: return "mentions in the bio"
        }
    }

    /// A sentence stating the observed value (`follows 3,200 accounts for 40 followers`).
    public func sentence(_ raw: Double) -> String {
        func count(_ value: Double) -> String { TrustFormat.count(Int(value.rounded())) }
        func percent(_ value: Double) -> String { TrustFormat.percent(value) }
        switch self {
        case .accountAge:
            let days = Int(raw.rounded())
            return days < 730 ? "account \(TrustFormat.count(days)) days old" : String(format: "account %.1f years old", raw / 365.25)
        case .followers: return "\(count(raw)) followers"
        case .following: return "follows \(count(raw)) accounts"
        case .followRatio: return String(format: "%.3g followers per account followed", raw)
        case .postsCount: return "\(count(raw)) posts published"
        case .listedCount: return "on \(count(raw)) lists"
        case .lifetimePostRate: return String(format: "%.3g posts per day since creation", raw)
        case .defaultImage: return raw > 0.5 ? "uses the default profile image" : "has its own profile image"
        case .emptyBio: return raw > 0.5 ? "empty bio" : "has a bio"
        case .sharedBio: return raw > 0.5 ? "the same bio as other accounts (templated)" : "a bio of its own"
        case .handleDigits: return "\(percent(raw)) of the handle is digits"
        case .handleEntropy: return String(format: "handle randomness %.2f bits per character", raw)
        case .verified: return raw > 0.5 ? "verified account" : "not verified"
        case .declaredBot: return raw > 0.5 ? "declares itself automated" : "does not declare itself automated"
        case .isPrivate: return raw > 0.5 ? "private account" : "public account"
        case .profileFields:
            return raw >= 2 ? "gives a link and a location" : raw >= 1 ? "gives a link or a location" : "gives no link and no location"
        case .observedPostRate: return String(format: "%.3g posts per day in the store", raw)
        case .gapEntropy: return String(format: "time between posts: irregularity %.2f (0 = clockwork, 1 = varied)", raw)
        case .hourSpread: return String(format: "posts spread over the day: %.2f (1 = every hour alike)", raw)
        case .repostShare: return "\(percent(raw)) of its posts are reposts"
        case .duplicateTextShare: return "\(percent(raw)) of its texts repeat an earlier one"
        case .urlsPerPost: return String(format: "%.2f links per post", raw)
        case .hashtagsPerPost: return String(format: "%.2f hashtags per post", raw)
        case .automationApp: return "\(percent(raw)) of posts from automation tools"
        case .schedulerApp: return "\(percent(raw)) of posts from scheduling tools"
        case .engagementRate: return "engagement per post = \(TrustFormat.percent(raw, digits: 2)) of followers"
        case .reciprocity: return "\(percent(raw)) of the accounts it engages with engage back"
        case .followerGrowth: return String(format: "%.3g followers gained per day of the account's age", raw)
        case .followingGrowth: return String(format: "follows %.3g more accounts per day of the account's age", raw)
        case .listedPerFollowers: return String(format: "on %.3g lists per 1,000 followers", raw)
        case .handleLength: return "handle of \(count(raw)) characters"
        case .handleUppercase: return "\(count(raw)) capital letters in the handle"
        case .handleUnderscores: return "\(count(raw)) underscores in the handle"
        case .handleTrailingDigits: return raw > 0 ? "handle ends with \(count(raw)) digits" : "handle does not end with digits"
        case .nameLength: return "display name of \(count(raw)) characters"
        case .nameDigits: return "\(count(raw)) digits in the display name"
        case .nameNonASCII: return "\(percent(raw)) of the display name outside ASCII (accents, scripts, emoji)"
        case .nameHandleSimilarity: return "\(percent(raw)) of the handle found in the display name"
        case .bioLength: return raw > 0 ? "bio of \(count(raw)) characters" : "empty bio"
        case .bioLinks: return "\(count(raw)) links in the bio"
        case .bioHashtags: return "\(count(raw)) hashtags in the bio"
        case .bioMentions: return "\(count(raw)) mentions in the bio"
        }
    }
}

/// Number formats shared by trust sentences and the CLI.
public enum TrustFormat {
    public static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    public static func percent(_ fraction: Double, digits: Int = 0) -> String {
        String(format: "%.\(digits)f%%", fraction * 100)
    }
}

/// The known features of one account: raw (readable) values by feature; missing ones are absent.
public struct TrustFeatureVector: Sendable, Hashable, Codable {
    public var values: [TrustFeature: Double]

    public init(_ values: [TrustFeature: Double] = [:]) { self.values = values }

    public subscript(feature: TrustFeature) -> Double? {
        get { values[feature] }
        set { values[feature] = newValue }
    }

    public var missing: [TrustFeature] { TrustFeature.allCases.filter { values[$0] == nil } }
}
