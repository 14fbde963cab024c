import Foundation
import Testing
import VigieCore
@testable import VigieIngest
import VigieTestSupport

/// What each file of `twitter-v2-twarc` must give. Counted independently with python3
/// (`json.loads` each line): per line, the distinct ids of tweets in `data` (objects with `text`
/// or `author_id`) and `includes.tweets` are posts, the distinct ids of users in `data` (objects
/// with `username`) and `includes.users` are accounts; for a flattened line (`flat.jsonl`), the
/// line's tweet and its expanded `referenced_tweets` (recursively) are posts, and its `author`,
/// `in_reply_to_user` and expanded mentions (those with a `name`) are accounts; summed over lines.
/// Compliance lines (`id` + `action`) are tombstones; a line with `data` but neither tweets nor
/// users is skipped; a line `json.loads` refuses is unparseable.
struct TwarcFileExpectation: Sendable, CustomTestStringConvertible {
    var file: String
    var posts = 0
    var accounts = 0
    var tombstones = 0
    var skipped = 0
    var rejectedParts = 0
    var unparseable = 0
    var testDescription: String { file }
}

private let twarcExpectations: [TwarcFileExpectation] = [
    .init(file: "2sets.jsonl", posts: 276, accounts: 289),
    .init(file: "brexit.jsonl", posts: 155, accounts: 177),
    .init(file: "cashtags.jsonl", posts: 1, accounts: 1),
    .init(file: "cotweet.jsonl", posts: 1, accounts: 1),
    .init(file: "counts.jsonl", skipped: 1),
    .init(file: "edited.jsonl", posts: 2, accounts: 1),
    .init(file: "edited_after.jsonl", posts: 2, accounts: 1),
    .init(file: "edited_before.jsonl", posts: 2, accounts: 1),
    .init(file: "empty.json"),
    .init(file: "entities_test.jsonl", posts: 650, accounts: 612),
    .init(file: "flat.jsonl", posts: 194, accounts: 221),
    .init(file: "geo_tweets.jsonl", posts: 3, accounts: 4),
    .init(file: "kpop.jsonl", posts: 121, accounts: 112),
    .init(file: "lists.jsonl", skipped: 2),
    .init(file: "many_urls.jsonl", posts: 2, accounts: 1),
    .init(file: "media_policy_violation_off.jsonl", posts: 161, accounts: 52),
    .init(file: "media_policy_violation_on.jsonl", posts: 160, accounts: 46),
    .init(file: "media_tweet.jsonl", posts: 1, accounts: 1),
    .init(file: "mentions_tweet.jsonl", posts: 2, accounts: 2),
    .init(file: "noflat.jsonl", posts: 164, accounts: 178),
    .init(file: "quoted_edit.jsonl", posts: 3, accounts: 2),
    // The last line is cut in the middle of the JSON.
    .init(file: "streaming_output_with_error.jsonl", posts: 11, accounts: 11, unparseable: 1),
    .init(file: "tweets_compliance.jsonl", tombstones: 2),
    .init(file: "two_tweets.jsonl", posts: 2, accounts: 2),
    .init(file: "users.jsonl", posts: 52, accounts: 91),
    .init(file: "users_compliance.jsonl", tombstones: 2),
    .init(file: "verified_type.jsonl", posts: 1, accounts: 1),
    .init(file: "withheld.jsonl", posts: 284, accounts: 591),
]

@Suite struct TwitterV2DecoderTests {
    private static let directory = "twitter-v2-twarc/"

    private func tally(_ file: String) throws -> TwitterDecodeTally {
        try TwitterDecodeTally.decodeLines(Self.directory + file, as: TwitterV2Decoder.self)
    }

    // MARK: - Every real file

    @Test(arguments: twarcExpectations)
    func realFileDecodesToExpectedCounts(_ expected: TwarcFileExpectation) throws {
        let result = try tally(expected.file)
        #expect(result.posts.count == expected.posts)
        #expect(result.accounts.count == expected.accounts)
        #expect(result.tombstones.count == expected.tombstones)
        #expect(result.skipped.count == expected.skipped)
        #expect(result.rejectedParts.count == expected.rejectedParts, "\(result.rejectedParts)")
        #expect(result.unparseable == expected.unparseable)
        #expect(result.invalid.isEmpty, "\(result.invalid)")
    }

    @Test func everyFileOfTheDirectoryHasAnExpectation() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: SharedData.url(Self.directory).path)
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonl") }
        #expect(Set(files) == Set(twarcExpectations.map(\.file)))
    }

    @Test func everyNonEmptyLineIsRecognized() throws {
        for expected in twarcExpectations {
            let text = try String(contentsOf: SharedData.url(Self.directory + expected.file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard let value = try? JSONParser.parse(String(line)) else { continue }
                #expect(TwitterV2Decoder.recognizes(value), "\(expected.file): \(line.prefix(80))")
                #expect(!TwitterV1Decoder.recognizes(value), "\(expected.file): \(line.prefix(80))")
            }
        }
    }

    // MARK: - Edits

    @Test func editPointsToTheOriginalOfItsHistory() throws {
        for file in ["edited.jsonl", "edited_before.jsonl", "edited_after.jsonl"] {
            let posts = Dictionary(uniqueKeysWithValues: try tally(file).posts.map { ($0.platformID, $0) })
            let original = try #require(posts["1576994746135764992"], "\(file)")
            let edit = try #require(posts["1576994789110992896"], "\(file)")
            #expect(original.editOf == nil)
            #expect(edit.editOf == "1576994746135764992")
            #expect(edit.rootID == original.platformID)
            #expect(edit.text.hasPrefix("hey :)"))
            #expect(edit.createdAt > original.createdAt)
        }
    }

    @Test func quoteOfAnEditedTweetKeepsBothReferences() throws {
        let posts = Dictionary(uniqueKeysWithValues: try tally("quoted_edit.jsonl").posts.map { ($0.platformID, $0) })
        let quote = try #require(posts["1576995594388000768"])
        #expect(quote.editOf == nil)
        #expect(quote.quoteOfID == "1576994746135764992")
        #expect(quote.replyToPostID == "1576994789110992896")
        // The quoted tweet's author comes from `includes.tweets`.
        let quotedAuthor = try #require(posts["1576994746135764992"]?.authorID)
        #expect(quote.quoteOfAccountID == quotedAuthor)
        #expect(posts["1576994789110992896"]?.editOf == "1576994746135764992")
    }

    // MARK: - Withheld and compliance

    @Test func withheldTweetsCarryTheirCountries() throws {
        let posts = Dictionary(try tally("withheld.jsonl").posts.map { ($0.platformID, $0) }) { first, _ in first }
        #expect(posts["1388424788171841537"]?.state == .withheld(countries: ["IN"]))
        #expect(posts["25712847277"]?.state == .withheld(countries: ["DE", "FR"]))
        #expect(posts["1257108668492984321"]?.state == .withheld(countries: ["XY"]))
        #expect(posts.values.filter { $0.state != .visible }.count == 14)
        #expect(posts.values.contains { $0.state == .visible })
    }

    @Test func tweetComplianceLinesArePostTombstones() throws {
        let tombstones = try tally("tweets_compliance.jsonl").tombstones
        #expect(tombstones.map(\.target) == [.post, .post])
        #expect(tombstones.map(\.platformID) == ["1170025343920402432", "1170147183095664640"])
        #expect(tombstones.map(\.reason) == ["protected", "deactivated"])
        #expect(tombstones[0].deletedAt == nil)
        #expect(tombstones[1].deletedAt == DateParsing.parse("2021-08-17T17:26:15.788Z"))
    }

    /// The rule: a snowflake id whose embedded time is `created_at` is a tweet; the legacy id of
    /// an account created in 2013 is not.
    @Test func userComplianceLinesAreAccountTombstones() throws {
        let tombstones = try tally("users_compliance.jsonl").tombstones
        #expect(tombstones.map(\.target) == [.account, .account])
        #expect(tombstones.allSatisfy { $0.platformID == "1482680858" && $0.reason == "protected" })
    }

    @Test func complianceTargetRuleAndOverride() throws {
        let created = DateParsing.parse("2019-09-06T17:25:54.667Z")
        #expect(TwitterV2Decoder.complianceTarget(id: "1170025343920402432", createdAt: created) == .post)
        #expect(TwitterV2Decoder.complianceTarget(id: "1170025343920402432", createdAt: DateParsing.parse("2015-01-01")) == .account)
        #expect(TwitterV2Decoder.complianceTarget(id: "12345", createdAt: created) == .account)
        #expect(TwitterV2Decoder.complianceTarget(id: "12345", createdAt: nil) == .post)

        var decoder = TwitterV2Decoder()
        decoder.complianceTarget = .account
        var items: [IngestItem] = []
        try decoder.decode(try JSONParser.parse(
            #"{"id":"1170025343920402432","action":"delete","created_at":"2019-09-06T17:25:54.667Z","reason":"deleted"}"#),
            into: &items)
        #expect(items == [.tombstone(Tombstone(platform: .twitter, target: .account,
                                                platformID: "1170025343920402432", reason: "deleted"))])
    }

    @Test func complianceActionOtherThanDeleteIsSkipped() throws {
        let result = try TwitterDecodeTally.decode(#"{"id":"1","action":"scrub_geo","created_at":"2019-09-06T17:25:54Z"}"#,
                                            as: TwitterV2Decoder.self)
        #expect(result.tombstones.isEmpty)
        #expect(result.skipped.first?.contains("scrub_geo") == true)
    }

    // MARK: - Lines without posts

    @Test func countsAndListsAreSkippedWithAReason() throws {
        let counts = try tally("counts.jsonl")
        #expect(counts.skipped.count == 1)
        #expect(counts.skipped.first?.contains("tweet counts") == true)
        let lists = try tally("lists.jsonl")
        #expect(lists.skipped.count == 2)
        #expect(lists.skipped.allSatisfy { $0.contains("list metadata") })
    }

    @Test func errorOnlyLineIsSkippedWithTheError() throws {
        let result = try TwitterDecodeTally.decode(
            #"{"errors":[{"title":"operational-disconnect","detail":"This stream has been disconnected"}]}"#,
            as: TwitterV2Decoder.self)
        #expect(result.skipped == ["error response without data: operational-disconnect: This stream has been disconnected"])
    }

    @Test func partialErrorsNextToDataAreIgnored() throws {
        // 2sets.jsonl's first line has `errors` (deleted referenced tweets) and 100 good tweets.
        let result = try tally("2sets.jsonl")
        #expect(result.skipped.isEmpty)
        #expect(result.rejectedParts.isEmpty)
        #expect(result.posts.count == 276)
    }

    @Test func unitsOfUnknownShapeAreInvalid() throws {
        let array = try TwitterDecodeTally.decode("[1, 2]", as: TwitterV2Decoder.self)
        #expect(array.invalid.first?.reason.contains("JSON object") == true)
        let object = try TwitterDecodeTally.decode(#"{"hello": "world"}"#, as: TwitterV2Decoder.self)
        #expect(object.invalid.first?.reason.contains("not a Twitter v2 record") == true)
        let badData = try TwitterDecodeTally.decode(#"{"data": 42}"#, as: TwitterV2Decoder.self)
        #expect(badData.invalid.first?.field == "data")
    }

    // MARK: - Streaming

    @Test func streamingLinesGiveTheirTweetAndIncludes() throws {
        let result = try tally("streaming_output_with_error.jsonl")
        #expect(result.units == 8)
        #expect(result.unparseable == 1)
        let ids = Set(result.posts.map(\.platformID))
        for id in ["1377650093109743620", "1377650277642338305", "1377650529766154240"] {
            #expect(ids.contains(id))
        }
        let first = try #require(result.posts.first)
        #expect(first.mediaCount == 1)
        #expect(first.metrics?.observedAt != nil)
        #expect(result.accounts.allSatisfy { $0.handle != nil })
    }

    // MARK: - Flattened and raw give the same

    @Test func flatAndNoflatGiveTheSamePostsAndAccounts() throws {
        func byID<T>(_ records: [T], _ id: (T) -> String) -> [String: T] {
            Dictionary(records.map { (id($0), $0) }) { first, _ in first }
        }
        let flat = try tally("flat.jsonl")
        let raw = try tally("noflat.jsonl")
        let flatPosts = byID(flat.posts, \.platformID)
        let rawPosts = byID(raw.posts, \.platformID)
        #expect(flatPosts.count == 164)
        #expect(Set(flatPosts.keys) == Set(rawPosts.keys))
        let flatAccounts = byID(flat.accounts, \.platformID)
        let rawAccounts = byID(raw.accounts, \.platformID)
        var handlesSeen = 0
        for (id, post) in rawPosts {
            var flattened = try #require(flatPosts[id])
            // Only the flattened form carries the author's handle next to the tweet (when twarc
            // could expand the author).
            if let handle = flattened.authorHandle {
                handlesSeen += 1
                #expect(rawAccounts[post.authorID]?.handle == handle)
            }
            flattened.authorHandle = nil
            #expect(flattened == post, "post \(id)")
        }
        #expect(handlesSeen > 150)
        #expect(flatAccounts == rawAccounts)
    }

    // MARK: - Field mapping

    @Test func entitiesOfAKnownTweet() throws {
        let result = try tally("2sets.jsonl")
        let post = try #require(result.posts.first { $0.platformID == "1440717170493689866" })
        #expect(post.authorID == "1433267766912557062")
        #expect(post.createdAt == DateParsing.parse("2021-09-22T16:38:35.000Z"))
        #expect(post.hashtags == ["TopKPopEcuador", "Butter", "Lisa", "charts", "kpop"])
        #expect(post.mentions == [Mention(accountID: "902035056", handle: "ChartsEcuador"),
                                  Mention(accountID: "335141638", handle: "BTS_twt")])
        #expect(post.urls == ["http://www.chartsecuador.biz"])
        #expect(post.language == "es")
        #expect(post.source == "Twitter Web App")
        #expect(post.conversationID == "1440717170493689866")
        // A retweet's text stays the truncated "RT @x: …" that v2 gives.
        #expect(post.text.hasPrefix("RT @ChartsEcuador: #TopKPopEcuador"))
        #expect(post.repostOfID == "1440691114135080963")
        #expect(post.repostOfAccountID == "902035056")
        #expect(post.mediaCount == 0)
        #expect(post.metrics == PostMetrics(likes: 0, reposts: 20, replies: 0, quotes: 0, views: nil,
                                            observedAt: DateParsing.parse("2021-09-22T16:39:00+00:00")))
    }

    @Test func mediaLinkIsNotASharedURLAndMentionIdsComeFromIncludes() throws {
        let result = try tally("noflat.jsonl")
        let post = try #require(result.posts.first { $0.platformID == "1380242413445337098" })
        #expect(post.urls.isEmpty)
        #expect(post.mediaCount == 1)
        #expect(post.hashtags == ["incompetentMoron"])
        // This 2021 response names the mention by username only; includes.users gives its id.
        #expect(post.mentions == [Mention(accountID: "375721095", handle: "Breaking911")])
        #expect(post.replyToPostID == "1380226330034372610")
        #expect(post.replyToAccountID == "375721095")
        #expect(post.source == "Twitter for iPad")
    }

    @Test func undeterminedLanguageIsNil() throws {
        let result = try tally("noflat.jsonl")
        let post = try #require(result.posts.first { $0.platformID == "1380242432139354115" })
        #expect(post.language == nil)
        #expect(TwitterConventions.language("und") == nil)
        #expect(TwitterConventions.language("qme") == nil)
        #expect(TwitterConventions.language("fr") == "fr")
    }

    @Test func userFieldsOfAKnownAccount() throws {
        let result = try tally("users.jsonl")
        let account = try #require(result.accounts.first { $0.platformID == "119369819" })
        #expect(account.handle == "DoDirty78")
        #expect(account.displayName == "DoDirtysHouse")
        #expect(account.bio == "Love is the highest form of understanding")
        #expect(account.location == "NC")
        #expect(account.createdAt == DateParsing.parse("2010-03-03T12:49:24.000Z"))
        #expect(account.followers == 580)
        #expect(account.following == 518)
        #expect(account.postsCount == 55186)
        #expect(account.listedCount == 12)
        #expect(account.verified == false)
        #expect(account.isPrivate == false)
        #expect(account.defaultProfileImage == false)
        #expect(account.url == nil)
        #expect(account.observedAt == DateParsing.parse("2021-10-23T19:36:18+00:00"))
    }

    @Test func verifiedTypeAndExpandedProfileURL() throws {
        let account = try #require(try tally("verified_type.jsonl").accounts.first { $0.platformID == "2244994945" })
        #expect(account.verified == true)
        #expect(account.url == "https://developer.twitter.com/en/community")

        let blue = try TwitterDecodeTally.decode(#"""
            {"data": [{"id": "7", "username": "someone", "verified": false, "verified_type": "blue",
                       "profile_image_url": "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"},
                      {"id": "8", "username": "other", "verified_type": "none"}]}
            """#, as: TwitterV2Decoder.self)
        #expect(blue.accounts.map(\.verified) == [true, false])
        #expect(blue.accounts.map(\.defaultProfileImage) == [true, nil])
    }

    @Test func flattenedUserLineIsAnAccount() throws {
        let line = #"{"id": "12", "username": "jack", "name": "jack", "__twarc": {"retrieved_at": "2022-01-01T00:00:00+00:00"}}"#
        #expect(TwitterV2Decoder.recognizes(try JSONParser.parse(line)))
        let result = try TwitterDecodeTally.decode(line, as: TwitterV2Decoder.self)
        #expect(result.accounts.map(\.handle) == ["jack"])
        #expect(result.accounts.first?.observedAt == DateParsing.parse("2022-01-01T00:00:00Z"))
        // Without the twarc stamp, `id` + `username` is as likely a Mastodon account.
        #expect(!TwitterV2Decoder.recognizes(try JSONParser.parse(#"{"id": "12", "username": "jack", "acct": "jack"}"#)))
    }

    @Test func longTweetTextComesFromNoteTweet() throws {
        let result = try TwitterDecodeTally.decode(#"""
            {"data": {"id": "10", "author_id": "1", "created_at": "2023-02-01T10:00:00.000Z",
                      "text": "A long text cut…", "note_tweet": {"text": "A long text cut here but whole in the note"},
                      "public_metrics": {"like_count": 3, "retweet_count": 1, "reply_count": 0, "quote_count": 0,
                                         "impression_count": 250}}}
            """#, as: TwitterV2Decoder.self)
        let post = try #require(result.posts.first)
        #expect(post.text == "A long text cut here but whole in the note")
        #expect(post.metrics?.views == 250)
        #expect(post.metrics?.observedAt == nil)
    }

    // MARK: - Bad tweets inside a good page

    @Test func badTweetsInAPageAreRejectedPartsAndTheRestIsKept() throws {
        var decoder = TwitterV2Decoder()
        var items: [IngestItem] = []
        try decoder.decode(try JSONParser.parse(#"""
            {"data": [
              {"id": "1", "author_id": "9", "created_at": "2021-05-18T19:24:56.000Z", "text": "good"},
              {"id": "2", "author_id": "9", "created_at": "2021-13-45T19:24:56.000Z", "text": "impossible date"},
              {"id": ["3"], "author_id": "9", "created_at": "2021-05-18T19:24:56.000Z", "text": "id as an array"},
              {"author_id": "9", "created_at": "2021-05-18T19:24:56.000Z", "text": "no id"},
              7
            ],
             "includes": {"users": [{"id": "9", "username": "nine"}, {"username": "no id"}]}}
            """#), into: &items)
        #expect(items.count == 2)
        #expect(items.contains { if case .post(let post) = $0 { post.platformID == "1" } else { false } })
        #expect(decoder.rejectedParts.map(\.field) == ["data[1].created_at", "data[2].id", "data[3].id", "data[4]",
                                                        "includes.users[1].id"])
        #expect(decoder.rejectedParts[0].reason.contains("not a valid date"))
        #expect(decoder.rejectedParts[1].reason.contains("found an array"))

        // Parts are reset by the next unit.
        items.removeAll()
        try decoder.decode(try JSONParser.parse(#"{"id":"5","action":"delete","reason":"deleted"}"#), into: &items)
        #expect(decoder.rejectedParts.isEmpty)
    }

    @Test func badStreamingTweetRejectsTheLine() throws {
        let result = try TwitterDecodeTally.decode(
            #"{"data": {"id": "1", "author_id": "9", "created_at": "2021-13-45T19:24:56.000Z", "text": "x"}}"#,
            as: TwitterV2Decoder.self)
        #expect(result.posts.isEmpty)
        #expect(result.invalid.first?.field == "data.created_at")
    }

    @Test func flattenedLineGivesItsExpansions() throws {
        let result = try tally("flat.jsonl")
        let retweet = try #require(result.posts.first { $0.platformID == "1380242611781386245" })
        #expect(retweet.authorHandle != nil)
        #expect(retweet.repostOfID == "1380175475545362437")
        #expect(retweet.repostOfAccountID == "2718660392")
        #expect(result.posts.contains { $0.platformID == "1380175475545362437" && $0.authorHandle == "williamserafino" })
        let author = try #require(result.accounts.first { $0.platformID == "2718660392" })
        #expect(author.followers == 28341)
        #expect(author.url == nil)
        #expect(author.observedAt == DateParsing.parse("2021-04-08T19:34:32+00:00"))
    }
}
