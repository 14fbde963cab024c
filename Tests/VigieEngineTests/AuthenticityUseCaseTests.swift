import Foundation
import Testing
import VigieCore
import VigieEngine
import VigieStore

/// The authenticity breakdown of a surge: a hashtag's burst carried partly by bot-like accounts
/// that post the same text together, partly by ordinary accounts.
struct AuthenticityUseCaseTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    static func world() -> [IngestItem] {
        var items: [IngestItem] = []
        for index in 0..<12 {
            // Bot-like: new, no bio, default avatar, follows thousands, followed by none, posts a lot.
            items.append(.account(Account(platform: .twitter, platformID: "bot\(index)", handle: "news_\(index)8812734",
                                          createdAt: start.addingTimeInterval(-86_400 * 3), followers: 2, following: 4_800,
                                          postsCount: 9_000, defaultProfileImage: true, observedAt: start)))
        }
        let names = ["marie", "paul", "lea", "hugo", "chloe", "lucas", "emma", "noah", "jade", "louis", "alice", "jules"]
        for index in 0..<12 {
            items.append(.account(Account(platform: .twitter, platformID: "user\(index)", handle: names[index],
                                          displayName: names[index].capitalized, bio: "Cycliste, Lyon. Urbanisme et vélo.",
                                          createdAt: start.addingTimeInterval(-86_400 * 2_000), followers: 350 + index * 20,
                                          following: 280, postsCount: 2_400, defaultProfileImage: false, observedAt: start)))
        }
        let opinions = ["je trouve que le calendrier est bien trop serré pour les petites communes",
                        "personne ne parle du financement des pistes cyclables dans ce texte",
                        "mon conseil municipal en débat jeudi soir, on verra bien ce qui sort",
                        "trois pages sur les transports et rien sur les trains régionaux, dommage",
                        "lu en entier ce matin : moins pire que prévu mais flou sur les délais",
                        "les associations de quartier n'ont même pas été consultées avant le vote"]
        var number = 0
        for round in 0..<3 {
            for index in 0..<12 {
                number += 1
                let at = start.addingTimeInterval(Double(round * 600 + index))
                items.append(.post(Post(platform: .twitter, platformID: "b\(number)", authorID: "bot\(index)",
                                        createdAt: at, text: "Le scandale que les médias vous cachent sur la réforme #surge",
                                        hashtags: ["surge"])))
                items.append(.post(Post(platform: .twitter, platformID: "u\(number)", authorID: "user\(index)",
                                        createdAt: at.addingTimeInterval(Double(index * 37)),
                                        text: "\(opinions[(index + round * 5) % opinions.count]) (\(names[index]), épisode \(round)) #surge",
                                        hashtags: ["surge"])))
            }
        }
        return items
    }

    func engine() async throws -> Engine {
        let store = try SQLiteStore.inMemory()
        try await store.write(IngestBatch(items: Self.world()), workspace: "default")
        return Engine(store: store, configuration: InfluenceTestWorld.configuration)
    }

    @Test func botsPostingTogetherAreTheManufacturedPart() async throws {
        let engine = try await engine()
        let result = try await engine.authenticity(AuthenticityRequest(
            target: .query("#surge"), from: Self.start, until: Self.start.addingTimeInterval(3_600)))
        #expect(result.posts == 72)
        #expect(result.accounts == 24)
        // The twelve bots share one text within seconds, three times: one cluster, their 36 posts.
        #expect(result.coordinated.accounts == 12)
        #expect(result.coordinated.posts == 36)
        let cluster = try #require(result.topClusters.first)
        #expect(cluster.size == 12)
        #expect(cluster.behaviours.contains("co-text"))
        #expect(!cluster.evidence.isEmpty)
        // The trust model's labels, account by account, are the ones counted.
        let fake = try #require(result.likelyFake)
        var labelled = 0
        for index in 0..<12 {
            for name in ["bot\(index)", "user\(index)"] {
                let score = try await engine.trustScore(TrustScoreRequest(handle: name)).accounts[0]
                if score.label == InauthenticityScore.Label.likelyInauthentic.rawValue { labelled += 1 }
            }
        }
        #expect(fake.accounts == labelled)
        #expect(result.inauthentic.postShare >= 0.5)
        #expect(result.verdict == .manufactured)
        #expect(result.summary.contains("of the 72 posts"))
    }

    @Test func aSurgeOfOrdinaryAccountsIsOrganic() async throws {
        let engine = try await engine()
        // The ordinary accounts' posts only: distinct texts, spread over minutes.
        let result = try await engine.authenticity(AuthenticityRequest(
            target: .query("#surge -scandale"), from: Self.start, until: Self.start.addingTimeInterval(3_600)))
        #expect(result.posts == 36)
        #expect(result.coordinated.posts == 0)
        #expect(result.topClusters.isEmpty)
        #expect(result.verdict == .organic, "\(result.summary) \(String(describing: result.likelyFake))")
    }

    @Test func withoutATrustModelTheFakeShareIsLeftOutWithANote() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.write(IngestBatch(items: Self.world()), workspace: "default")
        let engine = Engine(store: store, configuration: EngineConfiguration(
            trustModel: "/nonexistent/model.json", searchFolders: [InfluenceTestWorld.repository.path]))
        let result = try await engine.authenticity(AuthenticityRequest(
            target: .all, from: Self.start, until: Self.start.addingTimeInterval(3_600)))
        #expect(result.likelyFake == nil)
        #expect(result.coordinated.accounts == 12)
        #expect(result.notes.count == 1)
        await #expect(throws: EngineError.self) {
            try await engine.authenticity(AuthenticityRequest(target: .all, from: Self.start, until: Self.start))
        }
    }
}
