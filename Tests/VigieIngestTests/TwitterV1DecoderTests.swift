import Foundation
import Testing
import VigieCore
@testable import VigieIngest
import VigieTestSupport

@Suite struct TwitterV1DecoderTests {
    /// Decodes the TwiBot-20 sample the way the pipeline will: `JSONUnitSplitter` hands each
    /// element of the top-level array to the decoder.
    private func decodeTwiBotSample() throws -> TwitterDecodeTally {
        try Self.twiBotSample.get()
    }

    /// Decoded once for the suite's tests.
    private static let twiBotSample = Result { try decodeTwiBotSampleOnce() }

    private static func decodeTwiBotSampleOnce() throws -> TwitterDecodeTally {
        let source = try ByteSource(path: SharedData.url("twitter-v1-twibot20/TwiBot-20_sample.json").path)
        let splitter = JSONUnitSplitter(source: source)
        var decoder = TwitterV1Decoder()
        var tally = TwitterDecodeTally()
        var splitErrors: [UnitError] = []
        try splitter.forEachUnit({ bytes, _ in
            tally.decode(try JSONParser.parse(bytes), with: &decoder)
        }, onError: { splitErrors.append($0) })
        #expect(splitErrors.isEmpty)
        #expect(splitter.layout == .array)
        return tally
    }

    // MARK: - TwiBot-20

    /// Counted with python3: `len(a)` profiles; `sum(len(x['tweet'] or []))` tweets (all strings,
    /// one profile has `tweet: null`); `sum(len(following) + len(follower))` over non-null `neighbor`.
    @Test func twiBotSampleGivesEveryProfileAndTweet() throws {
        let result = try decodeTwiBotSample()
        #expect(result.units == 100)
        #expect(result.accounts.count == 100)
        #expect(Set(result.accounts.map(\.platformID)).count == 100)
        #expect(result.posts.count == 17372)
        #expect(result.interactions.count == 1139)
        #expect(result.invalid.isEmpty, "\(result.invalid)")
        #expect(result.rejectedParts.isEmpty, "\(result.rejectedParts)")
        #expect(result.skipped.isEmpty)
        // 2 profiles have `default_profile_image: "True "`; 67 have a URL (the rest "None ").
        #expect(result.accounts.filter { $0.defaultProfileImage == true }.count == 2)
        #expect(result.accounts.filter { $0.url != nil }.count == 67)
        #expect(result.accounts.allSatisfy { $0.handle?.hasSuffix(" ") == false })
    }

    @Test func knownTwiBotProfile() throws {
        let result = try decodeTwiBotSample()
        let shaq = try #require(result.accounts.first { $0.platformID == "17461978" })
        #expect(shaq.handle == "SHAQ")
        #expect(shaq.displayName == "SHAQ")
        #expect(shaq.bio == "VERY QUOTATIOUS, I PERFORM RANDOM ACTS OF SHAQNESS")
        #expect(shaq.location == "Orlando, FL")
        #expect(shaq.url == "http://www.ShaqFuRadio.com")
        #expect(shaq.createdAt == DateParsing.parse("2008-11-18T10:27:25Z"))
        #expect(shaq.followers == 15349596)
        #expect(shaq.following == 692)
        #expect(shaq.postsCount == 9798)
        #expect(shaq.listedCount == 45568)
        #expect(shaq.verified == true)
        #expect(shaq.isPrivate == false)
        #expect(shaq.defaultProfileImage == false)
        #expect(shaq.declaredBot == nil)

        let posts = result.posts.filter { $0.authorID == "17461978" }
        #expect(posts.count == 200)
        let second = try #require(posts.first { $0.platformID == "twibot20-17461978-1" })
        #expect(second.text == "Who has time for receipts? Not me. @epson receipt scanners make it easy. No mess = "
            + "no stress! Check it out at https://t.co/ofqbTdz0Qk. https://t.co/BtYwuyz9N5")
        #expect(second.createdAt == Post.undated)
        #expect(second.authorHandle == "SHAQ")
        #expect(second.mentions == [Mention(handle: "epson")])
        #expect(second.urls == ["https://t.co/ofqbTdz0Qk", "https://t.co/BtYwuyz9N5"])
        let third = try #require(posts.first { $0.platformID == "twibot20-17461978-2" })
        #expect(third.hashtags == ["Sponsored"])
        #expect(third.mentions.map(\.handle) == ["TheSteadyApp"])
    }

    @Test func twiBotNeighborsAreFollowEdges() throws {
        let result = try decodeTwiBotSample()
        // JenniferFishpaw (1297437077403885568) has `tweet: null` and follows 10 accounts.
        #expect(result.accounts.contains { $0.platformID == "1297437077403885568" && $0.handle == "JenniferFishpaw" })
        #expect(!result.posts.contains { $0.authorID == "1297437077403885568" })
        let follows = result.interactions.filter { $0.sourceAccountID == "1297437077403885568" }
        #expect(follows.count == 10)
        #expect(follows.allSatisfy { $0.kind == .follow && $0.targetAccountID != nil })
    }

    @Test func stringlyProfileWithABadCountIsInvalid() throws {
        let result = try TwitterDecodeTally.decode(#"""
            {"ID": "5", "profile": {"id_str": "5 ", "screen_name": "five ", "followers_count": "lots "},
             "tweet": null, "neighbor": null, "domain": []}
            """#, as: TwitterV1Decoder.self)
        #expect(result.accounts.isEmpty)
        #expect(result.invalid.first?.field == "profile.followers_count")
    }

    // MARK: - v1.1 tweets and users

    private static let retweet = #"""
        {"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id": 1050118621198921728,
         "id_str": "1050118621198921728", "text": "RT @original: Café au lait",
         "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
         "lang": "und", "retweet_count": 5, "favorite_count": 0, "reply_count": 0, "quote_count": 0,
         "in_reply_to_status_id_str": null,
         "user": {"id": 6253282, "id_str": "6253282", "screen_name": "retweeter", "name": "Re Tweeter",
                  "followers_count": 10, "friends_count": 20, "statuses_count": 30, "listed_count": 1,
                  "verified": false, "protected": false, "default_profile_image": true,
                  "created_at": "Wed May 23 06:01:13 +0000 2007", "description": "", "location": "Paris",
                  "url": "https://t.co/x", "entities": {"url": {"urls": [{"expanded_url": "https://example.org"}]}}},
         "entities": {"hashtags": [], "user_mentions": [{"screen_name": "original", "id_str": "42"}], "urls": []},
         "retweeted_status": {
           "created_at": "Wed Oct 10 19:00:00 +0000 2018", "id_str": "1050000000000000000",
           "text": "Café au lait #matin https://t.co/abc", "truncated": true,
           "extended_tweet": {"full_text": "Café au lait #matin and a long text https://t.co/abc",
             "entities": {"hashtags": [{"text": "matin"}], "user_mentions": [],
                          "urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/cafe"}]},
             "extended_entities": {"media": [{"id_str": "1"}, {"id_str": "2"}]}},
           "lang": "fr", "withheld_in_countries": ["DE"],
           "user": {"id_str": "42", "screen_name": "original", "followers_count": 1000}}}
        """#

    @Test func v1RetweetGivesBothPostsAndBothAccounts() throws {
        let result = try TwitterDecodeTally.decode(Self.retweet, as: TwitterV1Decoder.self)
        #expect(result.invalid.isEmpty, "\(result.invalid)")
        #expect(result.posts.count == 2)
        #expect(result.accounts.map(\.platformID) == ["6253282", "42"])

        let retweet = try #require(result.posts.first { $0.platformID == "1050118621198921728" })
        #expect(retweet.createdAt == DateParsing.parse("2018-10-10T20:19:24Z"))
        #expect(retweet.authorID == "6253282")
        #expect(retweet.authorHandle == "retweeter")
        #expect(retweet.text == "RT @original: Café au lait")
        #expect(retweet.language == nil)
        #expect(retweet.source == "Twitter for iPhone")
        #expect(retweet.repostOfID == "1050000000000000000")
        #expect(retweet.repostOfAccountID == "42")
        #expect(retweet.replyToPostID == nil)
        #expect(retweet.mentions == [Mention(accountID: "42", handle: "original")])
        #expect(retweet.metrics == PostMetrics(likes: 0, reposts: 5, replies: 0, quotes: 0))

        let original = try #require(result.posts.first { $0.platformID == "1050000000000000000" })
        #expect(original.text == "Café au lait #matin and a long text https://t.co/abc")
        #expect(original.hashtags == ["matin"])
        #expect(original.urls == ["https://example.org/cafe"])
        #expect(original.mediaCount == 2)
        #expect(original.language == "fr")
        #expect(original.state == .withheld(countries: ["DE"]))

        let user = try #require(result.accounts.first)
        #expect(user.handle == "retweeter")
        #expect(user.displayName == "Re Tweeter")
        #expect(user.followers == 10)
        #expect(user.following == 20)
        #expect(user.postsCount == 30)
        #expect(user.listedCount == 1)
        #expect(user.verified == false)
        #expect(user.defaultProfileImage == true)
        #expect(user.bio == "")
        #expect(user.url == "https://example.org")
        #expect(user.createdAt == DateParsing.parse("2007-05-23T06:01:13Z"))
    }

    @Test func v1UserAloneAndReplyAndDeletion() throws {
        let user = try TwitterDecodeTally.decode(
            #"{"id_str": "12", "screen_name": "jack", "followers_count": 6000000, "protected": true}"#,
            as: TwitterV1Decoder.self)
        #expect(user.accounts == [Account(platform: .twitter, platformID: "12", handle: "jack", followers: 6000000,
                                          isPrivate: true)])

        let reply = try TwitterDecodeTally.decode(#"""
            {"id_str": "3", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "full_text": "@jack hi",
             "in_reply_to_status_id_str": "2", "in_reply_to_user_id_str": "12", "quoted_status_id_str": "1",
             "user": {"id_str": "7", "screen_name": "me"}}
            """#, as: TwitterV1Decoder.self)
        let post = try #require(reply.posts.first)
        #expect(post.replyToPostID == "2")
        #expect(post.replyToAccountID == "12")
        #expect(post.quoteOfID == "1")
        #expect(post.text == "@jack hi")

        let deletion = try TwitterDecodeTally.decode(#"{"delete": {"status": {"id_str": "3", "user_id_str": "7"}}}"#,
                                                     as: TwitterV1Decoder.self)
        #expect(deletion.tombstones == [Tombstone(platform: .twitter, target: .post, platformID: "3", accountID: "7",
                                                  reason: "deleted")])
    }

    @Test func badV1TweetsNameTheField() throws {
        let badDate = try TwitterDecodeTally.decode(
            #"{"id_str": "3", "created_at": "Wed Oct 45 20:19:24 +0000 2018", "text": "x", "user": {"id_str": "7"}}"#,
            as: TwitterV1Decoder.self)
        #expect(badDate.invalid.first?.field == "created_at")
        let noUser = try TwitterDecodeTally.decode(
            #"{"id_str": "3", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "text": "x"}"#,
            as: TwitterV1Decoder.self)
        #expect(noUser.invalid.first?.field == "user")

        // A bad embedded original is a rejected part; the retweet itself is kept.
        let badOriginal = try TwitterDecodeTally.decode(#"""
            {"id_str": "3", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "text": "RT x", "user": {"id_str": "7"},
             "retweeted_status": {"id_str": "2", "text": "x", "user": {"id_str": "8"}}}
            """#, as: TwitterV1Decoder.self)
        #expect(badOriginal.posts.map(\.platformID) == ["3"])
        #expect(badOriginal.rejectedParts.map(\.field) == ["retweeted_status.created_at"])

        let unknown = try TwitterDecodeTally.decode(#"{"foo": 1}"#, as: TwitterV1Decoder.self)
        #expect(unknown.invalid.first?.reason.contains("not a Twitter v1.1 record") == true)
    }

    @Test func recognizesV1ShapesOnly() throws {
        #expect(TwitterV1Decoder.recognizes(try JSONParser.parse(Self.retweet)))
        #expect(TwitterV1Decoder.recognizes(try JSONParser.parse(#"{"screen_name": "a", "followers_count": 1}"#)))
        #expect(TwitterV1Decoder.recognizes(try JSONParser.parse(#"{"ID": "1", "profile": {}}"#)))
        #expect(!TwitterV1Decoder.recognizes(try JSONParser.parse(#"{"id": "1", "text": "x", "author_id": "2"}"#)))
        #expect(!TwitterV2Decoder.recognizes(try JSONParser.parse(Self.retweet)))
        #expect(!TwitterV1Decoder.recognizes(try JSONParser.parse("[]")))
    }

    @Test func textEntitiesFollowTwittersRules() {
        let entities = TweetTextEntities(text: "RT @a_b: #1 #été mail x@y.fr ＃全角 see https://t.co/x, and http://a.b/c… #tag2")
        #expect(entities.mentions == ["a_b"])
        #expect(entities.hashtags == ["été", "全角", "tag2"])
        #expect(entities.urls == ["https://t.co/x", "http://a.b/c"])
    }
}
