import Foundation
import VigieCore

/// A replay of weak signals over past data, as if each step were now.
public struct BacktestRequest: Sendable, Hashable {
    public var selection: PostSelection
    public var options: WeakSignalOptions
    /// Time between evaluations, in seconds.
    public var step: TimeInterval
    /// First evaluation; `nil`: the first post, rounded up to a whole step.
    public var from: Date?
    /// Last evaluation; `nil`: the newest post.
    public var through: Date?

    public init(selection: PostSelection = .all, options: WeakSignalOptions = WeakSignalOptions(), step: TimeInterval = 3600,
                from: Date? = nil, through: Date? = nil) {
        self.selection = selection
        self.options = options
        self.step = step
        self.from = from
        self.through = through
    }

    public func validate() throws(EngineError) {
        guard step > 0 else { throw EngineError(.invalidArgument, field: "step", "the step must be longer than 0 (e.g. 1h)") }
        do { try options.validate() } catch { throw error.engineError() }
    }
}

/// Every evaluation of a replay, and when each item first ranked.
public struct BacktestResult: Sendable, Codable {
    /// Posts read (reposts left out) and distinct items.
    public var posts: Int
    public var items: Int
    public var loadSeconds: Double
    public var replaySeconds: Double
    public var backtest: TrendBacktest
    public var notes: [String]
}

extension Engine {
    /// Replays the weak-signal ranking every `step` between two times; scripts/bench-trends
    /// scores it against `vigie synth`'s planted hashtags. Throws `noData` when nothing is read.
    ///
    /// ```swift
    /// let replay = try await engine.backtest(BacktestRequest(step: 3600))
    /// print(replay.backtest.firstRanked.keys.sorted())
    /// ```
    public func backtest(_ request: BacktestRequest) async throws -> BacktestResult {
        try request.validate()
        let clock = ContinuousClock()
        let (extractor, notes) = try trendItemExtractor()
        let loading = clock.now
        let index = try await trendIndex(request.selection, extractor: extractor)
        let loadTime = clock.now - loading
        guard let range = index.timeRange else {
            throw EngineError(.noData, "no post in \(request.selection)")
        }
        let step = request.step
        let start = request.from
            ?? Date(timeIntervalSince1970: (range.lowerBound.timeIntervalSince1970 / step).rounded(.up) * step)
        let end = request.through ?? range.upperBound
        let detector = WeakSignalDetector(options: request.options)
        let replaying = clock.now
        let replay = try await Offload.run { TrendBacktest.run(detector, on: index, from: start, through: end, step: step) }
        return BacktestResult(posts: index.postCount, items: index.itemCount, loadSeconds: loadTime.seconds,
                              replaySeconds: (clock.now - replaying).seconds, backtest: replay, notes: notes)
    }
}
