import Foundation
import Testing
import VigieCore
import VigieEngine

/// Issue 19: a dashboard's sentiment is computed once per post and stored; the next dashboard
/// reads the labels and runs no model, with the same result.
@Suite(.serialized) struct StoredSentimentTests {
    typealias F = ListeningFixture

    @Test func theSecondDashboardReadsTheStoredLabels() async throws {
        let engine = try await F.engine([
            F.post("1", "super balade à vélo, j'adore", at: "2024-03-01T10:00:00Z", author: "a"),
            F.post("2", "velo volé, c'est horrible", at: "2024-03-02T10:00:00Z", author: "b"),
            F.post("3", "velo du matin", at: "2024-03-03T10:00:00Z", author: "c"),
            F.post("4", "a bike ride, lovely", at: "2024-03-03T11:00:00Z", author: "d", language: "en"),
            F.post("5", "velo en allemand", at: "2024-03-03T12:00:00Z", author: "e", language: "de"),
        ])
        _ = try await engine.addWatch(AddWatchRequest(name: "velo", query: "velo OR vélo OR bike"))
        let request = DashboardRequest(watches: ["velo"], since: PeriodBound("2024-03-01"), until: PeriodBound("2024-03-04"),
                                       timeZone: "UTC", timings: true)
        let first = try await engine.dashboards(request)
        let model = try #require(engine.resources.sentimentModelIdentity())
        let stored = try await engine.store.storedSentiments(
            watch: "velo", workspace: "default", in: F.date("2024-02-01T00:00:00Z")..<F.date("2024-04-01T00:00:00Z"), model: model)
        // Every post of the period has a label, the German one as unclassified.
        #expect(stored.count == 5)
        #expect(stored[PostKey(platform: .twitter, rootID: "5")] == .some(nil))
        #expect(try #require(first.timings).sentiment > 0)

        let second = try await engine.dashboards(request)
        #expect(second.dashboards == first.dashboards)
        // No post needed the model this time.
        #expect(try #require(second.timings).sentiment == 0)
        #expect(second.notes == first.notes)
    }
}
