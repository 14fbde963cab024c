/// When a store records a version of a post in its edit history.
///
/// A post seen in one version only (nearly all of them) has no history: its content is the
/// version. A post gets a history when a second distinct version arrives (another version id or
/// another text); the history then holds every distinct version, the first included. An edit
/// stored before its original (a Twitter edit with `editOf`) starts a history at once, so that
/// its own id stays findable (a tombstone may name it).
///
/// ```swift
/// if PostVersions.isNewVersion(incoming, of: stored) {
///     if !hasHistory { insert(PostVersions.Entry(firstOf: stored)) }
///     insert(PostVersions.Entry(incoming))        // ignored when that version id is already there
/// }
/// ```
public enum PostVersions {
    /// One version as the history keeps it.
    public struct Entry: Sendable, Hashable {
        public var versionID: String
        public var text: String
        /// The version's own creation (milliseconds since 1970).
        public var createdAt: Int64
        public var editedAt: Int64?

        public init(versionID: String, text: String, createdAt: Int64, editedAt: Int64?) {
            self.versionID = versionID
            self.text = text
            self.createdAt = createdAt
            self.editedAt = editedAt
        }

        /// An incoming version.
        public init(_ content: PostContent) {
            self.init(versionID: content.currentVersionID, text: content.text, createdAt: content.createdAt,
                      editedAt: content.editedAt)
        }

        /// The version a stored post showed before its history started. Its creation is the
        /// post's (the earliest) unless it was an edit, which is dated by `versionAt`.
        public init(firstOf stored: PostContent) {
            self.init(versionID: stored.currentVersionID, text: stored.text,
                      createdAt: stored.editedAt == nil ? stored.versionAt : stored.createdAt,
                      editedAt: stored.editedAt)
        }
    }

    /// Whether `incoming` is a version the stored post's history does not show yet (another id
    /// or another text than the version shown). Histories keep one entry per version id.
    public static func isNewVersion(_ incoming: PostContent, of stored: PostContent) -> Bool {
        incoming.currentVersionID != stored.currentVersionID || incoming.text != stored.text
    }

    /// Whether a post stored for the first time starts its history at once: an edit with an id
    /// of its own (`editOf`), whose id must stay findable.
    public static func startsHistory(_ post: Post) -> Bool {
        post.editOf != nil
    }
}
