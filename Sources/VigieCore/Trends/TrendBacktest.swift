import Foundation

/// Weak signals replayed over past data: the detector evaluated every `step` as if it were then,
/// so one can see when each item was first flagged, and how many false signals came with it.
///
/// ```swift
/// let replay = TrendBacktest.run(WeakSignalDetector(), on: index, from: start, through: end, step: 3600)
/// replay.firstRanked["hashtag:projetaurore"]   // when it first entered the ranking
/// ```
public struct TrendBacktest: Sendable, Codable {
    public struct Evaluation: Sendable, Codable {
        public var at: Date
        /// The ranked signals (`kind:key`) in order, with their scores.
        public var ranked: [String]
        public var scores: [Double]
        public var flagged: [String]
    }

    public var step: TimeInterval
    public var evaluations: [Evaluation]
    /// For every item that was ever ranked (`kind:key`): the first evaluation that ranked it,
    /// and the signal as it was then.
    public var firstRanked: [String: WeakSignal]

    /// `kind:key`, the name items have in a backtest.
    public static func name(_ kind: TrendItemKind, _ key: String) -> String { kind.rawValue + ":" + key }

    public static func run(_ detector: WeakSignalDetector, on index: TrendIndex, from start: Date, through end: Date,
                           step: TimeInterval) -> TrendBacktest {
        var result = TrendBacktest(step: step, evaluations: [], firstRanked: [:])
        guard step > 0 else { return result }
        var time = start
        while time <= end {
            let report = detector.report(in: index, at: time)
            let ranked = report.signals.map { name($0.kind, $0.key) }
            for (name, signal) in zip(ranked, report.signals) where result.firstRanked[name] == nil {
                result.firstRanked[name] = signal
            }
            result.evaluations.append(Evaluation(at: time, ranked: ranked, scores: report.signals.map(\.score),
                                                 flagged: report.flagged.map { name($0.kind, $0.key) }))
            time += step
        }
        return result
    }
}
