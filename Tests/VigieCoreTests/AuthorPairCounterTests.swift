import Foundation
import Testing
@testable import VigieCore

/// The author-by-author counter (the default) against the toolkit's definition computed over
/// every pair of posts, and against the pair-table counting it falls back on.
@Suite struct AuthorPairCounterTests {
    typealias F = CoordinationFixture
    static let types: Set<CoordinationType> = [.coRepost, .coLink, .coHashtag, .coReply]

    /// Edges as "type a b a→b b→a pairs first last" with the account ids in order.
    static func edges(_ network: CoordinationNetwork) -> Set<String> {
        Set(network.edges.map { edge in
            let a = network.accounts[edge.source].id, b = network.accounts[edge.target].id
            let (low, high, forward, backward) = a < b
                ? (a, b, edge.sourceWeight, edge.targetWeight) : (b, a, edge.targetWeight, edge.sourceWeight)
            return "\(edge.type.rawValue) \(low) \(high) \(forward) \(backward) \(edge.pairs) "
                + "\(edge.first.timeIntervalSince1970) \(edge.last.timeIntervalSince1970)"
        })
    }

    /// Dense random posts: 30 accounts, few keys, several links per post (one repeated), equal times.
    static func posts(seed: UInt64, count: Int = 700) -> [Post] {
        var random = SeededRandom(seed: seed)
        var posts: [Post] = []
        for index in 0..<count {
            let author = "u\(random.next(in: 0...29))"
            let time = Double(random.next(in: 0...1500))
            let id = "p\(index)"
            switch random.next(in: 0...9) {
            case 0...2:
                posts.append(F.post(id, by: author, at: time, repostOf: "o\(random.next(in: 0...6))"))
            case 3, 4:
                posts.append(F.post(id, by: author, at: time, replyTo: "r\(random.next(in: 0...1))"))
            default:
                let links = (0..<random.next(in: 0...3)).map { _ in "https://example.org/\(random.next(in: 0...5))" }
                let tags = random.next(in: 0...1) == 0 ? ["t\(random.next(in: 0...2))"] : []
                posts.append(F.post(id, by: author, at: time, hashtags: tags, urls: links))
            }
        }
        return posts
    }

    /// The toolkit's definition: directed weight A→B = A's posts with a post of B with the same
    /// key within the window; pairs = distinct post pairs; every pair of posts looked at.
    static func naive(_ posts: [Post], window: Double, minWeight: Int) -> Set<String> {
        var result = Set<String>()
        for type in types {
            func keys(_ post: Post) -> [String] {
                if let original = post.repostOfID { return type == .coRepost ? [original] : [] }
                switch type {
                case .coReply: return post.replyToPostID.map { [$0] } ?? []
                case .coHashtag: return CoordinationText.hashtagSetKey(post.hashtags).map { [$0] } ?? []
                case .coLink: return Array(Set(post.urls.compactMap(CoordinationText.normalizedURL)))
                default: return []
                }
            }
            var matched: [String: Set<String>] = [:]   // "A B" → A's matched posts
            var pairs: [String: Set<String>] = [:]     // "A B" (A < B) → post pairs
            var first: [String: Double] = [:], last: [String: Double] = [:]
            let keyed = posts.map { (post: $0, keys: Set(keys($0)), time: $0.createdAt.timeIntervalSince1970) }
            for p in keyed where !p.keys.isEmpty {
                for q in keyed where q.post.authorID != p.post.authorID && !q.keys.isDisjoint(with: p.keys) {
                    guard q.time >= p.time - window, q.time <= p.time + window else { continue }
                    matched["\(p.post.authorID) \(q.post.authorID)", default: []].insert(p.post.platformID)
                    let (a, b) = p.post.authorID < q.post.authorID ? (p, q) : (q, p)
                    let pair = "\(a.post.authorID) \(b.post.authorID)"
                    pairs[pair, default: []].insert("\(a.post.platformID) \(b.post.platformID)")
                    first[pair] = min(first[pair] ?? .infinity, min(p.time, q.time))
                    last[pair] = max(last[pair] ?? -.infinity, max(p.time, q.time))
                }
            }
            for (pair, posts) in pairs {
                let ids = pair.split(separator: " ")
                let forward = matched["\(ids[0]) \(ids[1])"]?.count ?? 0
                let backward = matched["\(ids[1]) \(ids[0])"]?.count ?? 0
                guard max(forward, backward) >= minWeight else { continue }
                result.insert("\(type.rawValue) \(ids[0]) \(ids[1]) \(forward) \(backward) \(posts.count) \(first[pair]!) \(last[pair]!)")
            }
        }
        return result
    }

    static func detect(_ posts: [Post], window: Double = 60, minWeight: Int, byAuthor: Bool, threads: Int = 2,
                       evidence: Int = 0) -> CoordinationNetwork {
        var options = CoordinationDetector.Options(window: window, minWeight: minWeight, types: types,
                                                   evidencePerEdge: evidence, keysPerEdge: evidence,
                                                   chanceFactor: 0, threads: threads)
        options.countsByAuthor = byAuthor
        return CoordinationDetector(options: options).detect(in: CoordinationInput(posts: posts))
    }

    @Test(arguments: [1, 2, 3])
    func countsEqualTheToolkitsDefinitionAndThePairTables(minWeight: Int) throws {
        let posts = Self.posts(seed: UInt64(40 + minWeight))
        let expected = Self.naive(posts, window: 60, minWeight: minWeight)
        #expect(expected.count > 30)
        for type in Self.types { #expect(expected.contains { $0.hasPrefix(type.rawValue + " ") }, "\(type)") }
        // Weights differ by direction somewhere, or the test would not tell the two apart.
        #expect(expected.contains { line in let f = line.split(separator: " "); return f[3] != f[4] })
        let counted = Self.detect(posts, minWeight: minWeight, byAuthor: true)
        #expect(Self.edges(counted) == expected,
                "only counted: \(Self.edges(counted).subtracting(expected).prefix(3)), only naive: \(expected.subtracting(Self.edges(counted)).prefix(3))")
        #expect(Self.edges(Self.detect(posts, minWeight: minWeight, byAuthor: true, threads: 1)) == expected)
        #expect(Self.edges(Self.detect(posts, minWeight: minWeight, byAuthor: false)) == expected)
        // With evidence the same edges, and the same evidence as the pair tables.
        let withEvidence = Self.detect(posts, minWeight: minWeight, byAuthor: true, evidence: 5)
        let tables = Self.detect(posts, minWeight: minWeight, byAuthor: false, evidence: 5)
        #expect(Self.edges(withEvidence) == expected)
        #expect(withEvidence.edges.map { withEvidence.evidence(of: $0) } == tables.edges.map { tables.evidence(of: $0) })
        #expect(withEvidence.edges.contains { !withEvidence.evidence(of: $0).isEmpty })
        // Without evidence the edges carry none.
        #expect(counted.edges.allSatisfy { counted.evidence(of: $0).isEmpty && counted.sharedKeys(of: $0).isEmpty })
    }

    /// Two times where the toolkit's float bounds are not symmetric: `q` within `p`'s window,
    /// `p` not within `q`'s (the window crosses a power of two, 2^30 s, where the spacing of
    /// doubles doubles). The counter finds it and the pair tables count instead.
    @Test func asymmetricFloatBoundsFallBackToThePairTables() throws {
        let window = 60.0
        let base = 1_073_741_824.0
        var found: (Double, Double)?
        search: for step in 0..<4000 {
            let t1 = Date(timeIntervalSince1970: base + window * Double(step) / 4000).timeIntervalSince1970
            var t2 = t1 - window
            for _ in 0..<4 { t2 = t2.nextUp }
            for _ in 0..<8 {
                let d2 = Date(timeIntervalSince1970: t2).timeIntervalSince1970
                let forward = d2 >= t1 - window && d2 <= t1 + window
                let backward = t1 >= d2 - window && t1 <= d2 + window
                if forward != backward {
                    found = (t1, d2)
                    break search
                }
                t2 = t2.nextDown
            }
        }
        let (a, b) = try #require(found)
        var posts = [F.post("x1", by: "a", at: a - F.origin, repostOf: "o"), F.post("y1", by: "b", at: b - F.origin, repostOf: "o")]
        posts += [F.post("x2", by: "a", at: base + 500 - F.origin, repostOf: "o2"),
                  F.post("y2", by: "b", at: base + 505 - F.origin, repostOf: "o2")]
        #expect(posts[0].createdAt.timeIntervalSince1970 == a && posts[1].createdAt.timeIntervalSince1970 == b)
        let counted = Self.detect(posts, window: window, minWeight: 1, byAuthor: true)
        let tables = Self.detect(posts, window: window, minWeight: 1, byAuthor: false)
        #expect(Self.edges(counted) == Self.edges(tables))
        // The directed weights are the toolkit's (its bounds, from each post's side).
        func weights(_ lines: Set<String>) -> Set<String> { Set(lines.map { $0.split(separator: " ").prefix(5).joined(separator: " ") }) }
        #expect(weights(Self.edges(counted)) == weights(Self.naive(posts, window: window, minWeight: 1)))
        // One direction has the asymmetric pair, the other not: the weights differ.
        let edge = try #require(counted.edges.first)
        #expect(edge.sourceWeight != edge.targetWeight)
    }
}

/// Repeated post ids count once (the first copy), whether ids come in order or not.
@Suite struct CoordinationInputDeduplicationTests {
    typealias F = CoordinationFixture

    @Test func repeatedIdsCountOnceInAndOutOfOrder() {
        // In order (no lookups), then below and above the range, then out of order, repeats and non-decimal ids.
        let ids = ["10", "12", "13", "9", "20", "12", "11", "007", "7", "x", "x", "20", "10", "11"]
        var input = CoordinationInput(types: [.coRepost], deduplicatesPosts: true)
        for (index, id) in ids.enumerated() {
            input.append(F.post(id, by: "a\(index % 3)", at: Double(index), repostOf: "o"))
        }
        #expect(input.count == 9)
        #expect(input.duplicatePostsSkipped == 5)
        #expect((0..<Int32(input.count)).map(input.postID) == ["10", "12", "13", "9", "20", "11", "007", "7", "x"])
    }
}
