import Foundation

/// Sentiment labels computed once per post and kept by the store (issue 19), so that a watch's
/// dashboard reads them instead of running the model over every post again.
///
/// Labels belong to one model (``model`` identities: a change of model file or lexicons makes the
/// stored labels stale, and storing labels of another model drops them); a post whose text
/// changes loses its label. The default implementations keep nothing, so a backend without this
/// storage still gives the same dashboards, computed each time.
public protocol SentimentStore: Sendable {
    /// Labels stored under `model` for the posts the watch matched that were created in `range`,
    /// by post; a `nil` label is a post the model left unclassified.
    func storedSentiments(watch: String, workspace: String, in range: Range<Date>,
                          model: String) async throws -> [PostKey: SentimentLabel?]

    /// Keeps `labels` under `model` (labels of any other model are dropped first). Posts that
    /// no longer exist are skipped.
    func storeSentiments(_ labels: [PostKey: SentimentLabel?], model: String, workspace: String) async throws
}

/// A post by identity: its platform and root id (``Post/rootID``, the same across edits).
public struct PostKey: Sendable, Hashable {
    public var platform: Platform
    public var rootID: String

    public init(platform: Platform, rootID: String) {
        self.platform = platform
        self.rootID = rootID
    }

    public init(_ post: Post) {
        self.init(platform: post.platform, rootID: post.rootID)
    }
}

extension SentimentStore {
    public func storedSentiments(watch: String, workspace: String, in range: Range<Date>,
                                 model: String) async throws -> [PostKey: SentimentLabel?] { [:] }

    public func storeSentiments(_ labels: [PostKey: SentimentLabel?], model: String, workspace: String) async throws {}
}
