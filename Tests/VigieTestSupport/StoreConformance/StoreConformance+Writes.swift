import Foundation
import Testing
import VigieCore

/// Write semantics: what `StoreWriter.write` keeps, merges, derives and removes.
extension StoreConformance {
    static let writeChecks: [Check] = [
        Check("writes", "rewriting the same batch changes nothing") { try await $0.rewritingTheSameBatchChangesNothing() },
        Check("writes", "accounts merge field by field") { try await $0.accountsMergeFieldByField() },
        Check("writes", "a post's stub account gets its details later") { try await $0.aPostStubAccountGetsItsDetailsLater() },
        Check("writes", "the newest version of an edited post wins") { try await $0.newestVersionOfAnEditedPostWins() },
        Check("writes", "an edit with its own id (editOf) updates the original") { try await $0.anEditWithItsOwnIDUpdatesTheOriginal() },
        Check("writes", "an edit arriving before its original still wins") { try await $0.editArrivingBeforeItsOriginalStillWins() },
        Check("writes", "newer metrics replace older ones") { try await $0.newerMetricsReplaceOlderOnes() },
        Check("writes", "a tombstone removes the post and everything derived, for good") { try await $0.tombstoneRemovesThePostForGood() },
        Check("writes", "a tombstone naming an edit removes the post") { try await $0.tombstoneByAnEditIDRemovesThePost() },
        Check("writes", "a tombstone naming a lone edit removes it and hides its original") { try await $0.tombstoneByALoneEditIDHidesItsOriginal() },
        Check("writes", "a tombstone earlier in the batch suppresses the post") { try await $0.tombstoneEarlierInTheBatchSuppressesThePost() },
        Check("writes", "an account tombstone marks the account without deleting it") { try await $0.accountTombstoneMarksTheAccount() },
        Check("writes", "a like tombstone removes the edge for good") { try await $0.likeTombstoneRemovesTheEdgeForGood() },
        Check("writes", "a repost tombstone removes a retweet stored as a post") { try await $0.repostTombstoneRemovesARetweet() },
        Check("writes", "interactions are derived with accounts at both ends") { try await $0.interactionsAreDerivedWithAccountsAtBothEnds() },
        Check("writes", "a newer version replaces the edges it implies") { try await $0.aNewerVersionReplacesItsEdges() },
        Check("writes", "handle targets resolve to a known account") { try await $0.handleTargetsResolveToAKnownAccount() },
        Check("writes", "rejects are kept once and listed newest first") { try await $0.rejectsAreKeptOnce() },
        Check("writes", "a checkpoint is upserted with its batch") { try await $0.checkpointIsUpsertedWithTheBatch() },
        Check("writes", "a failed batch leaves nothing behind", requires: .interruptedWrite) { try await $0.aFailedBatchLeavesNothingBehind() },
        Check("writes", "workspaces are separate") { try await $0.workspacesAreSeparate() },
        Check("writes", "invalid workspace names are refused") { try await $0.invalidWorkspaceNamesAreRefused() },
        Check("writes", "a bulk load keeps every write") { try await $0.aBulkLoadKeepsEveryWrite() },
    ]

    private func richBatch() -> IngestBatch {
        Fixture.batch([
            .account(Fixture.account("u1", handle: "Alice", followers: 10, observedAt: 0)),
            .post(Fixture.post("p1", text: "Le réseau #Climat", hashtags: ["Climat"],
                               mentions: [Mention(accountID: "u2", handle: "Bob")], urls: ["https://www.example.org/a"])),
            .post(Fixture.post("p2", author: "u2", text: "réponse", at: 60, replyTo: ("p1", "u1"))),
            .interaction(Fixture.like("like-1", from: "u3", to: "u1", post: "p1", at: 90)),
            .tombstone(Fixture.tombstone("gone")),
        ], rejects: [Reject(file: "a.jsonl", line: 3, format: "twarc2", reason: "broken JSON", excerpt: "{")],
           checkpoint: ImportCheckpoint(file: "a.jsonl", format: "twarc2", bytesRead: 10, bytesTotal: 10,
                                        records: 5, completed: true))
    }

    func rewritingTheSameBatchChangesNothing() async throws {
        let store = try await makeStore()
        let first = try await store.write(richBatch(), workspace: Self.ws)
        var expectedFirst = WriteSummary()
        expectedFirst.postsInserted = 2
        expectedFirst.accountsInserted = 3 // u1, u2 (author and mention), u3 (liker)
        expectedFirst.interactionsInserted = 3 // mention, reply, like
        expectedFirst.tombstonesInserted = 1
        expectedFirst.rejectsInserted = 1
        #expect(first == expectedFirst)
        let statsBefore = try await store.stats(workspace: Self.ws)
        let postsBefore = try await store.posts(workspace: Self.ws).collect()

        let second = try await store.write(richBatch(), workspace: Self.ws)
        var expected = WriteSummary()
        expected.postsUnchanged = 2
        #expect(second == expected)
        #expect(try await store.stats(workspace: Self.ws) == statsBefore)
        #expect(try await store.posts(workspace: Self.ws).collect() == postsBefore)
        #expect(statsBefore.total.posts == 2)
        #expect(statsBefore.total.postVersions == 2)
        #expect(statsBefore.total.accounts == 3)
        #expect(statsBefore.total.interactions == 3)
        #expect(statsBefore.total.tombstones == 1)
        #expect(statsBefore.rejects == 1)
    }

    func accountsMergeFieldByField() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.account(Fixture.account("u1", handle: "Alice", followers: 100, bio: "bio", observedAt: 100))]),
                              workspace: Self.ws)
        // An older observation neither erases nor overrides, but fills what was unknown.
        var older = Fixture.account("u1", handle: nil, followers: 5, observedAt: 50)
        older.location = "Lyon"
        let olderSummary = try await store.write(Fixture.batch([.account(older)]), workspace: Self.ws)
        #expect(olderSummary.accountsUpdated == 1)
        var account = try #require(await store.accountDetails(workspace: Self.ws, handle: "alice").first).account
        #expect(account.followers == 100)
        #expect(account.bio == "bio")
        #expect(account.location == "Lyon")
        #expect(account.observedAt == Fixture.at(100))

        // A newer observation replaces counts; its nils still erase nothing.
        try await store.write(Fixture.batch([.account(Fixture.account("u1", followers: 250, observedAt: 200))]), workspace: Self.ws)
        account = try #require(await store.accountDetails(workspace: Self.ws, handle: "alice").first).account
        #expect(account == Account(platform: .twitter, platformID: "u1", handle: "Alice", bio: "bio", followers: 250,
                                   location: "Lyon", observedAt: Fixture.at(200)))

        let again = try await store.write(Fixture.batch([.account(Fixture.account("u1", followers: 250, observedAt: 200))]), workspace: Self.ws)
        #expect(again == WriteSummary())
    }

    func aPostStubAccountGetsItsDetailsLater() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("p1", author: "u9"))]), workspace: Self.ws)
        let stub = try #require(await store.accountDetails(workspace: Self.ws, handle: "handle_u9").first)
        #expect(stub.account == Account(platform: .twitter, platformID: "u9", handle: "handle_u9"))
        try await store.write(Fixture.batch([.account(Fixture.account("u9", handle: "Neuf", followers: 3))]), workspace: Self.ws)
        let details = try await store.accountDetails(workspace: Self.ws, handle: "neuf")
        #expect(details.count == 1)
        #expect(details.first?.account.followers == 3)
        #expect(details.first?.postCount == 1)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "handle_u9").isEmpty)
    }

    func newestVersionOfAnEditedPostWins() async throws {
        let store = try await makeStore()
        // Mastodon-style: one id, `editedAt` tells the versions apart.
        let original = Fixture.post("m1", text: "premier jet", at: 0, platform: .mastodon)
        let edited = Fixture.post("m1", text: "version corrigée", at: 0, platform: .mastodon, editedAt: Fixture.at(300))
        try await store.write(Fixture.batch([.post(edited)]), workspace: Self.ws)
        let late = try await store.write(Fixture.batch([.post(original)]), workspace: Self.ws)
        #expect(late.postsUpdated == 1) // history grew, content kept
        let posts = try await store.searchPosts(workspace: Self.ws, text: "corrigee", limit: 5)
        #expect(posts == [edited])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "jet", limit: 5).isEmpty)
        let stats = try await store.stats(workspace: Self.ws)
        #expect(stats.total.posts == 1)
        #expect(stats.total.postVersions == 2)
        #expect(try await store.write(Fixture.batch([.post(original), .post(edited)]), workspace: Self.ws).postsUnchanged == 2)
        #expect(try await store.posts(workspace: Self.ws).collect() == [edited])
    }

    func anEditWithItsOwnIDUpdatesTheOriginal() async throws {
        let store = try await makeStore()
        let original = Fixture.post("t1", text: "old words", at: 0, hashtags: ["old"])
        let edit = Fixture.post("t2", text: "new words", at: 120, editOf: "t1", hashtags: ["new"])
        try await store.write(Fixture.batch([.post(original)]), workspace: Self.ws)
        let summary = try await store.write(Fixture.batch([.post(edit)]), workspace: Self.ws)
        #expect(summary.postsUpdated == 1)
        #expect(summary.postsInserted == 0)

        let stored = try await store.posts(workspace: Self.ws).collect()
        var expected = edit
        expected.createdAt = Fixture.at(0) // dated by the original
        #expect(stored == [expected])
        #expect(try await store.stats(workspace: Self.ws).total.postVersions == 2)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "old", limit: 5).isEmpty)
        #expect(try await store.query(Query.parse("#new"), workspace: Self.ws, limit: 5).matched == 1)
        #expect(try await store.query(Query.parse("#old"), workspace: Self.ws, limit: 5).matched == 0)
        // Re-importing either version changes nothing more.
        let again = try await store.write(Fixture.batch([.post(original), .post(edit)]), workspace: Self.ws)
        #expect(again.postsUnchanged == 2 && again.postsUpdated == 0)
    }

    func editArrivingBeforeItsOriginalStillWins() async throws {
        let store = try await makeStore()
        let original = Fixture.post("t1", text: "old words", at: 0)
        let edit = Fixture.post("t2", text: "new words", at: 120, editOf: "t1")
        try await store.write(Fixture.batch([.post(edit), .post(original)]), workspace: Self.ws)
        let stored = try await store.posts(workspace: Self.ws).collect()
        #expect(stored.map(\.text) == ["new words"])
        #expect(stored.first?.platformID == "t2" && stored.first?.editOf == "t1")
        #expect(stored.first?.createdAt == Fixture.at(0))
        #expect(try await store.stats(workspace: Self.ws).total.postVersions == 2)
    }

    func newerMetricsReplaceOlderOnes() async throws {
        let store = try await makeStore()
        let early = Fixture.post("p1", metrics: PostMetrics(likes: 1, reposts: 0, observedAt: Fixture.at(10)))
        let later = Fixture.post("p1", metrics: PostMetrics(likes: 9, observedAt: Fixture.at(20)))
        try await store.write(Fixture.batch([.post(later)]), workspace: Self.ws)
        let summary = try await store.write(Fixture.batch([.post(early)]), workspace: Self.ws)
        #expect(summary.postsUpdated == 1)
        let post = try #require(await store.searchPosts(workspace: Self.ws, text: "bonjour", limit: 1).first)
        // Unknown in the newer observation: filled from the older.
        #expect(post.metrics == PostMetrics(likes: 9, reposts: 0, observedAt: Fixture.at(20)))
        #expect(try await store.stats(workspace: Self.ws).total.postVersions == 1)
    }

    func tombstoneRemovesThePostForGood() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "à supprimer", hashtags: ["x"], mentions: [Mention(handle: "Zed")],
                               urls: ["https://a.example/"], replyTo: ("p0", "u0"))),
            .post(Fixture.post("p2", text: "à garder")),
        ]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 2)

        let summary = try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("p1"))]), workspace: Self.ws)
        #expect(summary.tombstonesInserted == 1)
        let stats = try await store.stats(workspace: Self.ws)
        #expect(stats.total.posts == 1)
        #expect(stats.total.postVersions == 1)
        #expect(stats.total.interactions == 0)
        #expect(stats.total.tombstones == 1)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "supprimer", limit: 5).isEmpty)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "garder", limit: 5).count == 1)
        // Its entities are gone with it: nothing finds it any more.
        for text in ["#x", "@zed", "site:a.example", "url:a.example", "supprimer"] {
            #expect(try await store.query(Query.parse(text), workspace: Self.ws, limit: 5).matched == 0, "\(text)")
        }
        #expect(try await store.posts(workspace: Self.ws).collect().map(\.platformID) == ["p2"])
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "u0").first?.interactionsIn == [:])

        // The post cannot come back, by its own id nor as the root of an edit.
        let again = try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "à supprimer")),
            .post(Fixture.post("p1-edit", text: "revenu", at: 10, editOf: "p1")),
        ]), workspace: Self.ws)
        #expect(again.postsSuppressed == 2)
        #expect(again.postsInserted == 0)
        #expect(try await store.stats(workspace: Self.ws).total.posts == 1)
        // Tombstoning twice records one tombstone.
        #expect(try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("p1"))]), workspace: Self.ws).tombstonesInserted == 0)
    }

    func tombstoneByAnEditIDRemovesThePost() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("t1", text: "old")),
            .post(Fixture.post("t2", text: "new", at: 5, editOf: "t1")),
            .tombstone(Fixture.tombstone("t2")),
        ]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.posts == 0)
        #expect(try await store.write(Fixture.batch([.post(Fixture.post("t1", text: "old"))]), workspace: Self.ws).postsSuppressed == 1)
    }

    func tombstoneByALoneEditIDHidesItsOriginal() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("t2", text: "new", at: 5, editOf: "t1"))]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.postVersions == 1)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("t2"))]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.posts == 0)
        // Deleting a version deletes the post: the original cannot come back either.
        #expect(try await store.write(Fixture.batch([.post(Fixture.post("t1", text: "old"))]), workspace: Self.ws).postsSuppressed == 1)
    }

    func tombstoneEarlierInTheBatchSuppressesThePost() async throws {
        let store = try await makeStore()
        let summary = try await store.write(Fixture.batch([
            .tombstone(Fixture.tombstone("p1")), .post(Fixture.post("p1")),
        ]), workspace: Self.ws)
        #expect(summary.postsSuppressed == 1)
        #expect(summary.postsInserted == 0)
        #expect(try await store.stats(workspace: Self.ws).total.posts == 0)
    }

    func accountTombstoneMarksTheAccount() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .account(Fixture.account("u1", handle: "Alice")), .post(Fixture.post("p1")),
        ]), workspace: Self.ws)
        let marked = try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("u1", target: .account))]), workspace: Self.ws)
        #expect(marked.accountsUpdated == 1 && marked.tombstonesInserted == 1)
        let detail = try #require(await store.accountDetails(workspace: Self.ws, handle: "Alice").first)
        #expect(detail.account.status == .deleted)
        #expect(detail.postCount == 1)
        // A later record without a status keeps the deletion.
        try await store.write(Fixture.batch([.account(Fixture.account("u1", handle: "Alice", followers: 1))]), workspace: Self.ws)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "Alice").first?.account.status == .deleted)
        // The reason names the status when it is one.
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("u5", target: .account, reason: "suspended"))]), workspace: Self.ws)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "u5").first?.account.status == .suspended)
    }

    func likeTombstoneRemovesTheEdgeForGood() async throws {
        let store = try await makeStore()
        let like = Fixture.like("like-1", from: "u1", to: "u2", post: "p9")
        try await store.write(Fixture.batch([.interaction(like)]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 1)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("like-1", target: .like))]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 0)
        let again = try await store.write(Fixture.batch([.interaction(like)]), workspace: Self.ws)
        #expect(again.interactionsInserted == 0)
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 0)
        // Another like with another id is not hidden.
        let other = try await store.write(Fixture.batch([.interaction(Fixture.like("like-2", from: "u1", to: "u2"))]), workspace: Self.ws)
        #expect(other.interactionsInserted == 1)
    }

    func repostTombstoneRemovesARetweet() async throws {
        let store = try await makeStore()
        var retweet = Fixture.post("rt1", author: "u2", text: "RT @u1: bonjour")
        retweet.repostOfID = "p1"
        retweet.repostOfAccountID = "u1"
        try await store.write(Fixture.batch([.post(retweet)]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 1)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("rt1", target: .repost))]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 0)
        #expect(try await store.stats(workspace: Self.ws).total.posts == 0)
        #expect(try await store.write(Fixture.batch([.post(retweet)]), workspace: Self.ws).postsSuppressed == 1)
    }

    func interactionsAreDerivedWithAccountsAtBothEnds() async throws {
        let store = try await makeStore()
        let post = Fixture.post("p1", author: "u1", text: "salut", mentions: [
            Mention(accountID: "u2", handle: "Bob"), Mention(handle: "Carol"), Mention(handle: "carol"),
        ], replyTo: ("p0", "u3"))
        let summary = try await store.write(Fixture.batch([.post(post)]), workspace: Self.ws)
        #expect(summary.interactionsInserted == 3) // reply, mention u2, mention @carol (once)
        #expect(summary.accountsInserted == 4)     // author, u2, @carol stub, u3

        let carol = try #require(await store.accountDetails(workspace: Self.ws, handle: "CAROL").first)
        #expect(carol.account.platformID == "@carol")
        #expect(carol.interactionsIn == ["mention": 1])
        let bob = try #require(await store.accountDetails(workspace: Self.ws, handle: "@bob").first)
        #expect(bob.account.platformID == "u2")
        #expect(bob.account.handle == "Bob") // the mention gave the stub its handle
        let author = try #require(await store.accountDetails(workspace: Self.ws, handle: "u1").first)
        #expect(author.interactionsOut == ["reply": 1, "mention": 2])
        // Every edge has an account at both ends: the graph sees all three.
        let nodes = NodeIndex(accounts: try await store.graphAccounts(workspace: Self.ws))
        let edges = try await store.graphEdges(workspace: Self.ws, nodes: nodes, timeRange: nil, postIDs: true).collect()
        #expect(edges.count == 3)
        #expect(Set(edges.compactMap(\.viaID)) == ["p1"])
        #expect(edges.first { $0.kind == .reply }?.targetPostID == "p0")
    }

    func aNewerVersionReplacesItsEdges() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("t1", text: "salut @anna", mentions: [Mention(handle: "anna")]))]),
                              workspace: Self.ws)
        let edit = Fixture.post("t2", text: "salut @bruno", at: 30, editOf: "t1", mentions: [Mention(handle: "bruno")])
        try await store.write(Fixture.batch([.post(edit)]), workspace: Self.ws)
        try await store.write(Fixture.batch([.post(edit)]), workspace: Self.ws)
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 1)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "bruno").first?.interactionsIn == ["mention": 1])
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "anna").first?.interactionsIn == [:])
        // An older version arriving late does not bring its edges back.
        try await store.write(Fixture.batch([.post(Fixture.post("t1", text: "salut @anna", mentions: [Mention(handle: "anna")]))]),
                              workspace: Self.ws)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "anna").first?.interactionsIn == [:])
        #expect(try await store.stats(workspace: Self.ws).total.interactions == 1)
    }

    func handleTargetsResolveToAKnownAccount() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.account(Fixture.account("u7", handle: "Dora"))]), workspace: Self.ws)
        try await store.write(Fixture.batch([.post(Fixture.post("p1", mentions: [Mention(handle: "dora")]))]), workspace: Self.ws)
        let dora = try #require(await store.accountDetails(workspace: Self.ws, handle: "dora").first)
        #expect(dora.account.platformID == "u7")
        #expect(dora.interactionsIn == ["mention": 1])
        #expect(try await store.stats(workspace: Self.ws).total.accounts == 2)
    }

    func rejectsAreKeptOnce() async throws {
        let store = try await makeStore()
        let first = Reject(file: "a.json", line: 1, format: "mastodon", reason: "missing id", excerpt: "{}")
        let second = Reject(file: "a.json", line: 7, format: "mastodon", reason: "bad date", excerpt: "{\"created_at\":1}")
        #expect(try await store.write(Fixture.batch([], rejects: [first]), workspace: Self.ws).rejectsInserted == 1)
        try await store.write(Fixture.batch([], rejects: [second]), workspace: Self.ws)
        let again = try await store.write(Fixture.batch([], rejects: [first, second]), workspace: Self.ws)
        #expect(again.rejectsInserted == 0)
        let listed = try await store.rejects(workspace: Self.ws, limit: 10)
        #expect(listed == [second, first])
        #expect(try await store.rejects(workspace: Self.ws, limit: 1) == [second])
        #expect(try await store.stats(workspace: Self.ws).rejects == 2)
    }

    func checkpointIsUpsertedWithTheBatch() async throws {
        let store = try await makeStore()
        let file = "/data/big.jsonl"
        #expect(try await store.checkpoint(workspace: Self.ws, file: file) == nil)
        let partial = ImportCheckpoint(file: file, format: "jetstream", bytesRead: 100, bytesTotal: 1000, records: 3, completed: false)
        try await store.write(Fixture.batch([.post(Fixture.post("p1"))], checkpoint: partial), workspace: Self.ws)
        #expect(try await store.checkpoint(workspace: Self.ws, file: file) == partial)
        var done = partial
        done.bytesRead = 1000
        done.completed = true
        try await store.write(Fixture.batch([], checkpoint: done), workspace: Self.ws)
        #expect(try await store.checkpoint(workspace: Self.ws, file: file) == done)
        #expect(try await store.checkpoint(workspace: "other", file: file) == nil)
        #expect(try await store.checkpoint(workspace: Self.ws, file: "/data/other.jsonl") == nil)
    }

    func aFailedBatchLeavesNothingBehind() async throws {
        let store = try await makeStore()
        let writeFailing = try #require(writeFailingAfterItem)
        let partial = ImportCheckpoint(file: "f", format: "csv", bytesRead: 1, bytesTotal: 9, records: 1, completed: false)
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "avant"))], checkpoint: partial), workspace: Self.ws)
        let before = try await store.stats(workspace: Self.ws)

        var failing = Fixture.batch([
            .post(Fixture.post("p2", author: "new-author", text: "pendant", mentions: [Mention(handle: "x")])),
            .tombstone(Fixture.tombstone("p1")),
            .post(Fixture.post("p3", text: "jamais")),
        ], rejects: [Reject(file: "f", line: 2, format: "csv", reason: "r", excerpt: "e")])
        failing.checkpoint = ImportCheckpoint(file: "f", format: "csv", bytesRead: 9, bytesTotal: 9, records: 3, completed: true)
        await #expect(throws: (any Error).self) {
            try await writeFailing(store, failing, Self.ws, 1)
        }
        #expect(try await store.stats(workspace: Self.ws) == before)
        #expect(try await store.checkpoint(workspace: Self.ws, file: "f") == partial)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "avant", limit: 5).count == 1)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "new-author").isEmpty)

        // Running the import again completes it.
        let retry = try await store.write(failing, workspace: Self.ws)
        #expect(retry.postsInserted == 2)
        #expect(try await store.stats(workspace: Self.ws).total.posts == 2)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "avant", limit: 5).isEmpty)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "new-author").first?.postCount == 1)
        #expect(try await store.checkpoint(workspace: Self.ws, file: "f")?.completed == true)
    }

    func workspacesAreSeparate() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "marque A"))]), workspace: "brand-a")
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "marque B"))]), workspace: "brand-b")
        #expect(try await store.workspaces() == ["brand-a", "brand-b"])
        #expect(try await store.stats(workspace: "brand-a").total.posts == 1)
        #expect(try await store.stats(workspace: "brand-b").total.accounts == 1)
        #expect(try await store.searchPosts(workspace: "brand-a", text: "marque", limit: 5).map(\.text) == ["marque A"])
        #expect(try await store.posts(workspace: "brand-b").collect().map(\.text) == ["marque B"])
        #expect(try await store.stats(workspace: "unknown").total.posts == 0)
        // A tombstone in one workspace hides nothing in another.
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("p1"))]), workspace: "brand-a")
        #expect(try await store.stats(workspace: "brand-a").total.posts == 0)
        #expect(try await store.stats(workspace: "brand-b").total.posts == 1)
        #expect(try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "marque B"))]), workspace: "brand-b").postsUnchanged == 1)
    }

    func invalidWorkspaceNamesAreRefused() async throws {
        let store = try await makeStore()
        let error = await #expect(throws: StoreError.self) {
            try await store.write(Fixture.batch([.post(Fixture.post("p1"))]), workspace: "bad name;")
        }
        #expect(error?.code == .invalidWorkspace)
        #expect(error?.message.contains("bad name;") == true)
        #expect(try await store.workspaces().isEmpty)
    }

    func aBulkLoadKeepsEveryWrite() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("p0", text: "avant"))]), workspace: Self.ws)
        _ = try await store.beginBulkLoad(inputBytes: 1 << 30)
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "pendant #Vélo", hashtags: ["Vélo"]))]), workspace: Self.ws)
        try await store.endBulkLoad()
        #expect(try await store.stats(workspace: Self.ws).total.posts == 2)
        #expect(try await store.query(Query.parse("#velo"), workspace: Self.ws, limit: 5).posts.map(\.platformID) == ["p1"])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "avant", limit: 5).map(\.platformID) == ["p0"])
    }
}
