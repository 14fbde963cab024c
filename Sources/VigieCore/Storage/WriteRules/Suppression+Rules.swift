import Foundation

/// Write rules for erased people (GDPR Art. 17): once a person is on a workspace's suppression
/// list, no import or live connector stores them again. Every backend applies these before
/// writing a batch, and the erasure itself rewrites stored posts with ``Post/redacting(_:)``.
extension IngestBatch {
    /// The batch without the suppressed people: their profiles, posts, interactions either way,
    /// tombstones, and reposts of their posts are dropped; other posts that name them are
    /// redacted. Returns the batch and how many items were dropped or redacted.
    public func suppressing(_ list: SuppressionList) -> (batch: IngestBatch, suppressed: Int) {
        guard !list.isEmpty else { return (self, 0) }
        let redaction = Redaction(list)
        var kept: [IngestItem] = []
        kept.reserveCapacity(items.count)
        var suppressed = 0
        for item in items {
            switch item {
            case .account(let account):
                if redaction.names(account.key, handle: account.handle) { suppressed += 1 } else { kept.append(item) }
            case .post(let post):
                guard let redacted = post.redacting(redaction) else { suppressed += 1; continue }
                if redacted != post { suppressed += 1 }
                kept.append(.post(redacted))
            case .interaction(let interaction):
                if redaction.names(interaction) { suppressed += 1 } else { kept.append(item) }
            case .tombstone(let tombstone):
                if redaction.names(tombstone) { suppressed += 1 } else { kept.append(item) }
            }
        }
        var batch = self
        batch.items = kept
        return (batch, suppressed)
    }
}

/// Who is to be left out of stored data, as a test on account ids and handles: a suppression
/// list (hashes) on writes, or the one person being erased (plain values) during an erasure.
public struct Redaction: Sendable {
    /// What replaces a redacted `@handle` in a post's text.
    public static let placeholder = "@[erased]"

    private let namesAccount: @Sendable (AccountKey) -> Bool
    private let namesHandle: @Sendable (Platform, String) -> Bool

    public init(_ list: SuppressionList) {
        namesAccount = { list.suppresses($0) }
        namesHandle = { list.suppresses(platform: $0, handle: $1) }
    }

    /// Redacts one person given by key and, when known, handle.
    public init(account: AccountKey, handle: String?) {
        let folded = handle.map { $0.drop { $0 == "@" }.lowercased() }
        namesAccount = { $0 == account }
        namesHandle = { platform, other in
            platform == account.platform && folded != nil && other.drop { $0 == "@" }.lowercased() == folded
        }
    }

    public func names(_ key: AccountKey, handle: String?) -> Bool {
        namesAccount(key) || handle.map { namesHandle(key.platform, $0) } ?? false
    }

    public func names(_ interaction: Interaction) -> Bool {
        let platform = interaction.platform
        if namesAccount(AccountKey(platform: platform, platformID: interaction.sourceAccountID)) { return true }
        guard let target = interaction.targetAccountID else { return false }
        if let handle = Interaction.handle(ofTarget: target) { return namesHandle(platform, handle) }
        return namesAccount(AccountKey(platform: platform, platformID: target))
    }

    public func names(_ tombstone: Tombstone) -> Bool {
        if let account = tombstone.accountID, namesAccount(AccountKey(platform: tombstone.platform, platformID: account)) {
            return true
        }
        return tombstone.accountStatus != nil
            && namesAccount(AccountKey(platform: tombstone.platform, platformID: tombstone.platformID))
    }

    fileprivate func namesHandle(platform: Platform, _ handle: String) -> Bool { namesHandle(platform, handle) }
    fileprivate func namesAccount(_ key: AccountKey) -> Bool { namesAccount(key) }
}

extension Post {
    /// This post as it may be kept once the redacted people are gone: `nil` when it is theirs
    /// (or a repost of theirs, which copies their text); otherwise without their mentions, the
    /// references to their account and posts, and with their `@handle` replaced in the text.
    public func redacting(_ redaction: Redaction) -> Post? {
        if redaction.names(authorKey, handle: authorHandle) { return nil }
        if let account = repostOfAccountID, redaction.names(AccountKey(platform: platform, platformID: account), handle: nil) {
            return nil
        }
        var post = self
        var handles: [String] = []
        post.mentions = mentions.filter { mention in
            let byID = mention.accountID.map { redaction.names(AccountKey(platform: platform, platformID: $0), handle: nil) } ?? false
            if byID || redaction.namesHandle(platform: platform, mention.handle) {
                handles.append(mention.handle)
                return false
            }
            return true
        }
        if let account = replyToAccountID, redaction.namesAccount(AccountKey(platform: platform, platformID: account)) {
            post.replyToAccountID = nil
            post.replyToPostID = nil
        }
        if let account = quoteOfAccountID, redaction.namesAccount(AccountKey(platform: platform, platformID: account)) {
            post.quoteOfAccountID = nil
            post.quoteOfID = nil
        }
        post.text = Redaction.removing(handles: handles, from: text)
        return post
    }
}

extension Redaction {
    /// `text` with every `@handle` of `handles` (whatever its case) replaced by ``placeholder``.
    public static func removing(handles: [String], from text: String) -> String {
        var result = text
        for handle in Set(handles.map { $0.drop { $0 == "@" }.lowercased() }) where !handle.isEmpty {
            result = replacingMention(of: handle, in: result)
        }
        return result
    }

    private static func replacingMention(of handle: String, in text: String) -> String {
        let needle = "@" + handle
        var output = ""
        var rest = Substring(text)
        while let range = rest.range(of: needle, options: .caseInsensitive) {
            let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : nil
            // `@ann` must not eat the start of `@anna`.
            let endsHandle = after.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? true
            output += rest[..<range.lowerBound]
            output += endsHandle ? placeholder : String(rest[range])
            rest = rest[range.upperBound...]
        }
        return output + rest
    }
}
