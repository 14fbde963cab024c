import Foundation

/// An item that is new or accelerating against its own history, with the evidence.
public struct WeakSignal: Sendable, Hashable, Codable {
    /// Why a signal that passed the statistical test is kept out of the emerging ranking.
    public enum Flag: String, Sendable, Hashable, Codable {
        /// Fewer distinct authors than ``WeakSignalOptions/minimumAuthors``.
        case fewAuthors = "few-authors"
        /// One author wrote more than ``WeakSignalOptions/maximumAuthorShare`` of the posts.
        case dominantAuthor = "dominant-author"
        /// Most posts fall within ``WeakSignalOptions/synchronySpan``: a coordinated burst, not a spread.
        case synchronized
        /// The item already had a window this busy in its baseline: it recurs, it does not emerge.
        case recurring
    }

    public var kind: TrendItemKind
    public var key: String
    /// `#tag`, `@handle`, `"a phrase"`, a term, a link or a domain.
    public var display: String
    /// Posts carrying the item in the window, and their distinct authors.
    public var posts: Int
    public var authors: Int
    /// Posts expected in the window from the item's baseline, scaled by overall volume.
    public var expected: Double
    /// Posts carrying the item in the baseline period.
    public var baselinePosts: Int
    /// `posts / expected`.
    public var growth: Double
    /// `-log10` of the Poisson probability of at least `authors` distinct authors given `expected`.
    public var score: Double
    /// The item's first post in the data.
    public var firstSeen: Date
    /// Whether the item had no post in the baseline period.
    public var isNew: Bool
    /// The most posts the item had in any window-long span of its baseline.
    public var busiestBaselineWindow: Int
    /// Share of the window's posts written by the most active author.
    public var topAuthorShare: Double
    /// Share of the window's posts that fall within the densest ``WeakSignalOptions/synchronySpan``.
    public var synchronizedShare: Double
    public var flags: [Flag]
    /// Posts per bucket across the window, oldest first.
    public var buckets: [Int]
    /// The signal in one sentence: observed, expected, baseline, first seen, why it ranks.
    public var explanation: String
    /// Items merged into this one because they appear in nearly the same posts (overlapping phrases).
    public var merged: [String]
}

/// The result of one evaluation: the ranked signals, those flagged, and the volumes they were
/// measured against.
public struct WeakSignalReport: Sendable, Hashable, Codable {
    public var at: Date
    public var windowStart: Date
    public var baselineStart: Date
    public var postsInWindow: Int
    public var postsInBaseline: Int
    /// Items carried by posts of the window and examined.
    public var itemsExamined: Int
    /// Set when there is too little history before the window to judge what is new.
    public var note: String?
    /// Emerging signals, best first (at most ``WeakSignalOptions/limit``).
    public var signals: [WeakSignal]
    /// Signals that passed the test but carry a ``WeakSignal/Flag`` (coordinated, recurring…).
    public var flagged: [WeakSignal]
}
