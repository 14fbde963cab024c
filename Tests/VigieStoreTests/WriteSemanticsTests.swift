import Foundation
import Testing
import VigieCore
@testable import VigieStore

@Suite("SQLiteStore write semantics")
struct WriteSemanticsTests {
    let store: SQLiteStore
    let ws = "default"

    init() throws {
        store = try SQLiteStore.inMemory()
    }

    private func richBatch() -> IngestBatch {
        Fixture.batch([
            .account(Fixture.account("u1", handle: "Alice", followers: 10, observedAt: 0)),
            .post(Fixture.post("p1", text: "Le réseau #Climat", hashtags: ["Climat"],
                               mentions: [Mention(accountID: "u2", handle: "Bob")], urls: ["https://www.example.org/a"])),
            .post(Fixture.post("p2", author: "u2", text: "réponse", at: 60, replyTo: ("p1", "u1"))),
            .interaction(Interaction(platform: .twitter, kind: .like, sourceAccountID: "u3", targetAccountID: "u1",
                                     targetPostID: "p1", viaID: "like-1", at: Fixture.at(90))),
            .tombstone(Fixture.tombstone("gone")),
        ], rejects: [Reject(file: "a.jsonl", line: 3, format: "twarc2", reason: "broken JSON", excerpt: "{")],
           checkpoint: ImportCheckpoint(file: "a.jsonl", format: "twarc2", bytesRead: 10, bytesTotal: 10,
                                        records: 5, completed: true))
    }

    @Test func rewritingTheSameBatchChangesNothing() async throws {
        let first = try await store.write(richBatch(), workspace: ws)
        #expect(first.postsInserted == 2)
        #expect(first.accountsInserted == 3) // u1, u2 (author and mention), u3 (liker)
        #expect(first.interactionsInserted == 3) // mention, reply, like
        #expect(first.tombstonesInserted == 1)
        #expect(first.rejectsInserted == 1)
        let statsBefore = try await store.stats(workspace: ws)

        let second = try await store.write(richBatch(), workspace: ws)
        var expected = WriteSummary()
        expected.postsUnchanged = 2
        #expect(second == expected)
        #expect(try await store.stats(workspace: ws) == statsBefore)
        #expect(statsBefore.total.posts == 2)
        #expect(statsBefore.total.postVersions == 2)
        #expect(statsBefore.rejects == 1)
    }

    @Test func accountsMergeFieldByField() async throws {
        try await store.write(Fixture.batch([.account(Fixture.account("u1", handle: "Alice", followers: 100, bio: "bio", observedAt: 100))]),
                        workspace: ws)
        // An older observation neither erases nor overrides, but fills what was unknown.
        var older = Fixture.account("u1", handle: nil, followers: 5, observedAt: 50)
        older.location = "Lyon"
        let olderSummary = try await store.write(Fixture.batch([.account(older)]), workspace: ws)
        #expect(olderSummary.accountsUpdated == 1)
        var account = try #require(await store.accountDetails(workspace: ws, handle: "alice").first).account
        #expect(account.followers == 100)
        #expect(account.bio == "bio")
        #expect(account.location == "Lyon")

        // A newer observation replaces counts; its nils still erase nothing.
        try await store.write(Fixture.batch([.account(Fixture.account("u1", followers: 250, observedAt: 200))]), workspace: ws)
        account = try #require(await store.accountDetails(workspace: ws, handle: "alice").first).account
        #expect(account.followers == 250)
        #expect(account.handle == "Alice")
        #expect(account.bio == "bio")
        #expect(account.observedAt == Fixture.at(200))

        let again = try await store.write(Fixture.batch([.account(Fixture.account("u1", followers: 250, observedAt: 200))]), workspace: ws)
        #expect(again.accountsUpdated == 0 && again.accountsInserted == 0)
    }

    @Test func aPostStubAccountGetsItsDetailsLater() async throws {
        try await store.write(Fixture.batch([.post(Fixture.post("p1", author: "u9"))]), workspace: ws)
        try await store.write(Fixture.batch([.account(Fixture.account("u9", handle: "Neuf", followers: 3))]), workspace: ws)
        let details = try await store.accountDetails(workspace: ws, handle: "neuf")
        #expect(details.count == 1)
        #expect(details.first?.account.followers == 3)
        #expect(details.first?.postCount == 1)
    }

    @Test func newestVersionOfAnEditedPostWins() async throws {
        // Mastodon-style: one id, `editedAt` tells the versions apart.
        let original = Fixture.post("m1", text: "premier jet", at: 0, platform: .mastodon)
        let edited = Fixture.post("m1", text: "version corrigée", at: 0, platform: .mastodon, editedAt: Fixture.at(300))
        try await store.write(Fixture.batch([.post(edited)]), workspace: ws)
        let late = try await store.write(Fixture.batch([.post(original)]), workspace: ws)
        #expect(late.postsUpdated == 1) // history grew, content kept
        let posts = try await store.searchPosts(workspace: ws, text: "corrigee", limit: 5)
        #expect(posts.map(\.text) == ["version corrigée"])
        #expect(try await store.searchPosts(workspace: ws, text: "jet", limit: 5).isEmpty)
        let stats = try await store.stats(workspace: ws)
        #expect(stats.total.posts == 1)
        #expect(stats.total.postVersions == 2)
        #expect(try await store.write(Fixture.batch([.post(original), .post(edited)]), workspace: ws).postsUnchanged == 2)
    }

    @Test func twitterEditUpdatesTheRootRow() async throws {
        let original = Fixture.post("t1", text: "old words", at: 0, hashtags: ["old"])
        let edit = Fixture.post("t2", text: "new words", at: 120, editOf: "t1", hashtags: ["new"])
        try await store.write(Fixture.batch([.post(original)]), workspace: ws)
        let summary = try await store.write(Fixture.batch([.post(edit)]), workspace: ws)
        #expect(summary.postsUpdated == 1)
        #expect(summary.postsInserted == 0)

        var stored: [Post] = []
        try await store.posts(workspace: ws).forEach { stored.append($0) }
        let post = try #require(stored.first)
        #expect(stored.count == 1)
        #expect(post.platformID == "t2")
        #expect(post.editOf == "t1")
        #expect(post.text == "new words")
        #expect(post.hashtags == ["new"])
        #expect(post.createdAt == Fixture.at(0)) // dated by the original
        #expect(try await store.stats(workspace: ws).total.postVersions == 2)
        #expect(try await store.searchPosts(workspace: ws, text: "old", limit: 5).isEmpty)
    }

    @Test func editArrivingBeforeItsOriginalStillWins() async throws {
        let original = Fixture.post("t1", text: "old words", at: 0)
        let edit = Fixture.post("t2", text: "new words", at: 120, editOf: "t1")
        try await store.write(Fixture.batch([.post(edit), .post(original)]), workspace: ws)
        var stored: [Post] = []
        try await store.posts(workspace: ws).forEach { stored.append($0) }
        #expect(stored.map(\.text) == ["new words"])
        #expect(stored.first?.createdAt == Fixture.at(0))
    }

    @Test func newerMetricsReplaceOlderOnes() async throws {
        let early = Fixture.post("p1", metrics: PostMetrics(likes: 1, reposts: 0, observedAt: Fixture.at(10)))
        let later = Fixture.post("p1", metrics: PostMetrics(likes: 9, observedAt: Fixture.at(20)))
        try await store.write(Fixture.batch([.post(later)]), workspace: ws)
        try await store.write(Fixture.batch([.post(early)]), workspace: ws)
        let post = try #require(await store.searchPosts(workspace: ws, text: "bonjour", limit: 1).first)
        #expect(post.metrics?.likes == 9)
        #expect(post.metrics?.reposts == 0) // unknown in the newer observation, filled from the older
        #expect(post.metrics?.observedAt == Fixture.at(20))
    }

    @Test func tombstoneRemovesThePostAndEverythingDerived() async throws {
        try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "à supprimer", hashtags: ["x"], mentions: [Mention(handle: "Zed")],
                               urls: ["https://a.example/"], replyTo: ("p0", "u0"))),
            .post(Fixture.post("p2", text: "à garder")),
        ]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.interactions == 2)

        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("p1"))]), workspace: ws)
        let stats = try await store.stats(workspace: ws)
        #expect(stats.total.posts == 1)
        #expect(stats.total.postVersions == 1)
        #expect(stats.total.interactions == 0)
        #expect(stats.total.tombstones == 1)
        #expect(try await store.searchPosts(workspace: ws, text: "supprimer", limit: 5).isEmpty)
        #expect(try await store.searchPosts(workspace: ws, text: "garder", limit: 5).count == 1)
        #expect(try await store.count("SELECT COUNT(*) FROM post_hashtag") == 0)
        #expect(try await store.count("SELECT COUNT(*) FROM post_mention") == 0)
        #expect(try await store.count("SELECT COUNT(*) FROM post_url") == 0)

        // The post cannot come back, by its own id nor as the root of an edit.
        let again = try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "à supprimer")),
            .post(Fixture.post("p1-edit", text: "revenu", at: 10, editOf: "p1")),
        ]), workspace: ws)
        #expect(again.postsSuppressed == 2)
        #expect(again.postsInserted == 0)
        #expect(try await store.stats(workspace: ws).total.posts == 1)
    }

    @Test func tombstoneByAnEditIdRemovesTheRootRow() async throws {
        try await store.write(Fixture.batch([
            .post(Fixture.post("t1", text: "old")),
            .post(Fixture.post("t2", text: "new", at: 5, editOf: "t1")),
            .tombstone(Fixture.tombstone("t2")),
        ]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.posts == 0)
    }

    @Test func tombstoneByTheIdOfALoneEditRemovesItsRow() async throws {
        try await store.write(Fixture.batch([.post(Fixture.post("t2", text: "new", at: 5, editOf: "t1"))]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.postVersions == 1)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("t2"))]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.posts == 0)
        // Deleting a version deletes the post: the original cannot come back either.
        #expect(try await store.write(Fixture.batch([.post(Fixture.post("t1", text: "old"))]), workspace: ws).postsSuppressed == 1)
    }

    @Test func tombstoneEarlierInTheSameBatchSuppressesThePost() async throws {
        let summary = try await store.write(Fixture.batch([
            .tombstone(Fixture.tombstone("p1")), .post(Fixture.post("p1")),
        ]), workspace: ws)
        #expect(summary.postsSuppressed == 1)
        #expect(try await store.stats(workspace: ws).total.posts == 0)
    }

    @Test func accountTombstoneMarksTheAccountWithoutDeletingIt() async throws {
        try await store.write(Fixture.batch([
            .account(Fixture.account("u1", handle: "Alice")), .post(Fixture.post("p1")),
        ]), workspace: ws)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("u1", target: .account))]), workspace: ws)
        let detail = try #require(await store.accountDetails(workspace: ws, handle: "Alice").first)
        #expect(detail.account.status == .deleted)
        #expect(detail.postCount == 1)
        // A later record without a status keeps the deletion.
        try await store.write(Fixture.batch([.account(Fixture.account("u1", handle: "Alice", followers: 1))]), workspace: ws)
        #expect(try await store.accountDetails(workspace: ws, handle: "Alice").first?.account.status == .deleted)
    }

    @Test func likeTombstoneRemovesTheEdgeForGood() async throws {
        let like = Interaction(platform: .twitter, kind: .like, sourceAccountID: "u1", targetAccountID: "u2",
                               targetPostID: "p9", viaID: "like-1", at: Fixture.at(0))
        try await store.write(Fixture.batch([.interaction(like)]), workspace: ws)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("like-1", target: .like))]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.interactions == 0)
        let again = try await store.write(Fixture.batch([.interaction(like)]), workspace: ws)
        #expect(again.interactionsInserted == 0)
    }

    @Test func interactionsAreDerivedWithAccountRowsAtBothEnds() async throws {
        let post = Fixture.post("p1", author: "u1", text: "salut", mentions: [
            Mention(accountID: "u2", handle: "Bob"), Mention(handle: "Carol"), Mention(handle: "carol"),
        ], replyTo: ("p0", "u3"))
        let summary = try await store.write(Fixture.batch([.post(post)]), workspace: ws)
        #expect(summary.interactionsInserted == 3) // reply, mention u2, mention @carol (once)
        #expect(summary.accountsInserted == 4)     // author, u2, @carol stub, u3

        let carol = try #require(await store.accountDetails(workspace: ws, handle: "CAROL").first)
        #expect(carol.account.platformID == "@carol")
        #expect(carol.interactionsIn == ["mention": 1])
        let bob = try #require(await store.accountDetails(workspace: ws, handle: "@bob").first)
        #expect(bob.account.platformID == "u2")
        let author = try #require(await store.accountDetails(workspace: ws, handle: "u1").first)
        #expect(author.interactionsOut == ["reply": 1, "mention": 2])
        #expect(try await store.count("SELECT COUNT(*) FROM interaction WHERE target_account_id IS NULL") == 0)
    }

    @Test func aNewerVersionReplacesTheEdgesItImplies() async throws {
        try await store.write(Fixture.batch([.post(Fixture.post("t1", text: "salut @anna", mentions: [Mention(handle: "anna")]))]),
                        workspace: ws)
        let edit = Fixture.post("t2", text: "salut @bruno", at: 30, editOf: "t1", mentions: [Mention(handle: "bruno")])
        try await store.write(Fixture.batch([.post(edit)]), workspace: ws)
        try await store.write(Fixture.batch([.post(edit)]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.interactions == 1)
        #expect(try await store.accountDetails(workspace: ws, handle: "bruno").first?.interactionsIn == ["mention": 1])
        #expect(try await store.accountDetails(workspace: ws, handle: "anna").first?.interactionsIn == [:])
    }

    @Test func repostTombstoneRemovesARetweetStoredAsAPost() async throws {
        var retweet = Fixture.post("rt1", author: "u2", text: "RT @u1: bonjour")
        retweet.repostOfID = "p1"
        retweet.repostOfAccountID = "u1"
        try await store.write(Fixture.batch([.post(retweet)]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.interactions == 1)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("rt1", target: .repost))]), workspace: ws)
        #expect(try await store.stats(workspace: ws).total.interactions == 0)
        #expect(try await store.stats(workspace: ws).total.posts == 0)
        #expect(try await store.write(Fixture.batch([.post(retweet)]), workspace: ws).postsSuppressed == 1)
    }

    @Test func handleTargetsResolveToAKnownAccount() async throws {
        try await store.write(Fixture.batch([.account(Fixture.account("u7", handle: "Dora"))]), workspace: ws)
        try await store.write(Fixture.batch([.post(Fixture.post("p1", mentions: [Mention(handle: "dora")]))]), workspace: ws)
        let dora = try #require(await store.accountDetails(workspace: ws, handle: "dora").first)
        #expect(dora.account.platformID == "u7")
        #expect(dora.interactionsIn == ["mention": 1])
    }

    @Test func rejectsAreKeptOnceAndListedNewestFirst() async throws {
        let first = Reject(file: "a.json", line: 1, format: "mastodon", reason: "missing id", excerpt: "{}")
        let second = Reject(file: "a.json", line: 7, format: "mastodon", reason: "bad date", excerpt: "{\"created_at\":1}")
        try await store.write(Fixture.batch([], rejects: [first]), workspace: ws)
        try await store.write(Fixture.batch([], rejects: [second]), workspace: ws)
        let again = try await store.write(Fixture.batch([], rejects: [first, second]), workspace: ws)
        #expect(again.rejectsInserted == 0)
        let listed = try await store.rejects(workspace: ws, limit: 10)
        #expect(listed == [second, first])
        #expect(try await store.rejects(workspace: ws, limit: 1) == [second])
    }

    @Test func checkpointIsUpsertedWithTheBatch() async throws {
        let file = "/data/big.jsonl"
        #expect(try await store.checkpoint(workspace: ws, file: file) == nil)
        let partial = ImportCheckpoint(file: file, format: "jetstream", bytesRead: 100, bytesTotal: 1000, records: 3, completed: false)
        try await store.write(Fixture.batch([.post(Fixture.post("p1"))], checkpoint: partial), workspace: ws)
        #expect(try await store.checkpoint(workspace: ws, file: file) == partial)
        var done = partial
        done.bytesRead = 1000
        done.completed = true
        try await store.write(Fixture.batch([], checkpoint: done), workspace: ws)
        #expect(try await store.checkpoint(workspace: ws, file: file) == done)
    }

    @Test func aFailedBatchLeavesNothingBehind() async throws {
        let partial = ImportCheckpoint(file: "f", format: "csv", bytesRead: 1, bytesTotal: 9, records: 1, completed: false)
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "avant"))], checkpoint: partial), workspace: ws)
        let before = try await store.stats(workspace: ws)

        var failing = Fixture.batch([
            .post(Fixture.post("p2", author: "new-author", text: "pendant", mentions: [Mention(handle: "x")])),
            .tombstone(Fixture.tombstone("p1")),
            .post(Fixture.post("p3", text: "jamais")),
        ], rejects: [Reject(file: "f", line: 2, format: "csv", reason: "r", excerpt: "e")])
        failing.checkpoint = ImportCheckpoint(file: "f", format: "csv", bytesRead: 9, bytesTotal: 9, records: 3, completed: true)
        await #expect(throws: SimulatedCrash.self) {
            try await store.write(failing, workspace: ws) { index in
                if index == 1 { throw SimulatedCrash() }
            }
        }
        #expect(try await store.stats(workspace: ws) == before)
        #expect(try await store.checkpoint(workspace: ws, file: "f") == partial)
        #expect(try await store.searchPosts(workspace: ws, text: "avant", limit: 5).count == 1)
        #expect(try await store.accountDetails(workspace: ws, handle: "new-author").isEmpty)

        // Running the import again completes it, with fresh account ids (the cache was dropped).
        let retry = try await store.write(failing, workspace: ws)
        #expect(retry.postsInserted == 2)
        #expect(try await store.stats(workspace: ws).total.posts == 2)
        #expect(try await store.searchPosts(workspace: ws, text: "avant", limit: 5).isEmpty)
        #expect(try await store.accountDetails(workspace: ws, handle: "new-author").first?.postCount == 1)
        #expect(try await store.checkpoint(workspace: ws, file: "f")?.completed == true)
    }

    @Test func workspacesAreSeparate() async throws {
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "marque A"))]), workspace: "brand-a")
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "marque B"))]), workspace: "brand-b")
        #expect(try await store.workspaces() == ["brand-a", "brand-b"])
        #expect(try await store.stats(workspace: "brand-a").total.posts == 1)
        #expect(try await store.stats(workspace: "brand-b").total.accounts == 1)
        #expect(try await store.searchPosts(workspace: "brand-a", text: "marque", limit: 5).map(\.text) == ["marque A"])
        #expect(try await store.stats(workspace: "unknown").total.posts == 0)
    }

    @Test func invalidWorkspaceNamesAreRefused() async throws {
        await #expect(throws: StoreError.self) {
            try await store.write(Fixture.batch([.post(Fixture.post("p1"))]), workspace: "bad name;")
        }
    }
}
