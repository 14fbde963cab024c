import Foundation
import VigieCore

/// Reads Twitter API v1.1 records: tweet objects (with their `user`, and the retweeted and
/// quoted originals inside them, which are posts too), user objects alone, `delete` notices of
/// the v1.1 stream, and the TwiBot-20 layout (`{"ID", "profile", "tweet", "neighbor", "domain"}`,
/// see `decodeTwiBot`).
///
/// ```swift
/// var decoder = TwitterV1Decoder()
/// var items: [IngestItem] = []
/// try decoder.decode(try JSONParser.parse(#"{"id_str": "1", "user": {...}, ...}"#), into: &items)
/// ```
public struct TwitterV1Decoder: JSONRecordDecoder {
    public static let format = ImportFormat.twitterV1

    public private(set) var rejectedParts: [RecordError] = []

    // Ids already emitted by the current unit (a retweet and its original share an author).
    private var emittedPosts: Set<String> = []
    private var emittedAccounts: Set<String> = []

    public init() {}

    public static func recognizes(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return false }
        if object["ID"] != nil, object["profile"] != nil { return true }
        if object["screen_name"] != nil, object["followers_count"] != nil { return true }
        if object["id_str"] != nil, object["user"] != nil || object["text"] != nil || object["full_text"] != nil {
            return true
        }
        return object["delete"]?["status"] != nil
    }

    public mutating func decode(_ value: JSONValue, into items: inout [IngestItem]) throws {
        rejectedParts.removeAll(keepingCapacity: true)
        emittedPosts.removeAll(keepingCapacity: true)
        emittedAccounts.removeAll(keepingCapacity: true)
        guard case .object(let object) = value else {
            throw RecordError.invalid("a Twitter v1.1 record is a JSON object, found \(value.typeName)")
        }
        if object["ID"] != nil, object["profile"] != nil {
            try decodeTwiBot(value, into: &items)
        } else if object["screen_name"] != nil, object["text"] == nil, object["full_text"] == nil {
            try appendAccount(TwitterV1Mapping.makeAccount(value, at: .unit), into: &items)
        } else if object["id_str"] != nil || object["id"] != nil,
                  object["text"] != nil || object["full_text"] != nil || object["user"] != nil {
            try decodeTweet(value, at: .unit, depth: 0, into: &items)
        } else if let status = value["delete"]?["status"] {
            items.append(.tombstone(try makeDeletion(status)))
        } else {
            throw RecordError.invalid("not a Twitter v1.1 record: no tweet 'id_str' and 'text', no user "
                + "'screen_name', no TwiBot-20 'ID' and 'profile'")
        }
    }

    /// A tweet, its author, and the retweeted and quoted originals it embeds. A bad original is a
    /// rejected part; the tweet itself is the record.
    private mutating func decodeTweet(_ tweet: JSONValue, at path: TwitterRecordPath, depth: Int,
                                      into items: inout [IngestItem]) throws {
        let post = try TwitterV1Mapping.makePost(tweet, at: path)
        if emittedPosts.insert(post.platformID).inserted { items.append(.post(post)) }
        if let user = tweet["user"] {
            do {
                try appendAccount(TwitterV1Mapping.makeAccount(user, at: TwitterRecordPath(container: path.field("user"))),
                                  into: &items)
            } catch {
                reject(error)
            }
        }
        guard depth < 3 else { return }
        for key in Self.embeddedTweetKeys {
            guard let original = tweet[key] else { continue }
            do {
                try decodeTweet(original, at: TwitterRecordPath(container: path.field(key)), depth: depth + 1, into: &items)
            } catch {
                reject(error)
            }
        }
    }

    private static let embeddedTweetKeys = ["retweeted_status", "quoted_status"]

    private func makeDeletion(_ status: JSONValue) throws -> Tombstone {
        let fields = TwitterFields(status)
        guard let id = try fields.id("id_str", "delete.status.id_str") ?? fields.id("id", "delete.status.id") else {
            throw RecordError.missing("delete.status.id_str")
        }
        let accountID = try fields.id("user_id_str", "delete.status.user_id_str")
            ?? fields.id("user_id", "delete.status.user_id")
        return Tombstone(platform: .twitter, target: .post, platformID: id, accountID: accountID, reason: "deleted")
    }

    mutating func appendAccount(_ account: Account, into items: inout [IngestItem]) {
        if emittedAccounts.insert(account.platformID).inserted { items.append(.account(account)) }
    }

    mutating func appendPost(_ post: Post, into items: inout [IngestItem]) {
        if emittedPosts.insert(post.platformID).inserted { items.append(.post(post)) }
    }

    mutating func reject(_ error: any Error) {
        rejectedParts.append(error as? RecordError ?? .invalid("\(error)"))
    }
}

extension TwitterRecordPath {
    init(container: String) {
        self.init(container: container, index: nil)
    }
}
