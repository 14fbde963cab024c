import Foundation

/// Settings of ``WeakSignalDetector``. Every one has a default tuned for precision on
/// `vigie synth` data (see docs/trends-and-alerts.md).
public struct WeakSignalOptions: Sendable, Hashable, Codable {
    /// The recent window that is compared to the baseline.
    public var window: TimeInterval
    /// The period before the window that gives each item's own history.
    public var baseline: TimeInterval
    /// Data must reach back this far before the window; otherwise everything looks new.
    public var minimumHistory: TimeInterval
    /// Support: at least this many posts and distinct authors in the window.
    public var minimumPosts: Int
    public var minimumAuthors: Int
    /// Observed posts over expected posts.
    public var minimumGrowth: Double
    /// Minimum significance (`-log10 p`) to report a signal.
    public var minimumScore: Double
    /// Pseudo-count of baseline posts given to every item: a brand-new item is expected to have
    /// `prior × window volume / baseline volume` posts, not zero, so one or two uses are not news.
    public var prior: Double
    /// Above this share of posts by one author, the signal is flagged ``WeakSignal/Flag/dominantAuthor``.
    public var maximumAuthorShare: Double
    /// A signal with at least ``maximumSynchronizedShare`` of its posts within this span is
    /// flagged ``WeakSignal/Flag/synchronized``.
    public var synchronySpan: TimeInterval
    public var maximumSynchronizedShare: Double
    /// Also flagged ``WeakSignal/Flag/synchronized`` when the densest span is this improbable
    /// (`-log10 p`) for posts spread at random over the window: a scan test, so that a campaign
    /// whose posts are diluted by ordinary uses of the same words is still caught.
    public var maximumSynchronyScore: Double
    /// Flagged ``WeakSignal/Flag/recurring`` when the window holds at most this factor times the
    /// busiest window of the baseline.
    public var recurrenceFactor: Double
    /// How many ranked and flagged signals to keep.
    public var limit: Int
    /// Width of the buckets in ``WeakSignal/buckets``.
    public var bucket: TimeInterval
    /// Kinds of items to rank (all by default).
    public var kinds: Set<TrendItemKind>

    public init(window: TimeInterval = 6 * 3600, baseline: TimeInterval = 14 * 86_400,
                minimumHistory: TimeInterval = 2 * 86_400, minimumPosts: Int = 5, minimumAuthors: Int = 5,
                minimumGrowth: Double = 3, minimumScore: Double = 8, prior: Double = 0.5,
                maximumAuthorShare: Double = 0.5, synchronySpan: TimeInterval = 600,
                maximumSynchronizedShare: Double = 0.5, maximumSynchronyScore: Double = 4, recurrenceFactor: Double = 1.5, limit: Int = 20,
                bucket: TimeInterval = 3600, kinds: Set<TrendItemKind> = Set(TrendItemKind.allCases)) {
        self.window = window
        self.baseline = baseline
        self.minimumHistory = minimumHistory
        self.minimumPosts = minimumPosts
        self.minimumAuthors = minimumAuthors
        self.minimumGrowth = minimumGrowth
        self.minimumScore = minimumScore
        self.prior = prior
        self.maximumAuthorShare = maximumAuthorShare
        self.synchronySpan = synchronySpan
        self.maximumSynchronizedShare = maximumSynchronizedShare
        self.maximumSynchronyScore = maximumSynchronyScore
        self.recurrenceFactor = recurrenceFactor
        self.limit = limit
        self.bucket = bucket
        self.kinds = kinds
    }

    /// Checks ranges; the message names the setting and what to do.
    public func validate() throws(TrendOptionError) {
        guard window > 0 else { throw TrendOptionError("the window must be longer than 0 (e.g. 6h)") }
        guard baseline >= window else { throw TrendOptionError("the baseline (\(TrendDuration.format(baseline))) must be at least as long as the window (\(TrendDuration.format(window)))") }
        guard minimumPosts >= 1, minimumAuthors >= 1 else { throw TrendOptionError("minimum posts and authors must be at least 1") }
        guard minimumGrowth >= 1 else { throw TrendOptionError("the minimum growth must be at least 1 (a ratio, e.g. 3)") }
        guard prior > 0 else { throw TrendOptionError("the prior must be above 0 (e.g. 0.5)") }
        guard limit >= 0 else { throw TrendOptionError("the limit must not be negative") }
        guard bucket > 0 else { throw TrendOptionError("the bucket must be longer than 0 (e.g. 1h)") }
    }
}

/// Ranks items that are new or accelerating against their own history, before they are large.
///
/// For each item carried by posts of the window `(at − window, at]`, the detector counts its
/// posts `r` in the window and `b` in the baseline before it, and expects
/// `λ = (b + prior) × N_window / N_baseline` posts, where `N` are the total posts of each period
/// (so a busier hour or a growing watch does not make everything look like news). The score is
/// `−log10 P(Poisson(λ) ≥ distinct authors)`: counting authors, not posts, discounts one account
/// repeating itself, and the prior keeps one or two uses of a new word from being significant.
/// A signal must also reach a minimum support and growth. Signals that pass but look manufactured
/// or periodic are flagged, not ranked.
public struct WeakSignalDetector: Sendable {
    public var options: WeakSignalOptions

    public init(options: WeakSignalOptions = WeakSignalOptions()) {
        self.options = options
    }

    /// Signals as of `at` (the newest post by default).
    public func report(in index: TrendIndex, at: Date? = nil) -> WeakSignalReport {
        let end = at ?? index.timeRange?.upperBound ?? Date(timeIntervalSince1970: 0)
        let endMillis = end.unixMillis
        let windowMillis = Int64(options.window * 1000)
        let windowStart = endMillis - windowMillis
        let baselineStart = windowStart - Int64(options.baseline * 1000)
        let low = index.firstPost(atOrAfter: windowStart + 1)
        let high = index.firstPost(atOrAfter: endMillis + 1)
        let baseLow = index.firstPost(atOrAfter: baselineStart + 1)
        var report = WeakSignalReport(
            at: end, windowStart: Date(unixMillis: windowStart), baselineStart: Date(unixMillis: baselineStart),
            postsInWindow: high - low, postsInBaseline: low - baseLow, itemsExamined: 0, note: nil,
            signals: [], flagged: [])
        guard let oldest = index.postTime.first, oldest <= windowStart - Int64(options.minimumHistory * 1000) else {
            report.note = "not enough history: signals need data from at least \(TrendDuration.format(options.minimumHistory)) before the window"
            return report
        }
        guard high > low, low > baseLow else {
            report.note = high > low ? "no post in the baseline period" : "no post in the window"
            return report
        }
        let volumeRatio = Double(high - low) / Double(low - baseLow)
        var seen = [Bool](repeating: false, count: index.itemCount)
        var authorCount = [Int32](repeating: 0, count: index.authorCount)
        var candidates: [Candidate] = []
        var examined = 0
        for post in low..<high {
            for slot in index.postItemStart[post]..<index.postItemStart[post + 1] {
                let item = Int(index.postItems[slot])
                if seen[item] { continue }
                seen[item] = true
                guard options.kinds.contains(index.itemKinds[item]) else { continue }
                examined += 1
                let windowFirst = index.slot(of: item, atOrAfter: low)
                let windowEnd = index.slot(of: item, atOrAfter: high)
                let posts = windowEnd - windowFirst
                guard posts >= options.minimumPosts else { continue }
                let baselineFirst = index.slot(of: item, atOrAfter: baseLow)
                let baselinePosts = windowFirst - baselineFirst
                let expected = (Double(baselinePosts) + options.prior) * volumeRatio
                guard Double(posts) >= options.minimumGrowth * expected else { continue }
                var authors = 0
                var top: Int32 = 0
                for s in windowFirst..<windowEnd {
                    let author = Int(index.postAuthor[Int(index.postings[s])])
                    if authorCount[author] == 0 { authors += 1 }
                    authorCount[author] += 1
                    top = max(top, authorCount[author])
                }
                for s in windowFirst..<windowEnd { authorCount[Int(index.postAuthor[Int(index.postings[s])])] = 0 }
                let score = PoissonTail.upperTailScore(authors, lambda: expected)
                guard score >= options.minimumScore else { continue }
                candidates.append(Candidate(
                    item: item, window: windowFirst..<windowEnd, baseline: baselineFirst..<windowFirst,
                    authors: authors, topAuthorPosts: Int(top), expected: expected, score: score))
            }
        }
        report.itemsExamined = examined
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.item < $1.item }
        var accepted: [(candidate: Candidate, signal: WeakSignal)] = []
        var flagged: [WeakSignal] = []
        for candidate in candidates {
            // A phrase in nearly the same posts as a better one is a piece of the same phrase.
            if index.itemKinds[candidate.item] == .phrase,
               let twin = accepted.firstIndex(where: { index.itemKinds[$0.candidate.item] == .phrase
                   && overlap(index, $0.candidate.window, candidate.window) >= 0.8 }) {
                accepted[twin].signal.merged.append(index.itemKinds[candidate.item].display(index.itemKeys[candidate.item]))
                continue
            }
            let signal = makeSignal(candidate, index: index, windowStart: windowStart, endMillis: endMillis)
            if signal.flags.isEmpty {
                if accepted.count < options.limit { accepted.append((candidate, signal)) }
            } else if flagged.count < options.limit {
                flagged.append(signal)
            }
            if accepted.count >= options.limit && flagged.count >= options.limit { break }
        }
        report.signals = accepted.map(\.signal)
        report.flagged = flagged
        return report
    }

    struct Candidate {
        var item: Int
        /// Posting slots in the window and in the baseline.
        var window: Range<Int>
        var baseline: Range<Int>
        var authors: Int
        var topAuthorPosts: Int
        var expected: Double
        var score: Double
    }

    /// Share of the smaller posting range's posts that the other range also holds.
    private func overlap(_ index: TrendIndex, _ a: Range<Int>, _ b: Range<Int>) -> Double {
        var i = a.lowerBound, j = b.lowerBound, common = 0
        while i < a.upperBound, j < b.upperBound {
            let x = index.postings[i], y = index.postings[j]
            if x == y { common += 1; i += 1; j += 1 } else if x < y { i += 1 } else { j += 1 }
        }
        return Double(common) / Double(max(1, min(a.count, b.count)))
    }

    /// The most postings of `slots` within any span of `span` milliseconds.
    private func densest(_ index: TrendIndex, _ slots: Range<Int>, span: Int64) -> Int {
        var best = 0
        var first = slots.lowerBound
        for last in slots {
            let time = index.postTime[Int(index.postings[last])]
            while index.postTime[Int(index.postings[first])] <= time - span { first += 1 }
            best = max(best, last - first + 1)
        }
        return best
    }

    private func makeSignal(_ candidate: Candidate, index: TrendIndex, windowStart: Int64, endMillis: Int64) -> WeakSignal {
        let item = candidate.item
        let kind = index.itemKinds[item]
        let key = index.itemKeys[item]
        let posts = candidate.window.count
        let firstSeen = index.postTime[Int(index.postings[index.postingStart[item]])]
        let synchronized = densest(index, candidate.window, span: Int64(options.synchronySpan * 1000))
        let busiest = densest(index, candidate.baseline, span: Int64(options.window * 1000))
        let bucketMillis = Int64(options.bucket * 1000)
        let bucketCount = max(1, min(720, Int((endMillis - windowStart + bucketMillis - 1) / bucketMillis)))
        var buckets = [Int](repeating: 0, count: bucketCount)
        for s in candidate.window {
            let offset = Int((index.postTime[Int(index.postings[s])] - windowStart - 1) / bucketMillis)
            buckets[min(bucketCount - 1, max(0, offset))] += 1
        }
        var flags: [WeakSignal.Flag] = []
        if candidate.authors < options.minimumAuthors { flags.append(.fewAuthors) }
        let topShare = Double(candidate.topAuthorPosts) / Double(posts)
        if topShare > options.maximumAuthorShare { flags.append(.dominantAuthor) }
        let synchronizedShare = Double(synchronized) / Double(posts)
        // Scan statistic: with posts spread at random, each span expects posts × span / window;
        // Bonferroni over the window's spans.
        let spans = max(1, options.window / options.synchronySpan)
        let synchronyScore = max(0, PoissonTail.upperTailScore(synchronized, lambda: Double(posts) / spans) - log10(spans))
        if synchronizedShare >= options.maximumSynchronizedShare || synchronyScore >= options.maximumSynchronyScore {
            flags.append(.synchronized)
        }
        if busiest > 0, Double(posts) <= options.recurrenceFactor * Double(busiest) { flags.append(.recurring) }
        let display = kind.display(key)
        let growth = Double(posts) / candidate.expected
        var text = "\(display): \(posts) posts from \(candidate.authors) authors in the last \(TrendDuration.format(options.window))"
            + " vs \(Self.format(candidate.expected)) expected from its \(TrendDuration.format(options.baseline)) baseline"
            + " (\(candidate.baseline.count) posts then"
        text += candidate.baseline.isEmpty ? ")" : "; busiest \(TrendDuration.format(options.window)) then: \(busiest))"
        text += "; growth ×\(Self.format(growth)); first seen \(DateParsing.iso8601(Date(unixMillis: firstSeen)))"
        text += String(format: "; significance %.1f", candidate.score)
        if !flags.isEmpty {
            var reasons: [String] = []
            for flag in flags {
                switch flag {
                case .fewAuthors: reasons.append("only \(candidate.authors) authors (minimum \(options.minimumAuthors))")
                case .dominantAuthor: reasons.append("one author wrote \(Int((topShare * 100).rounded()))% of the posts")
                case .synchronized:
                    reasons.append("\(synchronized) of \(posts) posts within \(TrendDuration.format(options.synchronySpan)): a coordinated burst")
                case .recurring: reasons.append("its baseline already had \(busiest) posts in one \(TrendDuration.format(options.window)): it recurs")
                }
            }
            text += "; flagged: " + reasons.joined(separator: ", ")
        }
        return WeakSignal(
            kind: kind, key: key, display: display, posts: posts, authors: candidate.authors,
            expected: candidate.expected, baselinePosts: candidate.baseline.count, growth: growth,
            score: candidate.score, firstSeen: Date(unixMillis: firstSeen), isNew: candidate.baseline.isEmpty,
            busiestBaselineWindow: busiest, topAuthorShare: topShare, synchronizedShare: synchronizedShare,
            flags: flags, buckets: buckets, explanation: text, merged: [])
    }

    /// A count or ratio with as many digits as it needs: 0.037, 1.78, 42.5, 994.
    public static func format(_ value: Double) -> String {
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        if value >= 0.1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }
}
