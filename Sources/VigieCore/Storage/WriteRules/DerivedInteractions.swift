extension Post {
    /// The interactions a store derives from this post (``interactions``: its reply, repost and
    /// quote targets and one mention per distinct account), keyed by the post's root id
    /// (`viaID`), so that every version of a post shares one set of edges and a newer version
    /// replaces them.
    ///
    /// ```swift
    /// for edge in post.derivedInteractions { insert(edge, derived: true) }
    /// ```
    public var derivedInteractions: [Interaction] {
        var edges = interactions
        let rootID = self.rootID
        if rootID != platformID {
            for index in edges.indices { edges[index].viaID = rootID }
        }
        return edges
    }

    /// The accounts this post's mentions name by id, with the handle written: a store records
    /// each (creating the account when unknown, filling its handle when it had none) when it
    /// derives the post's interactions. Lazy: nothing is allocated on the ingest path.
    public var mentionedAccounts: LazyMapSequence<LazyFilterSequence<[Mention]>, (key: AccountKey, handle: String)> {
        let platform = self.platform
        return mentions.lazy.filter { $0.accountID != nil }
            .map { (key: AccountKey(platform: platform, platformID: $0.accountID ?? ""), handle: $0.handle) }
    }
}

extension Interaction {
    /// The handle of a target given as `@handle` (an unresolved mention), else `nil`.
    ///
    /// A store resolves such a target to an account of the platform with that handle (any
    /// case), preferring one known by its real id; without one it keeps a placeholder account
    /// whose id is ``placeholderID(forHandle:)``.
    public static func handle(ofTarget target: String) -> String? {
        target.hasPrefix("@") ? String(target.dropFirst()) : nil
    }

    /// The id of the placeholder account of a handle no stored account has: `@` and the handle
    /// lowercased, so every spelling of it is one account.
    public static func placeholderID(forHandle handle: String) -> String {
        "@" + handle.lowercased()
    }
}
