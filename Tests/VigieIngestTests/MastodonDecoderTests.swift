import Foundation
import Testing
import VigieCore
@testable import VigieIngest
import VigieTestSupport

/// What decoding every unit of a file gave.
struct MastodonFileResult {
    var items: [IngestItem] = []
    var skipped: [RecordError] = []
    var invalid: [RecordError] = []

    var posts: [Post] { items.compactMap { if case .post(let p) = $0 { p } else { nil } } }
    var accounts: [Account] { items.compactMap { if case .account(let a) = $0 { a } else { nil } } }
    var tombstones: [Tombstone] { items.compactMap { if case .tombstone(let t) = $0 { t } else { nil } } }

    func post(_ id: String) -> Post? { posts.first { $0.platformID == id } }
}

@Suite struct MastodonDecoderTests {
    static let dataDirectory = SharedData.path("mastodon-tootsdk")

    static func decodeFile(_ name: String) throws -> MastodonFileResult {
        let splitter = JSONUnitSplitter(source: try ByteSource(path: dataDirectory + "/" + name))
        var decoder = MastodonDecoder()
        var result = MastodonFileResult()
        try splitter.forEachUnit({ bytes, _ in
            let value = try JSONParser.parse(bytes)
            do {
                try decoder.decode(value, into: &result.items)
            } catch let error as RecordError {
                if error.kind == .skipped { result.skipped.append(error) } else { result.invalid.append(error) }
            }
        }, onError: { error in Issue.record("unit error in \(name): \(error.reason)") })
        return result
    }

    static func decode(_ json: String) throws -> [IngestItem] {
        var decoder = MastodonDecoder()
        var items: [IngestItem] = []
        try decoder.decode(try JSONParser.parse(json), into: &items)
        return items
    }

    // MARK: - Every real file

    /// Expected (posts, accounts, tombstones, skipped) per file, counted independently with
    /// python3: statuses are objects with `account` and `content`/`reblog`, plus their non-null
    /// `reblog` and `quote` (Akkoma) / `quote.quoted_status` (Mastodon) statuses, each with an
    /// account; account objects have `acct` (+1 for a `moved` account); streaming `update`
    /// payloads are parsed again; every other file holds neither and is skipped.
    static let expectedCounts: [String: (posts: Int, accounts: Int, tombstones: Int, skipped: Int)] = [
        "account.json": (0, 1, 0, 0),
        "account_mastodon_official.json": (0, 1, 0, 0),
        "account_moved.json": (0, 2, 0, 0),
        "account_pixelfed.json": (0, 1, 0, 0),
        "account_pixelfed_mutes_blocks.json": (0, 1, 0, 0),
        "account_verify_credentials_condensed.json": (0, 1, 0, 0),
        "mastodon.json": (0, 0, 0, 1),
        "mastodon_asyncrefresh_v1_alpha.json": (0, 0, 0, 1),
        "pixelfed.json": (0, 0, 0, 1),
        "pleroma.json": (0, 0, 0, 1),
        "post no emojis.json": (1, 1, 0, 0),
        "post with emojis and attachments.json": (1, 1, 0, 0),
        "post wordle linebreaks.json": (1, 1, 0, 0),
        "post_akkoma_quote.json": (2, 2, 0, 0),
        "post_edited.json": (1, 1, 0, 0),
        "post_source_mastodon.json": (0, 0, 0, 1),
        "post_source_pleroma.json": (0, 0, 0, 1),
        "quote.json": (1, 1, 0, 0),
        "streaming_update.json": (1, 1, 0, 0),
        "tag.json": (0, 0, 0, 1),
    ]

    @Test func everyFileInTheDirectoryHasExpectedCounts() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dataDirectory)
            .filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.expectedCounts.keys), "a file was added or removed: update the table")
        for file in files.sorted() {
            let result = try Self.decodeFile(file)
            let expected = try #require(Self.expectedCounts[file])
            #expect(result.invalid.isEmpty, "\(file): \(result.invalid)")
            #expect(result.posts.count == expected.posts, "\(file) posts")
            #expect(result.accounts.count == expected.accounts, "\(file) accounts")
            #expect(result.tombstones.count == expected.tombstones, "\(file) tombstones")
            #expect(result.skipped.count == expected.skipped, "\(file) skipped")
        }
    }

    @Test func skippedFilesSayWhatTheyHold() throws {
        #expect(try Self.decodeFile("mastodon.json").skipped.first?.reason.contains("instance") == true)
        #expect(try Self.decodeFile("pleroma.json").skipped.first?.reason.contains("instance") == true)
        #expect(try Self.decodeFile("post_source_pleroma.json").skipped.first?.reason.contains("source") == true)
        #expect(try Self.decodeFile("tag.json").skipped.first?.reason.contains("hashtag") == true)
    }

    @Test func recognizesStatusesAccountsAndStreamingEventsOnly() throws {
        for file in ["post_edited.json", "account.json", "account_pixelfed.json", "streaming_update.json", "quote.json"] {
            let value = try JSONParser.parse(try String(contentsOfFile: Self.dataDirectory + "/" + file, encoding: .utf8))
            #expect(MastodonDecoder.recognizes(value), "\(file)")
        }
        for file in ["mastodon.json", "tag.json", "post_source_mastodon.json"] {
            let value = try JSONParser.parse(try String(contentsOfFile: Self.dataDirectory + "/" + file, encoding: .utf8))
            #expect(!MastodonDecoder.recognizes(value), "\(file)")
        }
        #expect(!MastodonDecoder.recognizes(try JSONParser.parse(#"{"did":"did:plc:x","time_us":1,"kind":"commit"}"#)))
    }

    // MARK: - Statuses

    @Test func htmlContentBecomesTextWithMentionsTagsAndLinks() throws {
        let result = try Self.decodeFile("post no emojis.json")
        let post = try #require(result.post("AQgIdalRCRfsNV6KzA"))
        #expect(post.text.hasPrefix("Hey fellow #Swift devs 👋!\n\nAs some of you may know, @konstantin and @davidgarywood have been"))
        #expect(post.text.hasSuffix("crafting the actual app experience."))
        #expect(post.hashtags == ["Swift"])
        #expect(post.mentions == [
            Mention(accountID: "APEilAvuVZZU5LVFCa", handle: "konstantin@m.iamkonstantin.eu"),
            Mention(accountID: "APEkyD6VWs1IFs2qeG", handle: "davidgarywood@social.davidgarywood.com"),
        ])
        #expect(post.urls.isEmpty)
        #expect(post.authorID == "AQgIJ44Z2JZzCBG8Yq")
        #expect(post.authorHandle == "tootsdk@iosdev.space")
        #expect(post.createdAt == DateParsing.parse("2022-12-17T00:44:07.000Z"))
        #expect(post.metrics == PostMetrics(likes: 1, reposts: 5, replies: 0, quotes: nil))
        #expect(post.language == nil)
    }

    @Test func lineBreaksAreKept() throws {
        let post = try #require(try Self.decodeFile("post wordle linebreaks.json").posts.first)
        #expect(post.text == "Wordle 591 X/6*\n\n🟨⬛🟩🟨⬛\n🟨⬛🟩⬛🟩\n🟩🟩🟩⬛🟩\n🟩🟩🟩⬛🟩\n🟩🟩🟩⬛🟩\n🟩🟩🟩⬛🟩")
    }

    @Test func pleromaPostKeepsSpoilerMediaAndApplication() throws {
        let post = try #require(try Self.decodeFile("post with emojis and attachments.json").posts.first)
        #expect(post.text == "Coffee, Star Trek\n\nI just #love #coffee :heart_cup:  There is no better way to start the day.")
        #expect(post.hashtags == ["love", "coffee"])
        #expect(post.mediaCount == 1)
        #expect(post.source?.hasPrefix("PleromaFE_b13d8f7e") == true)
        #expect(post.authorHandle == "konstantin@m.iamkonstantin.eu")
    }

    @Test func editedPostHasEditTimeCardLinkAndWrittenHashtag() throws {
        let result = try Self.decodeFile("post_edited.json")
        let post = try #require(result.post("112300188527054704"))
        #expect(post.editedAt == DateParsing.parse("2024-04-19T22:15:22.000Z"))
        #expect(post.createdAt == DateParsing.parse("2024-04-19T22:14:48.415Z"))
        #expect(post.text == "listening to #UB40\n\nhttps://example.com/albums/8513")
        #expect(post.hashtags == ["UB40"])
        #expect(post.urls == ["https://example.com/albums/8513"])
        #expect(post.source == "Elk")
        #expect(post.language == "en")
        #expect(post.metrics?.likes == 1)
    }

    @Test func akkomaQuoteLinksBothPostsAndAuthors() throws {
        let result = try Self.decodeFile("post_akkoma_quote.json")
        let quoting = try #require(result.post("Al30Y6dIQNzsEKhR5s"))
        #expect(quoting.quoteOfID == "Al2KABLN3tuRoeE0A4")
        #expect(quoting.quoteOfAccountID == "AT7ECsy5VceFhhmhyy")
        #expect(quoting.text == "from @technicat\n\nhttps://universeodon.com/@technicat/112973737736509814")
        #expect(quoting.urls.first == "https://universeodon.com/@technicat/112973737736509814")
        #expect(quoting.authorHandle == "technicat@miraiverse.xyz")
        let quoted = try #require(result.post("Al2KABLN3tuRoeE0A4"))
        #expect(quoted.text == "got a flu shot and fruit tea")
        #expect(quoted.mediaCount == 1)
        #expect(quoting.interactions.contains { $0.kind == .quote && $0.targetPostID == "Al2KABLN3tuRoeE0A4" })
        #expect(result.accounts.map(\.handle) == ["technicat@miraiverse.xyz", "technicat@universeodon.com"])
    }

    @Test func mastodonQuoteObjectYieldsTheQuotedStatus() throws {
        let post = try #require(try Self.decodeFile("quote.json").posts.first)
        #expect(post.platformID == "103270115826048975")
        #expect(post.text == "\"I lost my inheritance with one wrong digit on my sort code\"\n\n"
            + "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code")
        #expect(post.urls == ["https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code"])
        #expect(post.authorHandle == "Testperson@example.com")
    }

    @Test func mastodonQuoteInsideAStatus() throws {
        let items = try Self.decode("""
        {"id":"2","created_at":"2025-07-01T10:00:00Z","content":"<p>so true</p>","account":{"id":"20","acct":"bob@b.example","username":"bob"},
         "quote":{"state":"accepted","quoted_status":{"id":"1","created_at":"2025-06-30T10:00:00Z","content":"<p>hot take</p>",
                  "account":{"id":"10","acct":"alice","username":"alice","url":"https://a.example/@alice"}}}}
        """)
        let posts = items.compactMap { if case .post(let p) = $0 { p } else { nil } }
        #expect(posts.map(\.platformID) == ["2", "1"])
        #expect(posts.first?.quoteOfID == "1")
        #expect(posts.first?.quoteOfAccountID == "10")
        let shallow = try Self.decode("""
        {"id":"3","created_at":"2025-07-01T10:00:00Z","content":"","account":{"id":"20","acct":"bob@b.example","username":"bob"},
         "quote":{"state":"pending","quoted_status_id":"1"}}
        """)
        #expect(shallow.contains { if case .post(let p) = $0 { p.quoteOfID == "1" && p.quoteOfAccountID == nil } else { false } })
    }

    @Test func reblogIsARepostAndTheOriginalIsAPostToo() throws {
        let items = try Self.decode("""
        {"id":"900","created_at":"2024-01-02T00:00:00Z","content":"","visibility":"public",
         "account":{"id":"5","acct":"carol","username":"carol","url":"https://c.example/@carol"},
         "reblog":{"id":"800","created_at":"2024-01-01T00:00:00Z","content":"<p>original &amp; good</p>","favourites_count":3,
                   "account":{"id":"6","acct":"dave@d.example","username":"dave"}}}
        """)
        let posts = items.compactMap { if case .post(let p) = $0 { p } else { nil } }
        let repost = try #require(posts.first { $0.platformID == "900" })
        #expect(repost.repostOfID == "800")
        #expect(repost.repostOfAccountID == "6")
        #expect(repost.authorHandle == "carol@c.example")
        let original = try #require(posts.first { $0.platformID == "800" })
        #expect(original.text == "original & good")
        #expect(original.authorID == "6")
        #expect(items.filter { if case .account = $0 { true } else { false } }.count == 2)
    }

    // MARK: - Streaming

    @Test func streamingUpdateParsesThePayloadAgain() throws {
        let result = try Self.decodeFile("streaming_update.json")
        let post = try #require(result.post("108913983692647032"))
        #expect(post.replyToPostID == "108913981098896721")
        #expect(post.replyToAccountID == "1081104")
        #expect(post.text.hasSuffix("consequat. 😂"))
        #expect(post.editedAt == nil)
        let account = try #require(result.accounts.first)
        #expect(account.bio == "Test account.\nOther hobbies include software testing.\n\n„Lorem ipsum dolor sit amet“ (Etaoin Shrdlu)")
        #expect(account.verified == false)
    }

    @Test func streamingStatusUpdateAndDelete() throws {
        let status = #"{\"id\":\"7\",\"created_at\":\"2024-05-01T00:00:00Z\",\"edited_at\":\"2024-05-01T01:00:00Z\",\"content\":\"<p>v2</p>\",\"account\":{\"id\":\"1\",\"acct\":\"a@x.example\",\"username\":\"a\"}}"#
        let updated = try Self.decode(#"{"event":"status.update","payload":"\#(status)"}"#)
        let post = try #require(updated.compactMap { if case .post(let p) = $0 { p } else { nil } }.first)
        #expect(post.text == "v2")
        #expect(post.editedAt == DateParsing.parse("2024-05-01T01:00:00Z"))

        let deleted = try Self.decode(#"{"stream":["public"],"event":"delete","payload":"108913983692647032"}"#)
        #expect(deleted == [.tombstone(Tombstone(platform: .mastodon, target: .post, platformID: "108913983692647032", reason: "deleted"))])

        #expect(throws: RecordError.self) { try Self.decode(#"{"event":"notification","payload":"{}"}"#) }
        let error = try #require(throws: RecordError.self) { try Self.decode(#"{"event":"update","payload":"{not json"}"#) }
        #expect(error.field == "payload")
    }

    // MARK: - Accounts

    @Test func accountWithBotFlagVerifiedFieldAndNote() throws {
        let account = try #require(try Self.decodeFile("account.json").accounts.first)
        #expect(account.platformID == "23634")
        #expect(account.handle == "noiob@awoo.space")
        #expect(account.declaredBot == false)
        #expect(account.verified == true)
        #expect(account.followers == 547)
        #expect(account.following == 404)
        #expect(account.postsCount == 28468)
        #expect(account.isPrivate == false)
        #expect(account.defaultProfileImage == false)
        #expect(account.createdAt == DateParsing.parse("2017-02-08T02:00:53.274Z"))
        #expect(account.bio?.contains("#awoo.space #admin ~ #bi ~ #nonbinary ~ compsci student") == true)
        #expect(account.bio?.hasSuffix("avatar by @dzuk") == true)
    }

    @Test func botFlagAndUnverifiedFields() throws {
        let items = try Self.decode("""
        {"id":"1","acct":"robot","username":"robot","bot":true,"url":"https://botsin.space/@robot",
         "avatar":"https://botsin.space/avatars/original/missing.png",
         "fields":[{"name":"a","value":"b","verified_at":null}],"suspended":true}
        """)
        guard case .account(let account) = try #require(items.first) else { Issue.record("not an account"); return }
        #expect(account.declaredBot == true)
        #expect(account.verified == false)
        #expect(account.defaultProfileImage == true)
        #expect(account.handle == "robot@botsin.space")
        #expect(account.status == .suspended)
    }

    @Test func officialAccountLocalHandleIsQualified() throws {
        let account = try #require(try Self.decodeFile("account_mastodon_official.json").accounts.first)
        #expect(account.handle == "Mastodon@mastodon.social")
        #expect(account.verified == true)
        #expect(account.followers == 814295)
        #expect(account.bio == "Free, open-source decentralized social media platform.")
    }

    @Test func verifyCredentialsUsesSourceFields() throws {
        let account = try #require(try Self.decodeFile("account_verify_credentials_condensed.json").accounts.first)
        #expect(account.verified == true)
        #expect(account.handle == "person@example.com")
    }

    @Test func movedAccountIsImportedToo() throws {
        let result = try Self.decodeFile("account_moved.json")
        #expect(result.accounts.count == 2)
        #expect(result.accounts.allSatisfy { $0.platformID == "23634" })
    }

    @Test func pixelfedAccounts() throws {
        let account = try #require(try Self.decodeFile("account_pixelfed.json").accounts.first)
        #expect(account.platformID == "569707951076919035")
        #expect(account.handle == "technicat@pixelfed.social")
        #expect(account.bio == "Bio")
        #expect(account.createdAt == DateParsing.parse("2023-06-01T02:16:00Z"))
        #expect(account.verified == nil)
        #expect(account.defaultProfileImage == false)

        let remote = try #require(try Self.decodeFile("account_pixelfed_mutes_blocks.json").accounts.first)
        #expect(remote.handle == "technicat@social.thisworksonmycomputer.local")
        #expect(remote.defaultProfileImage == true)
        #expect(remote.bio == "")
        #expect(remote.declaredBot == nil)
    }

    // MARK: - Bad input

    @Test func statusWithAStringAccountNamesTheField() throws {
        let error = try #require(throws: RecordError.self) {
            try Self.decode(#"{"id":"1","created_at":"2024-01-01T00:00:00Z","content":"x","account":"alice"}"#)
        }
        #expect(error.kind == .invalid)
        #expect(error.field == "account")
        #expect(error.reason.contains("a string"))
    }

    @Test func badStatusesAreRejectedWithTheirField() throws {
        let account = #""account":{"id":"1","acct":"a","username":"a"}"#
        let cases: [(String, String)] = [
            (#"{"content":"x","created_at":"2024-01-01T00:00:00Z",\#(account)}"#, "id"),
            (#"{"id":"9","content":"x",\#(account)}"#, "created_at"),
            (#"{"id":"9","content":"x","created_at":"2024-02-31T00:00:00Z",\#(account)}"#, "created_at"),
            (#"{"id":"9","content":42,"created_at":"2024-01-01T00:00:00Z",\#(account)}"#, "content"),
            (#"{"id":"9","content":"x","created_at":"2024-01-01T00:00:00Z","account":{"acct":"a"}}"#, "account.id"),
            (#"{"id":"9","content":"x","created_at":"2024-01-01T00:00:00Z",\#(account),"reblog":{"content":""}}"#, "reblog.id"),
            (#"{"id":"9","content":"x"}"#, "account"),
        ]
        for (json, field) in cases {
            let error = try #require(throws: RecordError.self) { try Self.decode(json) }
            #expect(error.kind == .invalid, "\(json)")
            #expect(error.field == field, "\(json)")
        }
        #expect(throws: RecordError.self) { try Self.decode("[1, 2]") }
        #expect(throws: RecordError.self) { try Self.decode(#"{"hello":"world"}"#) }
    }
}
