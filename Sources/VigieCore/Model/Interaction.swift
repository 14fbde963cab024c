import Foundation

/// A directed, timed edge between two accounts: who engaged with whom, and how.
public struct Interaction: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case reply, repost, quote, mention, like, follow
    }

    public var platform: Platform
    public var kind: Kind
    /// The account that acts (replies, reposts, likes, follows).
    public var sourceAccountID: String
    /// The account acted upon, where known.
    public var targetAccountID: String?
    /// The post acted upon (replied to, reposted, liked), where there is one.
    public var targetPostID: String?
    /// The post that carries the interaction (the reply, the repost), or the like/follow record id.
    public var viaID: String
    public var at: Date

    public init(platform: Platform, kind: Kind, sourceAccountID: String, targetAccountID: String?,
                targetPostID: String?, viaID: String, at: Date) {
        self.platform = platform
        self.kind = kind
        self.sourceAccountID = sourceAccountID
        self.targetAccountID = targetAccountID
        self.targetPostID = targetPostID
        self.viaID = viaID
        self.at = at
    }
}

extension Post {
    /// The interactions this post implies: its reply, repost and quote targets and its mentions.
    public var interactions: [Interaction] {
        var edges: [Interaction] = []
        func add(_ kind: Interaction.Kind, account: String?, post: String?) {
            guard account != nil || post != nil else { return }
            edges.append(Interaction(platform: platform, kind: kind, sourceAccountID: authorID,
                                     targetAccountID: account, targetPostID: post,
                                     viaID: platformID, at: createdAt))
        }
        if replyToPostID != nil || replyToAccountID != nil {
            add(.reply, account: replyToAccountID, post: replyToPostID)
        }
        if let repostOfID { add(.repost, account: repostOfAccountID, post: repostOfID) }
        if let quoteOfID { add(.quote, account: quoteOfAccountID, post: quoteOfID) }
        var seen = Set<String>()
        for mention in mentions {
            let key = mention.accountID ?? mention.handle.lowercased()
            guard seen.insert(key).inserted else { continue }
            // A mention edge targets the account; unresolved handles are kept as `@handle`.
            add(.mention, account: mention.accountID ?? "@" + mention.handle, post: nil)
        }
        return edges
    }
}
