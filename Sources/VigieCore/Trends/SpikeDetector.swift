import Foundation

/// Post counts in consecutive buckets of equal width (aligned on multiples of the width since
/// 1970, so hours start at :00 UTC).
public struct VolumeSeries: Sendable, Hashable, Codable {
    public var start: Date
    public var bucket: TimeInterval
    public var counts: [Int]

    public init(start: Date, bucket: TimeInterval, counts: [Int]) {
        self.start = start
        self.bucket = bucket
        self.counts = counts
    }

    /// Counts `times` into buckets from the bucket holding `from` (default: the first time)
    /// through the one holding `through` (default: the last time).
    public init(times: [Date], bucket: TimeInterval, from: Date? = nil, through: Date? = nil) {
        self.bucket = bucket
        guard let first = from ?? times.min(), let last = through ?? times.max(), last >= first else {
            self.start = from ?? Date(timeIntervalSince1970: 0)
            self.counts = []
            return
        }
        let firstBucket = (first.timeIntervalSince1970 / bucket).rounded(.down)
        let lastBucket = (last.timeIntervalSince1970 / bucket).rounded(.down)
        start = Date(timeIntervalSince1970: firstBucket * bucket)
        var counts = [Int](repeating: 0, count: Int(lastBucket - firstBucket) + 1)
        for time in times {
            let offset = Int((time.timeIntervalSince1970 / bucket).rounded(.down) - firstBucket)
            if offset >= 0 && offset < counts.count { counts[offset] += 1 }
        }
        self.counts = counts
    }

    public func time(ofBucket index: Int) -> Date { start.addingTimeInterval(Double(index) * bucket) }

    /// Zero counts from the bucket holding `range.lowerBound` through the one holding the last
    /// instant of `range`: what a store fills when it counts in SQL, a row's bucket being
    /// `(created_at - startMillis) / bucketMillis`.
    public init(zerosCovering range: Range<Date>, bucket: TimeInterval) {
        self.init(times: [], bucket: bucket, from: range.lowerBound,
                  through: max(range.lowerBound, range.upperBound.addingTimeInterval(-0.001)))
    }

    /// The first bucket's start and the width, in Unix milliseconds.
    public var startMillis: Int64 { start.unixMillis }
    public var bucketMillis: Int64 { max(1, Int64((bucket * 1000).rounded())) }

    /// Adds `count` to bucket `index` (ignored outside the series).
    public mutating func add(_ count: Int, toBucket index: Int64) {
        guard index >= 0, index < Int64(counts.count) else { return }
        counts[Int(index)] += count
    }

    /// The buckets from the one holding `from` through the one holding `through`, with this
    /// series' counts where the two overlap (same width; the others are zero).
    public func restricted(from: Date, through: Date) -> VolumeSeries {
        var result = VolumeSeries(times: [], bucket: bucket, from: from, through: max(from, through))
        let shift = ((start.timeIntervalSince1970 - result.start.timeIntervalSince1970) / bucket).rounded()
        for (index, count) in counts.enumerated() where count != 0 {
            result.add(count, toBucket: Int64(shift) + Int64(index))
        }
        return result
    }
}

/// Settings of ``SpikeDetector``, tuned for precision: an alert must be both far above the
/// usual level and last.
public struct SpikeOptions: Sendable, Hashable, Codable {
    /// Robust z-score (distance from the baseline median in robust spreads) a bucket must reach.
    public var threshold: Double
    /// The bucket must also be this many times the baseline…
    public var minimumRatio: Double
    /// …and hold at least this many posts.
    public var minimumCount: Int
    /// Consecutive buckets above threshold before the spike fires.
    public var persistence: Int
    /// An active spike resolves at the first bucket whose z-score falls below this.
    public var resolveBelow: Double
    /// Days of the same bucket of the day that make the seasonal baseline.
    public var seasonalDays: Int

    public init(threshold: Double = 4, minimumRatio: Double = 1.5, minimumCount: Int = 5, persistence: Int = 2,
                resolveBelow: Double = 2, seasonalDays: Int = 7) {
        self.threshold = threshold
        self.minimumRatio = minimumRatio
        self.minimumCount = minimumCount
        self.persistence = persistence
        self.resolveBelow = resolveBelow
        self.seasonalDays = seasonalDays
    }

    public func validate() throws(TrendOptionError) {
        guard threshold > 0 else { throw TrendOptionError("the spike threshold must be above 0 (a robust z-score, e.g. 4)") }
        guard minimumRatio >= 1 else { throw TrendOptionError("the minimum ratio must be at least 1 (e.g. 1.5)") }
        guard persistence >= 1 else { throw TrendOptionError("the persistence must be at least 1 bucket") }
        guard resolveBelow <= threshold else { throw TrendOptionError("resolve-below (\(resolveBelow)) must not exceed the threshold (\(threshold))") }
        guard seasonalDays >= 3 else { throw TrendOptionError("seasonal days must be at least 3") }
    }
}

/// A run of buckets well above their baseline that lasted long enough to fire.
public struct Spike: Sendable, Hashable, Codable {
    /// The first bucket above threshold, the bucket where persistence was reached (when an
    /// alert goes out), and the first bucket back below ``SpikeOptions/resolveBelow`` (`nil`
    /// while it lasts).
    public var start: Date
    public var firedAt: Date
    public var resolvedAt: Date?
    public var peakAt: Date
    public var peakCount: Int
    /// The baseline median and robust spread at the peak, and the peak's z-score.
    public var baselineAtPeak: Double
    public var spreadAtPeak: Double
    public var peakZ: Double
    /// Posts in the spike's buckets, and what the baseline expected there.
    public var observed: Int
    public var expected: Double
    /// How the baseline was made: `same hour over N days` or `previous N buckets`.
    public var baselineMethod: String
    public var threshold: Double
    public var persistence: Int
    public var explanation: String
}

/// Finds spikes in a volume series.
///
/// The baseline of a bucket is the median of the same bucket of the day over the previous
/// ``SpikeOptions/seasonalDays`` days (hour-of-day seasonality); a bucket with fewer than three
/// such days is not judged. Buckets of a day or more use the median of the previous 14 buckets. Its spread is the median absolute deviation
/// (× 1.4826), never below the Poisson spread `√median` nor 1. A bucket is *above* when its
/// robust z-score reaches the threshold, its count the minimum ratio and count; a spike fires
/// after ``SpikeOptions/persistence`` buckets above in a row and resolves when the z-score falls
/// below ``SpikeOptions/resolveBelow``.
public struct SpikeDetector: Sendable {
    public var options: SpikeOptions

    public init(options: SpikeOptions = SpikeOptions()) { self.options = options }

    public struct Baseline: Sendable, Hashable {
        public var median: Double
        public var spread: Double
        public var method: String
    }

    /// The baseline of bucket `index`, or `nil` without enough history.
    public func baseline(of series: VolumeSeries, at index: Int) -> Baseline? {
        let counts = series.counts
        var samples: [Double] = []
        var method = ""
        let perDay = 86_400 / series.bucket
        if series.bucket < 86_400, perDay == perDay.rounded() {
            let period = Int(perDay)
            var day = 1
            while day <= options.seasonalDays, index - day * period >= 0 {
                samples.append(Double(counts[index - day * period]))
                day += 1
            }
            method = "median of the same \(TrendDuration.format(series.bucket)) of the day over \(samples.count) days"
        }
        if !method.isEmpty, samples.count < 3 {
            // Without three days, a sub-daily baseline cannot tell the daily rhythm from a spike:
            // judging afternoons against nights is the commonest false alert.
            return nil
        }
        if samples.count < 3 {
            samples = (max(0, index - 14)..<index).map { Double(counts[$0]) }
            method = "median of the previous \(samples.count) buckets"
            if samples.count < 5 { return nil }
        }
        let median = Self.median(samples)
        let mad = Self.median(samples.map { abs($0 - median) }) * 1.4826
        return Baseline(median: median, spread: max(mad, median.squareRoot(), 1), method: method)
    }

    public func detect(in series: VolumeSeries) -> [Spike] {
        var spikes: [Spike] = []
        var runStart: Int?
        var active: Int?   // index in `spikes`
        var runObserved = 0
        var runExpected = 0.0
        var peak: (index: Int, count: Int, baseline: Baseline, z: Double)?
        for index in series.counts.indices {
            guard let baseline = baseline(of: series, at: index) else { continue }
            let count = series.counts[index]
            let z = (Double(count) - baseline.median) / baseline.spread
            let above = z >= options.threshold && count >= options.minimumCount
                && Double(count) >= options.minimumRatio * baseline.median
            if let spikeIndex = active {
                if z < options.resolveBelow {
                    spikes[spikeIndex].resolvedAt = series.time(ofBucket: index)
                    if let peak { update(&spikes[spikeIndex], series: series, peak: peak, observed: runObserved, expected: runExpected) }
                    active = nil
                    runStart = nil
                    peak = nil
                    continue
                }
                runObserved += count
                runExpected += baseline.median
                if count > spikes[spikeIndex].peakCount { peak = (index, count, baseline, z) }
                update(&spikes[spikeIndex], series: series, peak: peak!, observed: runObserved, expected: runExpected)
                continue
            }
            guard above else {
                runStart = nil
                peak = nil
                continue
            }
            if runStart == nil {
                runStart = index
                runObserved = 0
                runExpected = 0
                peak = nil
            }
            runObserved += count
            runExpected += baseline.median
            if peak == nil || count > peak!.count { peak = (index, count, baseline, z) }
            if index - runStart! + 1 >= options.persistence {
                var spike = Spike(
                    start: series.time(ofBucket: runStart!), firedAt: series.time(ofBucket: index), resolvedAt: nil,
                    peakAt: series.time(ofBucket: index), peakCount: count, baselineAtPeak: 0, spreadAtPeak: 0, peakZ: 0,
                    observed: 0, expected: 0, baselineMethod: "", threshold: options.threshold,
                    persistence: options.persistence, explanation: "")
                update(&spike, series: series, peak: peak!, observed: runObserved, expected: runExpected)
                spikes.append(spike)
                active = spikes.count - 1
            }
        }
        return spikes
    }

    private func update(_ spike: inout Spike, series: VolumeSeries, peak: (index: Int, count: Int, baseline: Baseline, z: Double),
                        observed: Int, expected: Double) {
        spike.peakAt = series.time(ofBucket: peak.index)
        spike.peakCount = peak.count
        spike.baselineAtPeak = peak.baseline.median
        spike.spreadAtPeak = peak.baseline.spread
        spike.peakZ = peak.z
        spike.observed = observed
        spike.expected = expected
        spike.baselineMethod = peak.baseline.method
        let bucket = TrendDuration.format(series.bucket)
        spike.explanation = "volume spike: \(peak.count) posts in the \(bucket) from \(DateParsing.iso8601(spike.peakAt))"
            + " vs a baseline of \(WeakSignalDetector.format(peak.baseline.median)) (\(peak.baseline.method),"
            + " spread \(WeakSignalDetector.format(peak.baseline.spread)))"
            + String(format: ": robust z %.1f ≥ %.1f", peak.z, options.threshold)
            + " and ×\(WeakSignalDetector.format(Double(peak.count) / max(peak.baseline.median, 1)))"
            + " ≥ ×\(WeakSignalDetector.format(options.minimumRatio));"
            + " above threshold for \(options.persistence) consecutive buckets from \(DateParsing.iso8601(spike.start))"
            + " (persistence \(options.persistence)), fired at \(DateParsing.iso8601(spike.firedAt));"
            + " \(observed) posts vs \(WeakSignalDetector.format(expected)) expected while it lasted"
            + (spike.resolvedAt.map { "; resolved at \(DateParsing.iso8601($0))" } ?? "; still active")
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
