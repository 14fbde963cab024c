import Foundation
import Testing
import VigieCore

/// `TrustStore`: subjects in one pass or by neighbourhood (the same values), engagements, count
/// snapshots, and a tier's engagement.
extension StoreConformance {
    static let trustChecks: [Check] = [
        Check("trust", "subjects carry behaviour, graph and shared bios") { try await $0.subjectsCarryBehaviourGraphAndBios() },
        Check("trust", "one account's neighbourhood equals the whole pass") { try await $0.neighbourhoodEqualsTheWholePass() },
        Check("trust", "engagements list who acted on an account") { try await $0.engagementsListWhoActed() },
        Check("trust", "imports keep count snapshots") { try await $0.importsKeepCountSnapshots() },
        Check("trust", "import stamps never supersede a real observation date") { try await $0.importStampsRankBelowRealDates() },
        Check("trust", "the trust prior is a workspace setting") { try await $0.trustPriorIsAWorkspaceSetting() },
    ]

    /// u1 posts the same text four times with links and likes; u2 replies to u1 and u1 replies back;
    /// u3 likes u1's posts; u4 and u5 share a bio; ghost is only mentioned.
    private func trustStore() async throws -> any Store {
        let store = try await makeStore()
        var items: [IngestItem] = [
            .account(Fixture.account("u1", handle: "spammy", followers: 10, bio: "Best deals")),
            .account(Fixture.account("u2", handle: "anne", followers: 300, bio: "Cycliste à Lyon")),
            .account(Fixture.account("u4", handle: "four", bio: "Follow for follow")),
            .account(Fixture.account("u5", handle: "five", bio: "Follow for follow")),
        ]
        for i in 0..<4 {
            items.append(.post(Fixture.post("p\(i)", author: "u1", text: "Best deals \(i) today", at: Double(i) * 60,
                                            hashtags: ["promo"], urls: ["https://x.test/\(i)"],
                                            metrics: PostMetrics(likes: 2, reposts: 0, replies: 1))))
        }
        items.append(.post(Fixture.post("r1", author: "u2", text: "@spammy stop", at: 500, mentions: [Mention(accountID: "u1", handle: "spammy")],
                                        replyTo: (post: "p0", account: "u1"))))
        items.append(.post(Fixture.post("r2", author: "u1", text: "@anne no", at: 600, replyTo: (post: "r1", account: "u2"))))
        items.append(.post(Fixture.post("m1", author: "u2", text: "hello @ghost", at: 700, mentions: [Mention(handle: "ghost")])))
        for i in 0..<3 {
            items.append(.interaction(Fixture.like("like\(i)", from: "u3", to: "u1", post: "p\(i)", at: 1_000)))
        }
        try await store.write(Fixture.batch(items), workspace: Self.ws)
        return store
    }

    func subjectsCarryBehaviourGraphAndBios() async throws {
        let store = try await trustStore()
        let subjects = try await store.trustSubjects(workspace: Self.ws)
        #expect(subjects.count == 6) // u1, u2, u4, u5, u3, @ghost
        func subject(_ id: String) throws -> TrustSubject { try #require(subjects.first { $0.account.platformID == id }) }
        let spammy = try subject("u1")
        #expect(spammy.account == Account(platform: .twitter, platformID: "u1", handle: "spammy", bio: "Best deals", followers: 10))
        let activity = try #require(spammy.activity)
        #expect(activity.posts == 5 && activity.originals == 5 && activity.reposts == 0)
        #expect(activity.duplicateTexts == 3) // "best deals today" four times, the reply differs
        #expect(activity.urls == 4 && activity.hashtags == 4)
        #expect(activity.recentEngagement.count == 4)
        #expect(spammy.referenceDate == Fixture.at(600))
        let graph = try #require(spammy.graph)
        #expect(graph.targets == 1 && graph.reciprocated == 1) // u1 → u2 and u2 → u1
        #expect(graph.received[.like] == 3 && graph.received[.reply] == 1 && graph.received[.mention] == 1)
        #expect(try subject("u4").bioSharedWith == 1 && subject("u2").bioSharedWith == 0)
        #expect(try subject("u3").activity == nil)
        #expect(try subject("u3").graph == GraphActivity(targets: 1, reciprocated: 0, received: [:]))
        // The mentioned-only account exists as a stub and has no posts.
        #expect(subjects.contains { $0.account.handle?.lowercased() == "ghost" && $0.activity == nil })

        let v = TrustFeatureExtractor.features(of: spammy)
        #expect(v[.duplicateTextShare] == 3.0 / 5)
        #expect(v[.engagementRate] == 3.0 / 10)
    }

    /// Scoring one account reads only its neighbourhood; what it reads must equal the whole pass.
    func neighbourhoodEqualsTheWholePass() async throws {
        let store = try await trustStore()
        let all = try await store.trustSubjects(workspace: Self.ws)
        #expect(all.count == 6)
        for expected in all {
            let alone = try #require(try await store.trustSubjects(workspace: Self.ws, accounts: [expected.key]).first)
            #expect(alone.key == expected.key && alone.account == expected.account)
            #expect(TrustFeatureExtractor.features(of: alone) == TrustFeatureExtractor.features(of: expected),
                    "features of \(expected.account.platformID)")
            #expect(alone.graph == expected.graph && alone.bioSharedWith == expected.bioSharedWith)
            #expect(alone.referenceDate == expected.referenceDate)
            #expect(alone.activity?.posts == expected.activity?.posts)
            #expect(alone.activity?.duplicateTexts == expected.activity?.duplicateTexts)
            #expect(alone.activity?.times.sorted() == expected.activity?.times.sorted())
            #expect(alone.activity?.recentEngagement.map(\.at).sorted() == expected.activity?.recentEngagement.map(\.at).sorted())
        }
        // Several at once, duplicates and unknown ids ignored.
        let keys = all.prefix(3).map(\.key)
        let unknown = AccountKey(platform: .twitter, platformID: "nobody-knows")
        #expect(try await store.trustSubjects(workspace: Self.ws, accounts: keys + keys + [unknown]).map(\.key).sorted() == keys.sorted())
        #expect(try await store.trustSubjects(workspace: "nobody", accounts: keys).isEmpty)
        #expect(try await store.trustSubjects(workspace: Self.ws, accounts: []).isEmpty)
        let u1 = AccountKey(platform: .twitter, platformID: "u1")
        #expect(try await store.accountKeys(workspace: Self.ws, handle: "@Spammy") == [u1])
        #expect(try await store.accountKeys(workspace: Self.ws, handle: "u2") == [AccountKey(platform: .twitter, platformID: "u2")])
        #expect(try await store.accountKeys(workspace: Self.ws, handle: "nobody").isEmpty)
        // The tier scan gives the same activities' engagement as the whole pass.
        let nano = try await store.recentEngagement(workspace: Self.ws, tier: .nano)
        let wholeNano = all.filter { ($0.account.followers.map(InfluenceTier.init(followers:))) == .nano }
            .compactMap(\.activity).filter { !$0.recentEngagement.isEmpty }
        #expect(nano.map { $0.recentEngagement.count }.sorted() == wholeNano.map { $0.recentEngagement.count }.sorted())
        #expect(nano.map(\.recentEngagement.count) == [4])
        #expect(try await store.recentEngagement(workspace: Self.ws, tier: .mega).isEmpty)
    }

    func engagementsListWhoActed() async throws {
        let store = try await trustStore()
        let u1 = AccountKey(platform: .twitter, platformID: "u1")
        let engagements = try await store.engagements(workspace: Self.ws, account: u1)
        let u3 = AccountKey(platform: .twitter, platformID: "u3")
        let u2 = AccountKey(platform: .twitter, platformID: "u2")
        // Likes, reposts, replies, quotes and follows from others; mentions are not engagement.
        #expect(Set(engagements) == Set((0..<3).map { Engagement(source: u3, kind: .like, postID: "p\($0)", at: Fixture.at(1_000)) }
            + [Engagement(source: u2, kind: .reply, postID: "p0", at: Fixture.at(500))]))
        #expect(engagements.count == 4)
        #expect(try await store.engagements(workspace: Self.ws, account: AccountKey(platform: .twitter, platformID: "u4")).isEmpty)
        #expect(try await store.engagements(workspace: "nobody", account: u1).isEmpty)
        #expect(try await store.trustSubjects(workspace: "nobody").isEmpty)
    }

    func importsKeepCountSnapshots() async throws {
        let store = try await makeStore()
        let day = 86_400.0
        for (followers, seconds) in [(1_000, 0.0), (1_000, day), (1_100, 2 * day), (9_000, 3 * day)] {
            try await store.write(Fixture.batch([.account(Fixture.account("i1", handle: "influ", followers: followers, observedAt: seconds))]),
                                  workspace: Self.ws)
        }
        // The same record again adds nothing; a record without an observation time adds no snapshot.
        try await store.write(Fixture.batch([.account(Fixture.account("i1", handle: "influ", followers: 9_000, observedAt: 3 * day))]),
                              workspace: Self.ws)
        try await store.write(Fixture.batch([.account(Fixture.account("i2", handle: "plain", followers: 5))]), workspace: Self.ws)
        let influ = AccountKey(platform: .twitter, platformID: "i1")
        let snapshots = try await store.metricSnapshots(workspace: Self.ws, account: influ)
        #expect(snapshots == [(1_000, 0.0), (1_000, day), (1_100, 2 * day), (9_000, 3 * day)].map {
            MetricSnapshot(at: Fixture.at($0.1), followers: $0.0, following: nil, postsCount: nil)
        })
        let jumps = AudienceQuality.followerJumps(snapshots)
        #expect(jumps.count == 1 && jumps.first?.before == 1_100 && jumps.first?.after == 9_000)
        #expect(try await store.metricSnapshots(workspace: Self.ws, account: AccountKey(platform: .twitter, platformID: "i2")).isEmpty)
        #expect(try await store.metricSnapshots(workspace: "other", account: influ).isEmpty)
        // An older record that changes nothing adds no snapshot either.
        try await store.write(Fixture.batch([.account(Fixture.account("i1", handle: "influ", followers: 1_050, observedAt: 1.5 * day))]),
                              workspace: Self.ws)
        #expect(try await store.metricSnapshots(workspace: Self.ws, account: influ).count == 4)
    }

    /// An import-time stamp (the source gave no date) ranks below any real observation date, and
    /// moving it alone changes nothing.
    func importStampsRankBelowRealDates() async throws {
        let store = try await makeStore()
        func stamped(_ followers: Int, at seconds: Double) -> Account {
            var account = Fixture.account("s1", handle: "stamped", followers: followers, observedAt: seconds)
            account.observedAtIsImportTime = true
            return account
        }
        try await store.write(Fixture.batch([.account(stamped(10, at: 1_000))]), workspace: Self.ws)
        // The same record imported later: only the stamp would move, so nothing is written.
        let again = try await store.write(Fixture.batch([.account(stamped(10, at: 2_000))]), workspace: Self.ws)
        #expect(again.accountsUpdated == 0)
        // A real, older observation supersedes the stamp; a later stamp never overrides it.
        try await store.write(Fixture.batch([.account(Fixture.account("s1", followers: 7, observedAt: 500))]), workspace: Self.ws)
        try await store.write(Fixture.batch([.account(stamped(99, at: 3_000))]), workspace: Self.ws)
        let account = try #require(try await store.trustSubjects(workspace: Self.ws).first?.account)
        #expect(account.followers == 7 && account.observedAt == Fixture.at(500) && account.observedAtIsImportTime != true)
    }

    func trustPriorIsAWorkspaceSetting() async throws {
        let store = try await makeStore()
        #expect(try await store.trustPrior(workspace: Self.ws) == nil)
        try await store.setTrustPrior(0.2, workspace: Self.ws)
        #expect(try await store.trustPrior(workspace: Self.ws) == 0.2)
        #expect(try await store.trustPrior(workspace: "other") == nil)
        try await store.setTrustPrior(nil, workspace: Self.ws)
        #expect(try await store.trustPrior(workspace: Self.ws) == nil)
    }
}
