import Foundation
import VigieCore

/// Small builders so each test states only what it is about: posts, accounts, tombstones and
/// batches dated from one fixed instant.
public enum Fixture {
    /// 2023-11-14 22:13:20 UTC: every fixture date is an offset from it.
    public static let start = Date(timeIntervalSince1970: 1_700_000_000)

    public static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    public static func post(_ id: String, author: String = "u1", text: String = "bonjour", at seconds: Double = 0,
                            platform: Platform = .twitter, editOf: String? = nil, editedAt: Date? = nil,
                            hashtags: [String] = [], mentions: [Mention] = [], urls: [String] = [],
                            replyTo: (post: String, account: String)? = nil, metrics: PostMetrics? = nil) -> Post {
        Post(platform: platform, platformID: id, editOf: editOf, authorID: author, authorHandle: "handle_" + author,
             createdAt: at(seconds), text: text, replyToPostID: replyTo?.post, replyToAccountID: replyTo?.account,
             hashtags: hashtags, mentions: mentions, urls: urls, metrics: metrics, editedAt: editedAt)
    }

    public static func account(_ id: String, handle: String? = nil, followers: Int? = nil, bio: String? = nil,
                               observedAt seconds: Double? = nil, platform: Platform = .twitter) -> Account {
        Account(platform: platform, platformID: id, handle: handle, bio: bio, followers: followers,
                observedAt: seconds.map(at))
    }

    public static func tombstone(_ id: String, target: Tombstone.Target = .post, reason: String = "deleted") -> Tombstone {
        Tombstone(platform: .twitter, target: target, platformID: id, reason: reason)
    }

    public static func like(_ id: String, from source: String, to target: String, post: String? = nil,
                            at seconds: Double = 0) -> Interaction {
        Interaction(platform: .twitter, kind: .like, sourceAccountID: source, targetAccountID: target,
                    targetPostID: post, viaID: id, at: at(seconds))
    }

    public static func batch(_ items: [IngestItem], rejects: [Reject] = [], checkpoint: ImportCheckpoint? = nil) -> IngestBatch {
        IngestBatch(items: items, rejects: rejects, checkpoint: checkpoint)
    }

    /// A fresh directory for file-backed stores, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
