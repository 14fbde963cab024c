import Foundation
import Testing
import VigieCore
@testable import VigieIngest
import VigieTestSupport

@Suite struct JetstreamDecoderTests {
    struct FileResult {
        var items: [IngestItem] = []
        var skipped: [RecordError] = []
        var invalid: [RecordError] = []

        var posts: [Post] { items.compactMap { if case .post(let p) = $0 { p } else { nil } } }
        var accounts: [Account] { items.compactMap { if case .account(let a) = $0 { a } else { nil } } }
        var interactions: [Interaction] { items.compactMap { if case .interaction(let i) = $0 { i } else { nil } } }
        var tombstones: [Tombstone] { items.compactMap { if case .tombstone(let t) = $0 { t } else { nil } } }
    }

    static let dataDirectory = SharedData.path("bluesky-jetstream")

    static func decodeFile(_ name: String) throws -> FileResult {
        let text = try String(contentsOfFile: dataDirectory + "/" + name, encoding: .utf8)
        var decoder = JetstreamDecoder()
        var result = FileResult()
        for line in text.split(separator: "\n") where !line.isEmpty {
            let value = try JSONParser.parse(String(line))
            #expect(JetstreamDecoder.recognizes(value))
            do {
                try decoder.decode(value, into: &result.items)
            } catch let error as RecordError {
                if error.kind == .skipped { result.skipped.append(error) } else { result.invalid.append(error) }
            }
        }
        return result
    }

    static func decode(_ json: String) throws -> [IngestItem] {
        var decoder = JetstreamDecoder()
        var items: [IngestItem] = []
        try decoder.decode(try JSONParser.parse(json), into: &items)
        return items
    }

    static func onlyPost(_ json: String) throws -> Post {
        let items = try decode(json)
        guard items.count == 1, case .post(let post) = items[0] else {
            throw RecordError.invalid("expected one post, got \(items)")
        }
        return post
    }

    static func time(_ micros: Double) -> Date { Date(timeIntervalSince1970: micros / 1_000_000) }

    // MARK: - Real files

    /// Counted with python3 over the file: `kind`, and for commits `(operation, collection)`:
    /// 17 post creates, 105 like, 15 repost and 6 follow creates, 1 post + 3 follow deletes,
    /// 1 identity + 1 account event; 1 block, 1 app.bsky.actor.status and 1
    /// fm.teal.alpha.actor.status are other collections (skipped). Over the 17 posts: 8 have a
    /// `reply`, 5 distinct link URIs (facets ∪ external embeds, per post), 4 tag facets, 2 images.
    @Test func productionSampleOf152Events() throws {
        let result = try Self.decodeFile("jetstream_v1_152_events.jsonl")
        #expect(result.invalid.isEmpty, "\(result.invalid)")
        #expect(result.posts.count == 17)
        #expect(result.interactions.filter { $0.kind == .like }.count == 105)
        #expect(result.interactions.filter { $0.kind == .repost }.count == 15)
        #expect(result.interactions.filter { $0.kind == .follow }.count == 6)
        #expect(result.interactions.count == 126)
        #expect(result.tombstones.filter { $0.target == .post }.count == 1)
        #expect(result.tombstones.filter { $0.target == .follow }.count == 3)
        #expect(result.accounts.count == 2)
        #expect(result.skipped.count == 3)
        #expect(result.items.count + result.skipped.count == 152)

        #expect(result.posts.filter { $0.replyToPostID != nil }.count == 8)
        #expect(result.posts.reduce(0) { $0 + $1.urls.count } == 5)
        #expect(result.posts.reduce(0) { $0 + $1.hashtags.count } == 4)
        #expect(result.posts.reduce(0) { $0 + $1.mediaCount } == 2)
        #expect(result.skipped.contains { $0.reason.contains("app.bsky.graph.block") })
    }

    /// One event of each kind and operation, counted with python3: post, like, repost, follow
    /// creates; a profile update (an account); identity and account events; a block create,
    /// a place.stream update and an org.hypercerts delete (other collections: skipped).
    @Test func goldenTenEvents() throws {
        let result = try Self.decodeFile("jetstream_v1_10_events.jsonl")
        #expect(result.invalid.isEmpty, "\(result.invalid)")
        #expect(result.posts.count == 1)
        #expect(result.interactions.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.follow, .like, .repost])
        #expect(result.accounts.count == 3)
        #expect(result.tombstones.isEmpty)
        #expect(result.skipped.count == 3)

        let like = try #require(result.interactions.first { $0.kind == .like })
        #expect(like.sourceAccountID == "did:plc:mcc5yghbk7tixqryac2yxku7")
        #expect(like.targetPostID == "at://did:plc:vfnmgxg2yscfliemmcxzyfyh/app.bsky.feed.post/3mmoodizfwc2j")
        #expect(like.targetAccountID == "did:plc:vfnmgxg2yscfliemmcxzyfyh")
        #expect(like.viaID == "at://did:plc:mcc5yghbk7tixqryac2yxku7/app.bsky.feed.like/3mmoojp7etg2g")
        #expect(like.at == DateParsing.parse("2026-05-25T14:23:28.778Z"))

        let repost = try #require(result.interactions.first { $0.kind == .repost })
        #expect(repost.targetAccountID == "did:plc:hjloomm2tkve3pmfgbxegl3v")
        #expect(repost.targetPostID == "at://did:plc:hjloomm2tkve3pmfgbxegl3v/app.bsky.feed.post/3mmood3a6hc25")

        let follow = try #require(result.interactions.first { $0.kind == .follow })
        #expect(follow.sourceAccountID == "did:plc:mxwlsvdgs6tn75lq6jrr2vp7")
        #expect(follow.targetAccountID == "did:plc:anc6s2kher6ltrhhglxrzxsa")
        #expect(follow.targetPostID == nil)

        let profile = try #require(result.accounts.first { $0.platformID == "did:plc:o6t5vwyr7ae73foww7bgye4r" })
        #expect(profile.displayName == "Multiversal Lokis Unit🔞")
        #expect(profile.bio?.hasPrefix("Damian Lokison, 32") == true)
        #expect(profile.defaultProfileImage == false)
        #expect(profile.observedAt != nil)

        let active = try #require(result.accounts.first { $0.status != nil })
        #expect(active.status == .active)
        #expect(active.platformID == "did:plc:g4ut2w5755qxi3fe7mfs72p4")
        let identity = try #require(result.accounts.first { $0.status == nil && $0.displayName == nil })
        #expect(identity.platformID == "did:plc:g4ut2w5755qxi3fe7mfs72p4")
        #expect(identity.handle == nil)
    }

    @Test func replyHasParentAndRoot() throws {
        let result = try Self.decodeFile("jetstream_v1_152_events.jsonl")
        let uri = "at://did:plc:u4lmvw4wwzaql3z5kcf3r7h4/app.bsky.feed.post/3mptbyoumc22i"
        let post = try #require(result.posts.first { $0.platformID == uri })
        #expect(post.authorID == "did:plc:u4lmvw4wwzaql3z5kcf3r7h4")
        #expect(post.replyToPostID == "at://did:plc:u4lmvw4wwzaql3z5kcf3r7h4/app.bsky.feed.post/3mptbyou7ls2i")
        #expect(post.replyToAccountID == "did:plc:u4lmvw4wwzaql3z5kcf3r7h4")
        #expect(post.conversationID == "at://did:plc:u4lmvw4wwzaql3z5kcf3r7h4/app.bsky.feed.post/3mptbyospqk2i")
        #expect(post.createdAt == DateParsing.parse("2026-07-04T14:38:06.692Z"))
        #expect(post.language == "tr")
        #expect(post.editedAt == nil)

        let root = try #require(result.posts.first { $0.platformID.hasSuffix("/3mptbyospqk2i") })
        #expect(root.conversationID == root.platformID)
        #expect(root.replyToPostID == nil)
    }

    @Test func realTagFacetsAreSlicedByBytes() throws {
        let result = try Self.decodeFile("jetstream_v1_152_events.jsonl")
        let post = try #require(result.posts.first { $0.platformID.hasSuffix("/3mptbypfywk2v") })
        #expect(post.hashtags == ["HowToTellAiToShutUp", "IndieRebellion"])
        let index = try JSONParser.parse(#"{"byteStart":125,"byteEnd":140}"#)
        #expect(JetstreamDecoder.slice(post.text, index) == "#IndieRebellion")
        let external = try #require(result.posts.first { $0.platformID.hasSuffix("/3mptbyoeyc22k") })
        #expect(external.urls == ["https://www.youtube.com/watch?v=V5lDo-jw8mA"])
    }

    // MARK: - Built events

    static let event = #""did":"did:plc:author","time_us":1700000000000000,"kind":"commit""#

    @Test func facetsUseUTF8ByteOffsetsAfterNonASCIIText() throws {
        // Offsets computed with python3: 'Café ☕ avec @alice.bsky.social, …'.encode().find(…)
        let post = try Self.onlyPost("""
        {\(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r1","record":{
          "text":"Café ☕ avec @alice.bsky.social, lien: exemple.fr/réseau et #réseau 🇫🇷","createdAt":"2023-11-14T22:13:20.000Z",
          "langs":["fr"],
          "facets":[
            {"index":{"byteStart":15,"byteEnd":33},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:alice"}]},
            {"index":{"byteStart":41,"byteEnd":59},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://exemple.fr/r%C3%A9seau"}]},
            {"index":{"byteStart":63,"byteEnd":71},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"réseau"}]},
            {"index":{"byteStart":16,"byteEnd":17},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:bob"}]},
            {"index":{"byteStart":3,"byteEnd":4},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:cut"}]},
            {"index":{"byteStart":70,"byteEnd":900},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:far"}]}
          ]}}}
        """)
        #expect(post.platformID == "at://did:plc:author/app.bsky.feed.post/r1")
        #expect(post.language == "fr")
        #expect(post.mentions == [
            Mention(accountID: "did:plc:alice", handle: "alice.bsky.social"),
            Mention(accountID: "did:plc:bob", handle: "a"),
            // A range that cuts 'é' in two, or runs past the text, falls back to the DID.
            Mention(accountID: "did:plc:cut", handle: "did:plc:cut"),
            Mention(accountID: "did:plc:far", handle: "did:plc:far"),
        ])
        #expect(post.urls == ["https://exemple.fr/r%C3%A9seau"])
        #expect(post.hashtags == ["réseau"])
        #expect(post.interactions.filter { $0.kind == .mention }.map(\.targetAccountID) ==
            ["did:plc:alice", "did:plc:bob", "did:plc:cut", "did:plc:far"])
    }

    @Test func quoteEmbedsSetQuoteOf() throws {
        let quoted = "at://did:plc:quoted/app.bsky.feed.post/q1"
        let plain = try Self.onlyPost("""
        {\(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r2","record":{
          "text":"look","createdAt":"2023-11-14T22:13:20Z",
          "embed":{"$type":"app.bsky.embed.record","record":{"cid":"x","uri":"\(quoted)"}}}}}
        """)
        #expect(plain.quoteOfID == quoted)
        #expect(plain.quoteOfAccountID == "did:plc:quoted")
        #expect(plain.interactions.map(\.kind) == [.quote])

        let withMedia = try Self.onlyPost("""
        {\(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r3","record":{
          "text":"look","createdAt":"2023-11-14T22:13:20Z",
          "embed":{"$type":"app.bsky.embed.recordWithMedia",
                   "record":{"$type":"app.bsky.embed.record","record":{"cid":"x","uri":"\(quoted)"}},
                   "media":{"$type":"app.bsky.embed.images","images":[{"alt":""},{"alt":""},{"alt":""}]}}}}}
        """)
        #expect(withMedia.quoteOfID == quoted)
        #expect(withMedia.mediaCount == 3)

        let list = try Self.onlyPost("""
        {\(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r4","record":{
          "text":"my list","createdAt":"2023-11-14T22:13:20Z",
          "embed":{"$type":"app.bsky.embed.record","record":{"uri":"at://did:plc:x/app.bsky.graph.list/l1"}}}}}
        """)
        #expect(list.quoteOfID == nil)
    }

    @Test func updateIsAnEditAtTheEventTime() throws {
        let post = try Self.onlyPost("""
        {\(Self.event),"commit":{"operation":"update","collection":"app.bsky.feed.post","rkey":"r5","record":{
          "text":"fixed typo","createdAt":"2023-11-14T22:00:00Z"}}}
        """)
        #expect(post.createdAt == DateParsing.parse("2023-11-14T22:00:00Z"))
        #expect(post.editedAt == Self.time(1_700_000_000_000_000))
    }

    @Test func deletesAreTombstones() throws {
        for (collection, target) in [("app.bsky.feed.post", Tombstone.Target.post), ("app.bsky.feed.like", .like),
                                     ("app.bsky.feed.repost", .repost), ("app.bsky.graph.follow", .follow)] {
            let items = try Self.decode(#"{\#(Self.event),"commit":{"operation":"delete","collection":"\#(collection)","rkey":"k1"}}"#)
            #expect(items == [.tombstone(Tombstone(platform: .bluesky, target: target,
                                                   platformID: "at://did:plc:author/\(collection)/k1",
                                                   accountID: "did:plc:author",
                                                   deletedAt: Self.time(1_700_000_000_000_000), reason: "deleted"))])
        }
        let real = try Self.decodeFile("jetstream_v1_152_events.jsonl").tombstones
        #expect(real.contains { $0.platformID == "at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p" })
    }

    @Test func identityAndAccountEvents() throws {
        let identity = try Self.decode(#"{"did":"did:plc:a","time_us":1700000000000000,"kind":"identity","identity":{"did":"did:plc:a","handle":"alice.example.com","seq":1}}"#)
        // The event time dates the observation of the account.
        #expect(identity == [.account(Account(platform: .bluesky, platformID: "did:plc:a", handle: "alice.example.com",
                                              observedAt: Self.time(1_700_000_000_000_000)))])

        let statuses: [(String, AccountStatus?)] = [
            (#""active":true"#, .active), (#""active":false,"status":"takendown""#, .takendown),
            (#""active":false,"status":"deactivated""#, .deactivated), (#""active":false,"status":"suspended""#, .suspended),
            (#""active":false,"status":"throttled""#, nil),
        ]
        for (fields, status) in statuses {
            let items = try Self.decode(#"{"did":"did:plc:a","time_us":1700000000000000,"kind":"account","account":{\#(fields),"did":"did:plc:a"}}"#)
            #expect(items == [.account(Account(platform: .bluesky, platformID: "did:plc:a", status: status,
                                               observedAt: Self.time(1_700_000_000_000_000)))], "\(fields)")
        }
        let deleted = try Self.decode(#"{"did":"did:plc:a","time_us":1700000000000000,"kind":"account","account":{"active":false,"status":"deleted"}}"#)
        #expect(deleted.count == 2)
        #expect(deleted.contains { if case .tombstone(let t) = $0 { t.target == .account } else { false } })
    }

    // MARK: - Bad input

    @Test func commitWithoutDIDNamesTheField() throws {
        let error = try #require(throws: RecordError.self) {
            try Self.decode(#"{"time_us":1700000000000000,"kind":"commit","commit":{"operation":"delete","collection":"app.bsky.feed.post","rkey":"k"}}"#)
        }
        #expect(error.kind == .invalid)
        #expect(error.field == "did")
    }

    @Test func createdAtThatIsNotADateFallsBackToTheEventTime() throws {
        let post = try Self.onlyPost("""
        {\(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r6","record":{
          "text":"when?","createdAt":"not a date"}}}
        """)
        #expect(post.createdAt == Self.time(1_700_000_000_000_000))
    }

    @Test func malformedEventsAreRejectedWithTheirField() throws {
        let cases: [(String, String)] = [
            (#"{"did":"did:plc:a","kind":"commit"}"#, "time_us"),
            (#"{"did":"did:plc:a","time_us":"soon","kind":"commit"}"#, "time_us"),
            (#"{"did":42,"time_us":1,"kind":"commit"}"#, "did"),
            (#"{\#(Self.event)}"#, "commit"),
            (#"{\#(Self.event),"commit":{"collection":"app.bsky.feed.post","rkey":"k"}}"#, "commit.operation"),
            (#"{\#(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k"}}"#, "commit.record"),
            (#"{\#(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k","record":{"text":7}}}"#, "commit.record.text"),
            (#"{\#(Self.event),"commit":{"operation":"create","collection":"app.bsky.feed.like","rkey":"k","record":{}}}"#, "commit.record.subject.uri"),
            (#"{\#(Self.event),"commit":{"operation":"create","collection":"app.bsky.graph.follow","rkey":"k","record":{"subject":{}}}}"#, "commit.record.subject"),
            (#"{\#(Self.event),"commit":{"operation":"merge","collection":"app.bsky.feed.post","rkey":"k"}}"#, "commit.operation"),
        ]
        for (json, field) in cases {
            let error = try #require(throws: RecordError.self, "\(json)") { try Self.decode(json) }
            #expect(error.kind == .invalid, "\(json)")
            #expect(error.field == field, "\(json)")
        }
    }

    @Test func otherCollectionsAndKindsAreSkippedByName() throws {
        let error = try #require(throws: RecordError.self) {
            try Self.decode(#"{\#(Self.event),"commit":{"operation":"create","collection":"app.bsky.graph.listitem","rkey":"k","record":{}}}"#)
        }
        #expect(error.kind == .skipped)
        #expect(error.reason.contains("app.bsky.graph.listitem"))
        let kind = try #require(throws: RecordError.self) {
            try Self.decode(#"{"did":"did:plc:a","time_us":1,"kind":"sync"}"#)
        }
        #expect(kind.kind == .skipped)
    }
}
