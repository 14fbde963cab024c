import Foundation
import Testing
import VigieCore
import VigieEngine

@Suite(.serialized) struct ListeningDashboardTests {
    typealias F = ListeningFixture

    /// Three "velo" posts in early March 2024 (one at 23:30 UTC, already the next day in Paris),
    /// one in the previous period, and one "climat" post.
    static func corpus() async throws -> Engine {
        let engine = try await F.engine([
            F.post("1", "velo en ville #velo", at: "2024-03-01T10:00:00Z", author: "a", hashtags: ["velo"], likes: 3),
            F.post("2", "velo de nuit", at: "2024-03-02T23:30:00Z", author: "b", likes: 1),
            F.post("3", "velo encore", at: "2024-03-04T10:00:00Z", author: "a"),
            F.post("4", "velo avant", at: "2024-02-27T10:00:00Z", author: "c"),
            F.post("5", "climat et vent", at: "2024-03-02T12:00:00Z", author: "d"),
        ])
        #expect(try await engine.addWatch(AddWatchRequest(name: "velo", query: "velo")).totalMatches == 4)
        #expect(try await engine.addWatch(AddWatchRequest(name: "climat", query: "climat")).totalMatches == 1)
        return engine
    }

    @Test func countsThePeriodAgainstThePreviousOneInTheTimeZone() async throws {
        let engine = try await Self.corpus()
        let utc = try await engine.dashboards(DashboardRequest(
            watches: ["velo"], since: PeriodBound("2024-03-01"), until: PeriodBound("2024-03-04"), timeZone: "UTC"))
        let dashboard = try #require(utc.dashboards.first)
        #expect(dashboard.volume.map(\.posts) == [1, 1, 0, 1])
        #expect(dashboard.posts == WatchDashboard.Figure(current: 3, previous: 1))
        #expect(dashboard.uniqueAuthors.current == 2)
        #expect(dashboard.engagement.likes.current == 4)
        #expect(dashboard.top.hashtags.map(\.value) == ["#velo"])
        #expect(utc.shareOfVoice == nil && utc.timings == nil)

        // 2024-03-02T23:30Z is 3 March in Paris: the day buckets move with the zone.
        let paris = try await engine.dashboards(DashboardRequest(
            watches: ["velo"], since: PeriodBound("2024-03-01"), until: PeriodBound("2024-03-04"), timeZone: "Europe/Paris"))
        #expect(paris.dashboards.first?.volume.map(\.posts) == [1, 0, 1, 1])
        #expect(paris.dashboards.first?.volume.first?.label == "2024-03-01T00:00:00+01:00")
    }

    @Test func severalWatchesShareTheVoice() async throws {
        let engine = try await Self.corpus()
        let result = try await engine.dashboards(DashboardRequest(
            watches: ["velo", "climat"], since: PeriodBound("2024-03-01"), until: PeriodBound("2024-03-04")))
        let share = try #require(result.shareOfVoice)
        #expect(share.entries.map(\.watch) == ["velo", "climat"])
        #expect(share.entries.map(\.share) == [0.75, 0.25])
        #expect(result.refreshes.count == 2)
    }

    @Test func thePeriodEndsWithTheNewestMatchByDefault() async throws {
        let engine = try await Self.corpus()
        try await engine.setDashboardTimeZone("Europe/Paris")
        let result = try await engine.dashboards(DashboardRequest(watches: ["velo"], bucket: .day))
        let dashboard = try #require(result.dashboards.first)
        #expect(dashboard.timeZone == "Europe/Paris")
        #expect(dashboard.volume.count == BucketSize.day.defaultCount)
        #expect(dashboard.volume.last?.label == "2024-03-04T00:00:00+01:00")
        #expect(dashboard.volume.last?.posts == 1)
        #expect(dashboard.posts.current == 4)
    }

    @Test func timingsAccountForEveryPhaseWhenAsked() async throws {
        let engine = try await Self.corpus()
        let result = try await engine.dashboards(DashboardRequest(
            watches: ["velo"], since: PeriodBound("2024-03-01"), until: PeriodBound("2024-03-04"), timings: true))
        let timings = try #require(result.timings)
        #expect(timings.postsRead == 4)
        #expect(timings.cores >= 1)
        #expect(abs(timings.period + timings.resources + timings.posts - timings.dashboard) < 0.01)
        // The lexicons are there (scripts/test fetches them): sentiment ran on each post.
        #expect(timings.sentiment > 0 && timings.terms > 0)
        #expect(result.dashboards.first?.sentiment?.unclassified.current == 0)
    }

    @Test func badRequestsNameTheFieldAtFault() async throws {
        let engine = try await Self.corpus()
        func field(_ request: DashboardRequest) async -> String? {
            do {
                _ = try await engine.dashboards(request)
                return nil
            } catch let error as EngineError {
                return error.field
            } catch {
                return "\(error)"
            }
        }
        #expect(await field(DashboardRequest(watches: [])) == "watches")
        #expect(await field(DashboardRequest(watches: ["velo"], timeZone: "Mars/Olympus")) == "timezone")
        #expect(await field(DashboardRequest(watches: ["velo"], top: -1)) == "top")
        #expect(await field(DashboardRequest(watches: ["velo"], since: PeriodBound("2024-03-05"),
                                             until: PeriodBound("2024-03-01"))) == "since")
        await #expect(throws: WatchError.notFound("nope")) {
            try await engine.dashboards(DashboardRequest(watches: ["velo", "nope"]))
        }
    }

    @Test func periodBoundsReadDaysAndInstants() {
        #expect(PeriodBound("2024-03-01") == .day(year: 2024, month: 3, day: 1))
        #expect(PeriodBound("2024-03-01T12:00:00Z") == .instant(F.date("2024-03-01T12:00:00Z")))
        #expect(PeriodBound("yesterday") == nil)
    }
}

@Suite struct ListeningWatchTests {
    typealias F = ListeningFixture

    @Test func laterPostsReachTheWatchAndRemovalIsFinal() async throws {
        let engine = try await F.engine([F.post("1", "velo", at: "2024-03-01T10:00:00Z")])
        #expect(try await engine.addWatch(AddWatchRequest(name: "velo", query: "velo")).totalMatches == 1)
        await #expect(throws: WatchError.alreadyExists("velo")) {
            try await engine.addWatch(AddWatchRequest(name: "velo", query: "velo"))
        }
        try await engine.store.write(IngestBatch(items: [.post(F.post("2", "encore du velo", at: "2024-03-02T10:00:00Z"))]),
                                     workspace: "default")
        let reports = try await engine.refreshWatches()
        #expect(reports.map(\.watch) == ["velo"])
        #expect(reports.first?.refresh.newPostsMatched == 1 && reports.first?.refresh.totalMatches == 2)
        let listed = try await engine.watches()
        #expect(listed.map(\.matches) == [2] && listed.first?.query == "velo")

        try await engine.removeWatch(named: "velo")
        #expect(try await engine.watches().isEmpty)
        await #expect(throws: WatchError.notFound("velo")) { try await engine.removeWatch(named: "velo") }
    }

    @Test func theTimeZoneIsAnIANAName() async throws {
        let engine = try await F.engine([])
        #expect(try await engine.dashboardTimeZone() == TimeZone(identifier: "UTC"))
        try await engine.setDashboardTimeZone("America/Montreal")
        #expect(try await engine.dashboardTimeZone().identifier == "America/Montreal")
        await #expect(throws: EngineError.self) { try await engine.setDashboardTimeZone("Mars/Olympus") }
        #expect(try await engine.dashboardTimeZone().identifier == "America/Montreal")
    }
}
