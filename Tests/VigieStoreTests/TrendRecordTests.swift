import Foundation
import Testing
@testable import VigieCore
@testable import VigieStore

/// The lean read path of weak signals gives the same posts, in the same order, with the same
/// fields as rebuilding whole posts, so that `vigie trends` signals do not change.
@Suite struct TrendRecordTests {
    /// Posts with every entity kind, replies, reposts, languages, edits and a second workspace.
    static func posts() -> [Post] {
        var random = SeededRandom(seed: 11)
        let words = ["vélo", "piste", "Réseau", "climat", "l'école", "#VéloTaf", "@marie", "https://ex.fr/a?utm_source=x",
                     "www.site.org/page", "😍", "pas", "mal", "cycling", "lane", "😡", "aujourd'hui"]
        return (0..<600).map { n in
            let text = (0..<(3 + Int(random.next() % 9))).map { _ in words[Int(random.next() % UInt64(words.count))] }
                .joined(separator: " ")
            // Authors' ids differ between platforms here; see `authorsAreAccountsNotBareIDs`.
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

    @Test func recordsMatchWholePosts() async throws {
        let store = try SQLiteStore.inMemory()
        let posts = Self.posts()
        _ = try await store.write(Fixture.batch(posts.map(IngestItem.post)), workspace: "default")
        _ = try await store.write(Fixture.batch([.post(Fixture.post("other", text: "#ailleurs"))]), workspace: "other")

        var expected: [(post: Post, author: Int64)] = []
        try await store.postsWithAuthorRow(workspace: "default").forEach { expected.append(($0.post, $0.authorRowID)) }
        #expect(expected.count == posts.count)
        for includeReposts in [false, true] {
            let records = try await store.trendRecords(workspace: "default", includeReposts: includeReposts).collect()
            let kept = expected.filter { includeReposts || $0.post.repostOfID == nil }
            #expect(records.count == kept.count)
            for (record, (post, author)) in zip(records, kept) {
                #expect(record.time == Int64((post.createdAt.timeIntervalSince1970 * 1000).rounded()))
                #expect(record.author == author)
                #expect(record.text == post.text)
                #expect(record.language == post.language)
                #expect(record.isReply == (post.replyToPostID != nil))
                #expect(record.hashtags == post.hashtags)
                #expect(record.mentions == post.mentions.map(\.handle))
                #expect(record.urls == post.urls)
            }
        }
        #expect(try await store.postTimes(workspace: "default").count == posts.count)
        #expect(try await store.postTimes(workspace: "nobody").isEmpty)
    }

    @Test func leanPathGivesTheSameIndexAsWholePosts() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.write(Fixture.batch(Self.posts().map(IngestItem.post)), workspace: "default")
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

    /// Whole posts name their author by platform id alone, so two accounts of different
    /// platforms with the same id were one author; records number accounts, so they are two.
    @Test func authorsAreAccountsNotBareIDs() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.write(Fixture.batch([.post(Fixture.post("a", author: "42")),
                                           .post(Fixture.post("b", author: "42", platform: .mastodon))]), workspace: "default")
        let built = try await TrendInputBuilder().build(from: store.trendRecords(workspace: "default", includeReposts: false))
        #expect(built.authorCount == 2)
        var input = TrendInput()
        try await store.posts(workspace: "default").forEach { input.append($0) }
        #expect(input.authorCount == 1)
    }
}
