import Foundation
import GRDB
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// How the SQLite store answers listening queries from its FTS5 index: which queries the index
/// answers alone, which posts it loads and tests. (That the answers equal a full scan is the
/// conformance suite's `queries` area.)
@Suite struct IndexedQueryTests {
    static func makeStore() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await QueryCorpus.write(into: store)
        return store
    }

    /// `a NEAR/n b` is counted from FTS5's NEAR; only posts where a word side is also a mention
    /// (or a wildcard side may find an elision or link) are loaded and tested.
    @Test func nearTestsOnlyPostsWhereASideIsANonWord() async throws {
        let store = try await Self.makeStore()
        let piste = try await store.query(try Query.parse("piste NEAR/1 cyclable"), workspace: "default", limit: 10)
        #expect(piste.matched == 2)
        #expect(piste.candidates == 0)
        // "merci @velo pour tout": velo is only a mention there; FTS5's NEAR finds it, the plan does not.
        let merci = try await store.query(try Query.parse("merci NEAR/1 velo"), workspace: "default", limit: 10)
        #expect(merci.matched == 0)
        #expect(!merci.exact)
        // A word that is also a mention in the same post: tested, and found at the word.
        try await store.write(IngestBatch(items: [.post(Post(platform: .twitter, platformID: "both", authorID: "b",
                                                       createdAt: Fixture.at(1), text: "velo @velo merci"))]), workspace: "default")
        let both = try await store.query(try Query.parse("merci NEAR/0 velo"), workspace: "default", limit: 10)
        #expect(both.candidates == 1)
        #expect(both.matched == 0)
        let near = try await store.query(try Query.parse("merci NEAR/1 velo"), workspace: "default", limit: 10)
        #expect(near.candidates == 1)
        #expect(near.matched == 1)
        // Phrases on both sides match tokens of any kind, as FTS5 does: exact.
        #expect(try await store.query(try Query.parse("\"pistes cyclables\" NEAR/3 \"et lyon\""), workspace: "default", limit: 1).exact)
        // A hashtag side is found only as a hashtag, which `pos` cannot tell: tested.
        let tag = try await store.query(try Query.parse("#velo NEAR/2 lyon"), workspace: "default", limit: 10)
        #expect(tag.candidates >= tag.matched)
        #expect(tag.matched == 1)
    }

    /// Most generated NEAR queries with matches are answered without testing every match.
    @Test func generatedNearQueriesAreMostlyAnsweredByTheIndex() async throws {
        let store = try SQLiteStore.inMemory()
        let (posts, queries) = QueryCorpus.nearCase()
        try await store.write(IngestBatch(items: posts.map { .post($0) }), workspace: "default")
        var checked = 0, sureOnly = 0
        for text in queries {
            let page = try await store.query(try Query.parse(text), workspace: "default", limit: 500)
            if page.matched > 0 { checked += 1 }
            if page.candidates < page.matched { sureOnly += 1 }
        }
        #expect(checked > 60)
        #expect(sureOnly * 2 > checked, "\(sureOnly) of \(checked)")
    }

    @Test func commonQueriesAreAnsweredByTheIndexAlone() async throws {
        let store = try await Self.makeStore()
        for text in ["velo", "\"piste cyclable\"", "#velo", "@zoe", "velo lang:fr", "velo NOT lyon", "site:lemonde.fr",
                     "(velo OR cyclisme) since:2023-11-16 platform:twitter", "author:eric piste"] {
            #expect(try await store.query(try Query.parse(text), workspace: "default", limit: 5).exact, "\(text)")
        }
        for text in ["velo NEAR/2 lyon", "influenc*", "url:plan", "velo OR lang:en"] {
            #expect(try await !store.query(try Query.parse(text), workspace: "default", limit: 5).exact, "\(text)")
        }
        // Stemmed words are answered by the stem columns.
        for text in ["influenceur", "cyclistes OR network", "reseaux NOT lyon"] {
            #expect(try await store.query(try Query.parse(text, options: QueryOptions(stemmed: true)), workspace: "default", limit: 5).exact, "\(text)")
        }
    }

    /// A wildcard's posts are sure matches unless a form it finds is only a mention, elision or link.
    @Test func wildcardsTestOnlyPostsWithNonWordForms() async throws {
        let store = try await Self.makeStore()
        let page = try await store.query(try Query.parse("renouvel*"), workspace: "default", limit: 5)
        #expect(page.matched == 2)
        #expect(page.candidates == 1) // "énergies renouvelables @renouvelle_fr": the mention
        let velo = try await store.query(try Query.parse("velo*"), workspace: "default", limit: 50)
        #expect(velo.candidates < velo.matched)
    }

    /// A store written by the v1 schema (raw text in post_fts) is upgraded: the index is rebuilt.
    @Test func migrationRebuildsTheFullTextIndex() async throws {
        let queue = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(queue, upTo: "v1")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO workspace(id, name) VALUES (1, 'default');
                INSERT INTO account(id, workspace_id, platform, platform_id) VALUES (1, 1, 'twitter', 'a');
                INSERT INTO post(id, workspace_id, platform, platform_id, author_account_id, created_at, version_at,
                                 current_version_id, text)
                    VALUES (1, 1, 'twitter', 'p1', 1, 0, 0, 'p1', 'Le Cœur du réseau');
                INSERT INTO post_hashtag(post_id, position, tag, tag_lower) VALUES (1, 0, 'Vélo', 'vélo');
                INSERT INTO post_fts(rowid, text) VALUES (1, 'Le Cœur du réseau');
                """)
        }
        try StoreMigrations.migrator.migrate(queue)
        let hits = try await queue.read { db in
            try Int64.fetchAll(db, sql: "SELECT rowid FROM post_fts WHERE post_fts MATCH 'pos : \"coeur\" AND tags : \"velo\"'")
        }
        #expect(hits == [1])
    }

    /// A store indexed by v2-watches (five columns, no stems) gains the stem columns, posts kept.
    @Test func migrationAddsTheStemColumns() async throws {
        let queue = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(queue, upTo: "v2-trust")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO workspace(id, name) VALUES (1, 'default');
                INSERT INTO account(id, workspace_id, platform, platform_id) VALUES (1, 1, 'twitter', 'a');
                INSERT INTO post(id, workspace_id, platform, platform_id, author_account_id, created_at, version_at,
                                 current_version_id, text)
                    VALUES (1, 1, 'twitter', 'p1', 1, 0, 0, 'p1', 'Les influenceuses du réseau'),
                           (2, 1, 'twitter', 'p2', 1, 0, 0, 'p2', 'Networks everywhere');
                INSERT INTO post_fts(rowid, pos, nw, tags, handles, sites)
                    VALUES (1, 'les influenceuses du reseau', '', '', '', ''), (2, 'networks everywhere', '', '', '', '');
                """)
        }
        try StoreMigrations.migrator.migrate(queue)
        let (posts, french, english, word) = try await queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM post"),
             try Int64.fetchAll(db, sql: "SELECT rowid FROM post_fts WHERE post_fts MATCH 'fr : \"influenc\"'"),
             try Int64.fetchAll(db, sql: "SELECT rowid FROM post_fts WHERE post_fts MATCH 'en : \"network\"'"),
             try Int64.fetchAll(db, sql: "SELECT rowid FROM post_fts WHERE post_fts MATCH 'pos : \"reseau\"'"))
        }
        #expect(posts == 2)
        #expect(french == [1])
        #expect(english == [2])
        #expect(word == [1])
    }
}
