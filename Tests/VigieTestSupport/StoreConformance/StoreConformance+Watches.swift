import Foundation
import Testing
import VigieCore

/// `WatchStore`: saved queries kept up to date incrementally, and what dashboards read.
extension StoreConformance {
    static let watchChecks: [Check] = [
        Check("watches", "a watch matches what is stored and what arrives later") { try await $0.aWatchMatchesStoredAndLaterPosts() },
        Check("watches", "edited posts are tested again and deleted posts leave") { try await $0.editedPostsAreRetestedAndDeletedPostsLeave() },
        Check("watches", "a post stored after the newest was deleted counts as new") { try await $0.aPostAfterADeletedNewestCountsAsNew() },
        Check("watches", "bad queries and names are refused with the reason") { try await $0.badWatchesAreRefused() },
        Check("watches", "watches are listed, found and removed") { try await $0.watchesAreListedFoundAndRemoved() },
        Check("watches", "watches are separated by workspace") { try await $0.watchesAreSeparatedByWorkspace() },
        Check("watches", "volume is counted in the workspace time zone") { try await $0.volumeIsCountedInTheWorkspaceTimeZone() },
        Check("watches", "watched posts are the stored posts, oldest first, in range") { try await $0.watchedPostsAreTheStoredPosts() },
        Check("watches", "the span runs from the oldest to the newest match") { try await $0.watchSpanRunsOldestToNewest() },
        Check("watches", "a dashboard comes from the matched posts") { try await $0.dashboardComesFromTheMatchedPosts() },
    ]

    private func store(with posts: [Post]) async throws -> any Store {
        let store = try await makeStore()
        try await store.write(Fixture.batch(posts.map { .post($0) }), workspace: Self.ws)
        return store
    }

    private func matchedIDs(_ store: any Store, _ name: String) async throws -> [String] {
        try await store.watchedPosts(named: name, workspace: Self.ws, in: Date.distantPast..<Date.distantFuture).collect()
            .map(\.platformID).sorted()
    }

    func aWatchMatchesStoredAndLaterPosts() async throws {
        let store = try await store(with: [
            Fixture.post("1", text: "Le réseau cyclable de Lyon", at: 0),
            Fixture.post("2", text: "Rien à voir", at: 10),
        ])
        let added = try await store.addWatch(Watch(name: "velo", query: "reseau OR velo"), workspace: Self.ws)
        #expect(added.totalMatches == 1)
        try await store.write(Fixture.batch([.post(Fixture.post("3", text: "Vive le vélo", at: 20)),
                                             .post(Fixture.post("4", text: "autre chose", at: 30))]), workspace: Self.ws)
        let refresh = try await store.refreshWatch(named: "velo", workspace: Self.ws)
        // Only the two new posts are tested, not the whole corpus again.
        #expect(refresh.newPostsExamined <= 2)
        #expect(refresh.newPostsMatched == 1)
        #expect(refresh.totalMatches == 2)
        #expect(try await matchedIDs(store, "velo") == ["1", "3"])
        let idle = try await store.refreshWatch(named: "velo", workspace: Self.ws)
        #expect(idle.newPostsExamined == 0 && idle.newPostsMatched == 0 && idle.changedPostsExamined == 0 && idle.totalMatches == 2)
    }

    func editedPostsAreRetestedAndDeletedPostsLeave() async throws {
        let store = try await store(with: [
            Fixture.post("1", text: "velo du matin", at: 0),
            Fixture.post("2", text: "velo du soir", at: 10),
            Fixture.post("3", text: "marche à pied", at: 20),
        ])
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: Self.ws)
        #expect(try await matchedIDs(store, "velo") == ["1", "2"])
        // Post 1 is edited away from the topic, post 3 onto it, post 2 is deleted.
        try await store.write(Fixture.batch([
            .post(Fixture.post("1", text: "course du matin", at: 0, editedAt: Fixture.at(100))),
            .post(Fixture.post("3", text: "marche puis velo", at: 20, editedAt: Fixture.at(100))),
            .tombstone(Fixture.tombstone("2")),
        ]), workspace: Self.ws)
        let refresh = try await store.refreshWatch(named: "velo", workspace: Self.ws)
        #expect(refresh.changedPostsExamined >= 2)
        #expect(refresh.totalMatches == 1)
        #expect(try await matchedIDs(store, "velo") == ["3"])
        // The watched post is the new version.
        let watched = try await store.watchedPosts(named: "velo", workspace: Self.ws, in: Date.distantPast..<Date.distantFuture).collect()
        #expect(watched.map(\.text) == ["marche puis velo"])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "matin", limit: 10).map(\.text) == ["course du matin"])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "marche velo", limit: 10).map(\.platformID) == ["3"])
        // A second watch added after the changes sees the same.
        #expect(try await store.addWatch(Watch(name: "velo2", query: "velo"), workspace: Self.ws).totalMatches == 1)
    }

    func aPostAfterADeletedNewestCountsAsNew() async throws {
        let store = try await store(with: [Fixture.post("1", text: "velo", at: 0), Fixture.post("2", text: "velo", at: 10)])
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: Self.ws)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("2"))]), workspace: Self.ws)
        try await store.refreshWatch(named: "velo", workspace: Self.ws)
        try await store.write(Fixture.batch([.post(Fixture.post("3", text: "velo encore", at: 20))]), workspace: Self.ws)
        #expect(try await matchedIDs(store, "velo") == ["1", "3"])
        // And without a refresh between the deletion and the new post.
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("3"))]), workspace: Self.ws)
        try await store.write(Fixture.batch([.post(Fixture.post("4", text: "velo toujours", at: 30))]), workspace: Self.ws)
        #expect(try await matchedIDs(store, "velo") == ["1", "4"])
    }

    func badWatchesAreRefused() async throws {
        let store = try await makeStore()
        await #expect {
            try await store.addWatch(Watch(name: "x", query: "(velo AND"), workspace: Self.ws)
        } throws: { error in
            guard case WatchError.invalidQuery(let query) = error else { return false }
            return query.column == 10 && (error as? WatchError)?.description.contains("^") == true
        }
        await #expect(throws: WatchError.invalidName("a b")) { try await store.addWatch(Watch(name: "a b", query: "velo"), workspace: Self.ws) }
        try await store.addWatch(Watch(name: "v", query: "velo"), workspace: Self.ws)
        await #expect(throws: WatchError.alreadyExists("v")) { try await store.addWatch(Watch(name: "v", query: "x"), workspace: Self.ws) }
        await #expect(throws: WatchError.notFound("nope")) { try await store.refreshWatch(named: "nope", workspace: Self.ws) }
        await #expect(throws: WatchError.notFound("nope")) {
            try await store.watchVolume(named: "nope", workspace: Self.ws,
                                        buckets: TimeBuckets(size: .day, timeZone: .gmt, count: 2, endingAt: Fixture.at(0)))
        }
        await #expect(throws: WatchError.notFound("nope")) {
            try await store.watchedPosts(named: "nope", workspace: Self.ws, in: Date.distantPast..<Date.distantFuture).collect()
        }
        await #expect(throws: WatchError.notFound("nope")) { try await store.watchSpan(named: "nope", workspace: Self.ws) }
        await #expect(throws: WatchError.notFound("nope")) {
            try await store.watchedVolume(named: "nope", workspace: Self.ws, in: Fixture.at(0)..<Fixture.at(10), bucket: 3_600)
        }
        let error = await #expect(throws: StoreError.self) {
            try await store.addWatch(Watch(name: "v", query: "velo"), workspace: "bad name;")
        }
        #expect(error?.code == .invalidWorkspace)
        #expect(try await store.watches(workspace: Self.ws).map(\.name) == ["v"])
    }

    func watchesAreListedFoundAndRemoved() async throws {
        let store = try await store(with: [Fixture.post("1", text: "velo")])
        let created = Fixture.at(5)
        let b = Watch(name: "b", query: "velo lang:fr", stemmed: true, createdAt: created)
        let a = Watch(name: "a", query: "#climat", createdAt: created)
        try await store.addWatch(b, workspace: Self.ws)
        try await store.addWatch(a, workspace: Self.ws)
        #expect(try await store.watches(workspace: Self.ws) == [a, b])
        #expect(try await store.watch(named: "b", workspace: Self.ws) == b)
        #expect(try await store.watch(named: "c", workspace: Self.ws) == nil)
        #expect(try await store.removeWatch(named: "b", workspace: Self.ws))
        #expect(try await !store.removeWatch(named: "b", workspace: Self.ws))
        #expect(try await store.watches(workspace: Self.ws) == [a])
        await #expect(throws: WatchError.notFound("b")) { try await store.refreshWatch(named: "b", workspace: Self.ws) }
        // A watch added again under a removed name starts afresh.
        try await store.write(Fixture.batch([.post(Fixture.post("2", text: "velo encore", at: 10))]), workspace: Self.ws)
        #expect(try await store.addWatch(Watch(name: "b", query: "velo"), workspace: Self.ws).totalMatches == 2)
    }

    func watchesAreSeparatedByWorkspace() async throws {
        let store = try await store(with: [Fixture.post("1", text: "velo")])
        try await store.write(Fixture.batch([.post(Fixture.post("1", text: "velo ailleurs")),
                                             .post(Fixture.post("2", text: "velo encore"))]), workspace: "other")
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: Self.ws)
        #expect(try await store.refreshWatch(named: "velo", workspace: Self.ws).totalMatches == 1)
        #expect(try await store.watches(workspace: "other").isEmpty)
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: "other")
        #expect(try await store.refreshWatch(named: "velo", workspace: "other").totalMatches == 2)
        // New posts of one workspace never reach the other's watch.
        try await store.write(Fixture.batch([.post(Fixture.post("3", text: "velo tard", at: 50))]), workspace: "other")
        #expect(try await matchedIDs(store, "velo") == ["1"])
        #expect(try await store.refreshWatch(named: "velo", workspace: "other").totalMatches == 3)
        try await store.setTimeZone(TimeZone(identifier: "Europe/Paris")!, workspace: "other")
        #expect(try await store.timeZone(workspace: Self.ws) == TimeZone(identifier: "UTC"))
    }

    func volumeIsCountedInTheWorkspaceTimeZone() async throws {
        // 2025-03-29 23:30 UTC is already the 30th in Paris.
        let late = Date(timeIntervalSince1970: 1_743_291_000)
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Post(platform: .twitter, platformID: "1", authorID: "a", createdAt: late, text: "velo")),
            .post(Post(platform: .twitter, platformID: "2", authorID: "a", createdAt: late.addingTimeInterval(-7200), text: "velo")),
        ]), workspace: Self.ws)
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: Self.ws)
        #expect(try await store.timeZone(workspace: Self.ws) == TimeZone(identifier: "UTC"))
        let paris = TimeZone(identifier: "Europe/Paris")!
        try await store.setTimeZone(paris, workspace: Self.ws)
        #expect(try await store.timeZone(workspace: Self.ws) == paris)
        // Paris days 29, 30 and 31 March; UTC days 28, 29 and 30.
        let buckets = TimeBuckets(size: .day, timeZone: paris, count: 3, endingAt: late.addingTimeInterval(86_400))
        #expect(try await store.watchVolume(named: "velo", workspace: Self.ws, buckets: buckets) == [1, 1, 0])
        let utc = TimeBuckets(size: .day, timeZone: TimeZone(identifier: "UTC")!, count: 3, endingAt: late.addingTimeInterval(86_400))
        #expect(try await store.watchVolume(named: "velo", workspace: Self.ws, buckets: utc) == [0, 2, 0])
        // Setting it again replaces it.
        try await store.setTimeZone(TimeZone(identifier: "America/New_York")!, workspace: Self.ws)
        #expect(try await store.timeZone(workspace: Self.ws) == TimeZone(identifier: "America/New_York"))
    }

    /// Watched posts are read page by page; each must equal the post a whole-post scan gives.
    func watchedPostsAreTheStoredPosts() async throws {
        let store = try await makeStore()
        try await QueryCorpus.write(into: store)
        try await store.write(Fixture.batch([
            .post(Fixture.post("e1", text: "velo edit", at: 5, metrics: PostMetrics(likes: 4, reposts: 1, views: 10))),
            .post(Fixture.post("e2", text: "velo edited", at: 5, editOf: "e1", editedAt: Fixture.at(50))),
        ]), workspace: QueryCorpus.workspace)
        try await store.addWatch(Watch(name: "all", query: "velo OR piste OR lang:fr OR #velo"), workspace: QueryCorpus.workspace)
        var expected: [String: Post] = [:]
        try await store.posts(workspace: QueryCorpus.workspace).forEach { expected[$0.rootID] = $0 }
        let watched = try await store.watchedPosts(named: "all", workspace: QueryCorpus.workspace,
                                                   in: Date.distantPast..<Date.distantFuture).collect()
        #expect(watched.count == QueryCorpus.texts.count + 1)
        for post in watched { #expect(post == expected[post.rootID]) }
        #expect(watched.map(\.createdAt) == watched.map(\.createdAt).sorted())
        // A range keeps the posts created in it, oldest first, the end excluded.
        let range = Fixture.at(86_400)..<Fixture.at(4 * 86_400)
        let inRange = try await store.watchedPosts(named: "all", workspace: QueryCorpus.workspace, in: range).collect()
        #expect(inRange.map(\.platformID) == ["1", "2", "3"])
        // Counted by the store, per bucket: the same as counting the posts' times.
        for bucket: TimeInterval in [3_600, 86_400, 2 * 86_400] {
            let volume = try await store.watchedVolume(named: "all", workspace: QueryCorpus.workspace, in: range, bucket: bucket)
            #expect(volume == VolumeSeries(times: inRange.map(\.createdAt), bucket: bucket, from: range.lowerBound,
                                           through: range.upperBound.addingTimeInterval(-0.001)), "bucket \(bucket)")
            #expect(volume.counts.reduce(0, +) == 3)
        }
    }

    func watchSpanRunsOldestToNewest() async throws {
        let store = try await store(with: [
            Fixture.post("1", text: "velo", at: 100), Fixture.post("2", text: "autre", at: 0),
            Fixture.post("3", text: "velo", at: 900), Fixture.post("4", text: "velo", at: 400),
        ])
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: Self.ws)
        try await store.addWatch(Watch(name: "none", query: "absent"), workspace: Self.ws)
        #expect(try await store.watchSpan(named: "velo", workspace: Self.ws) == Fixture.at(100)...Fixture.at(900))
        #expect(try await store.watchSpan(named: "none", workspace: Self.ws) == nil)
        // The span follows new matches without an explicit refresh.
        try await store.write(Fixture.batch([.post(Fixture.post("5", text: "velo", at: 1_000))]), workspace: Self.ws)
        #expect(try await store.watchSpan(named: "velo", workspace: Self.ws) == Fixture.at(100)...Fixture.at(1_000))
    }

    func dashboardComesFromTheMatchedPosts() async throws {
        let store = try await store(with: [
            Fixture.post("1", author: "a", text: "velo #Paris", at: 0, hashtags: ["Paris"], urls: ["https://www.lemonde.fr/x"],
                         metrics: PostMetrics(likes: 3, reposts: 1)),
            Fixture.post("2", author: "b", text: "velo encore", at: 3600, metrics: PostMetrics(likes: 2)),
            Fixture.post("3", author: "b", text: "pas ici", at: 7200),
        ])
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: Self.ws)
        let buckets = TimeBuckets(size: .hour, timeZone: TimeZone(identifier: "UTC")!, covering: Fixture.at(0)..<Fixture.at(7200))
        let dashboard = try await store.dashboard(named: "velo", workspace: Self.ws, buckets: buckets)
        #expect(dashboard.posts.current == 2)
        #expect(dashboard.uniqueAuthors.current == 2)
        #expect(dashboard.engagement.likes.current == 5)
        #expect(dashboard.top.hashtags.map(\.value) == ["#paris"])
        #expect(dashboard.top.domains.map(\.value) == ["lemonde.fr"])
        #expect(dashboard.sentiment == nil)
    }
}
