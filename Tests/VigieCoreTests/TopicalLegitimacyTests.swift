import Foundation
import Testing
@testable import VigieCore

@Suite struct TopicalLegitimacyTests {
    /// Node 0: a small expert; node 1: a mega account that rarely posts on topic; 2…9: the crowd.
    func scenario() -> (NodeIndex, TopicSignals, [GraphEdgeRecord]) {
        let followers = [800, 2_000_000] + Array(repeating: 300, count: 8)
        let accounts = (0..<10).map {
            GraphAccount(platform: "twitter", platformID: "a\($0)", handle: "h\($0)", followers: followers[$0])
        }
        let nodes = NodeIndex(accounts: accounts)
        var signals = TopicSignals(nodeCount: 10)
        let topicQuery = try! Query.parse("velo OR cyclisme")
        func post(_ id: String, by author: Int, _ text: String, likes: Int) {
            let p = Post(platform: .twitter, platformID: id, authorID: "a\(author)", createdAt: Date(timeIntervalSince1970: Double(id.hashValue & 0xFFFF)),
                         text: text, metrics: PostMetrics(likes: likes, reposts: 0, replies: 0))
            signals.add(p, node: Int32(author), onTopic: topicQuery.matches(p))
        }
        for i in 0..<9 { post("e\(i)", by: 0, "mon velo du jour \(i)", likes: 40) }
        post("e9", by: 0, "bonne soiree", likes: 10)
        post("p0", by: 1, "le cyclisme ce soir", likes: 30_000)
        for i in 1..<20 { post("p\(i)", by: 1, "match de foot \(i)", likes: 40_000) }
        for crowd in 2..<10 { post("c\(crowd)", by: crowd, "velo taf ce matin", likes: 3) }
        var edges: [GraphEdgeRecord] = []
        for crowd in 2..<10 {
            edges.append(GraphEdgeRecord(source: Int32(crowd), target: 0, kind: .reply, at: 1, targetPostID: "e\(crowd % 9)", viaID: "r\(crowd)"))
            for i in 1..<6 {
                edges.append(GraphEdgeRecord(source: Int32(crowd), target: 1, kind: .like, at: 1, targetPostID: "p\(i)", viaID: "l\(crowd)-\(i)"))
            }
        }
        edges.append(GraphEdgeRecord(source: 2, target: 1, kind: .reply, at: 1, targetPostID: "p0", viaID: "rp"))
        return (nodes, signals, edges)
    }

    @Test func topicalExpertOutranksPopularAccount() {
        let (nodes, signals, edges) = scenario()
        var topic = InteractionGraph.Builder(nodes: nodes)
        for edge in edges where signals.isOnTopic(edge) { topic.add(edge) }
        let graph = topic.build()
        #expect(graph.interactionCount == 9) // the eight replies to the expert and one to the star's on-topic post
        let ranked = TopicalLegitimacy().rank(nodes: nodes, topicGraph: graph.outgoing, signals: signals)
        let expert = try! #require(ranked.first { $0.platformID == "a0" })
        let star = try! #require(ranked.first { $0.platformID == "a1" })
        #expect(expert.rank < star.rank)
        #expect(expert.rank == 1)
        #expect(expert.onTopicEngagers == 8)
        #expect(expert.onTopicPosts == 9 && expert.ownPosts == 10)
        #expect(expert.tier == .nano && star.tier == .mega)
        // ER = mean(likes over the last 12 posts) / followers: (9 × 40 + 10) / 10 / 800.
        #expect(abs(expert.engagementRate! - 37.0 / 800) < 1e-9)
        #expect(expert.benchmarkEngagementRate == nil) // no benchmark under 1,000 followers
        #expect(abs(star.benchmarkEngagementRate! - 0.0186) < 1e-12)
        #expect(star.benchmarkBand == ">1M")
        #expect(expert.topPosts.count == 3)
        #expect(expert.topEngagers.count == 5)
    }

    struct FixedScores: InauthenticityScoring {
        func inauthenticity(of account: GraphAccount) -> Double? { account.platformID == "a0" ? 0.95 : nil }
    }

    @Test func inauthenticityHookLowersTheScore() {
        let (nodes, signals, edges) = scenario()
        var topic = InteractionGraph.Builder(nodes: nodes)
        for edge in edges where signals.isOnTopic(edge) { topic.add(edge) }
        let graph = topic.build()
        let plain = TopicalLegitimacy().rank(nodes: nodes, topicGraph: graph.outgoing, signals: signals)
        let scored = TopicalLegitimacy().rank(nodes: nodes, topicGraph: graph.outgoing, signals: signals, inauthenticity: FixedScores())
        let before = plain.first { $0.platformID == "a0" }!
        let after = scored.first { $0.platformID == "a0" }!
        #expect(after.inauthenticity == 0.95)
        #expect(abs(after.score - before.score * 0.05) < 1e-12)
        #expect(after.rank > 1)
    }

    @Test func tiersAndBenchmarks() {
        #expect(InfluenceTier(followers: 9_999) == .nano)
        #expect(InfluenceTier(followers: 10_000) == .micro)
        #expect(InfluenceTier(followers: 100_000) == .macro)
        #expect(InfluenceTier(followers: 1_000_001) == .mega)
        #expect(EngagementBenchmark.band(followers: 3_000)?.meanRate == 0.0721)
        #expect(EngagementBenchmark.band(followers: 50_000)?.meanRate == 0.0247)
        #expect(EngagementBenchmark.band(followers: 999) == nil)
    }
}

@Suite struct DiscoveryTests {
    @Test func proposesTopicWordsAndHashtagsNotCommonOnes() throws {
        var counter = TopicDiscovery.Counter()
        let seed = try Query.parse("velo")
        var id = 0
        func add(_ text: String, tags: [String] = [], urls: [String] = []) {
            id += 1
            let post = Post(platform: .mastodon, platformID: "\(id)", authorID: "x", createdAt: Date(), text: text, hashtags: tags, urls: urls)
            let document = QueryDocument(post: post)
            counter.add(document, inSeed: seed.matches(document))
        }
        for _ in 0..<10 { add("mon velo et la piste cyclable", tags: ["velotaf"], urls: ["https://www.velo-club.fr/a"]) }
        for _ in 0..<20 { add("la piste cyclable ce matin", tags: ["velotaf"]) }
        for _ in 0..<200 { add("le match et la soiree") }
        for _ in 0..<5 { add("velo ou match") }
        let proposals = TopicDiscovery().proposals(from: counter, excluding: ["velo"])
        let terms = Set(proposals.map(\.queryTerm))
        #expect(terms.contains("#velotaf"))
        #expect(terms.contains("piste") && terms.contains("cyclable"))
        #expect(terms.contains("site:velo-club.fr"))
        #expect(!terms.contains("match") && !terms.contains("soiree") && !terms.contains("velo"))
        #expect(TopicDiscovery.expandedQuery(seed: "velo", accepted: ["#velotaf", "piste"]) == "(velo) OR #velotaf OR piste")
        #expect(try Query.parse(TopicDiscovery.expandedQuery(seed: "velo", accepted: proposals.map(\.queryTerm))).matches(
            Post(platform: .mastodon, platformID: "z", authorID: "y", createdAt: Date(), text: "une piste")))
    }
}
