import Foundation

/// A sentiment classifier, injected: the text feature's analyser plugs in here. It returns a
/// label (`negative`, `neutral` or `positive`) and a score in −1…1.
public typealias AlertSentimentClassifier = @Sendable (_ text: String, _ language: String?) -> (label: String, score: Double)

/// Settings of ``SentimentShiftDetector``.
public struct SentimentShiftOptions: Sendable, Hashable, Codable {
    /// The recent window and the baseline before it.
    public var window: TimeInterval
    public var baseline: TimeInterval
    /// Posts needed in the window and in the baseline.
    public var minimumPosts: Int
    /// The share of a label must move by at least this much (0.15 = 15 points)…
    public var minimumChange: Double
    /// …with a two-proportion z-score at least this high.
    public var minimumZ: Double
    /// The labels whose rise fires (by default a rise of negative or of positive posts).
    public var labels: [String]

    public init(window: TimeInterval = 86_400, baseline: TimeInterval = 7 * 86_400, minimumPosts: Int = 30,
                minimumChange: Double = 0.15, minimumZ: Double = 3, labels: [String] = ["negative", "positive"]) {
        self.window = window
        self.baseline = baseline
        self.minimumPosts = minimumPosts
        self.minimumChange = minimumChange
        self.minimumZ = minimumZ
        self.labels = labels
    }

    public func validate() throws(TrendOptionError) {
        guard window > 0, baseline > 0 else { throw TrendOptionError("the sentiment window and baseline must be longer than 0") }
        guard minimumPosts >= 1 else { throw TrendOptionError("the sentiment minimum posts must be at least 1") }
        guard minimumChange > 0, minimumChange < 1 else { throw TrendOptionError("the sentiment minimum change is a share between 0 and 1 (e.g. 0.15)") }
        let known: Set<String> = ["negative", "neutral", "positive"]
        for label in labels where !known.contains(label) {
            throw TrendOptionError("unknown sentiment label '\(label)': use negative, neutral or positive")
        }
    }
}

/// A significant change in the share of one sentiment label, with the counts behind it.
public struct SentimentShift: Sendable, Hashable, Codable {
    public var label: String
    public var windowStart: Date
    public var at: Date
    public var windowPosts: Int
    public var windowLabelled: Int
    public var baselinePosts: Int
    public var baselineLabelled: Int
    public var windowShare: Double
    public var baselineShare: Double
    public var z: Double
    /// Mean classifier score in the window and in the baseline.
    public var windowMeanScore: Double
    public var baselineMeanScore: Double
    public var explanation: String
}

/// Compares the share of each label in the recent window with the baseline before it, using a
/// two-proportion z-test, so that a handful of angry posts in a quiet watch does not fire.
public struct SentimentShiftDetector: Sendable {
    public var options: SentimentShiftOptions
    public var classifier: AlertSentimentClassifier

    public init(options: SentimentShiftOptions = SentimentShiftOptions(), classifier: @escaping AlertSentimentClassifier) {
        self.options = options
        self.classifier = classifier
    }

    /// The most significant shift as of `at` among ``SentimentShiftOptions/labels``, if one passes.
    public func shift(in posts: [(time: Date, text: String, language: String?)], at: Date) -> SentimentShift? {
        let windowStart = at.addingTimeInterval(-options.window)
        let baselineStart = windowStart.addingTimeInterval(-options.baseline)
        var windowLabels: [String: Int] = [:], baselineLabels: [String: Int] = [:]
        var windowCount = 0, baselineCount = 0
        var windowScore = 0.0, baselineScore = 0.0
        for post in posts where post.time > baselineStart && post.time <= at {
            let result = classifier(post.text, post.language)
            if post.time > windowStart {
                windowCount += 1
                windowLabels[result.label, default: 0] += 1
                windowScore += result.score
            } else {
                baselineCount += 1
                baselineLabels[result.label, default: 0] += 1
                baselineScore += result.score
            }
        }
        guard windowCount >= options.minimumPosts, baselineCount >= options.minimumPosts else { return nil }
        var best: SentimentShift?
        for label in options.labels {
            let w = windowLabels[label] ?? 0, b = baselineLabels[label] ?? 0
            let p1 = Double(w) / Double(windowCount), p0 = Double(b) / Double(baselineCount)
            let pooled = Double(w + b) / Double(windowCount + baselineCount)
            let se = (pooled * (1 - pooled) * (1 / Double(windowCount) + 1 / Double(baselineCount))).squareRoot()
            guard se > 0 else { continue }
            let z = (p1 - p0) / se
            guard p1 - p0 >= options.minimumChange, z >= options.minimumZ else { continue }
            if let current = best, current.z >= z { continue }
            let explanation = "\(label) posts rose to \(percent(p1)) (\(w) of \(windowCount)) in the last "
                + "\(TrendDuration.format(options.window)) from \(percent(p0)) (\(b) of \(baselineCount)) over the "
                + "\(TrendDuration.format(options.baseline)) before"
                + String(format: ": +%.0f points, z %.1f ≥ %.1f", (p1 - p0) * 100, z, options.minimumZ)
                + String(format: "; mean score %+.2f vs %+.2f", windowScore / Double(windowCount), baselineScore / Double(baselineCount))
            best = SentimentShift(
                label: label, windowStart: windowStart, at: at, windowPosts: windowCount, windowLabelled: w,
                baselinePosts: baselineCount, baselineLabelled: b, windowShare: p1, baselineShare: p0, z: z,
                windowMeanScore: windowScore / Double(windowCount), baselineMeanScore: baselineScore / Double(baselineCount),
                explanation: explanation)
        }
        return best
    }

    private func percent(_ share: Double) -> String { String(format: "%.0f%%", share * 100) }
}
