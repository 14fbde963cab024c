import Foundation
import VigieCore

/// Weak signals to rank: what is new or accelerating in some posts, as of a time.
public struct WeakSignalsRequest: Sendable, Hashable {
    public var selection: PostSelection
    public var options: WeakSignalOptions
    /// Judge as of this time; `nil`: the newest post read.
    public var at: Date?
    /// Start of the recent window instead of ``WeakSignalOptions/window``: what emerged since then.
    /// The baseline then grows to the window's length when it is shorter.
    public var since: Date?

    public init(selection: PostSelection = .all, options: WeakSignalOptions = WeakSignalOptions(), at: Date? = nil,
                since: Date? = nil) {
        self.selection = selection
        self.options = options
        self.at = at
        self.since = since
    }

    public func validate() throws(EngineError) {
        do { try options.validate() } catch { throw error.engineError() }
    }
}

/// The ranked signals, and the settings they were ranked with.
public struct WeakSignalsResult: Sendable, Codable {
    public var report: WeakSignalReport
    /// ``WeakSignalsRequest/options`` as applied (window from `since`, baseline at least the window).
    public var options: WeakSignalOptions
    public var notes: [String]
}

extension Engine {
    /// Ranks the terms, hashtags, links, domains, mentions and phrases that are new or
    /// accelerating against their own history; bursts that look manufactured or periodic are
    /// listed apart as flagged. docs/trends-and-alerts.md describes the statistics.
    ///
    /// ```swift
    /// let result = try await engine.weakSignals(WeakSignalsRequest(selection: .watch("velo")))
    /// for signal in result.report.signals { print(signal.explanation) }
    /// ```
    public func weakSignals(_ request: WeakSignalsRequest) async throws -> WeakSignalsResult {
        try request.validate()
        let (extractor, notes) = try trendItemExtractor()
        let index = try await trendIndex(request.selection, extractor: extractor)
        let at = request.at ?? index.timeRange?.upperBound
        var options = request.options
        if let since = request.since, let at {
            guard since < at else {
                throw EngineError(.invalidArgument, field: "since",
                                  "the start of the window must be before the evaluation time \(DateParsing.iso8601(at))")
            }
            options.window = at.timeIntervalSince(since)
        }
        if options.baseline < options.window { options.baseline = options.window }
        let detector = WeakSignalDetector(options: options)
        let report = try await Offload.run { detector.report(in: index, at: at) }
        return WeakSignalsResult(report: report, options: options, notes: notes)
    }
}
