import Foundation
import Testing
import VigieCore
import VigieIngest
@testable import VigieSynth

/// Coordination detection against the groups `vigie synth` plants, through the real import path
/// (toolkit CSV → ``CSVRowSplitter`` → ``ToolkitCSVDecoder``).
@Suite struct CoordinationAccuracyTests {
    struct Score: CustomStringConvertible {
        var truePositives = 0
        var detected = 0
        var actual = 0
        var precision: Double { detected == 0 ? 0 : Double(truePositives) / Double(detected) }
        var recall: Double { actual == 0 ? 0 : Double(truePositives) / Double(actual) }
        var description: String {
            String(format: "precision %.3f recall %.3f (%d of %d detected pairs true, %d true pairs)",
                   precision, recall, truePositives, detected, actual)
        }
    }

    static func decodePosts(_ url: URL) throws -> [Post] {
        let splitter = CSVRowSplitter(source: try ByteSource(path: url.path))
        var decoder: ToolkitCSVDecoder?
        var items: [IngestItem] = []
        var posts: [Post] = []
        try splitter.forEachRow({ row, _ in
            guard decoder != nil else {
                decoder = try ToolkitCSVDecoder(header: row, options: CSVOptions(platform: .twitter))
                return
            }
            items.removeAll(keepingCapacity: true)
            // Mutated in place: a copy per row would copy the decoder's account set each time.
            try decoder?.decode(row, into: &items)
            for case .post(let post) in items { posts.append(post) }
        }, onError: { error in Issue.record("CSV error line \(error.line): \(error.reason)") })
        return posts
    }

    /// Unordered pairs of account ids as one string, for set comparison.
    static func pairKey(_ a: String, _ b: String) -> String { a < b ? "\(a) \(b)" : "\(b) \(a)" }

    static func score(detected: Set<String>, actual: Set<String>) -> Score {
        Score(truePositives: detected.intersection(actual).count, detected: detected.count, actual: actual.count)
    }

    @Test func plantedGroupsAreFoundPairwise() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // VIGIE_COORDINATION_POSTS scales the run up for timing (in a release build).
        let postCount = ProcessInfo.processInfo.environment["VIGIE_COORDINATION_POSTS"].flatMap { Int($0) } ?? 30_000
        _ = try SynthGenerator(configuration: SynthConfiguration(posts: postCount, seed: 21))
            .generate(format: .toolkitCSV, to: directory)
        let truth = try groundTruth(in: directory)
        let clock = ContinuousClock()
        var posts: [Post] = []
        let decodeTime = try clock.measure {
            posts = try Self.decodePosts(directory.appendingPathComponent(SynthFormat.toolkitCSV.dataFileName))
        }
        #expect(posts.count == postCount)

        var actual = Set<String>()
        for group in truth.coordinatedGroups {
            let ids = group.members.map(\.id)
            for i in ids.indices { for j in ids.indices where j > i { actual.insert(Self.pairKey(ids[i], ids[j])) } }
        }
        #expect(!actual.isEmpty)

        var input = CoordinationInput()
        let inputTime = clock.measure { for post in posts { input.append(post) } }
        var network: CoordinationNetwork?
        let detectTime = clock.measure {
            network = CoordinationDetector(options: .init(window: TimeInterval(truth.generator.coordinationWindowSeconds),
                                                          minWeight: 2)).detect(in: input)
        }
        let result = try #require(network)
        let similarTime = clock.measure {
            _ = CoordinationDetector(options: .init(window: TimeInterval(truth.generator.coordinationWindowSeconds),
                                                    minWeight: 2, types: [.coSimilar])).detect(in: input)
        }
        print("coordination: co-similar alone \(similarTime) on \(input.count) posts")
        print("coordination: \(posts.count) posts, decode \(decodeTime), input \(inputTime), detection \(detectTime), \(result.edges.count) edges")

        var edgePairs = Set<String>()
        for type in CoordinationType.allCases {
            let pairs = Set(result.edges.filter { $0.type == type }
                .map { Self.pairKey(result.accounts[$0.source].id, result.accounts[$0.target].id) })
            edgePairs.formUnion(pairs)
            print("coordination \(type.rawValue): \(Self.score(detected: pairs, actual: actual))")
        }
        let edgeScore = Self.score(detected: edgePairs, actual: actual)
        print("coordination edges, all types: \(edgeScore)")
        // Planted bots post the same spam templates all day: when two of them do so within the
        // window repeatedly they are tied too. That is coordination, though not a planted group.
        let bots = Set(truth.bots.map(\.id))
        let falsePairs = edgePairs.subtracting(actual)
        let botPairs = falsePairs.filter { pair in pair.split(separator: " ").allSatisfy { bots.contains(String($0)) } }
        print("coordination edges, all types: \(falsePairs.count) pairs outside planted groups, \(botPairs.count) of them between two planted bots")

        func memberPairs(_ clusters: [CoordinationCluster]) -> Set<String> {
            var pairs = Set<String>()
            for cluster in clusters {
                let ids = cluster.members.map { result.accounts[$0].id }
                for i in ids.indices { for j in ids.indices where j > i { pairs.insert(Self.pairKey(ids[i], ids[j])) } }
            }
            return pairs
        }
        let clusters = result.clusters(minimumSize: 3)
        let clusterScore = Self.score(detected: memberPairs(clusters), actual: actual)
        print("coordination clusters (size ≥ 3): \(clusters.count) clusters for \(truth.coordinatedGroups.count) groups; \(clusterScore)")
        let communities = result.communities(minimumSize: 3)
        let communityScore = Self.score(detected: memberPairs(communities), actual: actual)
        print("coordination communities (size ≥ 3): \(communities.count) communities; \(communityScore)")

        // Measured on seed 21, 30 000 posts: edges 0.999 / 0.989, clusters and communities
        // 1.000 / 1.000, co-similar 0.999 / 0.935. At 2 million posts recall stays 1.000 but
        // precision falls (0.63 for edges; 738 of the 910 extra pairs join two planted spam bots,
        // which post the same templates all day); scaled runs (VIGIE_COORDINATION_POSTS) check recall only.
        let defaultSize = postCount == 30_000
        let similar = Set(result.edges.filter { $0.type == .coSimilar }
            .map { Self.pairKey(result.accounts[$0.source].id, result.accounts[$0.target].id) })
        let similarScore = Self.score(detected: similar, actual: actual)
        #expect(edgeScore.recall >= 0.95)
        #expect(clusterScore.recall >= 0.95)
        #expect(communityScore.recall >= 0.9)
        if defaultSize {
            #expect(edgeScore.precision >= 0.95)
            #expect(clusterScore.precision >= 0.95)
            #expect(communityScore.precision >= 0.95)
            #expect(similarScore.precision >= 0.95)
        }
        #expect(similarScore.recall >= 0.85)
    }
}
