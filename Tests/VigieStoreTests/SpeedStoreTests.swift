import Foundation
import GRDB
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// Issue 19 on the SQLite store: documents built on another core are the writer's own, stored
/// sentiment labels follow their model and their post's text, and the floor benchmark inserts
/// what the writer inserts.
@Suite struct SpeedStoreTests {
    /// The query corpus and its NEAR posts, many times over with distinct ids: more than enough
    /// posts in one batch for the prefetch worker to run.
    static func manyPosts() -> [Post] {
        let base = QueryCorpus.nearCase().posts + QueryCorpus.texts.enumerated().map { i, text in
            Post(platform: .twitter, platformID: "t\(i)", authorID: "a\(i % 5)", createdAt: Fixture.at(Double(i)), text: text,
                 hashtags: ["Vélo"], mentions: [Mention(handle: "zoe@masto.social")], urls: ["https://www.sport.lemonde.fr/x"])
        }
        return (0..<3).flatMap { round in
            base.map { post in
                var copy = post
                copy.platformID = "\(round)-\(post.platformID)"
                return copy
            }
        }
    }

    @Test func prefetchedDocumentsAreTheWritersOwn() async throws {
        let posts = Self.manyPosts()
        let batch = IngestBatch(items: posts.map(IngestItem.post))
        let prefetch = FullTextPrefetch(batch: batch)
        #expect(prefetch.isWorthwhile)
        let worker = Task {
            try await Offload.run {
                var stems = StemCache()
                prefetch.run(stems: &stems)
            }
        }
        var stems = StemCache()
        var documents: [[String]] = []
        for (index, post) in posts.enumerated() {
            documents.append(prefetch.document(for: post, itemIndex: index, stems: &stems))
        }
        prefetch.stop()
        try await worker.value
        var sequentialStems = StemCache()
        let expected = posts.map { FTS5.columnValues(of: QueryIndex.document(for: $0, stems: &sequentialStems)) }
        #expect(documents == expected)
    }

    /// One large batch (the worker builds documents) answers every query as small batches do.
    @Test func aLargeBatchIndexesAsSmallOnesDo() async throws {
        let posts = Self.manyPosts()
        let large = try SQLiteStore.inMemory()
        try await large.write(IngestBatch(items: posts.map(IngestItem.post)), workspace: "default")
        let small = try SQLiteStore.inMemory()
        for start in stride(from: 0, to: posts.count, by: 20) {
            try await small.write(IngestBatch(items: posts[start..<min(start + 20, posts.count)].map(IngestItem.post)),
                                  workspace: "default")
        }
        for text in QueryCorpus.queries + QueryCorpus.nearCase().queries.prefix(40) {
            let query = try Query.parse(text)
            let a = try await large.query(query, workspace: "default", limit: 5)
            let b = try await small.query(query, workspace: "default", limit: 5)
            #expect(a.matched == b.matched, "\(text)")
            #expect(a.posts.map(\.platformID) == b.posts.map(\.platformID), "\(text)")
        }
    }

    @Test func storedSentimentsFollowTheirModelAndTheText() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.write(IngestBatch(items: [
            .post(Fixture.post("p1", text: "velo super", at: 10)), .post(Fixture.post("p2", text: "velo nul", at: 20)),
            .post(Fixture.post("p3", text: "autre chose", at: 30)),
        ]), workspace: "default")
        _ = try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: "default")
        let range = Fixture.at(0)..<Fixture.at(100)
        let p1 = PostKey(platform: .twitter, rootID: "p1"), p2 = PostKey(platform: .twitter, rootID: "p2")
        let p3 = PostKey(platform: .twitter, rootID: "p3")
        #expect(try await store.storedSentiments(watch: "velo", workspace: "default", in: range, model: "m1").isEmpty)
        try await store.storeSentiments([p1: .positive, p2: nil, p3: .neutral], model: "m1", workspace: "default")
        let stored = try await store.storedSentiments(watch: "velo", workspace: "default", in: range, model: "m1")
        // p3 is not the watch's; p2 is stored as unclassified.
        #expect(stored.count == 2 && stored[p1] == .some(.positive) && stored[p2] == .some(nil))
        #expect(try await store.storedSentiments(watch: "velo", workspace: "default", in: Fixture.at(15)..<Fixture.at(100),
                                                 model: "m1").keys.sorted { $0.rootID < $1.rootID } == [p2])
        // Another model: the labels of the first are stale, and storing the new model's drops them.
        #expect(try await store.storedSentiments(watch: "velo", workspace: "default", in: range, model: "m2").isEmpty)
        try await store.storeSentiments([p2: .negative], model: "m2", workspace: "default")
        #expect(try await store.storedSentiments(watch: "velo", workspace: "default", in: range, model: "m2") == [p2: .negative])
        #expect(try await store.storedSentiments(watch: "velo", workspace: "default", in: range, model: "m1").isEmpty)
        // A new text loses the label; new metrics alone keep it.
        try await store.write(IngestBatch(items: [.post(Fixture.post("p2", text: "velo nul", at: 20,
                                                                     metrics: PostMetrics(likes: 3)))]), workspace: "default")
        #expect(try await store.storedSentiments(watch: "velo", workspace: "default", in: range, model: "m2").count == 1)
        try await store.write(IngestBatch(items: [.post(Fixture.post("p2-v2", text: "velo finalement bien", at: 20, editOf: "p2",
                                                                     editedAt: Fixture.at(40)))]), workspace: "default")
        #expect(try await store.storedSentiments(watch: "velo", workspace: "default", in: range, model: "m2").isEmpty)
    }

    /// `author:` reads the author's posts through `post_author`, not every post of the workspace.
    @Test func anAuthorFilterReadsThroughTheAuthorIndex() async throws {
        let store = try SQLiteStore.inMemory()
        try await QueryCorpus.write(into: store)
        let plan = try await store.read { db in
            // The plan's text is its `detail` column (the first is a node number).
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT post.id FROM post WHERE +post.workspace_id = 1 AND post.author_account_id IN (1, 2)
                """).map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("post_author"), "\(plan)")
        // And the answers are still the matcher's (the conformance suite checks every query).
        let page = try await store.query(try Query.parse("author:eric"), workspace: QueryCorpus.workspace, limit: 50)
        #expect(page.matched == QueryCorpus.texts.indices.filter { $0 % 4 == 1 }.count)
    }

    @Test func theFloorInsertsWhatTheWriterInserts() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let posts = Self.manyPosts()
        let floorPath = directory.appendingPathComponent("floor.sqlite").path
        let floor = try SQLiteInsertFloor(path: floorPath, settings: SQLiteInsertFloor.Settings())
        for start in stride(from: 0, to: posts.count, by: 100) {
            try floor.write(IngestBatch(items: posts[start..<min(start + 100, posts.count)].map(IngestItem.post)))
        }
        try floor.finish()
        #expect(floor.posts == posts.count && floor.sqliteSeconds > 0)
        let written = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        try await written.write(IngestBatch(items: posts.map(IngestItem.post)), workspace: "default")
        let reopened = try SQLiteStore(path: floorPath, readOnly: true)
        for table in ["post", "account", "post_hashtag", "post_mention", "post_url", "interaction", "post_version"] {
            let sql = "SELECT count(*) FROM \(table)"
            let a = try await reopened.read { db in try Int.fetchOne(db, sql: sql) }
            let b = try await written.read { db in try Int.fetchOne(db, sql: sql) }
            #expect(a == b, "\(table)")
        }
        for text in ["velo", "#velo", "@zoe@masto.social", "site:lemonde.fr", "cyclistes"] {
            let query = try Query.parse(text)
            #expect(try await reopened.query(query, workspace: "default", limit: 3).matched
                    == (try await written.query(query, workspace: "default", limit: 3).matched), "\(text)")
        }
    }
}
