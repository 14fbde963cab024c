import Foundation
import VigieCore

/// Reads Twitter/X API v2 records as twarc2 writes them, one top-level JSON value a unit:
///
/// - raw responses: `{"data": [...], "includes": {"users", "tweets", ...}, "errors", "meta", "__twarc"}`.
///   Tweets in `data` and in `includes.tweets` are posts; users in `data` or `includes.users`
///   are accounts. `errors` next to `data` are partial failures (a deleted referenced tweet) and
///   are ignored; a line with `errors` only is skipped with the error as its reason.
/// - streaming lines, where `data` is one tweet (with `matching_rules`);
/// - `twarc2 flatten` output: one tweet a line with its `author`, `in_reply_to_user`, expanded
///   `referenced_tweets` and mentioned users inline (or one user a line, for a users response);
/// - batch compliance lines (`{"id", "action": "delete", "created_at", "reason"}`) as tombstones.
///
/// Lines that hold no posts or accounts (tweet counts, list metadata) are skipped with a reason.
/// One bad tweet in a page does not lose the page: it is reported in `rejectedParts`.
///
/// ```swift
/// var decoder = TwitterV2Decoder()
/// var items: [IngestItem] = []
/// try decoder.decode(try JSONParser.parse(line), into: &items)
/// ```
public struct TwitterV2Decoder: JSONRecordDecoder {
    public static let format = ImportFormat.twitterV2

    public private(set) var rejectedParts: [RecordError] = []

    /// What a compliance line's id names. `nil` (the default) decides per line, see
    /// `complianceTarget(id:createdAt:)`; set it when the file is known (`users_compliance.jsonl`).
    public var complianceTarget: Tombstone.Target?

    private var expansions = TwitterV2Expansions()
    // Ids already emitted by the current unit: `includes.tweets` often repeats a `data` tweet.
    private var emittedPosts: Set<String> = []
    private var emittedAccounts: Set<String> = []

    public init() {}

    public static func recognizes(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return false }
        if let data = object["data"] {
            switch data {
            case .object(let record):
                return record["id"] != nil || record["tweet_count"] != nil
            case .array(let records):
                guard let first = records.first else { return object["__twarc"] != nil || object["meta"] != nil }
                guard case .object(let record) = first else { return false }
                return record["id"] != nil || record["tweet_count"] != nil
            default:
                return false
            }
        }
        guard object["id"] != nil else { return false }
        if object["action"] != nil { return true }
        // A flattened user; the `__twarc` stamp tells it from other platforms' accounts.
        if object["username"] != nil, object["__twarc"] != nil { return true }
        return object["text"] != nil && (object["author_id"] != nil || object["author"] != nil)
    }

    public mutating func decode(_ value: JSONValue, into items: inout [IngestItem]) throws {
        rejectedParts.removeAll(keepingCapacity: true)
        emittedPosts.removeAll(keepingCapacity: true)
        emittedAccounts.removeAll(keepingCapacity: true)
        guard case .object(let object) = value else {
            throw RecordError.invalid("a Twitter v2 record is a JSON object, found \(value.typeName)")
        }
        let observedAt = Self.retrievedAt(value)
        if let data = object["data"], !data.isNull {
            try decodeResponse(value, data: data, observedAt: observedAt, into: &items)
        } else if object["id"] != nil, object["action"] != nil {
            items.append(.tombstone(try makeTombstone(TwitterFields(value))))
        } else if object["id"] != nil, object["text"] != nil || object["author_id"] != nil || object["author"] != nil {
            expansions.reset(tweets: [], users: [])
            try decodeFlattened(value, at: .unit, depth: 0, observedAt: observedAt, into: &items)
        } else if object["id"] != nil, object["username"] != nil {
            // `twarc2 flatten` of a users response: one user a line.
            items.append(.account(try TwitterV2Mapping.makeAccount(value, at: .unit, observedAt: observedAt)))
        } else if let errors = value["errors"] {
            throw RecordError.skipped("error response without data: " + Self.describe(errors: errors))
        } else if object["meta"] != nil || object["__twarc"] != nil {
            throw RecordError.skipped("response without data (no results)")
        } else {
            throw RecordError.invalid(
                "not a Twitter v2 record: no 'data', no compliance 'action', no tweet 'id' and 'text'")
        }
    }

    // MARK: - Raw responses

    private mutating func decodeResponse(
        _ response: JSONValue, data: JSONValue, observedAt: Date?, into items: inout [IngestItem]
    ) throws {
        let includes = TwitterFields(response["includes"] ?? .null)
        var includedTweets: [JSONValue] = []
        var includedUsers: [JSONValue] = []
        do {
            includedTweets = try includes.elements("tweets", "includes.tweets")
            includedUsers = try includes.elements("users", "includes.users")
        } catch {
            reject(error)
        }
        expansions.reset(tweets: includedTweets, users: includedUsers)
        let start = items.count
        var ignored = DataSummary()
        switch data {
        case .array(let records):
            for (index, record) in records.enumerated() {
                let path = TwitterRecordPath(container: "data", index: index)
                do {
                    try decodeDataRecord(record, at: path, observedAt: observedAt, ignored: &ignored, into: &items)
                } catch {
                    reject(error)
                }
            }
        case .object:
            // A streaming line: the line is this one tweet, so a bad one rejects the line.
            try decodeDataRecord(data, at: TwitterRecordPath(container: "data", index: nil),
                                 observedAt: observedAt, ignored: &ignored, into: &items)
        default:
            throw RecordError.wrongType("data", expected: "a tweet, or an array of tweets or users", found: data)
        }
        for (index, tweet) in includedTweets.enumerated() {
            do {
                let path = TwitterRecordPath(container: "includes.tweets", index: index)
                if let post = try makePost(tweet, at: path, observedAt: observedAt) { items.append(.post(post)) }
            } catch {
                reject(error)
            }
        }
        for (index, user) in includedUsers.enumerated() {
            do {
                let path = TwitterRecordPath(container: "includes.users", index: index)
                if let account = try makeAccount(user, at: path, observedAt: observedAt) { items.append(.account(account)) }
            } catch {
                reject(error)
            }
        }
        if items.count == start && rejectedParts.isEmpty {
            throw RecordError.skipped(ignored.reason)
        }
    }

    /// What a page's `data` held besides tweets and users, to say why it was skipped.
    private struct DataSummary {
        var counts = 0
        var lists = 0
        var others = 0

        var reason: String {
            if counts > 0 { return "tweet counts (\(counts) periods): no posts or accounts to import" }
            if lists > 0 { return "list metadata (\(lists) lists): no posts or accounts to import" }
            if others > 0 { return "\(others) records that are neither tweets nor users: nothing to import" }
            return "empty page: no posts or accounts to import"
        }
    }

    private mutating func decodeDataRecord(
        _ record: JSONValue, at path: TwitterRecordPath, observedAt: Date?,
        ignored: inout DataSummary, into items: inout [IngestItem]
    ) throws {
        guard case .object(let object) = record else {
            throw RecordError.wrongType(path.recordName, expected: "an object (a tweet or a user)", found: record)
        }
        if object["username"] != nil {
            if let account = try makeAccount(record, at: path, observedAt: observedAt) {
                items.append(.account(account))
            }
        } else if object["text"] != nil || object["author_id"] != nil {
            if let post = try makePost(record, at: path, observedAt: observedAt) {
                items.append(.post(post))
            }
        } else if object["tweet_count"] != nil {
            ignored.counts += 1
        } else if object["member_count"] != nil || object["owner_id"] != nil {
            ignored.lists += 1
        } else {
            ignored.others += 1
        }
    }

    // MARK: - Flattened tweets

    /// A flattened tweet and what is expanded inside it. Errors in the line's own tweet reject
    /// the line; errors in an expansion are rejected parts.
    private mutating func decodeFlattened(
        _ tweet: JSONValue, at path: TwitterRecordPath, depth: Int, observedAt: Date?,
        into items: inout [IngestItem]
    ) throws {
        if let post = try makePost(tweet, at: path, observedAt: observedAt) {
            items.append(.post(post))
        }
        if let author = tweet["author"] {
            appendExpandedUser(author, at: path, key: "author", index: nil, observedAt: observedAt, into: &items)
        }
        if let repliedTo = tweet["in_reply_to_user"] {
            appendExpandedUser(repliedTo, at: path, key: "in_reply_to_user", index: nil, observedAt: observedAt, into: &items)
        }
        // Mentions that twarc expanded carry the whole user (a `name` at least).
        if let mentions = tweet["entities"]?["mentions"]?.array {
            for (index, mention) in mentions.enumerated() where mention["name"] != nil && mention["id"] != nil {
                appendExpandedUser(mention, at: path, key: "entities.mentions", index: index, observedAt: observedAt, into: &items)
            }
        }
        // twarc expands referenced tweets recursively; a few levels cover every real case.
        guard depth < 3, let references = tweet["referenced_tweets"]?.array else { return }
        for (index, reference) in references.enumerated() where reference["text"] != nil || reference["author_id"] != nil {
            let referencePath = TwitterRecordPath(container: path.field("referenced_tweets"), index: index)
            do {
                try decodeFlattened(reference, at: referencePath, depth: depth + 1, observedAt: observedAt, into: &items)
            } catch {
                reject(error)
            }
        }
    }

    private mutating func appendExpandedUser(
        _ user: JSONValue, at path: TwitterRecordPath, key: String, index: Int?, observedAt: Date?,
        into items: inout [IngestItem]
    ) {
        do {
            let userPath = TwitterRecordPath(container: path.field(key), index: index)
            if let account = try makeAccount(user, at: userPath, observedAt: observedAt) { items.append(.account(account)) }
        } catch {
            reject(error)
        }
    }

    // MARK: - Compliance

    private func makeTombstone(_ fields: TwitterFields) throws -> Tombstone {
        let id = try fields.requiredID("id", "id")
        let action = try fields.string("action", "action") ?? ""
        guard action == "delete" else {
            throw RecordError.skipped("compliance action '\(action)' is not a deletion")
        }
        let createdAt = try fields.date("created_at", "created_at")
        let target = complianceTarget ?? Self.complianceTarget(id: id, createdAt: createdAt)
        return Tombstone(platform: .twitter, target: target, platformID: id,
                         deletedAt: try fields.date("redacted_at", "redacted_at"),
                         reason: try fields.string("reason", "reason") ?? action)
    }

    /// Tweet and user compliance files share one shape, so a line alone must tell which it is.
    /// The rule: a compliance `created_at` is the creation time of the object, and every tweet
    /// since November 2010 has a snowflake id that encodes that time to the millisecond. An id
    /// whose snowflake time matches `created_at` (within a second) is read as a tweet; any other
    /// (a legacy user id such as `1482680858`, created 2013) as an account. Accounts created since
    /// about 2015 also have snowflake ids and are read as tweets: a post tombstone with an
    /// account's id hides nothing, but the account is not hidden — set `complianceTarget` for
    /// user compliance files when the file is known. Without a date, a post is assumed.
    public static func complianceTarget(id: String, createdAt: Date?) -> Tombstone.Target {
        guard let createdAt else { return .post }
        guard let encoded = TwitterConventions.snowflakeTime(id),
              abs(encoded.timeIntervalSince(createdAt)) < 1 else { return .account }
        return .post
    }

    // MARK: - Shared steps

    /// A post unless the unit already gave this id.
    private mutating func makePost(_ tweet: JSONValue, at path: TwitterRecordPath, observedAt: Date?) throws -> Post? {
        let post = try TwitterV2Mapping.makePost(tweet, at: path, observedAt: observedAt, expansions: &expansions)
        return emittedPosts.insert(post.platformID).inserted ? post : nil
    }

    private mutating func makeAccount(_ user: JSONValue, at path: TwitterRecordPath, observedAt: Date?) throws -> Account? {
        let account = try TwitterV2Mapping.makeAccount(user, at: path, observedAt: observedAt)
        return emittedAccounts.insert(account.platformID).inserted ? account : nil
    }

    private mutating func reject(_ error: any Error) {
        rejectedParts.append(error as? RecordError ?? .invalid("\(error)"))
    }

    /// twarc's retrieval time: when the metrics and counts were observed.
    private static func retrievedAt(_ unit: JSONValue) -> Date? {
        guard let text = unit["__twarc"]?["retrieved_at"]?.string else { return nil }
        return DateParsing.parse(text)
    }

    /// `Not Found Error: Could not find tweet…` (and how many more errors there were).
    static func describe(errors: JSONValue) -> String {
        let list = errors.array ?? [errors]
        guard let first = list.first else { return "no error details" }
        let title = first["title"]?.string
        let detail = first["detail"]?.string ?? first["message"]?.string
        var text = [title, detail].compactMap { $0 }.joined(separator: ": ")
        if text.isEmpty { text = "unnamed error" }
        if list.count > 1 { text += " (and \(list.count - 1) more errors)" }
        return text
    }
}
