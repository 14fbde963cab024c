import Foundation
import VigieCore

/// Bluesky Jetstream v1 events, one JSON object a line:
/// `{"did", "time_us", "kind": "commit" | "identity" | "account", …}`.
///
/// - Posts (`app.bsky.feed.post` create/update) are keyed by their `at://{did}/{collection}/{rkey}`
///   URI, authored by the DID. `createdAt` is the record's own `createdAt`; when it is missing,
///   not a date or outside 1970–2099, the event time (`time_us`, set by the relay) stands in, since a post must have a
///   time and the relay's clock is the best evidence left. An update keeps the record's
///   `createdAt` and sets `editedAt` to the event time.
/// - A reply's `conversationID` is its root's URI; a post that replies to nothing is its own root.
/// - Mentions take their handle from the text the facet covers (UTF-8 byte offsets), without `@`.
/// - Likes, reposts and follows are interactions (a Bluesky repost is a record of its own, not a
///   post with text); their time is the record's `createdAt`, else the event time.
/// - Deletes of posts, likes, reposts and follows are tombstones keyed by the record's URI.
/// - `identity` and `account` events and profile records (`app.bsky.actor.profile`) are accounts.
/// - Other collections (blocks, lists, third-party lexicons) are skipped with their name.
public struct JetstreamDecoder: JSONRecordDecoder {
    public static let format = ImportFormat.jetstream

    public init() {}

    public static func recognizes(_ value: JSONValue) -> Bool {
        guard let object = value.object else { return false }
        return object["did"] != nil && object["time_us"] != nil && object["kind"] != nil
    }

    public mutating func decode(_ value: JSONValue, into items: inout [IngestItem]) throws {
        guard value.object != nil else {
            throw RecordError.invalid("expected a Jetstream event object, found \(value.typeName)")
        }
        let did = try Self.requiredString(value, "did")
        guard let timeValue = value["time_us"] else { throw RecordError.missing("time_us") }
        guard let micros = timeValue.double else {
            throw RecordError.wrongType("time_us", expected: "a number of microseconds", found: timeValue)
        }
        // The relay's clock in microseconds; a value outside 1970–2099 is damage, not a time.
        guard micros.isFinite, DateParsing.supportedRange.contains(micros / 1_000_000) else {
            throw RecordError.invalid("field 'time_us' (\(micros)) is not a time between 1970 and 2099 in microseconds",
                                      field: "time_us")
        }
        let eventTime = Date(timeIntervalSince1970: micros / 1_000_000)
        let kind = try Self.requiredString(value, "kind")

        switch kind {
        case "commit":
            guard let commit = value["commit"] else { throw RecordError.missing("commit") }
            try decodeCommit(commit, did: did, eventTime: eventTime, into: &items)
        case "identity":
            let handle = value["identity"]?["handle"]?.string
            items.append(.account(Account(platform: .bluesky, platformID: did, handle: handle, observedAt: eventTime)))
        case "account":
            guard let account = value["account"] else { throw RecordError.missing("account") }
            let status = Self.accountStatus(account)
            items.append(.account(Account(platform: .bluesky, platformID: did, status: status, observedAt: eventTime)))
            if status == .deleted {
                items.append(.tombstone(Tombstone(platform: .bluesky, target: .account, platformID: did,
                                                  accountID: did, deletedAt: eventTime, reason: "deleted")))
            }
        default:
            throw RecordError.skipped("Jetstream event kind '\(kind)' is not imported")
        }
    }

    private static func accountStatus(_ account: JSONValue) -> AccountStatus? {
        if account["active"]?.bool == true { return .active }
        switch account["status"]?.string {
        case "deactivated": return .deactivated
        case "takendown": return .takendown
        case "suspended": return .suspended
        case "deleted": return .deleted
        default: return nil
        }
    }

    // MARK: - Commits

    private enum Collection: String {
        case post = "app.bsky.feed.post"
        case like = "app.bsky.feed.like"
        case repost = "app.bsky.feed.repost"
        case follow = "app.bsky.graph.follow"
        case profile = "app.bsky.actor.profile"
    }

    private func decodeCommit(_ commit: JSONValue, did: String, eventTime: Date, into items: inout [IngestItem]) throws {
        guard commit.object != nil else {
            throw RecordError.wrongType("commit", expected: "an object", found: commit)
        }
        let operation = try Self.requiredString(commit, "operation", path: "commit.")
        let collectionName = try Self.requiredString(commit, "collection", path: "commit.")
        let rkey = try Self.requiredString(commit, "rkey", path: "commit.")
        let uri = "at://\(did)/\(collectionName)/\(rkey)"
        guard let collection = Collection(rawValue: collectionName) else {
            throw RecordError.skipped("Bluesky collection '\(collectionName)' is not imported")
        }

        switch operation {
        case "delete":
            let target: Tombstone.Target
            switch collection {
            case .post: target = .post
            case .like: target = .like
            case .repost: target = .repost
            case .follow: target = .follow
            case .profile: throw RecordError.skipped("deletion of a Bluesky profile record")
            }
            items.append(.tombstone(Tombstone(platform: .bluesky, target: target, platformID: uri,
                                              accountID: did, deletedAt: eventTime, reason: "deleted")))
            return
        case "create", "update":
            break
        default:
            throw RecordError.invalid("unknown commit operation '\(operation)'", field: "commit.operation")
        }

        guard let record = commit["record"] else { throw RecordError.missing("commit.record") }
        guard record.object != nil else {
            throw RecordError.wrongType("commit.record", expected: "an object", found: record)
        }
        let recordTime = record["createdAt"]?.string.flatMap(DateParsing.parse) ?? eventTime

        switch collection {
        case .post:
            var post = try makePost(record, uri: uri, did: did, createdAt: recordTime)
            if operation == "update" { post.editedAt = eventTime }
            items.append(.post(post))
        case .like, .repost:
            let subject = try Self.requiredString(record["subject"] ?? .null, "uri", path: "commit.record.subject.")
            items.append(.interaction(Interaction(
                platform: .bluesky, kind: collection == .like ? .like : .repost, sourceAccountID: did,
                targetAccountID: Self.did(inURI: subject), targetPostID: subject, viaID: uri, at: recordTime)))
        case .follow:
            let subject = try Self.requiredString(record, "subject", path: "commit.record.")
            items.append(.interaction(Interaction(
                platform: .bluesky, kind: .follow, sourceAccountID: did, targetAccountID: subject,
                targetPostID: nil, viaID: uri, at: recordTime)))
        case .profile:
            var account = Account(platform: .bluesky, platformID: did)
            account.displayName = record["displayName"]?.string
            account.bio = record["description"]?.string
            // The record is the whole profile, so a missing avatar means there is none.
            account.defaultProfileImage = record["avatar"] == nil
            account.observedAt = eventTime
            items.append(.account(account))
        }
    }

    // MARK: - Posts

    private func makePost(_ record: JSONValue, uri: String, did: String, createdAt: Date) throws -> Post {
        var text = ""
        if let value = record["text"] {
            guard let string = value.string else {
                throw RecordError.wrongType("commit.record.text", expected: "a string", found: value)
            }
            text = string
        }
        var post = Post(platform: .bluesky, platformID: uri, authorID: did, createdAt: createdAt, text: text)
        post.language = record["langs"]?[0]?.string
        if let reply = record["reply"] {
            post.replyToPostID = reply["parent"]?["uri"]?.string
            post.replyToAccountID = post.replyToPostID.flatMap(Self.did(inURI:))
            post.conversationID = reply["root"]?["uri"]?.string ?? post.replyToPostID
        } else {
            post.conversationID = uri
        }
        if let embed = record["embed"] {
            addEmbed(embed, to: &post)
        }
        if let facets = record["facets"]?.array {
            addFacets(facets, to: &post)
        }
        return post
    }

    private func addEmbed(_ embed: JSONValue, to post: inout Post) {
        switch embed["$type"]?.string {
        case "app.bsky.embed.record":
            setQuote(embed["record"]?["uri"]?.string, of: &post)
        case "app.bsky.embed.recordWithMedia":
            // `record` is an `app.bsky.embed.record` that holds the reference.
            setQuote(embed["record"]?["record"]?["uri"]?.string, of: &post)
            if let media = embed["media"] { addEmbed(media, to: &post) }
        case "app.bsky.embed.images":
            post.mediaCount += embed["images"]?.array?.count ?? 0
        case "app.bsky.embed.video":
            post.mediaCount += 1
        case "app.bsky.embed.external":
            if let link = embed["external"]?["uri"]?.string, !link.isEmpty, !post.urls.contains(link) {
                post.urls.append(link)
            }
        default:
            break
        }
    }

    /// Only an embedded *post* is a quote; embedded lists, feeds and starter packs are not.
    private func setQuote(_ uri: String?, of post: inout Post) {
        guard let uri, uri.contains("/app.bsky.feed.post/") else { return }
        post.quoteOfID = uri
        post.quoteOfAccountID = Self.did(inURI: uri)
    }

    private func addFacets(_ facets: [JSONValue], to post: inout Post) {
        for facet in facets {
            for feature in facet["features"]?.array ?? [] {
                switch feature["$type"]?.string {
                case "app.bsky.richtext.facet#mention":
                    guard let mentioned = feature["did"]?.string else { continue }
                    var handle = Self.slice(post.text, facet["index"]) ?? mentioned
                    if handle.hasPrefix("@") { handle.removeFirst() }
                    post.mentions.append(Mention(accountID: mentioned, handle: handle.isEmpty ? mentioned : handle))
                case "app.bsky.richtext.facet#link":
                    if let link = feature["uri"]?.string, !link.isEmpty, !post.urls.contains(link) {
                        post.urls.append(link)
                    }
                case "app.bsky.richtext.facet#tag":
                    if let tag = feature["tag"]?.string, !tag.isEmpty, !post.hashtags.contains(tag) {
                        post.hashtags.append(tag)
                    }
                default:
                    continue
                }
            }
        }
    }

    /// The text a facet covers: `index.byteStart ..< index.byteEnd` in UTF-8 bytes. `nil` when the
    /// range is out of the text or cuts a character.
    static func slice(_ text: String, _ index: JSONValue?) -> String? {
        guard let start = index?["byteStart"]?.int, let end = index?["byteEnd"]?.int else { return nil }
        let utf8 = text.utf8
        guard start >= 0, start < end, end <= utf8.count else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        let upper = utf8.index(utf8.startIndex, offsetBy: end)
        // A UTF-8 continuation byte (10xxxxxx) cannot start a character.
        func isBoundary(_ i: String.Index) -> Bool { i == utf8.endIndex || utf8[i] & 0xC0 != 0x80 }
        guard isBoundary(lower), isBoundary(upper) else { return nil }
        return String(utf8[lower..<upper])
    }

    // MARK: - Fields

    /// The DID of an `at://did/collection/rkey` URI.
    static func did(inURI uri: String) -> String? {
        guard uri.hasPrefix("at://") else { return nil }
        let authority = uri.dropFirst(5).prefix { $0 != "/" }
        return authority.hasPrefix("did:") ? String(authority) : nil
    }

    private static func requiredString(_ object: JSONValue, _ key: String, path: String = "") throws -> String {
        guard let value = object[key] else { throw RecordError.missing(path + key) }
        guard let string = value.string else {
            throw RecordError.wrongType(path + key, expected: "a string", found: value)
        }
        guard !string.isEmpty else { throw RecordError.invalid("field '\(path + key)' is empty", field: path + key) }
        return string
    }
}
