import Foundation
import Testing
import VigieCore

@Suite struct CoordinationDetectorTests {
    typealias F = CoordinationFixture

    @Test func coRepostWithinWindowTiesAccountsAndOutsideDoesNot() throws {
        let network = F.detect([
            F.post("1", by: "a", at: 0, repostOf: "orig"),
            F.post("2", by: "b", at: 60, repostOf: "orig"),   // exactly at the window bound: included
            F.post("3", by: "c", at: 121, repostOf: "orig"),  // 121 s after a, 61 s after b
            F.post("4", by: "d", at: 10, repostOf: "other"),
        ], types: [.coRepost])
        #expect(network.pairs(.coRepost) == ["a-b"])
        let edge = try #require(network.edge(.coRepost, "a", "b"))
        #expect(edge.weight == 1)
        #expect(network.evidence(of: edge).count == 1)
        #expect(network.evidence(of: edge).first?.sourcePostID == "1")
        #expect(network.evidence(of: edge).first?.targetPostID == "2")
        #expect(network.evidence(of: edge).first?.key == "orig")
        #expect(edge.first == Date(timeIntervalSince1970: F.origin))
        #expect(edge.last == Date(timeIntervalSince1970: F.origin + 60))
    }

    @Test func undatedPostsAreLeftOut() {
        // TwiBot-20's tweets carry no date: all at the epoch, they would all fall in one window.
        var undated = [F.post("1", by: "a", at: 0, hashtags: ["x"]), F.post("2", by: "b", at: 0, hashtags: ["x"])]
        for i in undated.indices { undated[i].createdAt = Post.undated }
        let input = CoordinationInput(posts: undated + [F.post("3", by: "c", at: 0, hashtags: ["x"])])
        #expect(input.count == 1 && input.undatedPostsSkipped == 2)
        let network = CoordinationDetector(options: .init(window: 60, minWeight: 1)).detect(in: input)
        #expect(network.edges.isEmpty)
    }

    @Test func sameAuthorIsNeverTiedToItself() {
        let network = F.detect([
            F.post("1", by: "a", at: 0, repostOf: "orig"),
            F.post("2", by: "a", at: 5, repostOf: "orig"),
        ], types: [.coRepost])
        #expect(network.edges.isEmpty)
    }

    @Test func minWeightCountsDistinctPostsLikeTheToolkit() throws {
        // a reposts three originals, each followed by b within seconds; c only once.
        var posts: [Post] = []
        for (round, original) in ["x", "y", "z"].enumerated() {
            let t = Double(round) * 1000
            posts.append(F.post("a\(round)", by: "a", at: t, repostOf: original))
            posts.append(F.post("b\(round)", by: "b", at: t + 3, repostOf: original))
        }
        posts.append(F.post("c0", by: "c", at: 4, repostOf: "x"))
        let network = F.detect(posts, minWeight: 2, types: [.coRepost])
        #expect(network.pairs(.coRepost) == ["a-b"])
        let edge = try #require(network.edge(.coRepost, "a", "b"))
        #expect(edge.weight == 3)
        #expect(edge.sourceWeight == 3 && edge.targetWeight == 3)
        #expect(edge.pairs == 3)
        #expect(network.evidence(of: edge).map(\.sourcePostID) == ["a0", "a1", "a2"])
        #expect(network.sharedKeys(of: edge).count == 3)
    }

    @Test func directedWeightsDifferWhenOneSidePostsMore() throws {
        // a posts the same link three times within a minute, b once: toolkit weights 3 (a→b) and 1 (b→a).
        let posts = [
            F.post("a1", by: "a", at: 0, urls: ["https://example.org/x"]),
            F.post("a2", by: "a", at: 10, urls: ["https://example.org/x"]),
            F.post("a3", by: "a", at: 20, urls: ["https://example.org/x"]),
            F.post("b1", by: "b", at: 30, urls: ["http://www.example.org/x/?utm_source=tw"]),
        ]
        let network = F.detect(posts, minWeight: 2, types: [.coLink])
        let edge = try #require(network.edge(.coLink, "a", "b"))
        #expect(edge.sourceWeight == 3)
        #expect(edge.targetWeight == 1)
        #expect(edge.weight == 3)
        #expect(edge.pairs == 3)
        #expect(network.sharedKeys(of: edge).first?.key == "example.org/x")
        #expect(F.detect(posts, minWeight: 4, types: [.coLink]).edges.isEmpty)
    }

    @Test func coTextIgnoresCaseAccentsLinksMentionsAndShortTexts() throws {
        let network = F.detect([
            F.post("1", by: "a", at: 0, text: "Le Réseau ment, partagez avant suppression https://t.co/abc"),
            F.post("2", by: "b", at: 20, text: "@quelqun le reseau MENT partagez avant  suppression !"),
            F.post("3", by: "c", at: 30, text: "RT @a: Le Réseau ment, partagez avant suppression"),
            F.post("4", by: "d", at: 1, text: "merci beaucoup"),
            F.post("5", by: "e", at: 2, text: "merci beaucoup"),
        ], types: [.coPost])
        #expect(network.pairs(.coPost) == ["a-b", "a-c", "b-c"])
        #expect(network.edge(.coPost, "a", "b").map(network.evidence(of:))?.first?.key == "le reseau ment partagez avant suppression")
    }

    /// A stock phrase posted all along by many accounts meets itself by chance; a campaign's
    /// copies within seconds do not look like chance.
    @Test func stockPhrasesCoincidingByChanceTieNobody() throws {
        let stock = "pause cafe avant la reunion comme toujours"
        var posts: [Post] = []
        for i in 0..<400 {
            posts.append(F.post("s\(i)", by: "p\(i % 40)", at: Double(i) * 2160, text: stock))
        }
        for day in [2.0, 6.0] {
            posts.append(F.post("x\(day)", by: "x", at: day * 86_400 + 100, text: stock))
            posts.append(F.post("y\(day)", by: "y", at: day * 86_400 + 110, text: stock))
            for member in ["c1", "c2", "c3"] {
                posts.append(F.post("\(member)-\(day)", by: member, at: day * 86_400 + 5000 + Double(member.count),
                                    text: "ils nous mentent partagez avant la suppression \(Int(day))"))
            }
        }
        let types: Set<CoordinationType> = [.coPost, .coSimilar]
        let network = F.detect(posts, minWeight: 2, types: types)
        #expect(network.pairs(.coPost) == ["c1-c2", "c1-c3", "c2-c3"])
        #expect(network.pairs(.coSimilar) == ["c1-c2", "c1-c3", "c2-c3"], "the stock phrase is left out of co-similar too")
        #expect(network.commonKeysIgnored[.coPost] == 1)
        let everything = CoordinationDetector(options: .init(minWeight: 2, types: types, chanceFactor: 0))
            .detect(in: CoordinationInput(posts: posts))
        #expect(everything.edge(.coPost, "x", "y") != nil)
        #expect(everything.edge(.coSimilar, "x", "y") != nil)
    }

    @Test func repostsGiveNoTextOrLinkKeys() {
        let text = "the very same words in both of these posts"
        let network = F.detect([
            F.post("1", by: "a", at: 0, text: text, repostOf: "o", urls: ["https://x.org/1"]),
            F.post("2", by: "b", at: 5, text: text, repostOf: "o2", urls: ["https://x.org/1"]),
        ], types: [.coPost, .coLink, .coSimilar])
        #expect(network.edges.isEmpty)
    }

    @Test func coHashtagUsesTheWholeSetAndCoReplyTheTarget() {
        let network = F.detect([
            F.post("1", by: "a", at: 0, hashtags: ["Boycott", "Marque"]),
            F.post("2", by: "b", at: 10, hashtags: ["marque", "boycott"]),
            F.post("3", by: "c", at: 12, hashtags: ["boycott"]),
            F.post("4", by: "a", at: 100, replyTo: "t1"),
            F.post("5", by: "c", at: 130, replyTo: "t1"),
            F.post("6", by: "b", at: 131, replyTo: "t2"),
        ], types: [.coHashtag, .coReply])
        #expect(network.pairs(.coHashtag) == ["a-b"])
        #expect(network.pairs(.coReply) == ["a-c"])
    }

    @Test func typesOptionSelectsBehaviours() {
        let posts = [
            F.post("1", by: "a", at: 0, repostOf: "o"),
            F.post("2", by: "b", at: 1, repostOf: "o"),
        ]
        #expect(F.detect(posts, types: [.coLink]).edges.isEmpty)
        #expect(F.detect(posts, types: [.coRepost]).edges.count == 1)
    }

    @Test func evidenceIsCappedAndEarliestFirst() throws {
        var posts: [Post] = []
        for round in 0..<12 {
            let t = Double(12 - round) * 500  // appended latest first
            posts.append(F.post("a\(round)", by: "a", at: t, repostOf: "o\(round)"))
            posts.append(F.post("b\(round)", by: "b", at: t + 1, repostOf: "o\(round)"))
        }
        let network = F.detect(posts, types: [.coRepost])
        let edge = try #require(network.edge(.coRepost, "a", "b"))
        #expect(edge.pairs == 12)
        #expect(network.evidence(of: edge).count == 5)
        #expect(network.evidence(of: edge).map(\.sourcePostID) == ["a11", "a10", "a9", "a8", "a7"])
    }

    @Test func nearDuplicatesAreFoundAndUnrelatedTextsAreNot() throws {
        let base = "Ils ne veulent pas que vous sachiez ce que contient vraiment ce nouveau vaccin lisez avant censure"
        let network = F.detect([
            F.post("1", by: "a", at: 0, text: base),
            F.post("2", by: "b", at: 15, text: "Incroyable. " + base + " 👉"),
            // One word changed near the end (a change mid-text removes three shingles of fifteen: 0.67).
            F.post("3", by: "c", at: 30, text: base.replacingOccurrences(of: "censure", with: "suppression")),
            F.post("4", by: "d", at: 20, text: "Beau soleil ce matin sur le marché de Lyon, les fraises sont arrivées enfin"),
            F.post("5", by: "e", at: 200, text: base),  // same text, outside the window
        ], types: [.coSimilar])
        #expect(network.pairs(.coSimilar) == ["a-b", "a-c", "b-c"])
        let edge = try #require(network.edge(.coSimilar, "a", "b"))
        let similarity = try #require(network.evidence(of: edge).first?.similarity)
        #expect(similarity >= 0.7 && similarity < 1)
        #expect(network.evidence(of: edge).first?.key == "1")
    }

    @Test func clustersAreConnectedComponentsWithSummaries() throws {
        let network = F.detect([
            F.post("1", by: "a", at: 0, repostOf: "o"),
            F.post("2", by: "b", at: 5, repostOf: "o"),
            F.post("3", by: "b", at: 1000, urls: ["https://site.example/p"]),
            F.post("4", by: "c", at: 1010, urls: ["https://site.example/p"]),
            F.post("5", by: "x", at: 5000, repostOf: "q"),
            F.post("6", by: "y", at: 5001, repostOf: "q"),
        ], types: [.coRepost, .coLink])
        let clusters = network.clusters()
        #expect(clusters.count == 2)
        let big = try #require(clusters.first)
        #expect(big.members.map { network.accounts[$0].id } == ["a", "b", "c"])
        #expect(big.edgeCount == 2)
        #expect(big.tiedPairs == 2)
        #expect(abs(big.density - 2.0 / 3.0) < 1e-9)
        #expect(big.types == [.coRepost, .coLink])
        #expect(Set(big.topKeys.map(\.key)) == ["o", "site.example/p"])
        #expect(big.first == Date(timeIntervalSince1970: F.origin))
        #expect(big.last == Date(timeIntervalSince1970: F.origin + 1010))
        #expect(network.clusters(minimumSize: 3).count == 1)
    }

    @Test func communitiesSplitTwoTightGroupsJoinedByOneEdge() {
        var posts: [Post] = []
        for (group, members) in [["a", "b", "c"], ["d", "e", "f"]].enumerated() {
            for round in 0..<3 {
                let t = Double(group * 10_000 + round * 1000)
                for (offset, member) in members.enumerated() {
                    posts.append(F.post("\(member)\(round)", by: member, at: t + Double(offset), repostOf: "g\(group)r\(round)"))
                }
            }
        }
        posts.append(F.post("bridge1", by: "c", at: 50_000, repostOf: "bridge"))
        posts.append(F.post("bridge2", by: "d", at: 50_001, repostOf: "bridge"))
        let network = F.detect(posts, types: [.coRepost])
        #expect(network.clusters().map(\.members.count) == [6])
        let communities = network.communities()
        #expect(communities.map { $0.members.map { network.accounts[$0].id } } == [["a", "b", "c"], ["d", "e", "f"]])
        #expect(communities.allSatisfy { $0.density == 1 && $0.edgeCount == 3 })
    }
}
