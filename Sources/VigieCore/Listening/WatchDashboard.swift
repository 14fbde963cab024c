import Foundation

/// What a watch shows over a period, each figure next to the previous period of the same length.
/// Built by ``DashboardBuilder`` from the watch's matched posts; pure data, `Codable` for JSON.
public struct WatchDashboard: Sendable, Hashable, Codable {
    public var watch: String
    public var query: String
    public var timeZone: String
    public var bucket: BucketSize
    public var period: Period
    public var previousPeriod: Period
    /// Matched posts per bucket of the period.
    public var volume: [VolumePoint]
    public var posts: Figure
    public var uniqueAuthors: Figure
    public var engagement: Engagement
    /// `nil` when no sentiment classifier was given ("not available").
    public var sentiment: SentimentSplit?
    public var top: TopEntities

    public struct Period: Sendable, Hashable, Codable {
        public var start: Date
        public var end: Date
    }

    public struct VolumePoint: Sendable, Hashable, Codable {
        public var start: Date
        /// The bucket's start in the dashboard's time zone (`2025-03-30T00:00:00+02:00`).
        public var label: String
        public var posts: Int
    }

    /// A count now and in the previous period.
    public struct Figure: Sendable, Hashable, Codable {
        public var current: Int
        public var previous: Int
        public init(current: Int, previous: Int) {
            self.current = current
            self.previous = previous
        }
        /// Relative change (0.25 is +25%); `nil` when the previous period had nothing.
        public var change: Double? { previous == 0 ? nil : Double(current - previous) / Double(previous) }
    }

    /// Totals of the post metrics the sources gave (likes, reposts, replies, quotes).
    public struct Engagement: Sendable, Hashable, Codable {
        public var likes: Figure
        public var reposts: Figure
        public var replies: Figure
        public var quotes: Figure
        /// Matched posts that carried metrics at all, in the period.
        public var postsWithMetrics: Int
    }

    public struct SentimentSplit: Sendable, Hashable, Codable {
        public var negative: Figure
        public var neutral: Figure
        public var positive: Figure
        /// Posts the classifier gave no label to.
        public var unclassified: Figure
    }

    /// One ranked value: how many matched posts carry it now and in the previous period.
    public struct Entry: Sendable, Hashable, Codable {
        public var value: String
        public var count: Int
        public var previous: Int
        public init(value: String, count: Int, previous: Int) {
            self.value = value
            self.count = count
            self.previous = previous
        }
        /// Relative change; `nil` when it was absent in the previous period (new).
        public var change: Double? { previous == 0 ? nil : Double(count - previous) / Double(previous) }
    }

    public struct TopEntities: Sendable, Hashable, Codable {
        public var hashtags: [Entry]
        public var terms: [Entry]
        public var domains: [Entry]
        public var mentions: [Entry]
        public var authors: [Entry]
    }
}

/// Share of voice between several watches over the same period: each watch's matched posts over
/// the sum for all of them (a post matched by two watches counts for both, as listening tools do).
public struct ShareOfVoice: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var watch: String
        public var posts: WatchDashboard.Figure
        /// Share in the period and in the previous period, 0...1.
        public var share: Double
        public var previousShare: Double
        /// Per bucket of the period, the watch's share (0 where no watch had posts).
        public var shareByBucket: [Double]
        /// Change of share in percentage points.
        public var changePoints: Double { (share - previousShare) * 100 }
    }

    public var entries: [Entry]

    public init(_ dashboards: [WatchDashboard]) {
        let total = dashboards.reduce(0) { $0 + $1.posts.current }
        let previousTotal = dashboards.reduce(0) { $0 + $1.posts.previous }
        let buckets = dashboards.map(\.volume.count).max() ?? 0
        var bucketTotals = Array(repeating: 0, count: buckets)
        for dashboard in dashboards {
            for (i, point) in dashboard.volume.enumerated() { bucketTotals[i] += point.posts }
        }
        entries = dashboards.map { dashboard in
            Entry(watch: dashboard.watch, posts: dashboard.posts,
                  share: total == 0 ? 0 : Double(dashboard.posts.current) / Double(total),
                  previousShare: previousTotal == 0 ? 0 : Double(dashboard.posts.previous) / Double(previousTotal),
                  shareByBucket: dashboard.volume.enumerated().map { i, point in
                      bucketTotals[i] == 0 ? 0 : Double(point.posts) / Double(bucketTotals[i])
                  })
        }
    }
}

/// Accumulates a watch's matched posts, of the period and of the previous one, into a dashboard.
///
/// ```swift
/// var builder = DashboardBuilder(watch: watch, buckets: buckets, analyzers: DashboardAnalyzers())
/// for post in matchedPosts(in: builder.range) { builder.add(post) }
/// let dashboard = builder.build()
/// ```
/// Memory grows with distinct values (authors, hashtags, terms), not with posts.
public struct DashboardBuilder {
    public let watch: Watch
    public let buckets: TimeBuckets
    public let previousBuckets: TimeBuckets
    public let analyzers: DashboardAnalyzers
    public let topCount: Int

    /// Everything to feed to ``add(_:)``: the previous period followed by the period.
    public var range: Range<Date> { previousBuckets.range.lowerBound..<buckets.range.upperBound }

    private var volume: [Int]
    private var side = [Side(), Side()]  // 0: the period, 1: the previous period

    private struct Side {
        var posts = 0
        var authors = Set<String>()
        var likes = 0, reposts = 0, replies = 0, quotes = 0
        var withMetrics = 0
        var sentiment: [SentimentLabel: Int] = [:]
        var unclassified = 0
        var hashtags: [String: Int] = [:]
        var terms: [String: Int] = [:]
        var domains: [String: Int] = [:]
        var mentions: [String: Int] = [:]
        var authorPosts: [String: Int] = [:]
    }

    /// Display names of authors, by `platform:id`.
    private var authorNames: [String: String] = [:]

    public init(watch: Watch, buckets: TimeBuckets, analyzers: DashboardAnalyzers = DashboardAnalyzers(), topCount: Int = 10) {
        self.watch = watch
        self.buckets = buckets
        previousBuckets = buckets.previous
        self.analyzers = analyzers
        self.topCount = topCount
        volume = Array(repeating: 0, count: buckets.count)
    }

    /// What the text analyses say of one post: its sentiment (`nil` inside: unclassified; the
    /// outer `nil`: no classifier) and its terms.
    public struct TextAnalysis: Sendable {
        public var sentiment: SentimentLabel??
        public var terms: [String]

        public init(sentiment: SentimentLabel??, terms: [String]) {
            self.sentiment = sentiment
            self.terms = terms
        }
    }

    /// The text analyses of `post` with ``analyzers``.
    public func analyse(_ post: Post) -> TextAnalysis { Self.analyse(post, with: analyzers) }

    static func analyse(_ post: Post, with analyzers: DashboardAnalyzers) -> TextAnalysis {
        TextAnalysis(sentiment: analyzers.postSentiment.map { $0(post) } ?? analyzers.sentiment.map { $0(post.text, post.language) },
                     terms: analyzers.terms(post.text, post.language))
    }

    /// Counts a matched post; posts outside ``range`` are ignored.
    public mutating func add(_ post: Post) {
        guard let s = period(of: post) else { return }
        count(post, side: s, analysis: analyse(post))
    }

    /// Counts matched posts, in order, as ``add(_:)`` does each; their text analyses (most of the
    /// time: sentiment and terms) run on every core first, in child tasks.
    public mutating func add(_ posts: [Post]) async {
        count(await pageAnalyzer.analyse(posts))
    }

    /// What analyses a page of posts apart from the builder, so that a page can be analysed while
    /// the next one is read, and counted after (``count(_:)``).
    public var pageAnalyzer: PageAnalyzer {
        PageAnalyzer(buckets: buckets, previousBuckets: previousBuckets, analyzers: analyzers)
    }

    /// Analyses pages of posts for a ``DashboardBuilder``: keeps the posts of its two periods and
    /// runs their text analyses on every core.
    public struct PageAnalyzer: Sendable {
        let buckets: TimeBuckets
        let previousBuckets: TimeBuckets
        let analyzers: DashboardAnalyzers

        public func analyse(_ posts: [Post]) async -> AnalysedPage {
            let kept: [(post: Post, side: Int)] = posts.compactMap { post in
                DashboardBuilder.period(of: post, buckets: buckets, previousBuckets: previousBuckets).map { (post, $0) }
            }
            let analyzers = self.analyzers
            let analyses = await Parallel.map(kept.map(\.post)) { DashboardBuilder.analyse($0, with: analyzers) }
            return AnalysedPage(posts: kept.map(\.post), sides: kept.map(\.side), analyses: analyses)
        }
    }

    /// A page's posts that fall in the two periods, with their text analyses.
    public struct AnalysedPage: Sendable {
        let posts: [Post]
        let sides: [Int]
        let analyses: [TextAnalysis]
    }

    /// Counts an analysed page, in order.
    public mutating func count(_ page: AnalysedPage) {
        for index in page.posts.indices {
            count(page.posts[index], side: page.sides[index], analysis: page.analyses[index])
        }
    }

    /// 0: the period, 1: the previous period, `nil`: outside both.
    private func period(of post: Post) -> Int? {
        Self.period(of: post, buckets: buckets, previousBuckets: previousBuckets)
    }

    static func period(of post: Post, buckets: TimeBuckets, previousBuckets: TimeBuckets) -> Int? {
        if buckets.index(of: post.createdAt) != nil { return 0 }
        return previousBuckets.range.contains(post.createdAt) ? 1 : nil
    }

    private mutating func count(_ post: Post, side s: Int, analysis: TextAnalysis) {
        if s == 0, let index = buckets.index(of: post.createdAt) { volume[index] += 1 }
        side[s].posts += 1
        let author = post.platform.rawValue + ":" + post.authorID
        side[s].authors.insert(author)
        side[s].authorPosts[author, default: 0] += 1
        if let handle = post.authorHandle, !handle.isEmpty {
            authorNames[author] = "@" + handle
        }
        if let metrics = post.metrics {
            side[s].withMetrics += 1
            side[s].likes += metrics.likes ?? 0
            side[s].reposts += metrics.reposts ?? 0
            side[s].replies += metrics.replies ?? 0
            side[s].quotes += metrics.quotes ?? 0
        }
        if let classified = analysis.sentiment {
            if let label = classified {
                side[s].sentiment[label, default: 0] += 1
            } else {
                side[s].unclassified += 1
            }
        }
        for tag in Set(post.hashtags.map { $0.lowercased() }) { side[s].hashtags[tag, default: 0] += 1 }
        for term in Set(analysis.terms) { side[s].terms[term, default: 0] += 1 }
        var domains = Set<String>()
        for link in post.urls {
            guard var host = MatchDocument.host(of: link) else { continue }
            if host.hasPrefix("www.") { host.removeFirst(4) }
            domains.insert(host)
        }
        for domain in domains { side[s].domains[domain, default: 0] += 1 }
        for handle in Set(post.mentions.map { $0.handle.lowercased() }) { side[s].mentions[handle, default: 0] += 1 }
    }

    public func build() -> WatchDashboard {
        let now = side[0], before = side[1]
        func figure(_ value: KeyPath<Side, Int>) -> WatchDashboard.Figure {
            .init(current: now[keyPath: value], previous: before[keyPath: value])
        }
        func top(_ counts: KeyPath<Side, [String: Int]>, display: (String) -> String = { $0 }) -> [WatchDashboard.Entry] {
            now[keyPath: counts]
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(topCount)
                .map { .init(value: display($0.key), count: $0.value, previous: before[keyPath: counts][$0.key] ?? 0) }
        }
        var sentiment: WatchDashboard.SentimentSplit?
        if analyzers.sentiment != nil {
            func label(_ l: SentimentLabel) -> WatchDashboard.Figure {
                .init(current: now.sentiment[l] ?? 0, previous: before.sentiment[l] ?? 0)
            }
            sentiment = .init(negative: label(.negative), neutral: label(.neutral), positive: label(.positive),
                              unclassified: figure(\.unclassified))
        }
        return WatchDashboard(
            watch: watch.name,
            query: watch.query,
            timeZone: buckets.timeZone.identifier,
            bucket: buckets.size,
            period: .init(start: buckets.range.lowerBound, end: buckets.range.upperBound),
            previousPeriod: .init(start: previousBuckets.range.lowerBound, end: previousBuckets.range.upperBound),
            volume: volume.enumerated().map { i, count in
                .init(start: buckets.boundaries[i], label: buckets.label(i), posts: count)
            },
            posts: figure(\.posts),
            uniqueAuthors: .init(current: now.authors.count, previous: before.authors.count),
            engagement: .init(likes: figure(\.likes), reposts: figure(\.reposts), replies: figure(\.replies),
                              quotes: figure(\.quotes), postsWithMetrics: now.withMetrics),
            sentiment: sentiment,
            top: .init(hashtags: top(\.hashtags, display: { "#" + $0 }), terms: top(\.terms), domains: top(\.domains),
                       mentions: top(\.mentions, display: { "@" + $0 }),
                       authors: top(\.authorPosts, display: { authorNames[$0] ?? $0 })))
    }
}

extension WatchStore {
    /// A watch's dashboard over `buckets` (and the previous period of the same length), from its
    /// matched posts, brought up to date first. The text analyses of each page run on every core
    /// while the store reads the next page.
    public func dashboard(named name: String, workspace: String, buckets: TimeBuckets,
                          analyzers: DashboardAnalyzers = DashboardAnalyzers(), topCount: Int = 10) async throws -> WatchDashboard {
        guard let watch = try await watch(named: name, workspace: workspace) else { throw WatchError.notFound(name) }
        var builder = DashboardBuilder(watch: watch, buckets: buckets, analyzers: analyzers, topCount: topCount)
        let analyzer = builder.pageAnalyzer
        var pages = watchedPosts(named: name, workspace: workspace, in: builder.range).makeAsyncIterator()
        // Store pages gathered into larger batches: fewer hand-overs between the store's thread
        // and the analysing tasks, which cost the most on a busy machine.
        func nextBatch() async throws -> [Post]? {
            var batch: [Post] = []
            while batch.count < dashboardBatch, let page = try await pages.next() { batch += page }
            return batch.isEmpty ? nil : batch
        }
        var next = try await nextBatch()
        while let batch = next {
            async let analysed = analyzer.analyse(batch)
            next = try await nextBatch()
            builder.count(await analysed)
        }
        return builder.build()
    }

    /// Posts analysed at once by ``dashboard(named:workspace:buckets:analyzers:topCount:)``.
    var dashboardBatch: Int { 8_192 }
}
