import Foundation
import Testing
import VigieCore
import VigieEngine
import VigieStore

@Suite struct InfluenceUseCaseTests {
    @Test func graphSummaryCountsEveryInteraction() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let summary = try await engine.graphSummary(GraphSummaryRequest(analyse: true))
        #expect(summary.accounts == 17)
        #expect(summary.byKind["reply"] == InfluenceTestWorld.replies)
        #expect(summary.byKind["repost"] == InfluenceTestWorld.reposts)
        #expect(summary.byKind["like"] == InfluenceTestWorld.likes)
        #expect(summary.interactions == InfluenceTestWorld.replies + InfluenceTestWorld.reposts + InfluenceTestWorld.likes)
        #expect((summary.communities ?? 0) >= 2)
        #expect(summary.pageRankIterations != nil)
        #expect(summary.timings.map(\.step) == ["load accounts", "build graph", "pagerank", "communities"])
    }

    @Test func aPeriodBeforeTheDataHoldsNoInteraction() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let before = GraphPeriod(until: InfluenceTestWorld.start)
        #expect(try await engine.graphSummary(GraphSummaryRequest(period: before)).interactions == 0)
        let reversed = GraphPeriod(since: InfluenceTestWorld.start, until: InfluenceTestWorld.start.addingTimeInterval(-1))
        let error = await #expect(throws: EngineError.self) { try await engine.graphSummary(GraphSummaryRequest(period: reversed)) }
        #expect(error?.field == "since")
    }

    @Test func theExpertRanksFirstAndThePopularOffTopicAccountIsNotRanked() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let result = try await engine.influencers(InfluencersRequest(topic: .query("velo"), scoreTrust: false, limit: 5))
        #expect(result.accounts.first?.account == "@anne")
        #expect(result.accounts.map(\.rank) == Array(1...result.accounts.count))
        #expect(!result.accounts.contains { $0.account == "@star" })
        #expect(result.matchedPosts == 6 + 6 + 6 + 2) // anne's, the reposts of them, b1–b3's, bob's
        #expect(result.notes.isEmpty)
        #expect(result.timings.map(\.step).contains("rank"))
        let micro = try await engine.influencers(InfluencersRequest(topic: .query("velo"), scoreTrust: false, tier: .micro))
        #expect(micro.accounts.isEmpty, "no account of the world has 10k–100k followers")
    }

    @Test func trustScoresEnterTheRankingAndTheExplanation() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let result = try await engine.influencers(InfluencersRequest(topic: .query("velo")))
        #expect(result.notes.isEmpty, "the model is found: \(result.notes)")
        let explanation = try await engine.explainInfluencer(InfluencersRequest(topic: .query("velo")), handle: "@anne")
        // The same rank as in the listing (the trust model may reorder the world's few accounts).
        #expect(explanation.account.rank == result.accounts.first { $0.account == "@anne" }?.rank)
        #expect(result.accounts.contains { $0.inauthenticity != nil })
        #expect(explanation.account.topEngagers.count == 5)
        let audience = try #require(explanation.audience)
        #expect(audience.engagersSuspicious?.known == 6)

        var withoutModel = InfluenceTestWorld.configuration
        withoutModel.trustModel = "/nonexistent/model.json"
        let noModel = Engine(store: engine.store, configuration: withoutModel)
        let ranked = try await noModel.influencers(InfluencersRequest(topic: .query("velo")))
        #expect(ranked.accounts.first?.account == "@anne")
        #expect(ranked.accounts.allSatisfy { $0.inauthenticity == nil })
        #expect(ranked.notes.count == 1 && ranked.notes[0].contains("inauthenticity is not shown"))
    }

    @Test func errorsSayWhatIsWrong() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let nothing = await #expect(throws: EngineError.self) {
            try await engine.influencers(InfluencersRequest(topic: .query("zzzunseen")))
        }
        #expect(nothing?.code == .noData && nothing?.message.contains("matches no post") == true)
        let nobody = await #expect(throws: EngineError.self) {
            try await engine.explainInfluencer(InfluencersRequest(topic: .query("velo")), handle: "nobody")
        }
        #expect(nobody?.code == .notFound)
        let offTopic = await #expect(throws: EngineError.self) {
            try await engine.explainInfluencer(InfluencersRequest(topic: .query("velo")), handle: "c1")
        }
        #expect(offTopic?.message.contains("not ranked") == true)
        await #expect(throws: WatchError.self) { try await engine.influencers(InfluencersRequest(topic: .watch("nope"))) }
        await #expect(throws: QueryError.self) { try await engine.influencers(InfluencersRequest(topic: .query("(velo"))) }

        let empty = Engine(store: try SQLiteStore.inMemory(), configuration: InfluenceTestWorld.configuration)
        let noAccounts = await #expect(throws: EngineError.self) { try await empty.graphSummary(GraphSummaryRequest()) }
        #expect(noAccounts?.code == .noData)
    }

    @Test func aCancelledAnalysisStops() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let task = Task { () async throws -> InfluencersResult in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await engine.influencers(InfluencersRequest(topic: .query("velo"), scoreTrust: false))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func communitiesSeparateTheTwoGroupsAndFindTheTopic() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let result = try await engine.communities(CommunitiesRequest(topic: .query("velo")))
        #expect(result.communityCount >= 2)
        #expect(result.modularity > 0.3)
        let topic = try #require(result.topicCommunities?.first)
        #expect(topic.share >= 0.5, "most on-topic posts are in one cycling community")
        let profile = try #require(result.profiles.first { $0.community == topic.community })
        #expect((profile.topicPosts ?? 0) >= 7)
        #expect(!profile.centralAccounts.map(\.account).contains("@star"))
    }

    @Test func lookalikesShareEngagers() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let result = try await engine.lookalikes(LookalikesRequest(handle: "@anne"))
        #expect(result.account.platformID == "anne")
        #expect(result.accountsNamed == 1)
        let first = try #require(result.matches.first)
        #expect(first.account == "@bob")
        #expect(first.sharedEngagers == 4)
        #expect(!result.matches.contains { $0.account == "@star" })
        await #expect(throws: EngineError.self) { try await engine.lookalikes(LookalikesRequest(handle: "nobody-here")) }
    }

    @Test func exportWritesEveryEdge() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let export = try await engine.graphExport(GraphExportRequest(connectedOnly: true))
        let csv = export.exporter.string(.csv)
        #expect(csv.hasPrefix("source,target,weight\n"))
        #expect(csv.split(separator: "\n").count == export.edges + 1)
        #expect(export.exporter.exportedNodes == 17)
        #expect(export.timings.map(\.step) == ["load accounts", "build graph", "communities", "pagerank"])
    }

    @Test func discoveryExpandsTheSeedWithItsHashtag() async throws {
        let store = try SQLiteStore.inMemory()
        var items: [IngestItem] = []
        let start = InfluenceTestWorld.start
        func post(_ n: Int, _ text: String, hashtags: [String] = []) {
            items.append(.post(Post(platform: .twitter, platformID: "p\(n)", authorID: "u\(n % 40)", authorHandle: "u\(n % 40)",
                                    createdAt: start.addingTimeInterval(Double(n) * 60), text: text, hashtags: hashtags)))
        }
        // The keyword is in a third of the cycling posts; the hashtag and "pedale" are in all of them.
        for n in 0..<10 { post(n, "velo pedale montagne matin #cyclisme", hashtags: ["cyclisme"]) }
        for n in 10..<30 { post(n, "pedale montagne matin #cyclisme", hashtags: ["cyclisme"]) }
        for n in 30..<100 { post(n, "une recette de cuisine pour ce soir numero \(n)") }
        try await store.write(IngestBatch(items: items), workspace: Workspace.defaultName)
        let engine = Engine(store: store, configuration: InfluenceTestWorld.configuration)

        let proposed = try await engine.discover(DiscoveryRequest(seed: "velo"))
        #expect(proposed.proposals.contains { $0.queryTerm == "#cyclisme" })
        #expect(proposed.seed.posts == 10)
        #expect(proposed.expanded.posts == 10, "nothing accepted: the expanded query is the seed")
        let expanded = try await engine.discover(DiscoveryRequest(seed: "velo", accept: ["#cyclisme"]))
        #expect(expanded.expanded.posts == 30)
        #expect(expanded.expandedQuery.contains("#cyclisme"))
        let all = try await engine.discover(DiscoveryRequest(seed: "velo", acceptAll: true))
        #expect(all.accepted.contains("#cyclisme"))
        #expect(all.expanded.posts == 30, "\(all.accepted)")
        let bad = await #expect(throws: EngineError.self) {
            try await engine.discover(DiscoveryRequest(seed: "velo", accept: ["(oops"]))
        }
        #expect(bad?.field == "accept")
    }
}
