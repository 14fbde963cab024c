import Foundation
import VigieCore
@testable import VigieStore

/// Small builders so each test states only what it is about.
enum Fixture {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    static func post(_ id: String, author: String = "u1", text: String = "bonjour", at seconds: Double = 0,
                     platform: Platform = .twitter, editOf: String? = nil, editedAt: Date? = nil,
                     hashtags: [String] = [], mentions: [Mention] = [], urls: [String] = [],
                     replyTo: (post: String, account: String)? = nil, metrics: PostMetrics? = nil) -> Post {
        Post(platform: platform, platformID: id, editOf: editOf, authorID: author, authorHandle: "handle_" + author,
             createdAt: at(seconds), text: text, replyToPostID: replyTo?.post, replyToAccountID: replyTo?.account,
             hashtags: hashtags, mentions: mentions, urls: urls, metrics: metrics, editedAt: editedAt)
    }

    static func account(_ id: String, handle: String? = nil, followers: Int? = nil, bio: String? = nil,
                        observedAt seconds: Double? = nil, platform: Platform = .twitter) -> Account {
        Account(platform: platform, platformID: id, handle: handle, bio: bio, followers: followers,
                observedAt: seconds.map(at))
    }

    static func tombstone(_ id: String, target: Tombstone.Target = .post, reason: String = "deleted") -> Tombstone {
        Tombstone(platform: .twitter, target: target, platformID: id, reason: reason)
    }

    static func batch(_ items: [IngestItem], rejects: [Reject] = [], checkpoint: ImportCheckpoint? = nil) -> IngestBatch {
        IngestBatch(items: items, rejects: rejects, checkpoint: checkpoint)
    }

    /// A fresh directory for file-backed stores, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct SimulatedCrash: Error {}

extension SQLiteStore {
    /// Raw SQL peeks at tables the public API does not expose.
    func strings(_ sql: String) throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: sql) }
    }

    func count(_ sql: String) throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}
