import Foundation
import Testing
import VigieCore
@testable import VigieStore

@Suite struct TrustStoreTests {
    /// u1 posts the same text four times with links and likes; u2 replies to u1 and u1 replies back;
    /// u3 likes u1's posts; u4 and u5 share a bio; u9 is only mentioned.
    static func store() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
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
            items.append(.interaction(Interaction(platform: .twitter, kind: .like, sourceAccountID: "u3", targetAccountID: "u1",
                                                  targetPostID: "p\(i)", viaID: "like\(i)", at: Fixture.at(1_000))))
        }
        try await store.write(Fixture.batch(items), workspace: "default")
        return store
    }

    @Test func subjectsCarryBehaviourGraphAndSharedBios() async throws {
        let store = try await Self.store()
        let subjects = try await store.trustSubjects(workspace: "default")
        func subject(_ id: String) throws -> TrustSubject { try #require(subjects.first { $0.account.platformID == id }) }
        let spammy = try subject("u1")
        let activity = try #require(spammy.activity)
        #expect(activity.posts == 5 && activity.originals == 5 && activity.reposts == 0)
        #expect(activity.duplicateTexts == 3) // "best deals today" four times, the reply differs
        #expect(activity.urls == 4 && activity.hashtags == 4)
        #expect(activity.recentEngagement.count == 4)
        #expect(spammy.referenceDate == Fixture.at(600))
        let graph = try #require(spammy.graph)
        #expect(graph.targets == 1 && graph.reciprocated == 1) // u1 → u2 and u2 → u1
        #expect(graph.received[.like] == 3 && graph.received[.reply] == 1)
        #expect(try subject("u4").bioSharedWith == 1 && subject("u2").bioSharedWith == 0)
        #expect(try subject("u3").activity == nil)
        // The mentioned-only account exists as a stub and has no posts.
        #expect(subjects.contains { $0.account.handle?.lowercased() == "ghost" && $0.activity == nil })

        let v = TrustFeatureExtractor.features(of: spammy)
        #expect(v[.duplicateTextShare] == 3.0 / 5)
        #expect(v[.engagementRate] == 3.0 / 10)
    }

    /// Scoring one account reads only its neighbourhood; what it reads must equal the whole pass.
    @Test func oneAccountMatchesTheWholeWorkspace() async throws {
        let store = try await Self.store()
        let all = try await store.trustSubjects(workspace: "default")
        #expect(all.count >= 6)
        for expected in all {
            let alone = try #require(try await store.trustSubjects(workspace: "default", accounts: [expected.key]).first)
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
        #expect(try await store.trustSubjects(workspace: "default", accounts: keys + keys + [unknown]).map(\.key).sorted() == keys.sorted())
        #expect(try await store.trustSubjects(workspace: "nobody", accounts: keys).isEmpty)
        #expect(try await store.accountKeys(workspace: "default", handle: "@Spammy") == [all.first { $0.account.platformID == "u1" }!.key])
        #expect(try await store.accountKeys(workspace: "default", handle: "u2").count == 1)
        // The tier scan gives the same activities' engagement as the whole pass.
        let nano = try await store.recentEngagement(workspace: "default", tier: .nano)
        let wholeNano = all.filter { ($0.account.followers.map(InfluenceTier.init(followers:))) == .nano }
            .compactMap(\.activity).filter { !$0.recentEngagement.isEmpty }
        #expect(nano.map { $0.recentEngagement.count } .sorted() == wholeNano.map { $0.recentEngagement.count }.sorted())
        #expect(!nano.isEmpty)
    }

    @Test func engagementsListWhoActedOnAnAccount() async throws {
        let store = try await Self.store()
        let subjects = try await store.trustSubjects(workspace: "default")
        let spammy = try #require(subjects.first { $0.account.platformID == "u1" })
        let engagements = try await store.engagements(workspace: "default", account: spammy.key)
        #expect(engagements.filter { $0.kind == .like }.count == 3)
        #expect(engagements.filter { $0.kind == .reply }.count == 1)
        #expect(Set(engagements.compactMap(\.postID)) == ["p0", "p1", "p2"])
        #expect(try await store.trustSubjects(workspace: "nobody").isEmpty)
    }

    @Test func importsKeepCountSnapshotsForFollowerJumps() async throws {
        let store = try SQLiteStore.inMemory()
        let day = 86_400.0
        for (followers, seconds) in [(1_000, 0.0), (1_000, day), (1_100, 2 * day), (9_000, 3 * day)] {
            try await store.write(Fixture.batch([.account(Fixture.account("i1", handle: "influ", followers: followers, observedAt: seconds))]),
                            workspace: "default")
        }
        // The same record again adds nothing; a record without an observation time adds no snapshot.
        try await store.write(Fixture.batch([.account(Fixture.account("i1", handle: "influ", followers: 9_000, observedAt: 3 * day))]),
                        workspace: "default")
        try await store.write(Fixture.batch([.account(Fixture.account("i2", handle: "plain", followers: 5))]), workspace: "default")
        let subjects = try await store.trustSubjects(workspace: "default")
        let influ = try #require(subjects.first { $0.account.platformID == "i1" })
        let snapshots = try await store.metricSnapshots(workspace: "default", account: influ.key)
        #expect(snapshots.map(\.followers) == [1_000, 1_000, 1_100, 9_000])
        let jumps = AudienceQuality.followerJumps(snapshots)
        #expect(jumps.count == 1 && jumps.first?.before == 1_100 && jumps.first?.after == 9_000)
        let plain = try #require(subjects.first { $0.account.platformID == "i2" })
        #expect(try await store.metricSnapshots(workspace: "default", account: plain.key).isEmpty)
        #expect(try await store.metricSnapshots(workspace: "other", account: influ.key).isEmpty)
    }
}
