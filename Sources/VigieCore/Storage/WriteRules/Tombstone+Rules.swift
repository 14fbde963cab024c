/// What a tombstone does, in every store:
///
/// | target | removes | hides from later imports |
/// |---|---|---|
/// | `post` | the post stored under that id (as its root or one of its versions), with its derived data (entities, full-text entry, derived interactions); when the id was a version's, the root id is tombstoned too | posts whose id or root id it names |
/// | `repost` | the recorded repost interaction, and a repost stored as a post under that id (a retweet) | both |
/// | `like`, `follow` | the recorded interaction of that kind with that id | the interaction |
/// | `account` | nothing in the store: its status becomes the reason (imports and live connectors then erase a deleted or taken-down account: ``PlatformDeletionWriter``) | — |
///
/// ```swift
/// if tombstone.target.removesPosts { deletePost(tombstone.platformID) }
/// if let kind = tombstone.target.removedInteractionKind { deleteRecordedInteractions(kind, via: tombstone.platformID) }
/// if let status = tombstone.accountStatus { setStatus(status, of: tombstone.platformID) }
/// ```
extension Tombstone.Target {
    /// Whether a tombstone of this target removes and hides a post stored under its id.
    public var removesPosts: Bool {
        switch self {
        case .post, .repost: return true
        case .account, .like, .follow: return false
        }
    }

    /// The kind of recorded (not derived) interaction a tombstone of this target removes and
    /// hides, by the interaction's `viaID`.
    public var removedInteractionKind: Interaction.Kind? {
        switch self {
        case .like: return .like
        case .repost: return .repost
        case .follow: return .follow
        case .post, .account: return nil
        }
    }

    /// The targets whose tombstones hide posts (for a store's lookup).
    public static let hidingPosts: [Tombstone.Target] = [.post, .repost]

    /// The target whose tombstones hide recorded interactions of `kind`, if any.
    public init?(hiding kind: Interaction.Kind) {
        switch kind {
        case .like: self = .like
        case .repost: self = .repost
        case .follow: self = .follow
        case .reply, .quote, .mention: return nil
        }
    }
}

extension Tombstone {
    /// The status an account tombstone gives its account: the reason when it names one
    /// (`suspended`, `deactivated`…), else `deleted`; `nil` for other targets.
    public var accountStatus: AccountStatus? {
        target == .account ? AccountStatus(rawValue: reason) ?? .deleted : nil
    }

    /// Whether this tombstone hides `post` from imports: a post or repost tombstone naming the
    /// post's own id or its root id, on the same platform.
    public func hides(_ post: Post) -> Bool {
        target.removesPosts && platform == post.platform
            && (platformID == post.platformID || platformID == post.rootID)
    }

    /// Whether this tombstone hides a recorded `interaction` from imports.
    public func hides(_ interaction: Interaction) -> Bool {
        target.removedInteractionKind == interaction.kind && platform == interaction.platform
            && platformID == interaction.viaID
    }

    /// Deleting one version of a post deletes the post: when a post tombstone removed a post
    /// whose root id is not the one it names, the root id is tombstoned too, so the original
    /// cannot come back. `nil` when nothing more is needed.
    public func rootTombstone(removedRootID rootID: String) -> Tombstone? {
        guard target == .post, rootID != platformID else { return nil }
        var root = self
        root.platformID = rootID
        return root
    }
}
