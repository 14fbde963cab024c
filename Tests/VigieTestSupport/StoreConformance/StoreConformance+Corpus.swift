import Foundation
import Testing
import VigieCore

/// `CorpusReader`: counts, search, accounts and the post scans.
extension StoreConformance {
    static let corpusChecks: [Check] = [
        Check("corpus", "stats count each platform") { try await $0.statsCountEachPlatform() },
        Check("corpus", "search folds accents and case") { try await $0.searchFoldsAccentsAndCase() },
        Check("corpus", "punctuation never breaks a search") { try await $0.punctuationNeverBreaksASearch() },
        Check("corpus", "search puts the best match first") { try await $0.searchPutsTheBestMatchFirst() },
        Check("corpus", "posts round-trip with their entities") { try await $0.postsRoundTripWithTheirEntities() },
        Check("corpus", "account details summarise activity") { try await $0.accountDetailsSummariseActivity() },
        Check("corpus", "the same id on two platforms is two records") { try await $0.sameIDOnTwoPlatformsIsTwoRecords() },
        Check("corpus", "scans keep storage order across pages") { try await $0.scansKeepStorageOrderAcrossPages() },
        Check("corpus", "trend records match whole posts") { try await $0.trendRecordsMatchWholePosts() },
        Check("corpus", "trend records number accounts, not bare ids") { try await $0.trendRecordsNumberAccounts() },
        Check("corpus", "an unknown workspace reads as empty") { try await $0.unknownWorkspaceReadsAsEmpty() },
    ]

    func statsCountEachPlatform() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("t1", author: "a", text: "un")),
            .post(Fixture.post("t2", author: "a", text: "deux", at: 10, mentions: [Mention(handle: "b")])),
            .post(Fixture.post("t3", author: "a", text: "trois", at: 20, editOf: "t2", mentions: [Mention(handle: "b")])),
            .post(Fixture.post("m1", author: "a", text: "toot", platform: .mastodon)),
            .interaction(Fixture.like("l1", from: "c", to: "a", post: "t1")),
            .tombstone(Fixture.tombstone("t9")),
        ], rejects: [Reject(file: "f", line: 1, format: "csv", reason: "r", excerpt: "e")]), workspace: Self.ws)
        let stats = try await store.stats(workspace: Self.ws)
        var twitter = StoreStats.Counts()
        twitter.accounts = 3     // a, @b, c
        twitter.posts = 2        // t1, t2 (edited by t3)
        twitter.postVersions = 3
        twitter.interactions = 2 // the mention and the like
        twitter.tombstones = 1
        var mastodon = StoreStats.Counts()
        mastodon.accounts = 1
        mastodon.posts = 1
        mastodon.postVersions = 1
        #expect(stats == StoreStats(workspace: Self.ws, byPlatform: ["twitter": twitter, "mastodon": mastodon], rejects: 1))
        #expect(stats.total.posts == 3 && stats.total.accounts == 4)
        #expect(try await store.totals(workspace: Self.ws) == StoreTotals(posts: 3, accounts: 4, rejects: 1))
    }

    func searchFoldsAccentsAndCase() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "Le réseau social de l'État")),
            .post(Fixture.post("p2", text: "RÉSEAU ÉLECTRIQUE en panne")),
            .post(Fixture.post("p3", text: "Rien à voir")),
        ]), workspace: Self.ws)
        let ids = Set(try await store.searchPosts(workspace: Self.ws, text: "reseau", limit: 10).map(\.platformID))
        #expect(ids == ["p1", "p2"])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "etat", limit: 10).map(\.platformID) == ["p1"])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "Électrique PANNE", limit: 10).map(\.platformID) == ["p2"])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "réseau absent", limit: 10).isEmpty)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "reseau", limit: 1).count == 1)
        #expect(try await store.searchPosts(workspace: "other", text: "reseau", limit: 10).isEmpty)
    }

    func punctuationNeverBreaksASearch() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "le réseau de l'état"))]), workspace: Self.ws)
        for input in ["\"unbalanced", "a OR (b", "NEAR(x y)", "col:val", "-x*", "***", "", "l'état \"réseau\""] {
            _ = try await store.searchPosts(workspace: Self.ws, text: input, limit: 5)
        }
        // Quotes are punctuation, not syntax: the quoted word still matches.
        #expect(try await store.searchPosts(workspace: Self.ws, text: "l'état \"réseau\"", limit: 5).count == 1)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "***", limit: 5).isEmpty)
    }

    func searchPutsTheBestMatchFirst() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("weak", text: "climat et bien d'autres sujets sans rapport aucun ici ni là-bas")),
            .post(Fixture.post("strong", text: "climat climat climat")),
        ]), workspace: Self.ws)
        #expect(try await store.searchPosts(workspace: Self.ws, text: "climat", limit: 5).map(\.platformID) == ["strong", "weak"])
    }

    func postsRoundTripWithTheirEntities() async throws {
        let store = try await makeStore()
        var post = Fixture.post("p1", author: "u1", text: "Voir https://t.co/x #Vélo @Bob", at: 12.5,
                                hashtags: ["Vélo", "vélo", "Tour"], mentions: [Mention(accountID: "u2", handle: "Bob")],
                                urls: ["https://www.Example.org:443/x?y#z", "http://short.ly"],
                                metrics: PostMetrics(likes: 3, views: 40, observedAt: Fixture.at(99)))
        post.language = "fr"
        post.source = "Twitter for Android"
        post.conversationID = "c1"
        post.quoteOfID = "q1"
        post.quoteOfAccountID = "u4"
        post.replyToPostID = "r0"
        post.replyToAccountID = "u5"
        post.mediaCount = 2
        post.state = .withheld(countries: ["DE", "FR"])
        var repost = Fixture.post("p3", author: "u6", text: "RT", at: 40)
        repost.repostOfID = "p1"
        repost.repostOfAccountID = "u1"
        let plain = Fixture.post("p2", author: "u1", text: "simple", at: 30)
        try await store.write(Fixture.batch([.post(post), .post(plain), .post(repost)]), workspace: Self.ws)

        #expect(try await store.posts(workspace: Self.ws).collect() == [post, plain, repost])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "velo", limit: 1) == [post])
        #expect(try await store.query(Query.parse("voir"), workspace: Self.ws, limit: 5).posts == [post])
        #expect(try await store.query(Query.parse("site:example.org"), workspace: Self.ws, limit: 5).matched == 1)
    }

    func accountDetailsSummariseActivity() async throws {
        let store = try await makeStore()
        var items: [IngestItem] = [.account(Fixture.account("u1", handle: "Alice"))]
        for index in 0..<7 {
            items.append(.post(Fixture.post("p\(index)", author: "u1", text: "post \(index)", at: Double(index) * 60)))
        }
        items.append(.post(Fixture.post("r1", author: "u2", text: "reply", at: 1000, replyTo: ("p0", "u1"))))
        items.append(.interaction(Fixture.like("l1", from: "u1", to: "u2", post: "r1")))
        try await store.write(Fixture.batch(items), workspace: Self.ws)

        let detail = try #require(await store.accountDetails(workspace: Self.ws, handle: "@ALICE").first)
        #expect(detail.account == Account(platform: .twitter, platformID: "u1", handle: "Alice"))
        #expect(detail.postCount == 7)
        #expect(detail.firstPostAt == Fixture.at(0))
        #expect(detail.lastPostAt == Fixture.at(360))
        #expect(detail.recentPosts.map(\.platformID) == ["p6", "p5", "p4", "p3", "p2"])
        var newest = Fixture.post("p6", author: "u1", text: "post 6", at: 360)
        newest.authorHandle = "Alice" // posts carry their author's handle as stored
        #expect(detail.recentPosts.first == newest)
        #expect(detail.interactionsIn == ["reply": 1])
        #expect(detail.interactionsOut == ["like": 1])
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "u1").map(\.account.handle) == ["Alice"])
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "nobody").isEmpty)
        let quiet = try #require(await store.accountDetails(workspace: Self.ws, handle: "handle_u2").first)
        #expect(quiet.postCount == 1 && quiet.interactionsOut == ["reply": 1] && quiet.interactionsIn == ["like": 1])
    }

    func sameIDOnTwoPlatformsIsTwoRecords() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("1", text: "un", platform: .twitter)),
            .post(Fixture.post("1", text: "un", platform: .mastodon)),
        ]), workspace: Self.ws)
        let stats = try await store.stats(workspace: Self.ws)
        #expect(stats.byPlatform["twitter"]?.posts == 1)
        #expect(stats.byPlatform["mastodon"]?.posts == 1)
        #expect(stats.total.accounts == 2)
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "u1").count == 2)
        // A tombstone names one platform's post only.
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("1"))]), workspace: Self.ws)
        #expect(try await store.posts(workspace: Self.ws).collect().map(\.platform) == [.mastodon])
    }

    /// More rows than any reasonable page: every scan gives every row once, in storage order (the
    /// order posts were first stored), whatever the page boundaries.
    func scansKeepStorageOrderAcrossPages() async throws {
        let store = try await makeStore()
        let count = 5_300
        // Creation dates deliberately out of storage order.
        let posts = (0..<count).map { index in
            Fixture.post("s\(index)", author: "a\(index % 97)", text: "velo numero \(index)", at: Double((index * 7_919) % count))
        }
        for start in stride(from: 0, to: count, by: 1_000) {
            try await store.write(IngestBatch(items: posts[start..<min(start + 1_000, count)].map { .post($0) }), workspace: Self.ws)
        }
        // A re-import and an edit do not move a post.
        try await store.write(Fixture.batch([.post(posts[0]), .post(Fixture.post("s1", author: "a1", text: "velo revu",
                                                                                   at: Double(7_919 % count),
                                                                                   editedAt: Fixture.at(90_000)))]), workspace: Self.ws)
        let scanned = try await store.posts(workspace: Self.ws).collect()
        #expect(scanned.count == count)
        #expect(scanned.map(\.platformID) == posts.map(\.platformID))
        #expect(scanned[1].text == "velo revu")
        let times = try await store.postTimes(workspace: Self.ws)
        #expect(times == posts.map { Int64(($0.createdAt.timeIntervalSince1970 * 1000).rounded()) })
        let records = try await store.trendRecords(workspace: Self.ws, includeReposts: true).collect()
        #expect(records.map(\.text) == scanned.map(\.text))
        let nodes = NodeIndex(accounts: try await store.graphAccounts(workspace: Self.ws))
        let nodePosts = try await store.graphPosts(workspace: Self.ws, nodes: nodes).collect()
        #expect(nodePosts.map(\.post) == scanned)
        #expect(nodePosts.allSatisfy { $0.author.map { nodes.accounts[Int($0)].key } == $0.post.authorKey })
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: Self.ws)
        let watched = try await store.watchedPosts(named: "velo", workspace: Self.ws, in: Date.distantPast..<Date.distantFuture).collect()
        #expect(watched.count == count)
        #expect(Set(watched.map(\.platformID)) == Set(posts.map(\.platformID)))
        // Oldest first.
        #expect(zip(watched, watched.dropFirst()).allSatisfy { $0.createdAt <= $1.createdAt })
    }

    /// Posts with every entity kind, replies, reposts, languages and two platforms.
    public static func trendPosts() -> [Post] {
        var random = SeededRandom(seed: 11)
        let words = ["vélo", "piste", "Réseau", "climat", "l'école", "#VéloTaf", "@marie", "https://ex.fr/a?utm_source=x",
                     "www.site.org/page", "😍", "pas", "mal", "cycling", "lane", "😡", "aujourd'hui"]
        return (0..<600).map { n in
            let text = (0..<(3 + Int(random.next() % 9))).map { _ in words[Int(random.next() % UInt64(words.count))] }
                .joined(separator: " ")
            let author = (n % 17 == 0 ? "m" : "u") + "\(random.next() % 40)"
            let kind = random.next() % 10
            return Post(platform: n % 17 == 0 ? .mastodon : .twitter, platformID: "p\(n)", authorID: author,
                        authorHandle: "h_" + author, createdAt: Fixture.at(Double(random.next() % 864_000)), text: text,
                        language: kind == 0 ? nil : kind < 6 ? "fr" : "en",
                        replyToPostID: kind == 7 ? "p\(n / 2)" : nil, replyToAccountID: kind == 7 ? "u1" : nil,
                        repostOfID: kind == 8 ? "p\(n / 3)" : nil, repostOfAccountID: kind == 8 ? "u2" : nil,
                        hashtags: kind % 3 == 0 ? ["VéloTaf", "Climat"] : [],
                        mentions: kind % 4 == 0 ? [Mention(accountID: "u3", handle: "Marie")] : [],
                        urls: kind % 5 == 0 ? ["https://www.ex.fr/b/", "http://other.org"] : [])
        }
    }

    /// The lean records give the same posts, in the same order, with the same fields as whole
    /// posts, and an author number that tells accounts apart.
    func trendRecordsMatchWholePosts() async throws {
        let store = try await makeStore()
        let posts = Self.trendPosts()
        try await store.write(Fixture.batch(posts.map(IngestItem.post)), workspace: Self.ws)
        try await store.write(Fixture.batch([.post(Fixture.post("other", text: "#ailleurs"))]), workspace: "other")
        let stored = try await store.posts(workspace: Self.ws).collect()
        #expect(stored.count == posts.count)
        for includeReposts in [false, true] {
            let records = try await store.trendRecords(workspace: Self.ws, includeReposts: includeReposts).collect()
            let kept = stored.filter { includeReposts || $0.repostOfID == nil }
            #expect(records.count == kept.count)
            var keyOfAuthor: [Int64: AccountKey] = [:]
            var authorOfKey: [AccountKey: Int64] = [:]
            for (record, post) in zip(records, kept) {
                #expect(record.time == Int64((post.createdAt.timeIntervalSince1970 * 1000).rounded()))
                #expect(record.text == post.text)
                #expect(record.language == post.language)
                #expect(record.isReply == (post.replyToPostID != nil))
                #expect(record.hashtags == post.hashtags)
                #expect(record.mentions == post.mentions.map(\.handle))
                #expect(record.urls == post.urls)
                // One number per account, one account per number.
                #expect(keyOfAuthor[record.author, default: post.authorKey] == post.authorKey)
                #expect(authorOfKey[post.authorKey, default: record.author] == record.author)
                keyOfAuthor[record.author] = post.authorKey
                authorOfKey[post.authorKey] = record.author
            }
            #expect(keyOfAuthor.count == Set(kept.map(\.authorKey)).count)
        }
        #expect(try await store.postTimes(workspace: Self.ws).count == posts.count)
        #expect(try await store.postTimes(workspace: "nobody").isEmpty)
    }

    /// Two accounts of different platforms with the same id are two authors.
    func trendRecordsNumberAccounts() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("a", author: "42")),
                                             .post(Fixture.post("b", author: "42", platform: .mastodon))]), workspace: Self.ws)
        let records = try await store.trendRecords(workspace: Self.ws, includeReposts: false).collect()
        #expect(records.count == 2)
        #expect(Set(records.map(\.author)).count == 2)
    }

    func unknownWorkspaceReadsAsEmpty() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "velo", mentions: [Mention(handle: "x")]))]), workspace: Self.ws)
        let none = "nobody"
        #expect(try await store.stats(workspace: none) == StoreStats(workspace: none))
        #expect(try await store.totals(workspace: none) == StoreTotals())
        #expect(try await store.rejects(workspace: none, limit: 5).isEmpty)
        #expect(try await store.searchPosts(workspace: none, text: "velo", limit: 5).isEmpty)
        #expect(try await store.accountDetails(workspace: none, handle: "u1").isEmpty)
        let page = try await store.query(Query.parse("velo"), workspace: none, limit: 5)
        #expect(page.matched == 0 && page.authors == 0 && page.posts.isEmpty && page.candidates == 0)
        #expect(try await store.posts(workspace: none).collect().isEmpty)
        #expect(try await store.trendRecords(workspace: none, includeReposts: true).collect().isEmpty)
        #expect(try await store.postTimes(workspace: none).isEmpty)
        #expect(try await store.watches(workspace: none).isEmpty)
        #expect(try await store.watch(named: "velo", workspace: none) == nil)
        #expect(try await store.alertRules(workspace: none).isEmpty)
        #expect(try await store.firedAlerts(workspace: none, rule: nil, limit: 5).isEmpty)
        #expect(try await store.deliveries(workspace: none, rule: nil, limit: 5).isEmpty)
        #expect(try await store.graphAccounts(workspace: none).isEmpty)
        let nodes = NodeIndex(accounts: try await store.graphAccounts(workspace: Self.ws))
        #expect(try await store.graphEdges(workspace: none, nodes: nodes, timeRange: nil, postIDs: false).collect().isEmpty)
        #expect(try await store.graphPosts(workspace: none, nodes: nodes).collect().isEmpty)
        #expect(try await store.trustSubjects(workspace: none).isEmpty)
        #expect(try await store.trustSubjects(workspace: none, accounts: [AccountKey(platform: .twitter, platformID: "u1")]).isEmpty)
        #expect(try await store.accountKeys(workspace: none, handle: "u1").isEmpty)
        #expect(try await store.engagements(workspace: none, account: AccountKey(platform: .twitter, platformID: "x")).isEmpty)
        #expect(try await store.recentEngagement(workspace: none, tier: .nano).isEmpty)
        #expect(try await store.timeZone(workspace: none) == TimeZone(identifier: "UTC"))
        await #expect(throws: WatchError.notFound("velo")) { try await store.refreshWatch(named: "velo", workspace: none) }
        // Reading never creates the workspace.
        #expect(try await store.workspaces() == [Self.ws])
    }
}
