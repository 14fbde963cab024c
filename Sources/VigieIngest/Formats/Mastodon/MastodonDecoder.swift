import Foundation
import VigieCore

/// Mastodon-API JSON, as served by Mastodon, Pleroma, Akkoma and Pixelfed: one status, one
/// account, a streaming event (`{"event": "update", "payload": "<status JSON>"}`), a notification,
/// or a bare Mastodon 4.4 quote (`{"state", "quoted_status"}`). The pipeline splits top-level
/// arrays (timelines) into elements, so each value decoded here is one object.
///
/// Decisions, so that the same data always gives the same records:
/// - **Identifiers** are the ids the serving instance gives (`id`, `account.id`). Every cross
///   reference of the API (`in_reply_to_id`, `in_reply_to_account_id`, `mentions[].id`,
///   `quote_id`, `reblog.id`) uses them, so any other key (the `uri`) would break the reply and
///   mention graph. They are stable on one instance; import different instances' exports into
///   different workspaces if their ids might collide.
/// - **Handles** are always `user@domain`: `acct` when remote, `fqn` (Akkoma) when given,
///   otherwise the local `acct` completed with the host of the account's `url`. Two instances'
///   `@alice` then never merge by handle.
/// - **Text** is `content` rendered by ``HTMLText`` even when a `text` source is present
///   (Pleroma), so that every server's posts read alike; `text` is used only without `content`.
///   A content warning (`spoiler_text`) is written first, then a blank line, then the text: it is
///   part of what the author wrote and what searches should find.
/// - **Visibility** is not filtered: private and direct statuses are kept like public ones (an
///   export holds them only when its owner could read them); the model has no visibility field.
/// - A reblog is a post with `repostOfID`; the reblogged status and its author are imported too.
///   A quote (Akkoma/Pleroma `quote`, `quote_id`; Mastodon 4.4 `quote.quoted_status[_id]`) sets
///   `quoteOfID`, whatever the quote's approval state; the quoted status is imported too.
/// - Hashtags are taken as written in the content, then any other `tags[].name`.
/// - **Verified** is true when a profile field has a non-null `verified_at` (a rel=me link the
///   server checked), false when there are fields and none is verified, unknown without fields.
/// - `moved` imports the account moved to; `suspended: true` sets the `suspended` status.
public struct MastodonDecoder: JSONRecordDecoder {
    public static let format = ImportFormat.mastodon

    public init() {}

    public static func recognizes(_ value: JSONValue) -> Bool {
        guard let object = value.object else { return false }
        if object["event"] != nil && object["payload"] != nil { return true }
        guard object["id"] != nil else {
            return object["state"] != nil && object["quoted_status"]?.object != nil
        }
        if object["content"] != nil && object["account"] != nil { return true }
        return object["acct"] != nil && object["username"] != nil
    }

    public mutating func decode(_ value: JSONValue, into items: inout [IngestItem]) throws {
        guard let object = value.object else {
            throw RecordError.invalid("expected a Mastodon status, account or streaming event, found \(value.typeName)")
        }
        if let event = object["event"] {
            return try decodeStreamingEvent(event, payload: value["payload"], into: &items)
        }
        if object["account"] != nil && (object["content"] != nil || object["reblog"] != nil || object["text"] != nil) {
            return try decodeStatus(value, path: "", into: &items)
        }
        if object["acct"] != nil || (object["username"] != nil && object["id"] != nil) {
            return try decodeAccount(value, path: "", into: &items)
        }
        if object["type"] != nil && object["account"] != nil {
            return try decodeNotification(value, into: &items)
        }
        if object["quoted_status"] != nil || object["quoted_status_id"] != nil {
            guard let quoted = value["quoted_status"] else {
                throw RecordError.skipped("a Mastodon quote whose quoted status is not included")
            }
            return try decodeStatus(quoted, path: "quoted_status.", into: &items)
        }
        throw Self.whatItIs(object)
    }

    // MARK: - Records that hold no status or account

    /// Names the Mastodon-API documents that hold nothing Vigie stores, or rejects the unknown.
    private static func whatItIs(_ object: JSONObject) -> RecordError {
        if object["uri"] != nil && object["title"] != nil && (object["version"] != nil || object["stats"] != nil) {
            return .skipped("a Mastodon-API instance description (server metadata), not a status or account")
        }
        if object["id"] != nil && object["text"] != nil && object["spoiler_text"] != nil {
            return .skipped("a status source (the editable text of a status, with no author or date)")
        }
        if object["name"] != nil && object["history"] != nil {
            return .skipped("a hashtag with its daily usage history")
        }
        if object["async_refresh"] != nil {
            return .skipped("an async-refresh progress report")
        }
        if object["id"] != nil && object["content"] != nil {
            return .missing("account")
        }
        return .invalid("not a Mastodon status, account or streaming event (keys: \(object.keys.prefix(8).joined(separator: ", ")))")
    }

    // MARK: - Streaming and notifications

    private func decodeStreamingEvent(_ event: JSONValue, payload: JSONValue?, into items: inout [IngestItem]) throws {
        guard let name = event.string else {
            throw RecordError.wrongType("event", expected: "a string", found: event)
        }
        switch name {
        case "update", "status.update":
            guard let payload else { throw RecordError.missing("payload") }
            let status: JSONValue
            switch payload {
            case .string(let text):
                do {
                    status = try JSONParser.parse(text)
                } catch {
                    throw RecordError.invalid("payload of a '\(name)' event is not valid JSON: \(error)", field: "payload")
                }
            case .object: status = payload
            default: throw RecordError.wrongType("payload", expected: "a JSON string", found: payload)
            }
            try decodeStatus(status, path: "payload.", into: &items)
        case "delete":
            guard let payload else { throw RecordError.missing("payload") }
            guard let id = payload.id else {
                throw RecordError.wrongType("payload", expected: "a status id", found: payload)
            }
            items.append(.tombstone(Tombstone(platform: .mastodon, target: .post, platformID: id, reason: "deleted")))
        default:
            throw RecordError.skipped("Mastodon streaming event '\(name)' holds no status")
        }
    }

    /// A notification carries the account that acted and, for most types, a status.
    private func decodeNotification(_ value: JSONValue, into items: inout [IngestItem]) throws {
        try decodeAccount(value["account"] ?? .null, path: "account.", into: &items)
        if let status = value["status"] {
            try decodeStatus(status, path: "status.", into: &items)
        }
    }

    // MARK: - Status

    /// Appends the status's author, the post, and any reblogged or quoted status with its author.
    /// Reblogs and quotes nest statuses; real ones nest two or three deep. Deeper nesting is
    /// damage (or a trap for recursive code) and rejects the record.
    static let maxNestedStatuses = 8

    private func decodeStatus(_ status: JSONValue, path: String, depth: Int = 0, into items: inout [IngestItem]) throws {
        guard depth <= Self.maxNestedStatuses else {
            throw RecordError.invalid("statuses nested more than \(Self.maxNestedStatuses) deep (reblogs and quotes)",
                                      field: String(path.dropLast()))
        }
        guard status.object != nil else {
            throw RecordError.wrongType(path.isEmpty ? "status" : String(path.dropLast()), expected: "a status object", found: status)
        }
        let id = try Self.requiredID(status, "id", path: path)
        guard let accountValue = status["account"] else { throw RecordError.missing(path + "account") }
        guard accountValue.object != nil else {
            throw RecordError.wrongType(path + "account", expected: "an account object", found: accountValue)
        }
        let author = try makeAccount(accountValue, path: path + "account.")
        let createdAt = try Self.requiredDate(status, "created_at", path: path)

        let rendering = HTMLText.render(try Self.optionalString(status, "content", path: path)
            ?? Self.optionalString(status, "text", path: path) ?? "")
        var text = rendering.text
        if let spoiler = try Self.optionalString(status, "spoiler_text", path: path), !spoiler.isEmpty {
            text = text.isEmpty ? spoiler : spoiler + "\n\n" + text
        }

        var post = Post(platform: .mastodon, platformID: id, authorID: author.platformID,
                        authorHandle: author.handle, createdAt: createdAt, text: text)
        if let language = status["language"]?.string, !language.isEmpty, language != "und" {
            post.language = language
        }
        post.replyToPostID = try Self.optionalID(status, "in_reply_to_id", path: path)
        post.replyToAccountID = try Self.optionalID(status, "in_reply_to_account_id", path: path)
        post.hashtags = Self.hashtags(written: rendering.hashtags, tags: status["tags"])
        post.mentions = Self.mentions(status["mentions"])
        post.urls = rendering.links
        if let cardURL = status["card"]?["url"]?.string, !cardURL.isEmpty, !post.urls.contains(cardURL) {
            post.urls.append(cardURL)
        }
        post.mediaCount = status["media_attachments"]?.array?.count ?? 0
        post.source = status["application"]?["name"]?.string
        post.metrics = PostMetrics(likes: try Self.count(status, "favourites_count", path: path),
                                   reposts: try Self.count(status, "reblogs_count", path: path),
                                   replies: try Self.count(status, "replies_count", path: path),
                                   quotes: try Self.count(status, "quotes_count", path: path))
        if let edited = status["edited_at"] {
            guard let text = edited.string, let date = DateParsing.parse(text) else {
                throw RecordError.invalid("field '\(path)edited_at' is not a date: "
                                          + (edited.string.map { "'\($0.prefix(40))'" + DateParsing.explanation(for: $0) } ?? "found \(edited.typeName)"),
                                          field: path + "edited_at")
            }
            post.editedAt = date
        }

        var nested: [(JSONValue, String)] = []
        if let reblog = status["reblog"] {
            post.repostOfID = try Self.requiredID(reblog, "id", path: path + "reblog.")
            post.repostOfAccountID = reblog["account"]?["id"]?.id
            nested.append((reblog, path + "reblog."))
        }
        if let (quoteID, quoted, quotedPath) = try Self.quote(of: status, path: path) {
            post.quoteOfID = quoteID
            post.quoteOfAccountID = quoted?["account"]?["id"]?.id
            if let quoted { nested.append((quoted, quotedPath)) }
        }

        items.append(.account(author))
        items.append(.post(post))
        for (inner, innerPath) in nested {
            try decodeStatus(inner, path: innerPath, depth: depth + 1, into: &items)
        }
    }

    /// The quoted status's id, and the quoted status itself when the record embeds it.
    private static func quote(of status: JSONValue, path: String) throws -> (String, JSONValue?, String)? {
        if let quote = status["quote"] {
            // Mastodon 4.4: `{state, quoted_status | quoted_status_id}`.
            if let quoted = quote["quoted_status"] {
                return (try requiredID(quoted, "id", path: path + "quote.quoted_status."), quoted, path + "quote.quoted_status.")
            }
            if let id = try optionalID(quote, "quoted_status_id", path: path + "quote.") { return (id, nil, "") }
            // Akkoma / Pleroma: the quoted status itself.
            if quote["account"] != nil {
                return (try requiredID(quote, "id", path: path + "quote."), quote, path + "quote.")
            }
        }
        if let id = try optionalID(status, "quote_id", path: path)
            ?? optionalID(status["pleroma"] ?? .null, "quote_id", path: path + "pleroma.") {
            return (id, nil, "")
        }
        return nil
    }

    private static func hashtags(written: [String], tags: JSONValue?) -> [String] {
        var result = written
        var seen = Set(written.map { $0.lowercased() })
        for tag in tags?.array ?? [] {
            guard let name = tag["name"]?.string, !name.isEmpty, seen.insert(name.lowercased()).inserted else { continue }
            result.append(name)
        }
        return result
    }

    private static func mentions(_ value: JSONValue?) -> [Mention] {
        guard let list = value?.array else { return [] }
        var mentions: [Mention] = []
        mentions.reserveCapacity(list.count)
        for mention in list {
            let id = mention["id"]?.id
            guard let acct = mention["acct"]?.string ?? mention["username"]?.string else {
                if let id { mentions.append(Mention(accountID: id, handle: id)) }
                continue
            }
            mentions.append(Mention(accountID: id, handle: qualifiedHandle(acct, url: mention["url"]?.string)))
        }
        return mentions
    }

    // MARK: - Account

    private func decodeAccount(_ value: JSONValue, path: String, into items: inout [IngestItem]) throws {
        guard value.object != nil else {
            throw RecordError.wrongType(path.isEmpty ? "account" : String(path.dropLast()), expected: "an account object", found: value)
        }
        items.append(.account(try makeAccount(value, path: path)))
        if let moved = value["moved"], moved.object != nil {
            items.append(.account(try makeAccount(moved, path: path + "moved.")))
        }
    }

    private func makeAccount(_ value: JSONValue, path: String) throws -> Account {
        let id = try Self.requiredID(value, "id", path: path)
        var account = Account(platform: .mastodon, platformID: id)
        if let acct = value["fqn"]?.string ?? value["acct"]?.string ?? value["username"]?.string, !acct.isEmpty {
            account.handle = Self.qualifiedHandle(acct, url: value["url"]?.string)
        }
        account.displayName = value["display_name"]?.string
        if let note = value["note"]?.string {
            account.bio = HTMLText.plainText(note)
        }
        if let created = value["created_at"] {
            guard let text = created.string, let date = DateParsing.parse(text) else {
                throw RecordError.invalid("field '\(path)created_at' is not a date: "
                                          + (created.string.map { "'\($0.prefix(40))'" + DateParsing.explanation(for: $0) } ?? "found \(created.typeName)"),
                                          field: path + "created_at")
            }
            account.createdAt = date
        }
        account.followers = try Self.count(value, "followers_count", path: path)
        account.following = try Self.count(value, "following_count", path: path)
        account.postsCount = try Self.count(value, "statuses_count", path: path)
        if let fields = (value["fields"] ?? value["source"]?["fields"])?.array, !fields.isEmpty {
            account.verified = fields.contains { $0["verified_at"] != nil }
        }
        account.declaredBot = value["bot"]?.bool
            ?? value["source"]?["pleroma"]?["actor_type"]?.string.map { $0 == "Service" }
        if let avatar = value["avatar"]?.string {
            account.defaultProfileImage = Self.isDefaultAvatar(avatar)
        }
        account.isPrivate = value["locked"]?.bool
        account.url = value["url"]?.string
        account.location = value["location"]?.string
        if value["suspended"]?.bool == true { account.status = .suspended }
        return account
    }

    /// Mastodon serves `…/avatars/original/missing.png`, Pixelfed `…/avatars/default.jpg`,
    /// Pleroma `/images/avi.png` to accounts without a picture.
    private static func isDefaultAvatar(_ url: String) -> Bool {
        guard !url.isEmpty else { return true }
        let file = url.split(separator: "/").last.map(String.init) ?? url
        return file.hasPrefix("missing") || file.hasPrefix("default") || file == "avi.png"
    }

    /// `user@domain`: a remote `acct` as given, a local one completed with the host of `url`.
    static func qualifiedHandle(_ acct: String, url: String?) -> String {
        var handle = Substring(acct)
        if handle.hasPrefix("@") { handle = handle.dropFirst() }
        guard !handle.contains("@"), let url, let host = host(of: url) else { return String(handle) }
        return handle + "@" + host
    }

    private static func host(of url: String) -> Substring? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        return host.isEmpty ? nil : host
    }

    // MARK: - Fields

    private static func requiredID(_ object: JSONValue, _ key: String, path: String) throws -> String {
        guard let value = object[key] else { throw RecordError.missing(path + key) }
        if case .string(let text) = value, text.isEmpty {
            throw RecordError.invalid("field '\(path + key)' is empty", field: path + key)
        }
        guard let id = value.id else {
            throw RecordError.wrongType(path + key, expected: "a string id", found: value)
        }
        return id
    }

    /// An id that may be absent or null, but not of another type.
    private static func optionalID(_ object: JSONValue, _ key: String, path: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard let id = value.id else {
            throw RecordError.wrongType(path + key, expected: "an id", found: value)
        }
        return id
    }

    /// A count: `nil` when absent; a negative count is a hidden one (servers send -1 for counts
    /// their users hide) and is kept unknown; any other type is an error.
    private static func count(_ object: JSONValue, _ key: String, path: String) throws -> Int? {
        guard let value = object[key] else { return nil }
        guard let number = value.int else {
            throw RecordError.wrongType(path + key, expected: "a whole number", found: value)
        }
        return number >= 0 ? number : nil
    }

    private static func requiredDate(_ object: JSONValue, _ key: String, path: String) throws -> Date {
        guard let value = object[key] else { throw RecordError.missing(path + key) }
        guard let text = value.string else {
            throw RecordError.wrongType(path + key, expected: "a date string", found: value)
        }
        guard let date = DateParsing.parse(text) else {
            throw RecordError.invalid("field '\(path + key)' is not a date: '\(text.prefix(40))'"
                                      + DateParsing.explanation(for: text), field: path + key)
        }
        return date
    }

    private static func optionalString(_ object: JSONValue, _ key: String, path: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value.string else {
            throw RecordError.wrongType(path + key, expected: "a string", found: value)
        }
        return text
    }
}
