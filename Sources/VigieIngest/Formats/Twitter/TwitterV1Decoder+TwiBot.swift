import Foundation
import VigieCore

/// The TwiBot-20 layout (Feng et al., CIKM 2021): a top-level array of
/// `{"ID", "profile": {v1.1 user, every value a padded string}, "tweet": [String] or null,
///   "neighbor": {"following": [id], "follower": [id]} or null, "domain": [String], "label"}`.
///
/// The dataset keeps each user's recent tweets as bare texts, newest first, with no id, no date
/// and no entities. They are still worth importing (text is what bot detection reads), so:
/// - the id is made from the profile id and the tweet's position: `twibot20-<user id>-<index>`.
///   It is stable across re-imports and, not being a number, never collides with a real tweet id;
/// - the date is `Post.undated` (the Unix epoch), a value no real tweet has,
///   rather than a plausible invented date that would place every account's tweets at one
///   instant and fake a coordinated burst;
/// - hashtags, mentions and links are read from the text.
/// Follow edges from `neighbor` become `follow` interactions, dated the same way.
/// `label` (bot or human) is an annotation, not a claim by the account, so it is not `declaredBot`.
extension TwitterV1Decoder {
    mutating func decodeTwiBot(_ element: JSONValue, into items: inout [IngestItem]) throws {
        guard let profile = element["profile"], case .object = profile else {
            throw RecordError.wrongType("profile", expected: "an object", found: element["profile"] ?? .null)
        }
        let account = try TwitterV1Mapping.makeAccount(profile, at: TwitterRecordPath(container: "profile"), stringly: true)
        if let listedID = try TwitterV1Fields(element, stringly: true).id("ID", "ID"), listedID != account.platformID {
            throw RecordError.invalid("'ID' \(listedID) differs from 'profile.id_str' \(account.platformID)", field: "ID")
        }
        appendAccount(account, into: &items)

        let tweets = try TwitterFields(element).elements("tweet", "tweet")
        for (index, tweet) in tweets.enumerated() {
            do {
                switch tweet {
                case .string(let text):
                    appendPost(try Self.makeUndatedPost(text, index: index, author: account), into: &items)
                case .object:
                    appendPost(try TwitterV1Mapping.makePost(tweet, at: TwitterRecordPath(container: "tweet", index: index)),
                               into: &items)
                default:
                    throw RecordError.wrongType("tweet[\(index)]", expected: "a string or a tweet object", found: tweet)
                }
            } catch {
                reject(error)
            }
        }
        if let neighbors = try TwitterFields(element).object("neighbor", "neighbor") {
            appendFollows(neighbors, of: account.platformID, into: &items)
        }
    }

    static func makeUndatedPost(_ rawText: String, index: Int, author: Account) throws -> Post {
        // Every TwiBot-20 tweet text ends with the newline it was written with.
        let text = rawText.hasSuffix("\n") ? String(rawText.dropLast()) : rawText
        guard !text.isEmpty else {
            throw RecordError.invalid("tweet[\(index)] is an empty text", field: "tweet[\(index)]")
        }
        let entities = TweetTextEntities(text: text)
        return Post(
            platform: .twitter, platformID: "twibot20-\(author.platformID)-\(index)",
            authorID: author.platformID, authorHandle: author.handle,
            createdAt: Post.undated, text: text,
            hashtags: entities.hashtags, mentions: entities.mentions.map { Mention(handle: $0) },
            urls: entities.urls)
    }

    private mutating func appendFollows(_ neighbors: TwitterFields, of userID: String, into items: inout [IngestItem]) {
        for (key, outgoing) in [("following", true), ("follower", false)] {
            let ids: [JSONValue]
            do {
                ids = try neighbors.elements(key, "neighbor.\(key)")
            } catch {
                reject(error)
                continue
            }
            for (index, idValue) in ids.enumerated() {
                guard let raw = idValue.stringOrNumber else {
                    reject(RecordError.wrongType("neighbor.\(key)[\(index)]", expected: "a user id", found: idValue))
                    continue
                }
                let otherID = raw.hasSuffix(" ") ? String(raw.dropLast()) : raw
                let (follower, followed) = outgoing ? (userID, otherID) : (otherID, userID)
                items.append(.interaction(Interaction(
                    platform: .twitter, kind: .follow, sourceAccountID: follower, targetAccountID: followed,
                    targetPostID: nil, viaID: "twibot20-follow-\(follower)-\(followed)", at: Post.undated)))
            }
        }
    }
}
