import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// A by-hand measurement, not a timed test: it runs only when `VIGIE_STORE_THROUGHPUT` is set.
///
///     VIGIE_STORE_THROUGHPUT=300000 swift test -c release -Xswiftc -enable-testing \
///         --scratch-path .build-rel --filter ThroughputTests
///
/// `VIGIE_STORE_BATCH` sets the items per batch (default 5,000); `VIGIE_STORE_REIMPORT=0` skips
/// the re-import measurement (useful under a profiler).
@Suite("SQLiteStore throughput")
struct ThroughputTests {
    static let environment = ProcessInfo.processInfo.environment
    static let postCount = Int(environment["VIGIE_STORE_THROUGHPUT"] ?? "") ?? 0

    @Test(.enabled(if: postCount > 0, "set VIGIE_STORE_THROUGHPUT=<posts> to measure"))
    func ingestIntoAFileStore() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
        let batchSize = Int(Self.environment["VIGIE_STORE_BATCH"] ?? "") ?? 5_000
        let batches = Self.makeBatches(posts: Self.postCount, batchSize: batchSize)

        let clock = ContinuousClock()
        var summary = WriteSummary()
        let started = clock.now
        for batch in batches { summary += try await store.write(batch, workspace: "bench") }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("store ingest: \(summary.postsInserted) posts, \(summary.interactionsInserted) interactions in "
              + "\(String(format: "%.2f", seconds)) s = \(Int(Double(summary.postsInserted) / seconds)) posts/s")
        #expect(summary.postsInserted == Self.postCount)

        guard Self.environment["VIGIE_STORE_REIMPORT"] != "0" else { return }
        let replayed = batches.prefix(10)
        var again = WriteSummary()
        let reimportStarted = clock.now
        for batch in replayed { again += try await store.write(batch, workspace: "bench") }
        let reimport = clock.now - reimportStarted
        print("store re-import: \(again.postsUnchanged) unchanged posts in \(reimport)")
        #expect(again.postsInserted == 0)
    }

    /// Tweets with realistic shape: ~20 words of French/English vocabulary, hashtags, a mention,
    /// links on some, replies to earlier posts, 20,000 authors.
    static func makeBatches(posts: Int, batchSize: Int) -> [IngestBatch] {
        let words = ["réseau", "climat", "énergie", "vote", "élection", "santé", "vaccin", "prix", "marché", "grève",
                     "transport", "vélo", "paris", "lyon", "the", "and", "policy", "public", "change", "report",
                     "économie", "école", "jeunes", "emploi", "travail", "forêt", "eau", "sécheresse", "data", "news"]
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var batches: [IngestBatch] = []
        var items: [IngestItem] = []
        items.reserveCapacity(batchSize)
        for index in 0..<posts {
            let author = "a\(next(20_000))"
            var text = ""
            for w in 0..<(12 + next(16)) {
                if w > 0 { text += " " }
                text += words[next(words.count)]
                if next(5) == 0 { text += String(next(1000)) }
            }
            let tags = (0..<next(3)).map { _ in words[next(words.count)] }
            let mentions = next(2) == 0 ? [Mention(accountID: "a\(next(20_000))", handle: "h\(next(20_000))")] : []
            let urls = next(3) == 0 ? ["https://www.site\(next(500)).fr/article/\(index)"] : []
            let reply: (String, String)? = index > 0 && next(3) == 0 ? ("t\(next(index))", "a\(next(20_000))") : nil
            items.append(.post(Post(platform: .twitter, platformID: "t\(index)", authorID: author, authorHandle: "h" + author,
                                    createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), text: text,
                                    language: "fr", replyToPostID: reply?.0, replyToAccountID: reply?.1,
                                    hashtags: tags, mentions: mentions, urls: urls,
                                    metrics: PostMetrics(likes: next(100), reposts: next(10), observedAt: nil))))
            if items.count == batchSize {
                batches.append(IngestBatch(items: items))
                items.removeAll(keepingCapacity: true)
            }
        }
        if !items.isEmpty { batches.append(IngestBatch(items: items)) }
        return batches
    }
}
