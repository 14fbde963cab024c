import Foundation
import Testing
import VigieCore
@testable import VigieEngine
import VigieStore

@Suite struct TrustUseCaseTests {
    /// Scoring one account from its neighbourhood gives exactly what the whole-workspace pass gives.
    @Test func neighbourhoodScoreEqualsTheWholeWorkspaceScore() async throws {
        let engine = try await InfluenceTestWorld.engine()
        for handle in ["@anne", "star", "b1", "bob"] {
            let alone = try await engine.trustScore(TrustScoreRequest(handle: handle))
            let whole = try await engine.trustScore(TrustScoreRequest(handle: handle, scope: .wholeWorkspace))
            #expect(alone.accounts.count == 1)
            #expect(alone.accounts == whole.accounts, "\(handle)")
        }
        let anne = try await engine.trustScore(TrustScoreRequest(handle: "anne", reasons: 2)).accounts[0]
        #expect(anne.id == "anne" && anne.name == "@anne")
        #expect(anne.reasonsUp.count <= 2 && anne.reasonsDown.count <= 2)
        let audience = try #require(anne.audience)
        #expect(audience.engagersSuspicious?.known == 6)
        #expect(audience.tier == .nano)
    }

    @Test func scoreErrorsNameTheField() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let nobody = await #expect(throws: EngineError.self) { try await engine.trustScore(TrustScoreRequest(handle: "@nobody")) }
        #expect(nobody?.code == .notFound && nobody?.field == "handle" && nobody?.message.contains("nobody") == true)
        var configuration = InfluenceTestWorld.configuration
        configuration.trustModel = "/nonexistent/model.json"
        let noModel = await #expect(throws: EngineError.self) {
            try await Engine(store: engine.store, configuration: configuration).trustScore(TrustScoreRequest(handle: "anne"))
        }
        #expect(noModel?.code == .resourceMissing && noModel?.field == "trustModel")
    }

    @Test func reportSelectsTheAuthorsOfATopic() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let everyone = try await engine.trustReport(TrustReportRequest(minScore: 0, limit: 100))
        #expect(everyone.scoredAccounts == 17)
        #expect(everyone.accounts.count == 17)
        let scores = everyone.accounts.map(\.score)
        #expect(scores == scores.sorted(by: >))
        #expect(!everyone.thresholds.isEmpty)

        let cycling = try await engine.trustReport(TrustReportRequest(selection: .query("velo"), minScore: 0, limit: 100))
        // Authors of the posts that say "velo": anne, bob, b1–b3, and b4–b6 through their reposts.
        #expect(Set(cycling.accounts.map(\.id)) == Set(["anne", "bob"] + (1...6).map { "b\($0)" }))

        try await engine.store.addWatch(Watch(name: "foot", query: "match"), workspace: engine.workspace)
        let football = try await engine.trustReport(TrustReportRequest(selection: .watch("foot"), minScore: 0, limit: 100))
        #expect(Set(football.accounts.map(\.id)) == Set(["star"] + (1...8).map { "c\($0)" }))

        await #expect(throws: QueryError.self) { try await engine.trustReport(TrustReportRequest(selection: .query("(velo"))) }
        let range = await #expect(throws: EngineError.self) { try await engine.trustReport(TrustReportRequest(minScore: 2)) }
        #expect(range?.field == "minScore")
    }

    /// The workspace's prior moves every probability the same way and is stated in reports.
    @Test func thePriorIsTheWorkspacesAndStated() async throws {
        let engine = try await InfluenceTestWorld.engine()
        #expect(try await engine.trustPrior() == nil)
        let before = try await engine.trustReport(TrustReportRequest(minScore: 0, limit: 100))
        #expect(!before.priorSetByWorkspace && before.accounts.allSatisfy { $0.prior == before.prior })
        try await engine.setTrustPrior(0.5)
        let after = try await engine.trustReport(TrustReportRequest(minScore: 0, limit: 100))
        #expect(after.priorSetByWorkspace && after.prior == 0.5)
        let old = Dictionary(uniqueKeysWithValues: before.accounts.map { ($0.id, $0.score) })
        // A higher prior never lowers a score (rounding aside), and raises most.
        #expect(after.accounts.allSatisfy { $0.score >= old[$0.id]! - 0.001 })
        #expect(after.accounts.filter { $0.score > old[$0.id]! }.count > after.accounts.count / 2)
        let out = await #expect(throws: EngineError.self) { try await engine.setTrustPrior(1) }
        #expect(out?.field == "prior")
        try await engine.setTrustPrior(nil)
        #expect(try await engine.trustPrior() == nil)
    }

    @Test func evaluationNeedsAGroundTruth() async throws {
        let engine = try await InfluenceTestWorld.engine()
        let missing = await #expect(throws: EngineError.self) {
            try await engine.trustEvaluation(TrustEvaluationRequest(truth: "/nonexistent/ground-truth.json"))
        }
        #expect(missing?.code == .unreadableInput && missing?.field == "truth")
    }

    @Test func trainingChecksItsRequestAndNamesUnreadableData() async throws {
        let noScratch = await #expect(throws: EngineError.self) {
            try await Engine.trustTraining(TrustTrainingRequest(synthPosts: 100), configuration: InfluenceTestWorld.configuration)
        }
        #expect(noScratch?.field == "scratchStore")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = await #expect(throws: EngineError.self) {
            try await Engine.trustTraining(TrustTrainingRequest(data: [folder.path], synthPosts: 0),
                                           configuration: InfluenceTestWorld.configuration)
        }
        #expect(empty?.field == "data" && empty?.message.contains(folder.path) == true)
    }

    /// The behaviour stage's generated accounts go through the scratch store the request gives.
    @Test func generatedAccountsAreLabelledThroughTheScratchStore() async throws {
        let labelled = try await SynthLabelled.generate(posts: 2_000, seed: 3, into: try SQLiteStore.inMemory())
        let examples = labelled.examples()
        #expect(!examples.isEmpty)
        #expect(examples.count == labelled.subjects.filter { $0.activity != nil }.count)
        let bots = examples.filter { $0.label == 1 }.count
        #expect(bots > 0 && bots < examples.count)
        #expect(bots == Set(labelled.truth.bots.map(\.id)).intersection(labelled.subjects.map(\.account.platformID)).count)
    }
}
