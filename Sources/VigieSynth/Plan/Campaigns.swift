import Foundation

/// What a coordinated group does in one campaign.
enum CoordinationBehaviour: UInt8, CaseIterable {
    /// Members repost the same original within seconds.
    case coRepost
    /// Members post the same text, link and hashtags.
    case coPost
    /// Members post the same text with small edits, the same link and hashtags.
    case nearDuplicate
    /// Members reply to the same post within seconds, each in words of their own, without the
    /// group's link or hashtags (a reply brigade): only the shared target ties them.
    case coReply

    var name: String {
        switch self {
        case .coRepost: return "co-repost"
        case .coPost: return "co-post"
        case .nearDuplicate: return "near-duplicate"
        case .coReply: return "co-reply"
        }
    }
}

/// The truth about one campaign, kept for the ground-truth file (a few bytes per campaign).
struct CampaignRecord {
    var id: Int32
    var group: Int16
    var behaviour: CoordinationBehaviour
    var startMillis: Int64
    var endMillis: Int64
    /// The reposted original (co-repost) or the replied-to post (co-reply).
    var originalID: UInt64
    var originalAuthor: Int32
    var linkDomain: Int32
    var linkPath: Int
    var posts: Int
}

/// A coordinated group's state while posts stream: its members, its remaining budget of
/// posts, and the campaign in progress.
struct GroupState {
    let index: Int
    let members: [Int32]
    var budget: Int
    var campaignsLeft: Int
    let campaignGap: Int64
    var plannedCampaigns = 0
    var nextStart: Int64
    // Campaign in progress.
    var participants: [Int32] = []
    var times: [Int64] = []
    var position = 0
    var campaign: Int32 = -1
    var behaviour: CoordinationBehaviour = .coPost
    var base = PostContent()
    var original: PostContent?

    var inCampaign: Bool { position < participants.count }

    var nextTime: Int64? {
        if inCampaign { return times[position] }
        return budget > 0 ? nextStart : nil
    }
}

/// A hashtag that nobody uses before its onset, then rises to a peak and fades.
struct EmergingRecord {
    var tag: Int32
    var onsetMillis: Int64
    var peakMillis: Int64
    var peakShare: Double
    var posts = 0
    var firstUseMillis: Int64 = -1
    var postsInPeakDay = 0

    func probability(at millis: Int64) -> Double {
        guard millis >= onsetMillis else { return 0 }
        if millis <= peakMillis {
            let rise = Double(millis - onsetMillis) / Double(max(1, peakMillis - onsetMillis))
            return peakShare * (0.05 + 0.95 * rise * rise)
        }
        let decayMillis = 36.0 * 3_600_000
        return peakShare * exp(-Double(millis - peakMillis) / decayMillis)
    }
}
