import Foundation
import Testing
import VigieCore
import VigieEngine

@Suite(.serialized) struct TrendsUseCaseTests {
    typealias F = ListeningFixture

    @Test func weakSignalsRankTheNewHashtagWithItsEvidence() async throws {
        let engine = try await F.engine(F.burst())
        let result = try await engine.weakSignals(WeakSignalsRequest())
        let top = try #require(result.report.signals.first { $0.kind == .hashtag })
        #expect(top.key == "nouvelleligne")
        #expect(top.posts == 120 && top.authors == 120 && top.isNew)
        #expect(result.report.at == F.burst().map(\.createdAt).max())
        #expect(result.notes.isEmpty, "the language data is there: \(result.notes)")

        let bike = try await engine.weakSignals(WeakSignalsRequest(selection: .query("velo")))
        #expect(!bike.report.signals.contains { $0.key == "nouvelleligne" }, "a query keeps other posts out")
    }

    /// Every post of the workspace comes through the store's lean trend records; a query reads
    /// whole posts. A query that matches every post must rank exactly the same.
    @Test func theLeanReadAndTheWholePostReadAgree() async throws {
        let engine = try await F.engine(F.burst())
        var options = WeakSignalOptions()
        options.limit = 50
        let lean = try await engine.weakSignals(WeakSignalsRequest(selection: .all, options: options))
        let whole = try await engine.weakSignals(WeakSignalsRequest(selection: .query("lang:fr"), options: options))
        #expect(lean.report.postsInWindow == whole.report.postsInWindow)
        #expect(lean.report.itemsExamined == whole.report.itemsExamined)
        #expect(lean.report.signals == whole.report.signals)
        #expect(lean.report.flagged == whole.report.flagged)
    }

    @Test func sinceSetsTheWindowAndTheBaselineFollows() async throws {
        let engine = try await F.engine(F.burst())
        let at = F.burst().map(\.createdAt).max()!
        var options = WeakSignalOptions()
        options.baseline = 86_400
        let result = try await engine.weakSignals(WeakSignalsRequest(
            options: options, at: at, since: at.addingTimeInterval(-2 * 86_400)))
        #expect(result.options.window == 2 * 86_400)
        #expect(result.options.baseline == 2 * 86_400)
        await #expect {
            try await engine.weakSignals(WeakSignalsRequest(at: at, since: at.addingTimeInterval(60)))
        } throws: { error in
            (error as? EngineError)?.field == "since"
        }
    }

    @Test func aWatchIsATargetAndAMissingOneIsNamed() async throws {
        let engine = try await F.engine(F.burst())
        try await engine.addWatch(AddWatchRequest(name: "ligne", query: "#nouvelleligne OR velo"))
        let result = try await engine.weakSignals(WeakSignalsRequest(selection: .watch("ligne")))
        #expect(result.report.signals.contains { $0.key == "nouvelleligne" })
        await #expect(throws: WatchError.notFound("nope")) {
            try await engine.weakSignals(WeakSignalsRequest(selection: .watch("nope")))
        }
        await #expect(throws: QueryError.self) {
            try await engine.spikes(SpikesRequest(selection: .query("(velo AND")))
        }
    }

    @Test func spikesFindTheBurstAgainstTheSameHourOfEarlierDays() async throws {
        let engine = try await F.engine(F.burst())
        let result = try await engine.spikes(SpikesRequest(bucket: 3600))
        #expect(result.posts == 236 * 3 + 4 * 30)
        #expect(result.series.counts.count == 240)
        #expect(result.spikes.count == 1)
        #expect(result.spikes.first?.peakCount == 30)
        await #expect(throws: EngineError.self) { try await engine.spikes(SpikesRequest(bucket: 10)) }
    }

    @Test func theBacktestSaysWhenEachItemFirstRanked() async throws {
        let engine = try await F.engine(F.burst())
        let result = try await engine.backtest(BacktestRequest(step: 3600))
        #expect(result.posts == 236 * 3 + 4 * 30)
        let first = try #require(result.backtest.firstRanked["hashtag:nouvelleligne"])
        #expect(first.posts >= 5)
        #expect(result.backtest.evaluations.count > 200)

        let empty = try await F.engine([])
        await #expect {
            try await empty.backtest(BacktestRequest())
        } throws: { error in
            (error as? EngineError)?.code == .noData
        }
    }
}
