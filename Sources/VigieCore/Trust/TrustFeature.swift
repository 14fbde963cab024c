import Foundation

/// The platform-neutral signals the inauthenticity model reads, each computed from an account's
/// profile, its posts or its place in the interaction graph.
///
/// A feature a source does not give is *missing*: it is left out of the vector, contributes
/// nothing to the score (it is reported as unknown) and lowers the score's confidence. It never
/// counts as zero.
public enum TrustFeature: String, Sendable, Hashable, Codable, CaseIterable {
    // Profile: each fact once (no ratio or rate of two facts already in the vector, no flag that
    // a length already says), and nothing that depends on the script a name is written in.
    case accountAge, followers, following, postsCount, listedCount
    case defaultImage, bioLength, sharedBio, bioLinks, bioHashtags, bioMentions
    case handleLength, handleDigits, handleEntropy, handleUppercase, handleUnderscores
    case nameDigits, nameEqualsHandle
    case verified, declaredBot, isPrivate, profileURL, profileLocation
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
        case .accountAge, .followers, .following, .postsCount, .listedCount, .observedPostRate, .hashtagsPerPost,
             .bioLength:
            return log1p(max(raw, 0))
        case .bioLinks, .bioHashtags, .bioMentions, .nameDigits, .handleUppercase, .handleUnderscores:
            return min(max(raw, 0), 6)
        case .engagementRate:
            return log10(max(raw, 0) + 0.0001)
        case .urlsPerPost:
            return min(max(raw, 0), 3)
        default:
            return raw
        }
    }

    /// The sign a feature's effect is known to have, where it is (`+1`: a larger value can only
    /// raise the score; `-1`: only lower it; `0`: learnt from the data). The profile learners
    /// respect it (monotonic constraints), so a reason never points the wrong way because one
    /// training population happened to differ: a profile with less filled in is never made to
    /// look more genuine for it.
    public var knownDirection: Int {
        switch self {
        case .defaultImage, .declaredBot, .duplicateTextShare, .automationApp: return 1
        case .verified, .listedCount, .bioLength, .profileURL, .profileLocation: return -1
        default: return 0
        }
    }

    /// A short readable name.
    public var title: String {
        switch self {
        case .accountAge: return "account age"
        case .followers: return "followers"
        case .following: return "accounts followed"
        case .postsCount: return "posts published"
        case .listedCount: return "lists the account is on"
        case .defaultImage: return "default profile image"
        case .sharedBio: return "bio shared with other accounts"
        case .handleDigits: return "digits in the handle"
        case .handleEntropy: return "handle randomness"
        case .verified: return "verified"
        case .declaredBot: return "declared automated"
        case .isPrivate: return "private account"
        case .profileURL: return "profile link"
        case .profileLocation: return "profile location"
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
        case .handleLength: return "handle length"
        case .handleUppercase: return "capitals in the handle"
        case .handleUnderscores: return "underscores in the handle"
        case .nameDigits: return "digits in the display name"
        case .nameEqualsHandle: return "display name identical to the handle"
        case .bioLength: return "bio length"
        case .bioLinks: return "links in the bio"
        case .bioHashtags: return "hashtags in the bio"
        case .bioMentions: return "mentions in the bio"
        }
    }

    /// A sentence stating the observed value (`follows 3,200 accounts`).
    public func sentence(_ raw: Double) -> String {
        func count(_ value: Double) -> String { TrustFormat.count(Int(value.rounded())) }
        func percent(_ value: Double) -> String { TrustFormat.percent(value) }
        func plural(_ value: Double) -> String { value.rounded() == 1 ? "" : "s" }
        switch self {
        case .accountAge:
            let days = Int(raw.rounded())
            return days < 730 ? "account \(TrustFormat.count(days)) days old" : String(format: "account %.1f years old", raw / 365.25)
        case .followers: return "\(count(raw)) followers"
        case .following: return "follows \(count(raw)) accounts"
        case .postsCount: return "\(count(raw)) posts published"
        case .listedCount: return "on \(count(raw)) lists"
        case .defaultImage: return raw > 0.5 ? "uses the default profile image" : "has its own profile image"
        case .sharedBio: return raw > 0.5 ? "the same bio as other accounts (templated)" : "a bio of its own"
        case .handleDigits: return "\(percent(raw)) of the handle is digits"
        case .handleEntropy: return String(format: "handle randomness %.2f bits per character", raw)
        case .verified: return raw > 0.5 ? "verified account" : "not verified"
        case .declaredBot: return raw > 0.5 ? "declares itself automated" : "does not declare itself automated"
        case .isPrivate: return raw > 0.5 ? "private account" : "public account"
        case .profileURL: return raw > 0.5 ? "gives a link in its profile" : "gives no link in its profile"
        case .profileLocation: return raw > 0.5 ? "gives a location" : "gives no location"
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
        case .handleLength: return "handle of \(count(raw)) characters"
        case .handleUppercase: return "\(count(raw)) capital letter\(plural(raw)) in the handle"
        case .handleUnderscores: return "\(count(raw)) underscore\(plural(raw)) in the handle"
        case .nameDigits: return "\(count(raw)) digit\(plural(raw)) in the display name"
        case .nameEqualsHandle: return raw > 0.5 ? "display name is the handle itself" : "display name differs from the handle"
        case .bioLength: return raw > 0 ? "bio of \(count(raw)) characters" : "empty bio"
        case .bioLinks: return "\(count(raw)) link\(plural(raw)) in the bio"
        case .bioHashtags: return "\(count(raw)) hashtag\(plural(raw)) in the bio"
        case .bioMentions: return "\(count(raw)) mention\(plural(raw)) in the bio"
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

    /// A value for a sentence: grouped digits from 100 up, else three significant digits.
    public static func number(_ value: Double) -> String {
        abs(value) >= 100 ? count(Int(value.rounded())) : String(format: "%.3g", value)
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
