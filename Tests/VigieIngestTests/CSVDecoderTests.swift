import Foundation
import Testing
import VigieCore
@testable import VigieIngest
import VigieTestSupport

private extension Array where Element == IngestItem {
    var posts: [Post] { compactMap { if case .post(let post) = $0 { post } else { nil } } }
    var accounts: [Account] { compactMap { if case .account(let account) = $0 { account } else { nil } } }
}

@Suite struct InstagramCSVDecoderTests {
    static let srfFile = SharedData.root
        .appendingPathComponent("instagram-fake-followers-srf/labelled_1000_inclprivate.csv").path

    @Test func srfProfilesDecodeToAccounts() throws {
        let (items, rejects) = try CSVTestSupport.decode(InstagramCSVDecoder.self, path: Self.srfFile)
        let accounts = items.accounts
        // Counted with Python's csv module: 975 data rows, 212 private, 12 without a profile
        // picture, 2,064,456 followers in total.
        #expect(rejects.isEmpty)
        #expect(accounts.count == 975)
        #expect(accounts.count(where: { $0.isPrivate == true }) == 212)
        #expect(accounts.count(where: { $0.defaultProfileImage == true }) == 12)
        #expect(accounts.reduce(0) { $0 + ($1.followers ?? 0) } == 2_064_456)
        #expect(Set(accounts.map(\.platformID)).count == 975)

        let first = try #require(accounts.first)
        #expect(first == Account(platform: .instagram, platformID: "__saaraa._", handle: "__saaraa._",
                                 followers: 177, following: 198, postsCount: 0, defaultProfileImage: false,
                                 url: "https://instagram.com/__saaraa._", isPrivate: true))
        let top = try #require(accounts.first { $0.handle == "april_gloria" })
        #expect(top.followers == 100_599 && top.following == 2212 && top.postsCount == 1686 && top.isPrivate == false)
    }

    @Test func recognisesSRFAndExportHeaders() {
        let srf = ["Profile.URL", "rating", "Username", "Number.of.posts", "Number.of.people.they.follow",
                   "Number.of.followers", "has_profile_picture", "Private.account"]
        #expect(InstagramCSVDecoder.recognizes(header: srf))
        #expect(InstagramCSVDecoder.recognizes(header: ["Username", "Followers Count", "bio"]))
        #expect(!InstagramCSVDecoder.recognizes(header: ToolkitCSVDecoder.columnNames))
        #expect(!InstagramCSVDecoder.recognizes(header: ["username", "bio"]))
    }

    @Test func scraperExportWithLiberalColumnNames() throws {
        let csv = """
        Username,Full Name,Biography,FOLLOWERS,following_count,Posts,is_private,is_verified,External_URL
        zoe.martin,Zoé Martin,"Photographe 📷, Lyon",1200.0,300,,false,True,https://zoe.fr
        bot_1234,,,,NA,0,yes,no,
        """
        let (items, rejects) = try CSVTestSupport.decode(InstagramCSVDecoder.self, csv,
                                                         options: CSVOptions(platform: .tiktok))
        #expect(rejects.isEmpty)
        #expect(items.accounts == [
            Account(platform: .tiktok, platformID: "zoe.martin", handle: "zoe.martin", displayName: "Zoé Martin",
                    bio: "Photographe 📷, Lyon", followers: 1200, following: 300, verified: true,
                    url: "https://zoe.fr", isPrivate: false),
            Account(platform: .tiktok, platformID: "bot_1234", handle: "bot_1234", postsCount: 0, verified: false,
                    isPrivate: true),
        ])
    }

    @Test func badValuesNameTheirColumn() throws {
        let csv = """
        username,followers,is_private
        a,12,true
        b,douze,false
        c,5,peut-être
        ,7,true
        d,3
        """
        let (items, rejects) = try CSVTestSupport.decode(InstagramCSVDecoder.self, csv)
        #expect(items.accounts.map(\.handle) == ["a"])
        #expect(rejects.map(\.line) == [3, 4, 5, 6])
        #expect(rejects.map(\.error.field) == ["followers", "is_private", "username", nil])
        #expect(rejects[3].error.reason.contains("2 fields"))
    }

    @Test func headerWithoutUsernameIsRefused() {
        #expect(throws: RecordError.self) {
            try InstagramCSVDecoder(header: ["followers", "bio"], options: CSVOptions())
        }
    }
}

@Suite struct ToolkitCSVDecoderTests {
    static let csv = """
    message_id,user_id,username,repost_id,reply_id,message,timestamp,urls
    1,u1,alice,,,"Lancement du #réseau, voir https://vigie.fr/a et @bob@piaille.fr",1606451170.518101,https://vigie.fr/a https://x.org
    2,u2,bob,1,,"RT @alice: Lancement du #réseau",1606451180,
    3,u1,alice,,2,"Merci !
    Deux lignes.",2020-11-27T04:26:30Z,"['http://example.com/2', 'http://example.com/4']"
    4,u3,carol,,,mauvaise date,demain,
    5,u3,carol,,,trop court,1606451170
    ,u3,carol,,,sans id,1606451170,
    6,u4,,,,"sans pseudo",0,
    """

    @Test func decodesPostsAndAccounts() throws {
        let (items, rejects) = try CSVTestSupport.decode(ToolkitCSVDecoder.self, Self.csv)
        let posts = items.posts
        #expect(posts.map(\.platformID) == ["1", "2", "3", "6"])

        let first = posts[0]
        #expect(first.platform == .other)
        #expect(first.authorID == "u1" && first.authorHandle == "alice")
        #expect(first.createdAt == Date(timeIntervalSince1970: 1606451170.518101))
        #expect(first.hashtags == ["réseau"])
        #expect(first.mentions == [Mention(handle: "bob@piaille.fr")])
        // The column's links first, then those only in the text (none new here).
        #expect(first.urls == ["https://vigie.fr/a", "https://x.org"])
        #expect(first.replyToPostID == nil && first.repostOfID == nil)

        #expect(posts[1].repostOfID == "1")
        #expect(posts[1].mentions == [Mention(handle: "alice")])
        #expect(posts[2].replyToPostID == "2")
        #expect(posts[2].text == "Merci !\nDeux lignes.")
        #expect(posts[2].createdAt == DateParsing.parse("2020-11-27T04:26:30Z"))
        #expect(posts[2].urls == ["http://example.com/2", "http://example.com/4"])
        // The toolkit accepts any consistent offset, even 0.
        #expect(posts[3].createdAt == Date(timeIntervalSince1970: 0))
        #expect(posts[3].authorHandle == nil)

        // One account per author with a username; repeats are not emitted again.
        #expect(items.accounts.map(\.platformID) == ["u1", "u2"])
        #expect(items.accounts.first == Account(platform: .other, platformID: "u1", handle: "alice"))

        #expect(rejects.map(\.line) == [6, 7, 8])
        #expect(rejects[0].error.field == "timestamp")
        #expect(rejects[0].error.reason.contains("demain"))
        #expect(rejects[1].error.reason.contains("7 fields"))
        #expect(rejects[2].error.field == "message_id")
    }

    @Test func platformComesFromTheOptions() throws {
        let (items, _) = try CSVTestSupport.decode(ToolkitCSVDecoder.self, Self.csv,
                                                   options: CSVOptions(platform: .twitter))
        #expect(items.posts.allSatisfy { $0.platform == .twitter })
        #expect(items.accounts.allSatisfy { $0.platform == .twitter })
    }

    @Test func headerRecognitionAndMissingColumns() throws {
        #expect(ToolkitCSVDecoder.recognizes(header: ToolkitCSVDecoder.columnNames))
        #expect(ToolkitCSVDecoder.recognizes(header: ToolkitCSVDecoder.columnNames.reversed()))
        #expect(!ToolkitCSVDecoder.recognizes(header: ["message_id", "user_id", "message", "timestamp"]))
        let error = try #require(throws: RecordError.self) {
            try ToolkitCSVDecoder(header: ["message_id", "user_id", "username", "message", "timestamp", "urls"],
                                  options: CSVOptions())
        }
        #expect(error.reason.contains("repost_id, reply_id"))
        #expect(error.field == "repost_id")
    }

    @Test func columnsAreReadByName() throws {
        let csv = "timestamp,message,user_id,message_id,urls,reply_id,repost_id,username\n1606451170,hello #x,u9,42,,,,zed\n"
        let post = try #require(try CSVTestSupport.decode(ToolkitCSVDecoder.self, csv).items.posts.first)
        #expect(post.platformID == "42" && post.authorID == "u9" && post.text == "hello #x" && post.hashtags == ["x"])
    }
}

@Suite struct GenericCSVDecoderTests {
    @Test func frenchExportWithSemicolonsAndAMapping() throws {
        let csv = """
        identifiant;auteur;pseudo;contenu;date;langue;réponse_à;mots_clés;j_aime;partages
        101;9001;@marie_l;"Grève à Paris ; #transports perturbés, voir https://ratp.fr/info.";2024-03-07 08:15:00;fr;;"#grève, #RATP";12;3
        102;9002;paul;"@marie_l d’accord !";1709799300;fr;101;;0;
        103;9003;zoe;sans date;;fr;;;;
        """
        let options = CSVOptions(mapping: ["id": "identifiant", "author_id": "auteur", "author": "pseudo",
                                           "text": "contenu", "created_at": "date", "lang": "langue",
                                           "reply_to": "réponse_à", "hashtags": "mots_clés", "likes": "j_aime",
                                           "reposts": "partages"],
                                 platform: .mastodon, delimiter: UInt8(ascii: ";"))
        let (items, rejects) = try CSVTestSupport.decode(GenericCSVDecoder.self, csv, options: options)
        let posts = items.posts
        #expect(posts.count == 2)
        let first = try #require(posts.first)
        #expect(first.platform == .mastodon && first.platformID == "101" && first.authorID == "9001")
        #expect(first.authorHandle == "marie_l")
        #expect(first.text == "Grève à Paris ; #transports perturbés, voir https://ratp.fr/info.")
        #expect(first.createdAt == DateParsing.parse("2024-03-07T08:15:00Z"))
        #expect(first.language == "fr")
        #expect(first.hashtags == ["grève", "RATP", "transports"])
        #expect(first.urls == ["https://ratp.fr/info"])
        #expect(first.metrics == PostMetrics(likes: 12, reposts: 3))

        let second = posts[1]
        #expect(second.replyToPostID == "101")
        #expect(second.mentions == [Mention(handle: "marie_l")])
        #expect(second.createdAt == Date(timeIntervalSince1970: 1_709_799_300))
        #expect(second.metrics == PostMetrics(likes: 0))

        #expect(items.accounts.map(\.handle) == ["marie_l", "paul"])
        #expect(rejects.count == 1)
        #expect(rejects.first?.line == 4)
        #expect(rejects.first?.error.field == "date")
    }

    @Test func columnsNamedLikeTheFieldsNeedNoMapping() throws {
        let csv = "ID,Author,Text,Created_At,urls\nx1,lea,Bonjour #Lyon,2024-01-02,https://a.fr https://b.fr\n"
        #expect(GenericCSVDecoder.recognizes(header: ["ID", "Author", "Text", "Created_At", "urls"]))
        let (items, rejects) = try CSVTestSupport.decode(GenericCSVDecoder.self, csv)
        #expect(rejects.isEmpty)
        let post = try #require(items.posts.first)
        // Only a handle: it is the author id too.
        #expect(post.authorID == "lea" && post.authorHandle == "lea" && post.platform == .other)
        #expect(post.hashtags == ["Lyon"] && post.urls == ["https://a.fr", "https://b.fr"])
        #expect(post.metrics == nil)
    }

    @Test func missingRequiredFieldsAreNamed() throws {
        let header = ["tweet_id", "body", "when"]
        #expect(!GenericCSVDecoder.recognizes(header: header))
        let error = try #require(throws: RecordError.self) {
            try GenericCSVDecoder(header: header, options: CSVOptions(mapping: ["text": "body"]))
        }
        #expect(error.reason.contains("id, author_id or author, created_at"))
        #expect(error.reason.contains("tweet_id, body, when"))
    }

    @Test func mappingMistakesAreExplained() throws {
        let header = ["id", "author", "text", "created_at"]
        let badColumn = try #require(throws: RecordError.self) {
            try GenericCSVDecoder(header: header, options: CSVOptions(mapping: ["lang": "language"]))
        }
        #expect(badColumn.field == "lang" && badColumn.reason.contains("'language'"))
        let badField = try #require(throws: RecordError.self) {
            try GenericCSVDecoder(header: header, options: CSVOptions(mapping: ["langue": "lang"]))
        }
        #expect(badField.field == "langue")
    }

    @Test func badRowsAreRejectedWithTheirColumn() throws {
        let csv = "id,author_id,text,created_at,likes\n,a,t,2024-01-01,\n2,,t,2024-01-01,\n3,a,t,2024-01-01,-4\n4,a,t,2024-13-01,\n"
        let (items, rejects) = try CSVTestSupport.decode(GenericCSVDecoder.self, csv)
        #expect(items.posts.isEmpty)
        #expect(rejects.map(\.error.field) == ["id", "author_id", "likes", "created_at"])
    }
}
