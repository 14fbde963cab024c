import Foundation
import Testing
@testable import VigieCore
import VigieIngest
@testable import VigieSynth

/// The fast path of `vigie trends` (records in batches, items extracted concurrently, merged in
/// order) must give exactly what appending whole posts one by one gives: the same item and
/// author ids, the same posting lists, hence the same signals (ranking, scores, first-seen) at
/// every hour of a replay. On `vigie synth` data with planted emerging hashtags.
@Suite struct TrendInputEquivalenceTests {
    @Test func batchedConcurrentExtractionGivesTheSameSignalsAsPostByPost() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try SynthGenerator(configuration: SynthConfiguration(posts: 12_000, seed: 5, emergingHashtags: 3))
            .generate(format: .toolkitCSV, to: directory)
        let posts = try CoordinationAccuracyTests.decodePosts(directory.appendingPathComponent(SynthFormat.toolkitCSV.dataFileName))

        var oneByOne = TrendInput()
        for post in posts { oneByOne.append(post) }

        // Records as a store gives them: reposts left out, authors numbered.
        var authorNumbers: [String: Int64] = [:]
        let records: [TrendRecord] = posts.compactMap { post in
            guard post.repostOfID == nil else { return nil }
            let author = authorNumbers[post.authorID] ?? Int64(authorNumbers.count * 7 + 3)
            authorNumbers[post.authorID] = author
            return TrendRecord(time: Int64((post.createdAt.timeIntervalSince1970 * 1000).rounded()), author: author,
                               text: post.text, language: post.language, isReply: post.replyToPostID != nil,
                               hashtags: post.hashtags, mentions: post.mentions.map(\.handle), urls: post.urls)
        }
        // Small uneven batches and more workers than cores, so that batches finish out of order.
        var pages: [[TrendRecord]] = []
        var start = 0
        for size in [1, 997, 13, 2_500, 0, 4_001].cycled(until: records.count) {
            pages.append(Array(records[start..<min(records.count, start + size)]))
            start = min(records.count, start + size)
        }
        let fixedPages = pages
        let scan = PagedScan<TrendRecord>.keyset(from: 0, pageSize: 1) { index, _ in
            (fixedPages[index], index + 1 < fixedPages.count ? index + 1 : nil)
        }
        let batched = try await TrendInputBuilder(concurrency: 4).build(from: scan)
        #expect(batched.postCount == records.count)
        #expect(records.count < posts.count, "the synthetic data has reposts to leave out")

        let a = TrendIndex(oneByOne), b = TrendIndex(batched)
        #expect(a.itemKinds == b.itemKinds)
        #expect(a.itemKeys == b.itemKeys)
        #expect(a.authorCount == b.authorCount)
        #expect(a.postTime == b.postTime)
        #expect(a.postAuthor == b.postAuthor)
        #expect(a.postItemStart == b.postItemStart && a.postItems == b.postItems)
        #expect(a.postingStart == b.postingStart && a.postings == b.postings)

        let range = try #require(a.timeRange)
        let detector = WeakSignalDetector(options: WeakSignalOptions(minimumScore: 4))
        let first = TrendBacktest.run(detector, on: a, from: range.lowerBound, through: range.upperBound, step: 3600)
        let second = TrendBacktest.run(detector, on: b, from: range.lowerBound, through: range.upperBound, step: 3600)
        let ranked = first.evaluations.reduce(0) { $0 + $1.ranked.count }
        #expect(ranked > 0, "some hour ranks a signal")
        #expect(first.evaluations.map(\.ranked) == second.evaluations.map(\.ranked))
        #expect(first.evaluations.map(\.scores) == second.evaluations.map(\.scores))
        #expect(first.evaluations.map(\.flagged) == second.evaluations.map(\.flagged))
        #expect(first.firstRanked.mapValues(\.explanation) == second.firstRanked.mapValues(\.explanation))
        #expect(first.firstRanked.mapValues(\.firstSeen) == second.firstRanked.mapValues(\.firstSeen))
    }
}

private extension Array where Element == Int {
    /// The sizes repeated until they cover `total`.
    func cycled(until total: Int) -> [Int] {
        var out: [Int] = []
        var covered = 0
        while covered < total {
            for size in self {
                out.append(size)
                covered += size
            }
        }
        return out
    }
}
