import Foundation

/// A behaviour that two accounts can share within a time window.
///
/// Raw values are the names the CLI and exports use (`--types co-repost,co-text`).
public enum CoordinationType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reposts of the same original.
    case coRepost = "co-repost"
    /// The same text after normalisation (``CoordinationText/normalizedText(_:)``).
    case coPost = "co-text"
    /// Near-identical text: word 3-shingle Jaccard similarity at or above the threshold.
    case coSimilar = "co-similar"
    /// The same normalised link (``CoordinationText/normalizedURL(_:)``).
    case coLink = "co-link"
    /// The same full set of hashtags.
    case coHashtag = "co-hashtag"
    /// Replies to the same post.
    case coReply = "co-reply"

    /// Position in `allCases`, used to index per-type arrays.
    var ordinal: Int {
        switch self {
        case .coRepost: 0
        case .coPost: 1
        case .coSimilar: 2
        case .coLink: 3
        case .coHashtag: 4
        case .coReply: 5
        }
    }
}
