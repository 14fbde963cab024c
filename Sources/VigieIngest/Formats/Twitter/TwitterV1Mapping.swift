import Foundation
import VigieCore

/// Field reads for Twitter API v1.1 objects, which come either typed (the API's own JSON) or
/// "stringly" (TwiBot-20 writes every profile value as Python's `str(value) + " "`: `"17461978 "`,
/// `"True "`, `"None "`). In stringly mode the padding space is removed, `None` is a null,
/// numbers and booleans are read from their text.
struct TwitterV1Fields {
    let value: JSONValue
    let stringly: Bool

    init(_ value: JSONValue, stringly: Bool = false) {
        self.value = value
        self.stringly = stringly
    }

    private var typed: TwitterFields { TwitterFields(value) }

    /// The text of a stringly value without its padding; `nil` for Python's `None`.
    private func padded(_ key: String) -> String?? {
        guard stringly, case .string(let raw)? = value[key] else { return .none }
        let text = raw.hasSuffix(" ") ? String(raw.dropLast()) : raw
        return .some(text == "None" ? nil : text)
    }

    func string(_ key: String, _ path: @autoclosure () -> String) throws -> String? {
        if case .some(let text) = padded(key) { return text }
        return try typed.string(key, path())
    }

    func id(_ key: String, _ path: @autoclosure () -> String) throws -> String? {
        if case .some(let text) = padded(key) {
            guard let text else { return nil }
            guard !text.isEmpty else { throw RecordError.invalid("field '\(path())' is an empty id", field: path()) }
            return text
        }
        return try typed.id(key, path())
    }

    func date(_ key: String, _ path: @autoclosure () -> String) throws -> Date? {
        guard let text = try string(key, path()) else { return nil }
        guard let date = DateParsing.parse(text) else {
            throw RecordError.invalid("field '\(path())' is not a valid date: '\(text.prefix(40))'"
                                      + DateParsing.explanation(for: text), field: path())
        }
        return date
    }

    func count(_ key: String, _ path: @autoclosure () -> String) throws -> Int? {
        if case .some(let text) = padded(key) {
            guard let text else { return nil }
            guard let number = Int(text), number >= 0 else {
                throw RecordError.invalid("field '\(path())' should be a whole number ≥ 0, found '\(text.prefix(40))'", field: path())
            }
            return number
        }
        return try typed.count(key, path())
    }

    func flag(_ key: String, _ path: @autoclosure () -> String) throws -> Bool? {
        if case .some(let text) = padded(key) {
            switch text?.lowercased() {
            case nil: return nil
            case "true": return true
            case "false": return false
            default:
                throw RecordError.invalid("field '\(path())' should be True or False, found '\(text?.prefix(40) ?? "")'",
                                          field: path())
            }
        }
        return try typed.flag(key, path())
    }

    func elements(_ key: String, _ path: @autoclosure () -> String) throws -> [JSONValue] {
        try typed.elements(key, path())
    }

    func object(_ key: String, _ path: @autoclosure () -> String) throws -> TwitterV1Fields? {
        guard let object = try typed.object(key, path()) else { return nil }
        return TwitterV1Fields(object.value, stringly: stringly)
    }
}

/// Maps Twitter API v1.1 tweet and user objects to Vigie's model.
enum TwitterV1Mapping {
    static func makeAccount(_ user: JSONValue, at path: TwitterRecordPath, stringly: Bool = false) throws -> Account {
        guard case .object = user else {
            throw RecordError.wrongType(path.recordName, expected: "a user object", found: user)
        }
        let fields = TwitterV1Fields(user, stringly: stringly)
        guard let id = try fields.id("id_str", path.field("id_str")) ?? fields.id("id", path.field("id")) else {
            throw RecordError.missing(path.field("id_str"))
        }
        var account = Account(platform: .twitter, platformID: id)
        account.handle = try fields.string("screen_name", path.field("screen_name"))
        account.displayName = try fields.string("name", path.field("name"))
        account.bio = try fields.string("description", path.field("description"))
        account.createdAt = try fields.date("created_at", path.field("created_at"))
        account.followers = try fields.count("followers_count", path.field("followers_count"))
        account.following = try fields.count("friends_count", path.field("friends_count"))
        account.postsCount = try fields.count("statuses_count", path.field("statuses_count"))
        account.listedCount = try fields.count("listed_count", path.field("listed_count"))
        account.verified = try fields.flag("verified", path.field("verified"))
        account.isPrivate = try fields.flag("protected", path.field("protected"))
        account.location = try fields.string("location", path.field("location"))
        account.defaultProfileImage = try fields.flag("default_profile_image", path.field("default_profile_image"))
            ?? TwitterConventions.isDefaultProfileImage(
                try fields.string("profile_image_url_https", path.field("profile_image_url_https"))
                    ?? fields.string("profile_image_url", path.field("profile_image_url")))
        account.url = try expandedProfileURL(fields, at: path)
            ?? TwitterConventions.nonEmpty(fields.string("url", path.field("url")))
        // The crawl's own time where the export keeps one (the Bot Repository conversion's newest
        // tweet is a lower bound of it).
        for key in ["retrieved_at", "crawled_at", "probe_timestamp", "last_tweet_created_at"] where account.observedAt == nil {
            account.observedAt = try fields.date(key, path.field(key))
        }
        return account
    }

    /// `url` is a t.co link; the expanded one is in `entities.url.urls[0].expanded_url`. TwiBot-20
    /// keeps `entities` as the text of a Python dict, from which the first expanded URL of the
    /// `url` section is read.
    private static func expandedProfileURL(_ fields: TwitterV1Fields, at path: TwitterRecordPath) throws -> String? {
        switch fields.value["entities"] {
        case .object?:
            let urls = try fields.object("entities", path.field("entities"))?
                .object("url", path.field("entities.url"))?
                .elements("urls", path.field("entities.url.urls")) ?? []
            return TwitterConventions.nonEmpty(urls.first?["expanded_url"]?.string)
        case .string(let pythonText)?:
            guard pythonText.hasPrefix("{'url': {'urls': [{"),
                  let key = pythonText.range(of: "'expanded_url': '") else { return nil }
            let rest = pythonText[key.upperBound...]
            guard let end = rest.firstIndex(of: "'") else { return nil }
            return TwitterConventions.nonEmpty(String(rest[..<end]))
        default:
            return nil
        }
    }

    static func makePost(_ tweet: JSONValue, at path: TwitterRecordPath) throws -> Post {
        guard case .object = tweet else {
            throw RecordError.wrongType(path.recordName, expected: "a tweet object", found: tweet)
        }
        let fields = TwitterV1Fields(tweet)
        guard let id = try fields.id("id_str", path.field("id_str")) ?? fields.id("id", path.field("id")) else {
            throw RecordError.missing(path.field("id_str"))
        }
        let createdAt = try fields.date("created_at", path.field("created_at"))
        guard let createdAt else { throw RecordError.missing(path.field("created_at")) }
        let user = try fields.object("user", path.field("user"))
        guard let authorID = try user?.id("id_str", path.field("user.id_str")) ?? user?.id("id", path.field("user.id"))
            ?? fields.id("user_id_str", path.field("user_id_str")) else {
            throw RecordError.missing(path.field("user"))
        }
        // Since 2016 a long tweet's whole text is in `extended_tweet` (streaming) or `full_text`
        // (REST with tweet_mode=extended); `text` is cut at 140 characters.
        let extended = try fields.object("extended_tweet", path.field("extended_tweet"))
        let text = try extended?.string("full_text", path.field("extended_tweet.full_text"))
            ?? fields.string("full_text", path.field("full_text"))
            ?? fields.string("text", path.field("text")) ?? ""

        var post = Post(platform: .twitter, platformID: id, authorID: authorID, createdAt: createdAt, text: text)
        post.authorHandle = try user?.string("screen_name", path.field("user.screen_name"))
        post.language = TwitterConventions.language(try fields.string("lang", path.field("lang")))
        post.source = TwitterConventions.sourceName(try fields.string("source", path.field("source")))
        post.replyToPostID = try fields.id("in_reply_to_status_id_str", path.field("in_reply_to_status_id_str"))
            ?? fields.id("in_reply_to_status_id", path.field("in_reply_to_status_id"))
        post.replyToAccountID = try fields.id("in_reply_to_user_id_str", path.field("in_reply_to_user_id_str"))
            ?? fields.id("in_reply_to_user_id", path.field("in_reply_to_user_id"))

        if let original = try fields.object("retweeted_status", path.field("retweeted_status")) {
            post.repostOfID = try original.id("id_str", path.field("retweeted_status.id_str"))
                ?? original.id("id", path.field("retweeted_status.id"))
            post.repostOfAccountID = try original.object("user", path.field("retweeted_status.user"))?
                .id("id_str", path.field("retweeted_status.user.id_str"))
        }
        if let quoted = try fields.object("quoted_status", path.field("quoted_status")) {
            post.quoteOfID = try quoted.id("id_str", path.field("quoted_status.id_str"))
                ?? quoted.id("id", path.field("quoted_status.id"))
            post.quoteOfAccountID = try quoted.object("user", path.field("quoted_status.user"))?
                .id("id_str", path.field("quoted_status.user.id_str"))
        }
        if post.quoteOfID == nil {
            post.quoteOfID = try fields.id("quoted_status_id_str", path.field("quoted_status_id_str"))
        }

        let entities = try extended?.object("entities", path.field("extended_tweet.entities"))
            ?? fields.object("entities", path.field("entities"))
        if let entities { try readEntities(entities, into: &post, at: path) }
        let media = try extended?.object("extended_entities", path.field("extended_tweet.extended_entities"))
            ?? fields.object("extended_entities", path.field("extended_entities"))
            ?? entities
        if let media {
            post.mediaCount = try media.elements("media", path.field("extended_entities.media")).count
        }

        let likes = try fields.count("favorite_count", path.field("favorite_count"))
        let reposts = try fields.count("retweet_count", path.field("retweet_count"))
        let replies = try fields.count("reply_count", path.field("reply_count"))
        let quotes = try fields.count("quote_count", path.field("quote_count"))
        if likes != nil || reposts != nil || replies != nil || quotes != nil {
            post.metrics = PostMetrics(likes: likes, reposts: reposts, replies: replies, quotes: quotes)
        }
        let withheld = try fields.elements("withheld_in_countries", path.field("withheld_in_countries"))
        if !withheld.isEmpty {
            post.state = .withheld(countries: withheld.compactMap(\.string))
        }
        return post
    }

    private static func readEntities(_ entities: TwitterV1Fields, into post: inout Post, at path: TwitterRecordPath) throws {
        for (index, hashtag) in try entities.elements("hashtags", path.field("entities.hashtags")).enumerated() {
            if let tag = try TwitterFields(hashtag).string("text", path.field("entities.hashtags[\(index)].text")) {
                post.hashtags.append(tag)
            }
        }
        for (index, mention) in try entities.elements("user_mentions", path.field("entities.user_mentions")).enumerated() {
            let fields = TwitterFields(mention)
            guard let handle = try fields.string("screen_name", path.field("entities.user_mentions[\(index)].screen_name"))
            else { continue }
            let accountID = try fields.id("id_str", path.field("entities.user_mentions[\(index)].id_str"))
                ?? fields.id("id", path.field("entities.user_mentions[\(index)].id"))
            post.mentions.append(Mention(accountID: accountID, handle: handle))
        }
        // v1.1 keeps media links in `entities.media`, so every entry of `urls` is a shared link.
        for (index, link) in try entities.elements("urls", path.field("entities.urls")).enumerated() {
            let fields = TwitterFields(link)
            let expanded = try fields.string("expanded_url", path.field("entities.urls[\(index)].expanded_url"))
            if let url = try TwitterConventions.nonEmpty(expanded)
                ?? fields.string("url", path.field("entities.urls[\(index)].url")) {
                post.urls.append(url)
            }
        }
    }
}
