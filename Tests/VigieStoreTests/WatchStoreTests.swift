import Foundation
import GRDB
import Testing
import VigieCore
@testable import VigieStore

@Suite struct WatchStoreTests {
    let ws = "default"

    func store(_ posts: [Post]) async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await store.write(Fixture.batch(posts.map { .post($0) }), workspace: ws)
        return store
    }

    func matchedIDs(_ store: SQLiteStore, _ name: String) async throws -> [String] {
        try await store.watchedPosts(named: name, workspace: ws, in: Date.distantPast..<Date.distantFuture).collect()
            .map(\.platformID).sorted()
    }

    @Test func aWatchMatchesWhatIsStoredAndWhatArrivesLater() async throws {
        let store = try await store([
            Fixture.post("1", text: "Le réseau cyclable de Lyon", at: 0),
            Fixture.post("2", text: "Rien à voir", at: 10),
        ])
        let added = try await store.addWatch(Watch(name: "velo", query: "reseau OR velo"), workspace: ws)
        #expect(added.totalMatches == 1)
        try await store.write(Fixture.batch([.post(Fixture.post("3", text: "Vive le vélo", at: 20)),
                                       .post(Fixture.post("4", text: "autre chose", at: 30))]), workspace: ws)
        let refresh = try await store.refreshWatch(named: "velo", workspace: ws)
        // Only the two new posts are tested, not the whole corpus again.
        #expect(refresh.newPostsExamined <= 2)
        #expect(refresh.newPostsMatched == 1)
        #expect(try await matchedIDs(store, "velo") == ["1", "3"])
        #expect(try await store.refreshWatch(named: "velo", workspace: ws).newPostsExamined == 0)
    }

    @Test func editedPostsAreTestedAgainAndDeletedPostsLeave() async throws {
        let store = try await store([
            Fixture.post("1", text: "velo du matin", at: 0),
            Fixture.post("2", text: "velo du soir", at: 10),
            Fixture.post("3", text: "marche à pied", at: 20),
        ])
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: ws)
        #expect(try await matchedIDs(store, "velo") == ["1", "2"])
        // Post 1 is edited away from the topic, post 3 onto it, post 2 is deleted.
        try await store.write(Fixture.batch([
            .post(Fixture.post("1", text: "course du matin", at: 0, editedAt: Fixture.at(100))),
            .post(Fixture.post("3", text: "marche puis velo", at: 20, editedAt: Fixture.at(100))),
            .tombstone(Fixture.tombstone("2")),
        ]), workspace: ws)
        let refresh = try await store.refreshWatch(named: "velo", workspace: ws)
        #expect(refresh.changedPostsExamined >= 2)
        #expect(try await matchedIDs(store, "velo") == ["3"])
        // The change log is trimmed once every watch has read it.
        #expect(try await store.count("SELECT count(*) FROM post_change") == 0)
        // The full-text index forgot the old text.
        #expect(try await store.searchPosts(workspace: ws, text: "matin", limit: 10).map(\.text) == ["course du matin"])
        #expect(try await store.searchPosts(workspace: ws, text: "marche velo", limit: 10).map(\.platformID) == ["3"])
    }

    @Test func aReusedRowIDOfADeletedNewestPostCountsAsNew() async throws {
        let store = try await store([Fixture.post("1", text: "velo", at: 0), Fixture.post("2", text: "velo", at: 10)])
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: ws)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("2"))]), workspace: ws)
        try await store.refreshWatch(named: "velo", workspace: ws)
        // SQLite gives the next post the row id the deleted one had.
        try await store.write(Fixture.batch([.post(Fixture.post("3", text: "velo encore", at: 20))]), workspace: ws)
        #expect(try await matchedIDs(store, "velo") == ["1", "3"])
        // And without a refresh between the deletion and the new post.
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("3"))]), workspace: ws)
        try await store.write(Fixture.batch([.post(Fixture.post("4", text: "velo toujours", at: 30))]), workspace: ws)
        #expect(try await matchedIDs(store, "velo") == ["1", "4"])
    }

    @Test func badQueriesAndNamesAreRefusedWithTheReason() async throws {
        let store = try SQLiteStore.inMemory()
        await #expect {
            try await store.addWatch(Watch(name: "x", query: "(velo AND"), workspace: ws)
        } throws: { error in
            guard case WatchError.invalidQuery(let query) = error else { return false }
            return query.column == 10 && (error as? WatchError)?.description.contains("^") == true
        }
        await #expect(throws: WatchError.invalidName("a b")) { try await store.addWatch(Watch(name: "a b", query: "velo"), workspace: ws) }
        try await store.addWatch(Watch(name: "v", query: "velo"), workspace: ws)
        await #expect(throws: WatchError.alreadyExists("v")) { try await store.addWatch(Watch(name: "v", query: "x"), workspace: ws) }
        await #expect(throws: WatchError.notFound("nope")) { try await store.refreshWatch(named: "nope", workspace: ws) }
        #expect(try await store.removeWatch(named: "v", workspace: ws))
        #expect(try await store.watches(workspace: ws).isEmpty)
        #expect(try await !store.removeWatch(named: "v", workspace: ws))
    }

    @Test func watchesAreSeparatedByWorkspace() async throws {
        let store = try await store([Fixture.post("1", text: "velo")])
        try await store.write(Fixture.batch([.post(Fixture.post("1", text: "velo ailleurs"))]), workspace: "other")
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: ws)
        #expect(try await store.refreshWatch(named: "velo", workspace: ws).totalMatches == 1)
        #expect(try await store.watches(workspace: "other").isEmpty)
    }

    @Test func volumeIsCountedInTheWorkspaceTimeZone() async throws {
        // 2025-03-29 23:30 UTC is already the 30th in Paris.
        let late = Date(timeIntervalSince1970: 1_743_291_000)
        let store = try SQLiteStore.inMemory()
        try await store.write(Fixture.batch([
            .post(Post(platform: .twitter, platformID: "1", authorID: "a", createdAt: late, text: "velo")),
            .post(Post(platform: .twitter, platformID: "2", authorID: "a", createdAt: late.addingTimeInterval(-7200), text: "velo")),
        ]), workspace: ws)
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: ws)
        #expect(try await store.timeZone(workspace: ws) == TimeZone(identifier: "UTC"))
        let paris = TimeZone(identifier: "Europe/Paris")!
        try await store.setTimeZone(paris, workspace: ws)
        #expect(try await store.timeZone(workspace: ws) == paris)
        // Paris days 29, 30 and 31 March; UTC days 28, 29 and 30.
        let buckets = TimeBuckets(size: .day, timeZone: paris, count: 3, endingAt: late.addingTimeInterval(86_400))
        #expect(try await store.watchVolume(named: "velo", workspace: ws, buckets: buckets) == [1, 1, 0])
        let utc = TimeBuckets(size: .day, timeZone: TimeZone(identifier: "UTC")!, count: 3, endingAt: late.addingTimeInterval(86_400))
        #expect(try await store.watchVolume(named: "velo", workspace: ws, buckets: utc) == [0, 2, 0])
    }

    @Test func dashboardComesFromTheMatchedPosts() async throws {
        let store = try await store([
            Fixture.post("1", author: "a", text: "velo #Paris", at: 0, hashtags: ["Paris"], urls: ["https://www.lemonde.fr/x"],
                         metrics: PostMetrics(likes: 3, reposts: 1)),
            Fixture.post("2", author: "b", text: "velo encore", at: 3600, metrics: PostMetrics(likes: 2)),
            Fixture.post("3", author: "b", text: "pas ici", at: 7200),
        ])
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: ws)
        let buckets = TimeBuckets(size: .hour, timeZone: TimeZone(identifier: "UTC")!, covering: Fixture.at(0)..<Fixture.at(7200))
        let dashboard = try await store.dashboard(named: "velo", workspace: ws, buckets: buckets)
        #expect(dashboard.posts.current == 2)
        #expect(dashboard.uniqueAuthors.current == 2)
        #expect(dashboard.engagement.likes.current == 5)
        #expect(dashboard.top.hashtags.map(\.value) == ["#paris"])
        #expect(dashboard.top.domains.map(\.value) == ["lemonde.fr"])
        #expect(dashboard.sentiment == nil)
    }
}

/// `SQLiteStore.query` must return exactly what the matcher finds in a full scan.
@Suite struct IndexedQueryTests {
    static let texts = [
        "Le réseau cyclable s'agrandit à Lyon #vélo", "Nouvelle piste cyclable à Paris @mairie", "Cycling to work is great",
        "Les influenceuses du vélo en ville", "l'influenceur parle d'une marque de vélos", "RÉSEAU saturé ce matin",
        "https://velo.example.org/plan le plan vélo", "covid-19 et mobilité", "peut-être demain à vélo 🚲",
        "marque partenaire, influenceur payé", "#climat #velo manif", "@velo_fan merci", "Le cœur de Lyon",
        "piste cyclable fermée", "cyclisme sur piste", "pistes cyclables à Paris et Lyon",
        // A mention with the same folded form as a word, elisions, apostrophes, z, fediverse handles, subdomains.
        "merci @velo pour tout", "aujourd'hui l'influenceur zoe", "voir https://www.sport.lemonde.fr/velo vite",
        "bonjour @zoe@masto.social et @Eric", "zzz z zèbre", "Ça roule 🚲🚲 #Vélo_Paris",
        // Stems: French and English, a word that is its own stem, a hashtag, a mention sharing a prefix.
        "Networks of cyclists", "the network grows", "les cyclistes et le cycliste", "#influenceuses en vue",
        "nos créatrices et créateurs", "énergies renouvelables @renouvelle_fr", "renouvellement du réseau",
    ]

    static func makeStore() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        var items: [IngestItem] = []
        for (i, text) in texts.enumerated() {
            let hashtags = text.split(separator: " ").filter { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
            let mentions = text.split(separator: " ").filter { $0.hasPrefix("@") }.map { Mention(handle: String($0.dropFirst())) }
            items.append(.post(Post(platform: i % 3 == 0 ? .mastodon : .twitter, platformID: "\(i)", authorID: "a\(i % 4)",
                                    authorHandle: ["marie", "Éric", "tom", "zoe@masto.social"][i % 4],
                                    createdAt: Fixture.at(Double(i) * 86_400), text: text, language: i % 2 == 0 ? "fr" : "fr-CA",
                                    hashtags: hashtags, mentions: mentions,
                                    urls: text.contains("https") ? ["https://velo.example.org/plan"] : [])))
        }
        try await store.write(IngestBatch(items: items), workspace: "default")
        // Another workspace with matching posts and authors: never counted in "default".
        try await store.write(IngestBatch(items: ["velo piste cyclable à Lyon", "merci @velo", "influenceur et marque"].enumerated().map { i, text in
            .post(Post(platform: .twitter, platformID: "o\(i)", authorID: "o\(i)", authorHandle: "other\(i)",
                       createdAt: Fixture.at(Double(i) * 86_400), text: text, language: "fr"))
        }), workspace: "other")
        return store
    }

    @Test(arguments: [
        "velo", "reseau OR cyclisme", "\"piste cyclable\"", "piste NOT paris", "#velo", "@mairie", "author:eric",
        "author:zoe", "lang:fr velo", "platform:mastodon", "site:example.org", "url:plan", "influenc*",
        "influenceur NEAR/3 marque", "-velo", "coeur", "covid", "since:2023-11-18 velo", "until:2023-11-20",
        "(velo OR piste) AND lyon", "🚲", "peut-etre",
        "@velo", "\"merci velo\"", "aujourd'hui", "l'", "\"l'influenceur\"", "@zoe", "@zoe@masto.social", "@eric",
        "site:lemonde.fr", "site:sport.lemonde.fr", "site:fr -velo", "zebre", "z*", "#velo_paris", "#vélo",
        "velo NOT (lyon OR paris)", "(velo OR lang:en) platform:twitter", "piste NEAR/1 cyclable", "merci NEAR/0 velo",
        "(piste OR reseau) NOT lang:fr-ca",
        // Stemmed forms (answered by the `fr`/`en` columns), prefixes split into sure and tested.
        "influenceuses", "cyclistes", "networks", "network", "reseaux", "createur", "creatrice", "renouvelables",
        "renouvel*", "velo*", "cycl* NOT lyon", "-influenc*", "(influenceur OR marque) NOT pay*",
        "influenceur NOT velo", "cyclistes OR networks", "reseau NOT renouvel*", "grows NEAR/2 network",
        // NEAR answered from the index where no side can be a mention, elision or link.
        "merci NEAR/1 velo", "velo NEAR/3 plan", "plan NEAR/0 velo", "vel* NEAR/1 merci", "renouvel* NEAR/1 energies",
        "l* NEAR/1 influenceur", "\"pistes cyclables\" NEAR/3 lyon", "\"l'influenceur\" NEAR/1 zoe", "#velo NEAR/2 lyon",
        "(piste NEAR/1 cyclable) OR (cyclisme NEAR/2 piste)", "influenceur NEAR/3 marque NOT paye", "-(piste NEAR/1 cyclable)",
        "zoe NEAR/0 influenceur", "eric NEAR/1 bonjour", "cyclable NEAR/0 cyclable",
    ])
    func indexedResultsEqualAFullScan(_ text: String) async throws {
        let store = try await Self.makeStore()
        for stemmed in [false, true] {
            let query = try Query.parse(text, options: QueryOptions(stemmed: stemmed))
            var expected = Set<String>()
            var authors = Set<String>()
            try await store.posts(workspace: "default").forEach { post in
                if query.matches(post) {
                    expected.insert(post.platformID)
                    authors.insert(post.platform.rawValue + ":" + post.authorID)
                }
            }
            let page = try await store.query(query, workspace: "default", limit: 100)
            #expect(Set(page.posts.map(\.platformID)) == expected, "\(text) stemmed=\(stemmed)")
            #expect(page.matched == expected.count)
            #expect(page.authors == authors.count, "\(text) stemmed=\(stemmed)")
        }
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

    /// Generated posts where the same form is a word, a mention, a hashtag, an elision or in a link,
    /// and generated NEAR queries: the indexed answer equals a full scan.
    @Test func generatedNearQueriesEqualAFullScan() async throws {
        var random = SeededRandom(seed: 7)
        let vocabulary = ["velo", "Vélo", "@velo", "#velo", "l'", "l'avion", "avion", "lyon", "@lyon", "www.lyon.fr",
                          "https://velo.fr/avion", "pistes", "piste", "cyclable", "l", "@l", "vel", "merci", "🚲", "ça"]
        let store = try SQLiteStore.inMemory()
        var posts: [Post] = []
        for index in 0..<240 {
            let text = (0..<random.next(in: 2...9)).map { _ in vocabulary[random.next(in: 0...(vocabulary.count - 1))] }
                .joined(separator: " ")
            posts.append(Post(platform: .mastodon, platformID: "g\(index)", authorID: "a\(index % 17)", createdAt: Fixture.at(Double(index)),
                              text: text, mentions: index % 11 == 0 ? [Mention(handle: "avion")] : []))
        }
        try await store.write(IngestBatch(items: posts.map { .post($0) }), workspace: "default")
        let sides = ["velo", "lyon", "avion", "l*", "vel*", "piste*", "\"piste cyclable\"", "\"l' avion\"", "#velo", "merci", "l", "ca"]
        var checked = 0, sureOnly = 0
        for _ in 0..<150 {
            let text = "\(sides[random.next(in: 0...(sides.count - 1))]) NEAR/\(random.next(in: 0...3)) \(sides[random.next(in: 0...(sides.count - 1))])"
            let query = try Query.parse(text)
            let expected = posts.filter { query.matches($0) }.map(\.platformID)
            let page = try await store.query(query, workspace: "default", limit: 500)
            #expect(Set(page.posts.map(\.platformID)) == Set(expected), "\(text)")
            #expect(page.matched == expected.count, "\(text)")
            if page.matched > 0 { checked += 1 }
            if page.candidates < page.matched { sureOnly += 1 }
        }
        // Queries with matches were exercised, and most were answered without testing every match.
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

    @Test func pageIsTheNewestAndCountsAreAll() async throws {
        let store = try await Self.makeStore()
        let page = try await store.query(try Query.parse("lang:fr"), workspace: "default", limit: 3)
        #expect(page.matched == Self.texts.count)
        #expect(page.posts.map(\.platformID) == ["\(Self.texts.count - 1)", "\(Self.texts.count - 2)", "\(Self.texts.count - 3)"])
        // Four author ids, each on two platforms.
        #expect(page.authors == 8)
        let since = try await store.query(try Query.parse("lang:fr"), workspace: "default", since: Fixture.at(14 * 86_400), until: nil, limit: 10)
        #expect(since.matched == Self.texts.count - 14)
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

@Suite struct ChunkDecodingTests {
    /// Watched posts are decoded by position; they must equal what `PostDecoding` gives.
    @Test func watchedPostsEqualTheStoredPosts() async throws {
        let store = try await IndexedQueryTests.makeStore()
        try await store.write(Fixture.batch([
            .post(Fixture.post("e1", text: "velo edit", at: 5, metrics: PostMetrics(likes: 4, reposts: 1, views: 10))),
            .post(Fixture.post("e2", text: "velo edited", at: 5, editOf: "e1", editedAt: Fixture.at(50))),
        ]), workspace: "default")
        try await store.addWatch(Watch(name: "all", query: "velo OR piste OR lang:fr OR #velo"), workspace: "default")
        var expected: [String: Post] = [:]
        try await store.posts(workspace: "default").forEach { expected[$0.rootID] = $0 }
        var seen = 0
        try await store.watchedPosts(named: "all", workspace: "default", in: Date.distantPast..<Date.distantFuture).forEach { post in
            seen += 1
            #expect(post == expected[post.rootID])
        }
        #expect(seen > 10)
    }
}
