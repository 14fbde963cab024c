import Foundation
import Synchronization
import Testing
import VigieCore
@testable import VigieIngest
import VigieTestSupport

/// A writer that remembers the batches it was given.
final class RecordingStore: StoreWriter, Sendable {
    private let recorded = Mutex<[IngestBatch]>([])
    /// Fails the n-th write (0-based) to test error propagation.
    let failAt: Int?

    init(failAt: Int? = nil) { self.failAt = failAt }

    var batches: [IngestBatch] { recorded.withLock { $0 } }
    var items: [IngestItem] { batches.flatMap(\.items) }
    var rejects: [Reject] { batches.flatMap(\.rejects) }

    struct Failure: Error {}

    func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        try recorded.withLock { batches in
            if let failAt, batches.count == failAt { throw Failure() }
            batches.append(batch)
        }
        return WriteSummary()
    }
}

@Suite struct ImporterTests {
    func temporaryFile(_ text: String, ext: String = "jsonl") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("importer-\(UUID().uuidString).\(ext)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func batchesAreBoundedAndTheLastCheckpointIsComplete() async throws {
        let store = RecordingStore()
        let report = try await Importer(store: store).importFile(
            at: SharedData.path("twitter-v2-twarc/flat.jsonl"), options: ImportOptions(batchSize: 100))
        #expect(report.format == "twitter-v2")
        #expect(report.posts > 100)
        #expect(store.batches.count > 2)
        // A batch may overshoot by at most one record's worth of items (a tweet and its expansions).
        for batch in store.batches { #expect(batch.items.count < 100 + 20) }
        let last = try #require(store.batches.last?.checkpoint)
        #expect(last.completed)
        #expect(last.bytesRead == last.bytesTotal)
        #expect(store.batches.dropLast().allSatisfy { $0.checkpoint?.completed == false })
        #expect(store.items.count + report.repeatsDropped == report.posts + report.accounts + report.interactions + report.tombstones)
    }

    @Test func brokenJSONIsRejectedWithLineAndColumnAndTheRestKept() async throws {
        let good = #"{"did":"did:plc:abc","time_us":1779719009157119,"kind":"identity","identity":{"did":"did:plc:abc","handle":"alice.bsky.social","seq":1,"time":"2026-05-25T14:23:28.757Z"}}"#
        let other = good.replacingOccurrences(of: "alice", with: "bob")
        let path = try temporaryFile([good, #"{"did": "x", "kind": }"#, other].joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = RecordingStore()
        let report = try await Importer(store: store).importFile(at: path)
        #expect(report.records == 3)
        #expect(report.rejected == 1)
        let reject = try #require(store.rejects.first)
        #expect(reject.line == 2)
        #expect(reject.file == path)
        #expect(reject.reason.contains("invalid JSON"))
        #expect(reject.reason.contains("line 2, column 22"), "\(reject.reason)")
        #expect(reject.excerpt.contains("\"kind\""))
        #expect(store.items.count == 2)
    }

    @Test func aStoreFailureStopsTheImportWithTheError() async throws {
        let store = RecordingStore(failAt: 1)
        await #expect(throws: RecordingStore.Failure.self) {
            try await Importer(store: store).importFile(
                at: SharedData.path("twitter-v2-twarc/brexit.jsonl"), options: ImportOptions(batchSize: 50))
        }
        #expect(store.batches.count == 1)
    }

    @Test func unreadableAndEmptyFilesAreClearErrors() async throws {
        let importer = Importer(store: RecordingStore())
        do {
            _ = try await importer.importFile(at: "/nonexistent/file.jsonl")
            Issue.record("imported a missing file")
        } catch let error as ImportError {
            #expect(error.code == .unreadable)
            #expect(error.description.contains("/nonexistent/file.jsonl"))
        }
        do {
            _ = try await importer.importFile(at: SharedData.path("twitter-v2-twarc/empty.json"))
            Issue.record("imported an empty file")
        } catch let error as ImportError {
            #expect(error.code == .empty)
        }
    }

    @Test func csvHeaderProblemsNameTheColumns() async throws {
        let path = try temporaryFile("message_id,user_id,message\n1,2,hello\n", ext: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try await Importer(store: RecordingStore()).importFile(at: path, options: ImportOptions(format: .toolkitCSV))
            Issue.record("accepted a header without the toolkit's columns")
        } catch let error as ImportError {
            #expect(error.code == .badHeader)
            #expect(error.message.contains("timestamp"), "\(error.message)")
        }
    }

    @Test(arguments: [
        ("twitter-v2-twarc/two_tweets.jsonl", ImportFormat.twitterV2),
        ("twitter-v2-twarc/flat.jsonl", .twitterV2),
        ("twitter-v2-twarc/tweets_compliance.jsonl", .twitterV2),
        ("twitter-v1-twibot20/TwiBot-20_sample.json", .twitterV1),
        ("mastodon-tootsdk/post_edited.json", .mastodon),
        ("mastodon-tootsdk/account.json", .mastodon),
        ("mastodon-tootsdk/streaming_update.json", .mastodon),
        ("bluesky-jetstream/jetstream_v1_152_events.jsonl", .jetstream),
        ("instagram-fake-followers-srf/labelled_1000_inclprivate.csv", .instagramCSV),
    ])
    func detectsTheFormatOfEachRealSample(file: String, expected: ImportFormat) throws {
        #expect(try FormatDetector.detect(path: SharedData.path(file)) == expected)
    }

    @Test func detectsToolkitCSV() async throws {
        let path = try temporaryFile("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n1,2,bob,,,hi,1620000000,\n", ext: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try FormatDetector.detect(path: path) == .toolkitCSV)
    }
}

@Suite struct RepeatFilterTests {
    @Test func dropsExactRepeatsWhateverTheirObservationTime() async {
        var filter = RepeatFilter()
        var account = Account(platform: .twitter, platformID: "1", handle: "a", followers: 10,
                              observedAt: Date(timeIntervalSince1970: 1))
        var outcomes = [filter.isRepeat(.account(account))]
        account.observedAt = Date(timeIntervalSince1970: 2)
        outcomes.append(filter.isRepeat(.account(account)))
        account.followers = 11  // a changed count must reach the store
        outcomes.append(filter.isRepeat(.account(account)))
        let post = Post(platform: .twitter, platformID: "9", authorID: "1",
                        createdAt: Date(timeIntervalSince1970: 5), text: "x")
        outcomes.append(filter.isRepeat(.post(post)))
        var edited = post
        edited.text = "y"
        outcomes.append(filter.isRepeat(.post(edited)))
        #expect(outcomes == [false, true, false, false, false])
        #expect(filter.dropped == 1)
    }

    @Test func forgetsWhenFullSoMemoryStaysBounded() async {
        var filter = RepeatFilter(capacity: 2)
        let accounts = (0..<3).map { Account(platform: .mastodon, platformID: "\($0)") }
        var outcomes = accounts.map { filter.isRepeat(.account($0)) }
        // The first was forgotten when the table filled up: seen again, it is written again.
        outcomes.append(filter.isRepeat(.account(accounts[0])))
        #expect(outcomes == [false, false, false, false])
    }
}
