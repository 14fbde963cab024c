import Foundation
import GRDB
import Synchronization
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// Erasure and purge as short write transactions: another connection's writer gets the lock
/// between them, an erasure stopped midway finishes when run again with exact counts, and the
/// bytes are still gone.
@Suite("Privacy in short transactions")
struct PrivacySlicingTests {
    /// The planted person of ``PrivacyPlant`` with `posts` more posts of theirs and `likes`
    /// likes, most received on those posts, some made; plus other people's posts.
    static func plantBusyPerson(in store: SQLiteStore, posts: Int, likes: Int) async throws {
        try await PrivacyPlant.plant(in: store, workspace: "default")
        let person = PrivacyPlant.person.platformID
        for start in stride(from: 0, to: posts, by: 1_000) {
            let items: [IngestItem] = (start..<min(start + 1_000, posts)).map { i in
                .post(Post(platform: .twitter, platformID: "88\(1_000_000 + i)", authorID: person, authorHandle: "zoe_planted",
                           createdAt: Fixture.at(Double(1_000 + i)), text: "slicemark\(i) vélo #velo @olivier",
                           hashtags: ["velo"], mentions: [Mention(accountID: "o1", handle: "olivier")]))
            }
            try await store.write(Fixture.batch(items), workspace: "default")
        }
        for start in stride(from: 0, to: likes, by: 5_000) {
            let items: [IngestItem] = (start..<min(start + 5_000, likes)).map { i in
                i % 20 == 0
                    ? .interaction(Fixture.like("made-\(i)", from: person, to: "o1", post: PrivacyPlant.mentioningPost, at: Double(i)))
                    : .interaction(Fixture.like("got-\(i)", from: "liker\(i % 500)", to: person, post: "88\(1_000_000 + i % max(posts, 1))",
                                                at: Double(i)))
            }
            try await store.write(Fixture.batch(items), workspace: "default")
        }
        let others = (0..<300).map { i in
            IngestItem.post(Fixture.post("other-\(i)", author: "bulk\(i % 7)", text: "autre message \(i) sur le vélo", at: Double(i)))
        }
        try await store.write(Fixture.batch(others), workspace: "default")
    }

    static let markers = ["slicemark0 ", "slicemark1499", "slicemark2999"] + PrivacyPlant.identifiers

    /// A writer on its own connection (another process, for SQLite's locks) that takes the write
    /// lock every few milliseconds and records how long it waited each time.
    final class WriterProbe: Sendable {
        private let waits = Mutex<[Double]>([])
        private let stop = Mutex(false)
        private let finished = Mutex(false)

        init(path: String) throws {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let thread = Thread { [self] in
                while !stop.withLock({ $0 }) {
                    let began = ContinuousClock.now
                    try? queue.inDatabase { db in
                        try db.execute(sql: "BEGIN IMMEDIATE")
                        try db.execute(sql: "ROLLBACK")
                    }
                    let waited = ContinuousClock.now - began
                    waits.withLock { $0.append(Double(waited.components.attoseconds) / 1e15 + Double(waited.components.seconds) * 1000) }
                    Thread.sleep(forTimeInterval: 0.005)
                }
                finished.withLock { $0 = true }
            }
            thread.start()
        }

        /// Stops the probe and returns its waits in milliseconds.
        func finish() async throws -> [Double] {
            stop.withLock { $0 = true }
            while !finished.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            return waits.withLock { $0 }
        }
    }

    @Test func anotherWriterGetsTheLockBetweenTheErasuresShortTransactions() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let store = try SQLiteStore(path: path)
        try await Self.plantBusyPerson(in: store, posts: 3_000, likes: 20_000)

        let probe = try WriterProbe(path: path)
        try await Task.sleep(for: .milliseconds(50))
        let (receipt, meter) = try await store.eraseSubject(PrivacyPlant.person, workspace: "default",
                                                            options: ErasureOptions(reason: "DSAR-slices"), slicing: .standard)
        let waits = try await probe.finish()
        let erased = try #require(receipt)
        #expect(erased.counts["posts"] == 3_002)
        #expect(erased.counts["interactions", default: 0] >= 20_000)
        #expect(erased.compacted)
        // Several transactions, none holding the lock long. The bound is generous for a loaded
        // 2-core machine running a debug build; scripts/bench-privacy reports the real figure.
        #expect(meter.transactions >= 10, "\(meter.transactions) transactions")
        #expect(meter.longestMilliseconds < 500, "a transaction held the write lock \(meter.longestMilliseconds) ms")
        // The other writer got in again and again, never waiting for the whole erasure.
        #expect(waits.count >= 10, "the other writer got the lock \(waits.count) times")
        #expect((waits.max() ?? 0) < 1_000, "the other writer waited \(waits.max() ?? 0) ms")

        try await store.close()
        let bytes = try PrivacyFileTests.storeBytes(path)
        for marker in Self.markers {
            #expect(!PrivacyFileTests.found(marker, in: bytes), "\(marker) is still in the files")
        }
        #expect(PrivacyFileTests.found("autre message 299", in: bytes))
    }

    @Test func anErasureStoppedMidwayFinishesWhenRunAgainWithExactCounts() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try SQLiteStore.inMemory()
        try await Self.plantBusyPerson(in: reference, posts: 600, likes: 3_000)
        let whole = try #require(try await reference.eraseSubject(PrivacyPlant.person, workspace: "default",
                                                                  options: ErasureOptions(reason: "DSAR-whole")))

        let path = directory.appendingPathComponent("store.sqlite").path
        var store = try SQLiteStore(path: path)
        try await Self.plantBusyPerson(in: store, posts: 600, likes: 3_000)
        // Tiny slices (5 posts, 25 interactions per statement), each run stopped after 6 to 9 of
        // them, as a kill would stop it between two commits (a kill inside a transaction rolls it
        // back: the same state). A run repeats a few cheap checks before it goes on where the
        // last one stopped; every stage gets cut.
        var receipt: ErasureReceipt?
        var runs = 0
        var stoppedBeforeTheEnd = 0
        while receipt == nil, runs < 2_000 {
            runs += 1
            let tiny = WriteSlicing(budget: .milliseconds(1), pause: .zero, stopAfter: 6 + runs % 4,
                                    postsPerStatement: 5, interactionsPerStatement: 25)
            do {
                receipt = try await store.eraseSubject(PrivacyPlant.person, workspace: "default",
                                                       options: ErasureOptions(reason: "DSAR-cut"), slicing: tiny).receipt
                #expect(receipt != nil, "a run after an interruption found nothing to erase")
            } catch is WriteSlicing.Interrupted {
                stoppedBeforeTheEnd += 1
                if stoppedBeforeTheEnd == 1 {
                    // Suppressed from the first transaction on: an import meanwhile cannot bring them back.
                    let suppressed = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM suppression") }
                    #expect(suppressed == 2)
                }
                if stoppedBeforeTheEnd % 10 == 0 {
                    // Now and then as a new process would: a fresh connection.
                    try await store.close()
                    store = try SQLiteStore(path: path)
                }
            }
        }
        let cut = try #require(receipt)
        #expect(stoppedBeforeTheEnd >= 10, "only \(stoppedBeforeTheEnd) interruptions")
        #expect(cut.counts == whole.counts)
        #expect(cut.compacted)
        let leftovers = try await store.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM erasure_progress") ?? -1,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM erasure_receipt") ?? -1)
        }
        #expect(leftovers.0 == 0)
        #expect(leftovers.1 == 1)
        // Once finished, there is nothing left to erase.
        #expect(try await store.eraseSubject(PrivacyPlant.person, workspace: "default",
                                             options: ErasureOptions(reason: "again")) == nil)
        try await store.close()
        let bytes = try PrivacyFileTests.storeBytes(path)
        for marker in ["slicemark0 ", "slicemark599 "] + PrivacyPlant.identifiers {
            #expect(!PrivacyFileTests.found(marker, in: bytes), "\(marker) is still in the files")
        }
    }

    /// The search for others' posts that repost or name the person reads through the naming
    /// indexes: its cost follows what names them, not the size of the store.
    @Test func othersPostsNamingThemAreFoundThroughIndexes() async throws {
        let store = try SQLiteStore.inMemory()
        try await PrivacyPlant.plant(in: store, workspace: "default")
        let queries = [SubjectRows.repostsQuery, SubjectRows.mentionsByHandleQuery] + SubjectRows.namingQueries
        for query in queries {
            let plan = try await store.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(query)", arguments: ["x", 1, "twitter"])
                    .map { $0["detail"] as String }.joined(separator: "\n")
            }
            #expect(!plan.contains("SCAN"), "\(query)\n\(plan)")
            #expect(plan.contains(" INDEX post_"), "\(query)\n\(plan)")
        }
    }

    @Test func aPurgeRunsInBoundedTransactionsAndRemovesEverythingExpired() async throws {
        let store = try SQLiteStore.inMemory()
        let posts = (0..<2_000).map { i in
            IngestItem.post(Fixture.post("p\(i)", author: "a\(i % 50)", text: "message \(i) #velo", at: Double(i), hashtags: ["velo"]))
        }
        try await store.write(Fixture.batch(posts), workspace: "default")
        let slicing = WriteSlicing(budget: .milliseconds(5), pause: .zero)
        let summary = try await store.purgeExpired(before: [.posts: Fixture.at(1_500)], workspace: "default", dryRun: false,
                                                   slicing: slicing)
        #expect(summary.removed[.posts] == 1_500)
        #expect(summary.batches >= 3, "\(summary.batches) transactions")
        #expect(summary.longestBatchMilliseconds < 500)
        let left = try await store.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM post") ?? -1,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM post_hashtag") ?? -1,
             try Int.fetchOne(db, sql: "SELECT min(created_at) FROM post") ?? -1)
        }
        #expect(left.0 == 500)
        #expect(left.1 == 500)
        #expect(left.2 == Fixture.at(1_500).unixMillis)
    }
}
