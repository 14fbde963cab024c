import Foundation
import Testing
import VigieCore
import VigieEngine
import VigieStore

@Suite struct CoordinationUseCaseTests {
    /// A toolkit CSV with planted behaviour: u1–u3 repost the same three originals within seconds,
    /// u4 and u5 post the same text three times within the window; u6 posts the originals.
    static func toolkitCSV() throws -> URL {
        var rows = ["message_id,user_id,username,repost_id,reply_id,message,timestamp,urls"]
        let start = 1_740_787_200
        var id = 1
        func row(_ user: String, repost: String = "", text: String, at time: Int) {
            rows.append("\(id),\(user),name_\(user),\(repost),,\(text),\(time),")
            id += 1
        }
        for round in 0..<3 {
            let t = start + round * 3_600
            row("u6", text: "original news number \(round) about the weather today", at: t)
            let original = String(id - 1)
            for (offset, user) in ["u1", "u2", "u3"].enumerated() {
                row(user, repost: original, text: "RT original news number \(round)", at: t + 5 + offset)
            }
            row("u4", text: "buy the best shoes at the market this very morning", at: t + 100)
            row("u5", text: "buy the best shoes at the market this very morning", at: t + 110)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-coordination-\(UUID().uuidString).csv")
        try rows.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func edges(_ network: CoordinationNetwork) -> Set<String> {
        Set(network.edges.map { edge in
            let pair = [network.accounts[edge.source].id, network.accounts[edge.target].id].sorted()
            return "\(edge.type.rawValue) \(pair[0]) \(pair[1]) \(edge.weight)"
        })
    }

    @Test func aFileGivesTheSameNetworkAsTheStore() async throws {
        let file = try Self.toolkitCSV()
        defer { try? FileManager.default.removeItem(at: file) }
        let engine = Engine(store: try SQLiteStore.inMemory(), configuration: InfluenceTestWorld.configuration)
        let fromFile = try await engine.coordination(CoordinationRequest(source: .files([file.path], format: nil)))
        #expect(fromFile.files.map(\.posts) == [18])
        #expect(fromFile.files.first?.format == "toolkit-csv")
        let expected: Set<String> = ["co-repost u1 u2 3", "co-repost u1 u3 3", "co-repost u2 u3 3", "co-text u4 u5 3"]
        #expect(Self.edges(fromFile.network).isSuperset(of: expected), "\(Self.edges(fromFile.network))")
        #expect(!Self.edges(fromFile.network).contains { $0.contains("u6") })

        _ = try await engine.ingest(IngestRequest(paths: [file.path], identifyLanguages: false))
        let fromStore = try await engine.coordination(CoordinationRequest())
        #expect(fromStore.files.isEmpty)
        #expect(Self.edges(fromStore.network) == Self.edges(fromFile.network))

        let evidence = try #require(fromStore.network.edges.first { $0.type == .coRepost })
        #expect(fromStore.network.evidence(of: evidence).count == 3)
        let bare = try await engine.coordination(CoordinationRequest(evidence: false))
        #expect(bare.network.edges.allSatisfy { bare.network.evidence(of: $0).isEmpty })
    }

    @Test func clustersGroupTheCoordinatedAccounts() async throws {
        let file = try Self.toolkitCSV()
        defer { try? FileManager.default.removeItem(at: file) }
        let engine = Engine(store: try SQLiteStore.inMemory(), configuration: InfluenceTestWorld.configuration)
        let result = try await engine.coordinationClusters(
            CoordinationRequest(source: .files([file.path], format: nil), types: [.coRepost]), minimumSize: 3)
        #expect(result.clusters.count == 1)
        let members = Set(result.clusters[0].members.map { result.detection.network.accounts[$0].id })
        #expect(members == ["u1", "u2", "u3"])
        #expect(result.clusters[0].density == 1)
    }

    @Test func badRequestsAndBadRecordsAreNamed() async throws {
        let engine = Engine(store: try SQLiteStore.inMemory(), configuration: InfluenceTestWorld.configuration)
        let missing = await #expect(throws: EngineError.self) {
            try await engine.coordination(CoordinationRequest(source: .files(["/nonexistent/nope.csv"], format: nil)))
        }
        #expect(missing?.field == "input" && missing?.message.contains("nope.csv") == true)
        let window = await #expect(throws: EngineError.self) { try await engine.coordination(CoordinationRequest(window: 0)) }
        #expect(window?.field == "window")

        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-broken-\(UUID().uuidString).csv")
        try """
            message_id,user_id,username,repost_id,reply_id,message,timestamp,urls
            1,u1,alice,,,same words for all of us here,1740787200,
            2,u2,bob,,,same words for all of us here,not-a-time,

            """.write(to: broken, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: broken) }
        let result = try await engine.coordination(CoordinationRequest(source: .files([broken.path], format: nil), types: [.coPost]))
        #expect(result.files.first?.rejected == 1)
        #expect(result.firstRejects.first?.line == 3)
    }
}
