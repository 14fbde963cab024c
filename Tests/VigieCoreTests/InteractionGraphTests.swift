import Foundation
import Testing
@testable import VigieCore

/// Builds a graph over accounts numbered 0, 1, … from `(source, target, kind)` triples.
func makeGraph(accounts count: Int, edges: [(Int, Int, Interaction.Kind)], handles: [String]? = nil,
               followers: [Int]? = nil) -> InteractionGraph {
    let accounts = (0..<count).map { i in
        GraphAccount(platform: "twitter", platformID: "id\(i)",
                     handle: handles?[i] ?? "user\(i)", followers: followers?[i])
    }
    var builder = InteractionGraph.Builder(nodes: NodeIndex(accounts: accounts))
    for (i, edge) in edges.enumerated() {
        builder.add(source: Int32(edge.0), target: Int32(edge.1), kind: edge.2, at: Int64(i))
    }
    return builder.build()
}

@Suite struct InteractionGraphTests {
    @Test func parallelEdgesMergeAndTransposeReverses() {
        let graph = makeGraph(accounts: 3, edges: [(0, 1, .reply), (0, 1, .like), (2, 1, .mention), (1, 1, .reply)])
        #expect(graph.interactionCount == 3) // the self-loop is dropped
        #expect(graph.outgoing.edgeCount == 2)
        let row = graph.outgoing.offsets[0]..<graph.outgoing.offsets[1]
        #expect(row.count == 1)
        #expect(graph.outgoing.weights[row.lowerBound] == 2.5) // reply 2 + like 0.5
        let incoming = graph.incoming.offsets[1]..<graph.incoming.offsets[2]
        #expect(Set(incoming.map { graph.incoming.targets[$0] }) == [0, 2])
        #expect(graph.interactionsByKind[.reply] == 1)
    }

    @Test func nodesOutsideTheGraphAndTheTimeRangeAreSkipped() {
        let accounts = (0..<2).map { GraphAccount(platform: "mastodon", platformID: "\($0)", handle: nil, followers: nil) }
        var builder = InteractionGraph.Builder(nodes: NodeIndex(accounts: accounts), timeRange: 100..<200)
        let kept = builder.add(source: 0, target: 1, kind: .reply, at: 150)
        let outside = builder.add(source: 0, target: 9, kind: .reply, at: 150)
        let late = builder.add(source: 0, target: 1, kind: .reply, at: 250)
        #expect(kept && !outside && !late)
        #expect(builder.skipped == 2)
        let built = builder.build()
        #expect(built.timeRange == 150...150)
    }

    @Test func pageRankSumsToOneAndFollowsAuthority() {
        // Everyone engages with node 0; node 0 engages with node 1.
        let graph = makeGraph(accounts: 5, edges: [(1, 0, .reply), (2, 0, .reply), (3, 0, .reply), (4, 0, .reply), (0, 1, .reply)])
        let ranks = PageRank().run(graph.outgoing).ranks
        #expect(abs(ranks.reduce(0, +) - 1) < 1e-9)
        #expect(ranks[0] > ranks[1])
        #expect(ranks[1] > ranks[2])
        // A symmetric cycle has uniform ranks.
        let cycle = makeGraph(accounts: 3, edges: [(0, 1, .reply), (1, 2, .reply), (2, 0, .reply)])
        for rank in PageRank().run(cycle.outgoing).ranks { #expect(abs(rank - 1.0 / 3) < 1e-9) }
    }

    @Test func personalisedPageRankStaysNearItsSeeds() {
        // Two separate pairs; teleport only to the first pair.
        let graph = makeGraph(accounts: 4, edges: [(0, 1, .reply), (1, 0, .reply), (2, 3, .reply), (3, 2, .reply)])
        let ranks = PageRank().run(graph.outgoing, personalisation: [1, 0, 0, 0]).ranks
        #expect(ranks[2] == 0 && ranks[3] == 0)
        #expect(ranks[0] > ranks[1] && ranks[1] > 0)
    }

    @Test func louvainSplitsTwoCliquesWithTheAnalyticModularity() {
        var edges: [(Int, Int, Interaction.Kind)] = []
        for group in [0, 4] {
            for i in 0..<4 { for j in (i + 1)..<4 { edges.append((group + i, group + j, .mention)) } }
        }
        edges.append((3, 4, .mention))
        let graph = makeGraph(accounts: 8, edges: edges)
        let partition = Louvain().run(graph.outgoing.symmetrised())
        #expect(partition.communityCount == 2)
        #expect(Set(partition.community[0..<4]).count == 1)
        #expect(Set(partition.community[4..<8]).count == 1)
        #expect(partition.community[0] != partition.community[4])
        // Q = 2 × (6/13 − (13/26)²).
        #expect(abs(partition.modularity - 2 * (6.0 / 13 - 0.25)) < 1e-6)
    }

    @Test func higherResolutionFindsMoreCommunities() {
        // A ring of 12 triangles, each linked to the next.
        var edges: [(Int, Int, Interaction.Kind)] = []
        for t in 0..<12 {
            let a = 3 * t
            edges += [(a, a + 1, .reply), (a + 1, a + 2, .reply), (a, a + 2, .reply), (a + 2, (a + 3) % 36, .reply)]
        }
        let graph = makeGraph(accounts: 36, edges: edges).outgoing.symmetrised()
        let coarse = Louvain(resolution: 0.2).run(graph)
        let fine = Louvain(resolution: 2).run(graph)
        #expect(fine.communityCount > coarse.communityCount)
        #expect(fine.communityCount >= 12)
    }

    @Test func exportsEscapeXMLAndListEveryEdge() {
        let graph = makeGraph(accounts: 3, edges: [(0, 1, .reply), (2, 1, .like)], handles: ["a&b", "c<d", "e\"f"], followers: [5, 6, 7])
        let exporter = GraphExporter(graph: graph, community: [0, 0, 1])
        let gexf = exporter.string(.gexf)
        #expect(gexf.contains("label=\"@a&amp;b\""))
        #expect(gexf.components(separatedBy: "<edge ").count - 1 == 2)
        #expect(gexf.contains("<attvalue for=\"community\" value=\"1\"/>"))
        let graphML = exporter.string(.graphml)
        #expect(graphML.contains("@c&lt;d"))
        #expect(graphML.components(separatedBy: "<edge ").count - 1 == 2)
        let csv = exporter.string(.csv)
        #expect(csv == "source,target,weight\n0,1,2.0\n2,1,0.5\n")
        #expect(XMLText.escaped("x\u{1}y") == "xy")
    }
}

@Suite struct RankingMeasureTests {
    @Test func ndcgIsOneForTheIdealOrderAndLowerOtherwise() {
        let grades = ["a": 3, "b": 2, "c": 1]
        #expect(abs(RankingEvaluation.ndcg(ranking: ["a", "b", "c", "x"], grades: grades, k: 20) - 1) < 1e-12)
        let reversed = RankingEvaluation.ndcg(ranking: ["c", "b", "a"], grades: grades, k: 20)
        #expect(reversed < 1 && reversed > 0)
        // Only irrelevant items in the top 2.
        #expect(RankingEvaluation.ndcg(ranking: ["x", "y", "a"], grades: grades, k: 2) == 0)
        // DCG of [b] over IDCG of [a, b] at k = 2: 3 / (7 + 3/log2(3)).
        let expected = 3.0 / (7 + 3 / log2(3.0))
        #expect(abs(RankingEvaluation.ndcg(ranking: ["b", "z"], grades: grades, k: 2) - expected) < 1e-12)
    }

    @Test func spearmanOfMonotoneAndReversedOrders() {
        #expect(abs(RankingEvaluation.spearman([1, 2, 3, 4], [10, 20, 30, 45]) - 1) < 1e-12)
        #expect(abs(RankingEvaluation.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12)
    }

    @Test func logLikelihoodOfAPerfectAssociation() {
        // [[10, 0], [0, 10]]: G² = 2 × 20 × ln 2.
        #expect(abs(Association.logLikelihood(a: 10, b: 0, seedTotal: 10, total: 20) - 40 * log(2.0)) < 1e-9)
        #expect(Association.logLikelihood(a: 5, b: 5, seedTotal: 10, total: 20) < 1e-9)
        #expect(Association.lift(a: 10, b: 0, seedTotal: 10, total: 20) == 2)
    }
}
