import Foundation
import Testing
@testable import VigieCore
@testable import VigieStore
import VigieTestSupport

/// The lean read path of weak signals (its fields equal whole posts': the conformance suite)
/// builds the same trend index as whole posts, so that `vigie trends` signals do not change.
@Suite struct TrendRecordTests {
    /// The author number of a record is the account's row id.
    @Test func recordsNumberAuthorsByAccountRow() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.write(Fixture.batch(StoreConformance.trendPosts().map(IngestItem.post)), workspace: "default")
        var authors: [Int64] = []
        try await store.postsWithAuthorRow(workspace: "default").forEach { if $0.post.repostOfID == nil { authors.append($0.authorRowID) } }
        let records = try await store.trendRecords(workspace: "default", includeReposts: false).collect()
        #expect(records.map(\.author) == authors)
    }

    @Test func leanPathGivesTheSameIndexAsWholePosts() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.write(Fixture.batch(StoreConformance.trendPosts().map(IngestItem.post)), workspace: "default")
        let extractor = TrendItemExtractor()
        var oneByOne = TrendInput(extractor: extractor)
        try await store.posts(workspace: "default").forEach { oneByOne.append($0) }
        // Pages of 50 records, several extracted at once: the merge must keep the reading order.
        let records = try await store.trendRecords(workspace: "default", includeReposts: false).collect()
        let pages = PagedScan<TrendRecord>.keyset(from: 0, pageSize: 50) { after, limit in
            let page = Array(records[after..<min(after + limit, records.count)])
            return (page, after + limit < records.count ? after + limit : nil)
        }
        let built = try await TrendInputBuilder(extractor: extractor, concurrency: 3).build(from: pages)
        let a = TrendIndex(oneByOne), b = TrendIndex(built)
        #expect(a.itemCount > 20)
        #expect(a.itemKinds == b.itemKinds && a.itemKeys == b.itemKeys)
        #expect(a.postTime == b.postTime && a.postAuthor == b.postAuthor)
        #expect(a.postings == b.postings && a.postingStart == b.postingStart)
    }
}
