import Foundation
import Testing
@testable import VigieCore

@Suite struct AlertEvaluatorTests {
    static let start = Date(timeIntervalSince1970: 1_740_787_200)

    /// Ten days of steady posts (6 an hour), then a 4-hour burst (40 an hour) ending at `end`.
    static func posts(burst: Bool, negativeTail: Bool = false) -> (posts: [AlertPost], end: Date) {
        var posts: [AlertPost] = []
        let hours = 10 * 24
        for hour in 0..<hours {
            let perHour = burst && hour >= hours - 4 ? 40 : 6
            for i in 0..<perHour {
                let time = start.addingTimeInterval(Double(hour) * 3600 + Double(i) * 3600 / Double(perHour))
                let negative = negativeTail && hour >= hours - 24 ? i % 2 == 0 : i % 6 == 0
                posts.append(AlertPost(time: time, author: "u\(i)-\(hour % 50)", text: negative ? "service nul" : "très bien", language: "fr"))
            }
        }
        return (posts, start.addingTimeInterval(Double(hours) * 3600 - 1))
    }

    @Test func spikeRuleFiresOnceWithAStableKey() throws {
        let (posts, end) = Self.posts(burst: true)
        let rule = AlertRule(name: "volume", target: .query("velo"), kind: .spike)
        let alerts = try AlertEvaluator().evaluate(rule, posts: posts, at: end)
        let alert = try #require(alerts.first)
        #expect(alerts.count == 1)
        #expect(alert.key == "spike:" + DateParsing.iso8601(end.addingTimeInterval(-4 * 3600 + 1)))
        #expect(alert.spike?.peakCount == 40)
        #expect(alert.summary.contains("volume spike"))
        // The same data without the burst fires nothing.
        let (quiet, quietEnd) = Self.posts(burst: false)
        #expect(try AlertEvaluator().evaluate(rule, posts: quiet, at: quietEnd).isEmpty)
        // A spike older than the lookback does not fire again.
        let later = end.addingTimeInterval(2 * 86_400)
        #expect(try AlertEvaluator().evaluate(rule, posts: posts, at: later).isEmpty)
        // The volume alone fires the same alert, whatever range the series covers beyond the
        // rule's window: what a store counts for a listener's spike rule.
        #expect(AlertInput.need(of: rule) == .volume)
        let wide = VolumeSeries(times: posts.map(\.time), bucket: rule.settings.bucket,
                                from: Self.start.addingTimeInterval(-86_400 * 30), through: end.addingTimeInterval(86_400))
        #expect(try AlertEvaluator().evaluate(rule, input: .volume(wide), at: end) == alerts)
        let narrow = VolumeSeries(times: quiet.map(\.time), bucket: rule.settings.bucket)
        #expect(try AlertEvaluator().evaluate(rule, input: .volume(narrow), at: quietEnd).isEmpty)
    }

    @Test func sentimentRuleNeedsAClassifierAndFiresOnAShift() throws {
        let rule = AlertRule(name: "mood", target: .all, kind: .sentimentShift)
        let (steady, steadyEnd) = Self.posts(burst: false)
        #expect(throws: TrendOptionError.self) { try AlertEvaluator().evaluate(rule, posts: steady, at: steadyEnd) }
        let classifier: AlertSentimentClassifier = { text, _ in
            text.contains("nul") ? ("negative", -0.6) : ("positive", 0.5)
        }
        let evaluator = AlertEvaluator(sentiment: classifier)
        #expect(try evaluator.evaluate(rule, posts: steady, at: steadyEnd).isEmpty)
        let (angry, angryEnd) = Self.posts(burst: false, negativeTail: true)
        let alert = try #require(try evaluator.evaluate(rule, posts: angry, at: angryEnd).first)
        let shift = try #require(alert.sentiment)
        #expect(shift.label == "negative")
        #expect(abs(shift.windowShare - 0.5) < 0.01 && abs(shift.baselineShare - 1.0 / 6) < 0.01)
        #expect(alert.summary.contains("negative posts rose to 50%"))
    }

    @Test func weakSignalRuleFiresForItemsAboveTheScore() throws {
        var (posts, end) = Self.posts(burst: false)
        for i in 0..<25 {
            posts.append(AlertPost(time: end.addingTimeInterval(-Double(i) * 600), author: "n\(i)", text: "on y va #NouveauVelo"))
        }
        let rule = AlertRule(name: "signals", target: .all, kind: .weakSignal)
        let alerts = try AlertEvaluator().evaluate(rule, posts: posts, at: end)
        #expect(alerts.map(\.key) == ["signal:hashtag:nouveauvelo"])
        var strict = rule
        strict.settings.minimumSignalScore = 1000
        #expect(try AlertEvaluator().evaluate(strict, posts: posts, at: end).isEmpty)
    }

    @Test func rulesRejectBadNamesAndURLs() {
        #expect(throws: TrendOptionError.self) { try AlertRule(name: "bad name", target: .all, kind: .spike).validate() }
        #expect(throws: TrendOptionError.self) {
            try AlertRule(name: "ok", target: .all, kind: .spike, webhookURL: "ftp://example.org").validate()
        }
        #expect(throws: Never.self) {
            try AlertRule(name: "ok", target: .all, kind: .spike, webhookURL: "http://127.0.0.1:9/hook").validate()
        }
    }

    @Test func retryPolicyBacksOffExponentiallyWithACap() {
        let policy = RetryPolicy(maximumAttempts: 6, initialDelay: 1, multiplier: 2, maximumDelay: 5)
        #expect((1...6).map(policy.delay(before:)) == [0, 1, 2, 4, 5, 5])
        #expect(RetryPolicy.isRetryable(status: 503) && RetryPolicy.isRetryable(status: 429))
        #expect(!RetryPolicy.isRetryable(status: 404) && !RetryPolicy.isRetryable(status: 400))
    }
}
