import Foundation
import Testing
import VigieCore
import VigieIngest
@testable import VigieSynth

/// The fast path (toolkit CSV bytes → ``ToolkitCoordinationReader`` → sliding-window counting)
/// against the reference paths on generated data: posts decoded by the importer's decoder, and
/// the toolkit's definition of the weights computed naively over every pair of posts.
@Suite struct CoordinationFastPathTests {
    static let types: Set<CoordinationType> = [.coRepost, .coPost, .coLink]

    /// Edges as "type a b sourceWeight targetWeight pairs" with the account ids in order.
    static func edges(_ network: CoordinationNetwork) -> Set<String> {
        Set(network.edges.map { edge in
            let a = network.accounts[edge.source].id, b = network.accounts[edge.target].id
            let (first, second, forward, backward) = a < b
                ? (a, b, edge.sourceWeight, edge.targetWeight) : (b, a, edge.targetWeight, edge.sourceWeight)
            return "\(edge.type.rawValue) \(first) \(second) \(forward) \(backward) \(edge.pairs)"
        })
    }

    static func generate(posts: Int, seed: UInt64) throws -> URL {
        let directory = temporaryDirectory()
        _ = try SynthGenerator(configuration: SynthConfiguration(posts: posts, seed: seed)).generate(format: .toolkitCSV, to: directory)
        return directory
    }

    @Test func bytesPathGivesTheEdgesOfThePostPathAndOfTheToolkitsDefinition() throws {
        let directory = try Self.generate(posts: 20_000, seed: 7)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(SynthFormat.toolkitCSV.dataFileName)
        let posts = try CoordinationAccuracyTests.decodePosts(file)

        var fast = CoordinationInput(keys: .toolkit, types: Self.types, deduplicatesPosts: true)
        let report = try ToolkitCoordinationReader.read(path: file.path, into: &fast)
        #expect(report.fromBytes)
        #expect(report.rejected == 0)
        var reference = CoordinationInput(keys: .toolkit, types: Self.types, deduplicatesPosts: true)
        for post in posts { reference.append(post) }
        #expect(fast.count == reference.count)

        let detector = CoordinationDetector(options: .init(window: 60, minWeight: 1, types: Self.types))
        let fastNetwork = detector.detect(in: fast)
        let fastEdges = Self.edges(fastNetwork)
        #expect(fastEdges == Self.edges(detector.detect(in: reference)))
        for type in Self.types {
            #expect(fastNetwork.edges.filter { $0.type == type }.count > 5, "\(type)")
        }

        // Partitioned counting (a tiny table per partition) and one thread give the same edges.
        var small = detector
        small.options.pairsPerTable = 64
        small.options.threads = 1
        #expect(Self.edges(small.detect(in: fast)) == fastEdges)

        // The toolkit's definition: directed weight A→B = A's posts with a post of B with the
        // same key within the window, every pair of posts looked at.
        var naive = Set<String>()
        for type in Self.types {
            var byKey: [String: [Post]] = [:]
            for post in posts where post.isDated {
                if let original = post.repostOfID {
                    if type == .coRepost { byKey[original, default: []].append(post) }
                    continue
                }
                if type == .coPost { byKey[CoordinationText.toolkitText(post.text), default: []].append(post) }
                if type == .coLink { for link in post.urls.isEmpty ? [""] : Set(post.urls) { byKey[link, default: []].append(post) } }
            }
            var matched: [String: Set<String>] = [:]  // "A B" → A's matched post ids
            var pairs: [String: Set<String>] = [:]    // "A B" (ordered ids) → post pairs
            for unsorted in byKey.values {
                // Every pair of posts of the key within the window (sorted only to stop early).
                let group = unsorted.sorted { $0.createdAt < $1.createdAt }
                for (index, p) in group.enumerated() {
                    var lower = index
                    while lower > 0, p.createdAt.timeIntervalSince(group[lower - 1].createdAt) <= 60 { lower -= 1 }
                    var upper = index
                    while upper + 1 < group.count, group[upper + 1].createdAt.timeIntervalSince(p.createdAt) <= 60 { upper += 1 }
                    for q in group[lower...upper] where q.authorID != p.authorID {
                        matched["\(p.authorID) \(q.authorID)", default: []].insert(p.platformID)
                        let (a, b) = p.authorID < q.authorID ? (p, q) : (q, p)
                        pairs["\(a.authorID) \(b.authorID)", default: []].insert("\(a.platformID) \(b.platformID)")
                    }
                }
            }
            for (key, posts) in pairs {
                let ids = key.split(separator: " ")
                let forward = matched["\(ids[0]) \(ids[1])"]?.count ?? 0
                let backward = matched["\(ids[1]) \(ids[0])"]?.count ?? 0
                naive.insert("\(type.rawValue) \(ids[0]) \(ids[1]) \(forward) \(backward) \(posts.count)")
            }
        }
        #expect(fastEdges == naive, "only fast: \(fastEdges.subtracting(naive).prefix(3)), only naive: \(naive.subtracting(fastEdges).prefix(3))")
    }

    /// Vigie's keys and every type (co-similar included) go through posts, their keys worked
    /// out on several threads: the same network as appending the posts one by one.
    @Test func postPathInParallelGivesTheEdgesOfPostsAppendedInOrder() throws {
        let directory = try Self.generate(posts: 6_000, seed: 11)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(SynthFormat.toolkitCSV.dataFileName)
        var fast = CoordinationInput(deduplicatesPosts: true)
        let report = try ToolkitCoordinationReader.read(path: file.path, into: &fast, threads: 2)
        #expect(!report.fromBytes)
        var reference = CoordinationInput(deduplicatesPosts: true)
        for post in try CoordinationAccuracyTests.decodePosts(file) { reference.append(post) }
        let detector = CoordinationDetector(options: .init(window: 60, minWeight: 1))
        let network = detector.detect(in: fast)
        #expect(Set(network.edges.map(\.type)).count >= 5)
        #expect(Self.edges(network) == Self.edges(detector.detect(in: reference)))
    }
}
