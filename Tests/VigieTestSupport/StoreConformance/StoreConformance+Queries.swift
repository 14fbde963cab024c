import Foundation
import Testing
import VigieCore

/// `CorpusReader.query`: whatever index a backend uses, the answer is exactly the matcher's.
extension StoreConformance {
    static let queryChecks: [Check] = [
        Check("queries", "every corpus query equals a full scan, plain and stemmed") { try await $0.queriesEqualAFullScan() },
        Check("queries", "generated NEAR queries equal a full scan") { try await $0.generatedNearQueriesEqualAFullScan() },
        Check("queries", "a page is the newest matches and the counts are all of them") { try await $0.pageIsTheNewestAndCountsAreAll() },
        Check("queries", "queries see edits and deletions") { try await $0.queriesSeeEditsAndDeletions() },
    ]

    /// The matches of `query` in a full scan: ids, and distinct authors (accounts, not bare ids).
    static func fullScan(_ store: any Store, _ query: Query, workspace: String) async throws -> (ids: Set<String>, authors: Int) {
        var ids = Set<String>()
        var authors = Set<AccountKey>()
        try await store.posts(workspace: workspace).forEach { post in
            if query.matches(post) {
                ids.insert(post.platformID)
                authors.insert(post.authorKey)
            }
        }
        return (ids, authors.count)
    }

    func queriesEqualAFullScan() async throws {
        let store = try await makeStore()
        try await QueryCorpus.write(into: store)
        var matchedSome = 0
        for text in QueryCorpus.queries {
            for stemmed in [false, true] {
                let query = try Query.parse(text, options: QueryOptions(stemmed: stemmed))
                let expected = try await Self.fullScan(store, query, workspace: QueryCorpus.workspace)
                let page = try await store.query(query, workspace: QueryCorpus.workspace, limit: 100)
                #expect(Set(page.posts.map(\.platformID)) == expected.ids, "\(text) stemmed=\(stemmed)")
                #expect(page.posts.count == page.matched, "\(text) stemmed=\(stemmed)")
                #expect(page.matched == expected.ids.count, "\(text) stemmed=\(stemmed)")
                #expect(page.authors == expected.authors, "\(text) stemmed=\(stemmed)")
                if !expected.ids.isEmpty { matchedSome += 1 }
            }
        }
        // The corpus exercises the queries: most find something.
        #expect(matchedSome > QueryCorpus.queries.count)
    }

    func generatedNearQueriesEqualAFullScan() async throws {
        let store = try await makeStore()
        let (posts, queries) = QueryCorpus.nearCase()
        try await store.write(IngestBatch(items: posts.map { .post($0) }), workspace: Self.ws)
        var checked = 0
        for text in queries {
            let query = try Query.parse(text)
            let expected = posts.filter { query.matches($0) }.map(\.platformID)
            let page = try await store.query(query, workspace: Self.ws, limit: 500)
            #expect(Set(page.posts.map(\.platformID)) == Set(expected), "\(text)")
            #expect(page.matched == expected.count, "\(text)")
            if page.matched > 0 { checked += 1 }
        }
        #expect(checked > 60)
    }

    func pageIsTheNewestAndCountsAreAll() async throws {
        let store = try await makeStore()
        try await QueryCorpus.write(into: store)
        let count = QueryCorpus.texts.count
        let page = try await store.query(try Query.parse("lang:fr"), workspace: QueryCorpus.workspace, limit: 3)
        #expect(page.matched == count)
        #expect(page.posts.map(\.platformID) == ["\(count - 1)", "\(count - 2)", "\(count - 3)"])
        // Four author ids, each on two platforms.
        #expect(page.authors == 8)
        let since = try await store.query(try Query.parse("lang:fr"), workspace: QueryCorpus.workspace,
                                          since: Fixture.at(14 * 86_400), until: nil, limit: 10)
        #expect(since.matched == count - 14)
        #expect(since.posts.count == 10)
        let window = try await store.query(try Query.parse("lang:fr"), workspace: QueryCorpus.workspace,
                                           since: Fixture.at(2 * 86_400), until: Fixture.at(5 * 86_400), limit: 10)
        #expect(window.posts.map(\.platformID) == ["4", "3", "2"])
        // Equal creation dates: the post stored last comes first.
        try await store.write(Fixture.batch([.post(Fixture.post("tie-1", text: "egalite", at: 50)),
                                             .post(Fixture.post("tie-2", text: "egalite", at: 50))]), workspace: Self.ws)
        let ties = try await store.query(try Query.parse("egalite"), workspace: Self.ws, limit: 1)
        #expect(ties.matched == 2 && ties.posts.map(\.platformID) == ["tie-2"])
        #expect(try await store.query(try Query.parse("lang:fr"), workspace: QueryCorpus.workspace, limit: 0).posts.isEmpty)
    }

    func queriesSeeEditsAndDeletions() async throws {
        let store = try await makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("1", text: "velo du matin #Lyon", at: 0, hashtags: ["Lyon"])),
            .post(Fixture.post("2", text: "velo du soir", at: 10)),
        ]), workspace: Self.ws)
        try await store.write(Fixture.batch([
            .post(Fixture.post("1", text: "course du matin", at: 0, editedAt: Fixture.at(100))),
            .tombstone(Fixture.tombstone("2")),
        ]), workspace: Self.ws)
        for (text, expected) in [("velo", [String]()), ("matin", ["1"]), ("#lyon", []), ("soir", []), ("course NEAR/1 matin", ["1"])] {
            let page = try await store.query(try Query.parse(text), workspace: Self.ws, limit: 10)
            #expect(page.posts.map(\.platformID) == expected, "\(text)")
        }
    }
}
