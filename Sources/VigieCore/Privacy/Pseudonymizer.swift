/// Stable keyed pseudonyms for the people of a workspace (GDPR Art. 4(5)): `p-` and 12 hex
/// digits of an HMAC-SHA-256 under the workspace's key, so that the same person gets the same
/// pseudonym in every output while nobody without the key can tell who it is. An owner reverses
/// one by recomputing the pseudonyms of the workspace's accounts (`PrivacyStore.revealPseudonym`).
///
/// An account is named by its platform id, which survives handle changes; a handle seen
/// without an id (a `@mention` in a text) by the handle itself. Domain prefixes keep these
/// hashes apart from the suppression hashes made with the same key.
///
/// ```swift
/// let pseudonyms = Pseudonymizer(key: workspaceKey)
/// pseudonyms.pseudonym(AccountKey(platform: .twitter, platformID: "12345"))   // "p-3fa9c2…"
/// let shown = pseudonyms.post(post)   // author, mentions and @handles in the text replaced
/// ```
public struct Pseudonymizer: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    /// The prefix every pseudonym starts with.
    public static let prefix = "p-"

    public func pseudonym(_ account: AccountKey) -> String {
        Self.prefix + KeyedHash.hex(key: key, message: "pseudonym-account:" + SuppressionList.accountMessage(account)).prefix(12)
    }

    public func pseudonym(platform: Platform, handle: String) -> String {
        Self.prefix + KeyedHash.hex(key: key, message: "pseudonym-handle:" + SuppressionList.handleMessage(platform: platform, handle: handle))
            .prefix(12)
    }

    /// The post with its author, the accounts it answers, quotes or reposts, its mentions and
    /// every `@handle` of its text replaced by pseudonyms. `accountIDs` names the platform id of
    /// handles whose mention carries none (lowercased handle → id), so that a person mentioned
    /// by handle gets the same pseudonym as their account. Links are kept: a profile link may
    /// still name someone.
    public func post(_ post: Post, accountIDs: [String: String] = [:]) -> Post {
        var shown = post
        let platform = post.platform
        func account(_ id: String) -> String { pseudonym(AccountKey(platform: platform, platformID: id)) }
        func handle(_ handle: String) -> String {
            accountIDs[handle.lowercased()].map(account) ?? pseudonym(platform: platform, handle: handle)
        }
        let author = account(post.authorID)
        // A handle of the text is named like its mention entity.
        var byHandle: [String: String] = [:]
        if let authorHandle = post.authorHandle { byHandle[authorHandle.lowercased()] = author }
        shown.mentions = post.mentions.map { mention in
            let name = mention.accountID.map(account) ?? handle(mention.handle)
            byHandle[mention.handle.lowercased()] = name
            return Mention(accountID: mention.accountID == nil ? nil : name, handle: name)
        }
        shown.authorID = author
        shown.authorHandle = author
        shown.replyToAccountID = post.replyToAccountID.map(account)
        shown.quoteOfAccountID = post.quoteOfAccountID.map(account)
        shown.repostOfAccountID = post.repostOfAccountID.map(account)
        shown.text = Self.replacingHandles(in: post.text) { byHandle[$0.lowercased()] ?? handle($0) }
        return shown
    }

    /// The account with its id and handle replaced by its pseudonym, and its free-text fields
    /// (name, biography, location, link) left out; counts and flags stay.
    public func account(_ account: Account) -> Account {
        var shown = account
        let name = pseudonym(account.key)
        shown.platformID = name
        shown.handle = name
        shown.displayName = nil
        shown.bio = nil
        shown.location = nil
        shown.url = nil
        return shown
    }

    /// `text` with every `@handle` (not an e-mail address) replaced by its pseudonym.
    public func text(_ text: String, platform: Platform) -> String {
        Self.replacingHandles(in: text) { pseudonym(platform: platform, handle: $0) }
    }

    /// The handles a text names as `@handle` (e-mail addresses are not handles).
    public static func handles(in text: String) -> [String] {
        var found: [String] = []
        _ = replacingHandles(in: text) { handle in
            found.append(handle)
            return handle
        }
        return found
    }

    /// Rewrites each `@handle` of `text` as `@` + `name(handle)`. A handle is letters, digits and
    /// `_ . - @` (Mastodon's `user@instance`), without the sentence punctuation that ends it.
    private static func replacingHandles(in text: String, _ name: (String) -> String) -> String {
        var output = ""
        var index = text.startIndex
        var previous: Character?
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "@", !(previous.map(isHandleCharacter) ?? false) else {
                output.append(character)
                previous = character
                index = next
                continue
            }
            var end = next
            while end < text.endIndex, isHandleCharacter(text[end]) || text[end] == "@" { end = text.index(after: end) }
            while end > next, ".-@".contains(text[text.index(before: end)]) { end = text.index(before: end) }
            guard end > next else {
                output.append(character)
                previous = character
                index = next
                continue
            }
            output += "@" + name(String(text[next..<end]))
            previous = "x"
            index = end
        }
        return output
    }

    /// Letters, digits and the `_ . -` that handles of Twitter, Bluesky and Mastodon use.
    private static func isHandleCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "." || character == "-"
    }
}

/// Who a pseudonym stands for, as an owner's reveal finds them: an account of the workspace, or
/// a handle only seen in mentions.
public struct PseudonymOwner: Sendable, Hashable, Codable {
    public var platform: Platform
    /// `nil` for a handle with no account in the workspace.
    public var platformID: String?
    public var handle: String?

    public init(platform: Platform, platformID: String?, handle: String?) {
        self.platform = platform
        self.platformID = platformID
        self.handle = handle
    }
}
