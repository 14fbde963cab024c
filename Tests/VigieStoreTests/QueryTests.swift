import Foundation
import Testing
import VigieCore
@testable import VigieStore

@Suite("SQLiteStore queries")
struct QueryTests {
    let store: SQLiteStore
    let ws = "default"

    init() throws {
        store = try SQLiteStore.inMemory()
    }

    @Test func fullTextFoldsAccentsAndCase() async throws {
        try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "Le réseau social de l'État")),
            .post(Fixture.post("p2", text: "RÉSEAU ÉLECTRIQUE en panne")),
            .post(Fixture.post("p3", text: "Rien à voir")),
        ]), workspace: ws)
        let ids = Set(try await store.searchPosts(workspace: ws, text: "reseau", limit: 10).map(\.platformID))
        #expect(ids == ["p1", "p2"])
        #expect(try await store.searchPosts(workspace: ws, text: "etat", limit: 10).map(\.platformID) == ["p1"])
        #expect(try await store.searchPosts(workspace: ws, text: "Électrique PANNE", limit: 10).map(\.platformID) == ["p2"])
        #expect(try await store.searchPosts(workspace: ws, text: "réseau absent", limit: 10).isEmpty)
    }

    @Test(arguments: ["\"unbalanced", "a OR (b", "NEAR(x y)", "col:val", "-x*", "***", "", "l'état \"réseau\""])
    func punctuationNeverBreaksTheQuery(_ input: String) async throws {
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "le réseau de l'état"))]), workspace: ws)
        _ = try await store.searchPosts(workspace: ws, text: input, limit: 5)
    }

    @Test func quotedWordsStillMatch() async throws {
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "le réseau de l'état"))]), workspace: ws)
        #expect(try await store.searchPosts(workspace: ws, text: "l'état \"réseau\"", limit: 5).count == 1)
    }

    @Test func bestMatchComesFirst() async throws {
        try await store.write(Fixture.batch([
            .post(Fixture.post("weak", text: "climat et bien d'autres sujets sans rapport aucun ici ni là-bas")),
            .post(Fixture.post("strong", text: "climat climat climat")),
        ]), workspace: ws)
        #expect(try await store.searchPosts(workspace: ws, text: "climat", limit: 5).map(\.platformID) == ["strong", "weak"])
    }

    @Test func postsRoundTripWithTheirEntities() async throws {
        var post = Fixture.post("p1", author: "u1", text: "Voir https://t.co/x #Vélo @Bob", at: 12.5,
                                hashtags: ["Vélo", "vélo", "Tour"], mentions: [Mention(accountID: "u2", handle: "Bob")],
                                urls: ["https://www.Example.org:443/x?y#z", "http://short.ly"],
                                metrics: PostMetrics(likes: 3, views: 40, observedAt: Fixture.at(99)))
        post.language = "fr"
        post.source = "Twitter for Android"
        post.conversationID = "c1"
        post.quoteOfID = "q1"
        post.quoteOfAccountID = "u4"
        post.mediaCount = 2
        post.state = .withheld(countries: ["DE", "FR"])
        let plain = Fixture.post("p2", author: "u1", text: "simple", at: 30)
        try await store.write(Fixture.batch([.post(post), .post(plain)]), workspace: ws)

        var read: [Post] = []
        try await store.posts(workspace: ws).forEach { read.append($0) }
        #expect(read == [post, plain])
        #expect(try await store.searchPosts(workspace: ws, text: "velo", limit: 1) == [post])
        #expect(try await store.strings("SELECT domain FROM post_url ORDER BY position") == ["example.org", "short.ly"])
    }

    @Test func accountDetailSummarisesActivity() async throws {
        var items: [IngestItem] = [.account(Fixture.account("u1", handle: "Alice"))]
        for index in 0..<7 {
            items.append(.post(Fixture.post("p\(index)", author: "u1", text: "post \(index)", at: Double(index) * 60)))
        }
        items.append(.post(Fixture.post("r1", author: "u2", text: "reply", at: 1000, replyTo: ("p0", "u1"))))
        try await store.write(Fixture.batch(items), workspace: ws)

        let detail = try #require(await store.accountDetails(workspace: ws, handle: "@ALICE").first)
        #expect(detail.postCount == 7)
        #expect(detail.firstPostAt == Fixture.at(0))
        #expect(detail.lastPostAt == Fixture.at(360))
        #expect(detail.recentPosts.map(\.platformID) == ["p6", "p5", "p4", "p3", "p2"])
        #expect(detail.interactionsIn == ["reply": 1])
        #expect(detail.interactionsOut.isEmpty)
        #expect(try await store.accountDetails(workspace: ws, handle: "u1").map(\.account.handle) == ["Alice"])
        #expect(try await store.accountDetails(workspace: ws, handle: "nobody").isEmpty)
    }

    @Test func sameIdOnTwoPlatformsIsTwoRecords() async throws {
        try await store.write(Fixture.batch([
            .post(Fixture.post("1", text: "un", platform: .twitter)),
            .post(Fixture.post("1", text: "un", platform: .mastodon)),
        ]), workspace: ws)
        let stats = try await store.stats(workspace: ws)
        #expect(stats.byPlatform["twitter"]?.posts == 1)
        #expect(stats.byPlatform["mastodon"]?.posts == 1)
        #expect(stats.total.accounts == 2)
    }

    @Test func linkDomainsAreNormalised() async {
        #expect(linkDomain("https://www.Le-Monde.fr/politique/") == "le-monde.fr")
        #expect(linkDomain("http://user@host.example:8080?q") == "host.example")
        #expect(linkDomain("example.com/path") == "example.com")
        #expect(linkDomain("https://") == nil)
    }
}
