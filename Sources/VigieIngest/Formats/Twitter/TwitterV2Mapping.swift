import Foundation
import VigieCore

/// What a unit's expansions (`includes`) say about the tweets and users its tweets refer to:
/// the author of a referenced tweet, the id of a mentioned username. Indexed lazily, once per
/// unit, and only when a tweet needs it; the tables keep their capacity between units.
struct TwitterV2Expansions {
    private(set) var tweets: [JSONValue] = []
    private(set) var users: [JSONValue] = []
    private var authorByTweetID: [String: String] = [:]
    private var userIDByUsername: [String: String] = [:]
    private var tweetsIndexed = false
    private var usersIndexed = false

    mutating func reset(tweets: [JSONValue], users: [JSONValue]) {
        self.tweets = tweets
        self.users = users
        authorByTweetID.removeAll(keepingCapacity: true)
        userIDByUsername.removeAll(keepingCapacity: true)
        tweetsIndexed = false
        usersIndexed = false
    }

    mutating func author(ofTweet id: String) -> String? {
        if !tweetsIndexed {
            tweetsIndexed = true
            for tweet in tweets {
                if let tweetID = tweet["id"]?.string, let author = tweet["author_id"]?.string {
                    authorByTweetID[tweetID] = author
                }
            }
        }
        return authorByTweetID[id]
    }

    /// Usernames match without regard to case, as Twitter's do.
    mutating func userID(forUsername username: String) -> String? {
        if !usersIndexed {
            usersIndexed = true
            for user in users {
                if let name = user["username"]?.string, let id = user["id"]?.string {
                    userIDByUsername[name.lowercased()] = id
                }
            }
        }
        guard !userIDByUsername.isEmpty else { return nil }
        return userIDByUsername[username.lowercased()]
    }
}

/// Maps Twitter API v2 tweet and user objects to Vigie's model.
enum TwitterV2Mapping {
    static func makePost(
        _ tweet: JSONValue, at path: TwitterRecordPath, observedAt: Date?,
        expansions: inout TwitterV2Expansions
    ) throws -> Post {
        guard case .object = tweet else {
            throw RecordError.wrongType(path.recordName, expected: "a tweet object", found: tweet)
        }
        let fields = TwitterFields(tweet)
        let id = try fields.requiredID("id", path.field("id"))
        let authorID = try fields.requiredID("author_id", path.field("author_id"))
        let createdAt = try fields.requiredDate("created_at", path.field("created_at"))
        // A long tweet's `text` is cut at 280 characters; the whole text is in `note_tweet`.
        let note = try fields.object("note_tweet", path.field("note_tweet"))
        let text = try note?.string("text", path.field("note_tweet.text"))
            ?? fields.string("text", path.field("text")) ?? ""

        var post = Post(platform: .twitter, platformID: id, authorID: authorID, createdAt: createdAt, text: text)
        // `twarc2 flatten` puts the expanded author next to the tweet.
        post.authorHandle = try fields.object("author", path.field("author"))?
            .string("username", path.field("author.username"))
        post.language = TwitterConventions.language(try fields.string("lang", path.field("lang")))
        post.conversationID = try fields.id("conversation_id", path.field("conversation_id"))
        post.replyToAccountID = try fields.id("in_reply_to_user_id", path.field("in_reply_to_user_id"))
        post.source = TwitterConventions.nonEmpty(try fields.string("source", path.field("source")))

        try readReferences(of: fields, into: &post, at: path, expansions: &expansions)
        let entities = try note?.object("entities", path.field("note_tweet.entities"))
            ?? fields.object("entities", path.field("entities"))
        if let entities {
            try readEntities(entities, into: &post, at: path, expansions: &expansions)
        }
        if let attachments = try fields.object("attachments", path.field("attachments")) {
            post.mediaCount = try attachments.elements("media_keys", path.field("attachments.media_keys")).count
        }
        if let counts = try fields.object("public_metrics", path.field("public_metrics")) {
            func count(_ key: String) throws -> Int? { try counts.count(key, path.field("public_metrics." + key)) }
            post.metrics = PostMetrics(
                likes: try count("like_count"), reposts: try count("retweet_count"),
                replies: try count("reply_count"), quotes: try count("quote_count"),
                views: try count("impression_count"), observedAt: observedAt)
        }
        // The first id of the edit history names the original; an edit is stored against it.
        let history = try fields.elements("edit_history_tweet_ids", path.field("edit_history_tweet_ids"))
        for (index, element) in history.enumerated() where !isTweetID(element) {
            throw RecordError.wrongType(path.field("edit_history_tweet_ids[\(index)]"), expected: "a tweet id (digits)",
                                        found: element)
        }
        if let original = history.first?.id, original != id {
            post.editOf = original
        }
        if let withheld = try fields.object("withheld", path.field("withheld")) {
            let codes = try withheld.elements("country_codes", path.field("withheld.country_codes"))
            post.state = .withheld(countries: codes.compactMap(\.string))
        }
        return post
    }

    /// Tweet ids are digits: a string of them, or a positive number.
    private static func isTweetID(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        case .int(let number): return number > 0
        default: return false
        }
    }

    private static func readReferences(
        of fields: TwitterFields, into post: inout Post, at path: TwitterRecordPath,
        expansions: inout TwitterV2Expansions
    ) throws {
        let references = try fields.elements("referenced_tweets", path.field("referenced_tweets"))
        for (index, reference) in references.enumerated() {
            guard case .object = reference else {
                throw RecordError.wrongType(path.field("referenced_tweets[\(index)]"),
                                            expected: "an object", found: reference)
            }
            let referenceFields = TwitterFields(reference)
            let type = try referenceFields.string("type", path.field("referenced_tweets[\(index)].type"))
            let referencedID = try referenceFields.requiredID("id", path.field("referenced_tweets[\(index)].id"))
            // A flattened reference carries its author; a raw one is looked up in `includes.tweets`.
            func referencedAuthor() throws -> String? {
                try referenceFields.id("author_id", path.field("referenced_tweets[\(index)].author_id"))
                    ?? expansions.author(ofTweet: referencedID)
            }
            switch type {
            case "replied_to":
                post.replyToPostID = referencedID
                if post.replyToAccountID == nil { post.replyToAccountID = try referencedAuthor() }
            case "retweeted":
                post.repostOfID = referencedID
                post.repostOfAccountID = try referencedAuthor()
            case "quoted":
                post.quoteOfID = referencedID
                post.quoteOfAccountID = try referencedAuthor()
            default:
                break
            }
        }
    }

    private static func readEntities(
        _ entities: TwitterFields, into post: inout Post, at path: TwitterRecordPath,
        expansions: inout TwitterV2Expansions
    ) throws {
        let hashtags = try entities.elements("hashtags", path.field("entities.hashtags"))
        if !hashtags.isEmpty {
            post.hashtags.reserveCapacity(hashtags.count)
            for (index, hashtag) in hashtags.enumerated() {
                if let tag = try TwitterFields(hashtag).string("tag", path.field("entities.hashtags[\(index)].tag")) {
                    post.hashtags.append(tag)
                }
            }
        }
        let mentions = try entities.elements("mentions", path.field("entities.mentions"))
        if !mentions.isEmpty {
            post.mentions.reserveCapacity(mentions.count)
            for (index, mention) in mentions.enumerated() {
                let fields = TwitterFields(mention)
                guard let username = try fields.string("username", path.field("entities.mentions[\(index)].username"))
                else { continue }
                // Older responses name mentions by username only; `includes.users` has their ids.
                let accountID = try fields.id("id", path.field("entities.mentions[\(index)].id"))
                    ?? expansions.userID(forUsername: username)
                post.mentions.append(Mention(accountID: accountID, handle: username))
            }
        }
        let urls = try entities.elements("urls", path.field("entities.urls"))
        if !urls.isEmpty {
            post.urls.reserveCapacity(urls.count)
            for (index, link) in urls.enumerated() {
                let fields = TwitterFields(link)
                if try isOwnMediaLink(fields, at: path, index: index) { continue }
                let expanded = try fields.string("expanded_url", path.field("entities.urls[\(index)].expanded_url"))
                if let url = try TwitterConventions.nonEmpty(expanded)
                    ?? fields.string("url", path.field("entities.urls[\(index)].url")) {
                    post.urls.append(url)
                }
            }
        }
    }

    /// The `pic.twitter.com` link Twitter appends for attached media is not a link the author
    /// shared: newer responses mark it with a `media_key`, older ones only by its display form.
    private static func isOwnMediaLink(_ link: TwitterFields, at path: TwitterRecordPath, index: Int) throws -> Bool {
        if link.value["media_key"] != nil { return true }
        guard let display = try link.string("display_url", path.field("entities.urls[\(index)].display_url")) else {
            return false
        }
        return display.hasPrefix("pic.twitter.com/") || display.hasPrefix("pic.x.com/")
    }

    static func makeAccount(_ user: JSONValue, at path: TwitterRecordPath, observedAt: Date?) throws -> Account {
        guard case .object = user else {
            throw RecordError.wrongType(path.recordName, expected: "a user object", found: user)
        }
        let fields = TwitterFields(user)
        var account = Account(platform: .twitter, platformID: try fields.requiredID("id", path.field("id")))
        account.handle = try fields.string("username", path.field("username"))
        account.displayName = try fields.string("name", path.field("name"))
        account.bio = try fields.string("description", path.field("description"))
        account.createdAt = try fields.date("created_at", path.field("created_at"))
        account.location = try fields.string("location", path.field("location"))
        if let counts = try fields.object("public_metrics", path.field("public_metrics")) {
            func count(_ key: String) throws -> Int? { try counts.count(key, path.field("public_metrics." + key)) }
            account.followers = try count("followers_count")
            account.following = try count("following_count")
            account.postsCount = try count("tweet_count")
            account.listedCount = try count("listed_count")
        }
        // Since 2023 `verified_type` says blue/business/government/none; paid checks count too.
        let verified = try fields.flag("verified", path.field("verified"))
        if let type = try fields.string("verified_type", path.field("verified_type")) {
            account.verified = (verified ?? false) || type != "none"
        } else {
            account.verified = verified
        }
        account.isPrivate = try fields.flag("protected", path.field("protected"))
        account.defaultProfileImage = TwitterConventions.isDefaultProfileImage(
            try fields.string("profile_image_url", path.field("profile_image_url")))
        // `url` is a t.co link; the expanded one is in `entities.url.urls[0]`.
        let expandedURL = try fields.object("entities", path.field("entities"))?
            .object("url", path.field("entities.url"))?
            .elements("urls", path.field("entities.url.urls")).first?["expanded_url"]?.string
        account.url = try TwitterConventions.nonEmpty(expandedURL)
            ?? TwitterConventions.nonEmpty(fields.string("url", path.field("url")))
        account.observedAt = observedAt
        return account
    }
}
