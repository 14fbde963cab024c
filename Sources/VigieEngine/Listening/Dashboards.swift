import Foundation
import Synchronization
import VigieCore

/// One end of a dashboard period: a calendar day (local midnight in the dashboard's time zone;
/// as an end, the day is included) or an exact instant.
public enum PeriodBound: Sendable, Hashable, Codable {
    case day(year: Int, month: Int, day: Int)
    case instant(Date)

    /// `2025-03-01` is a day; `2025-03-01T12:00:00Z` (or any form ``DateParsing`` reads) an instant.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        if text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) {
            self = .day(year: year, month: month, day: day)
            return
        }
        guard let date = DateParsing.parse(text) else { return nil }
        self = .instant(date)
    }

    /// The instant in `zone`; as an `end`, a day moves to the next midnight so that it is included.
    func date(in zone: TimeZone, end: Bool) -> Date? {
        switch self {
        case .instant(let date):
            return date
        case .day(let year, let month, let day):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            guard let midnight = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
            return end ? calendar.date(byAdding: .day, value: 1, to: midnight) : midnight
        }
    }
}

/// The dashboards to build: one per watch over the same period, with share of voice when there
/// are several.
public struct DashboardRequest: Sendable, Hashable {
    public var watches: [String]
    public var bucket: BucketSize
    /// Start of the period; `nil`: as many buckets as ``BucketSize/defaultCount`` before the end.
    public var since: PeriodBound?
    /// End of the period (exclusive; a day is included); `nil`: now when `since` is given, else
    /// the newest match of the watches, so that old data shows too.
    public var until: PeriodBound?
    /// An IANA time zone for the buckets; `nil`: the workspace's (see ``Engine/setDashboardTimeZone(_:)``).
    public var timeZone: String?
    /// Entries in each top list.
    public var top: Int
    /// Measure each phase (``DashboardResult/timings``).
    public var timings: Bool

    public init(watches: [String], bucket: BucketSize = .day, since: PeriodBound? = nil, until: PeriodBound? = nil,
                timeZone: String? = nil, top: Int = 10, timings: Bool = false) {
        self.watches = watches
        self.bucket = bucket
        self.since = since
        self.until = until
        self.timeZone = timeZone
        self.top = top
        self.timings = timings
    }

    public func validate() throws(EngineError) {
        guard !watches.isEmpty else { throw EngineError(.invalidArgument, field: "watches", "name at least one watch") }
        guard top >= 0 else { throw EngineError(.invalidArgument, field: "top", "the number of top entries must not be negative") }
        if let timeZone { _ = try Engine.timeZone(timeZone, field: "timezone") }
    }
}

/// Dashboards of one period, with the share of voice when there are several watches.
public struct DashboardResult: Sendable, Codable {
    public var dashboards: [WatchDashboard]
    public var shareOfVoice: ShareOfVoice?
    /// The refresh of each watch that preceded the dashboards, in the order asked.
    public var refreshes: [WatchRefresh]
    /// Set when the request asked for timings.
    public var timings: DashboardTimings?
    /// What the dashboards did without (language data, sentiment model).
    public var notes: [String]
}

/// Where a dashboard's time went, in milliseconds.
public struct DashboardTimings: Sendable, Hashable, Codable {
    /// Bringing the watches up to date.
    public var refresh: Double
    /// Everything after the refresh: the sum of the next three.
    public var dashboard: Double
    /// Working out the period (time zone, newest match).
    public var period: Double
    /// Loading the lexicons and the sentiment model.
    public var resources: Double
    /// Reading, analysing and counting the matched posts.
    public var posts: Double
    /// Time spent inside the sentiment and term analyses, summed over the threads that ran
    /// them (they run on ``cores`` cores at once, so this can exceed ``posts``).
    public var sentiment: Double
    public var terms: Double
    public var cores: Int
    /// Posts of the two periods that were read.
    public var postsRead: Int
    public var newPostsTested: Int
    public var changedPostsRetested: Int
}

extension Engine {
    /// Builds the dashboard of each watch over one period — volume per bucket, authors,
    /// engagement, sentiment, top hashtags/terms/domains/mentions/authors, each against the
    /// previous period of the same length — and their share of voice. Each watch is brought up
    /// to date first; the text analyses run on every core.
    ///
    /// ```swift
    /// let result = try await engine.dashboards(DashboardRequest(watches: ["velo", "climat"], bucket: .day,
    ///                                                           since: PeriodBound("2025-03-01")))
    /// print(result.shareOfVoice?.entries.map(\.share) ?? [])
    /// ```
    public func dashboards(_ request: DashboardRequest) async throws -> DashboardResult {
        try request.validate()
        let clock = ContinuousClock()
        let started = clock.now
        var refreshes: [WatchRefresh] = []
        for name in request.watches {
            refreshes.append(try await store.refreshWatch(named: name, workspace: workspace))
        }
        let refreshed = clock.now
        let buckets = try await dashboardBuckets(request)
        let spanned = clock.now
        let (loadedAnalyzers, resourceNotes) = try resources.dashboardAnalyzers()
        var analyzers = loadedAnalyzers
        let loaded = clock.now
        let sentimentClock = ThreadTime(), termsClock = ThreadTime()
        if request.timings {
            if let sentiment = analyzers.sentiment {
                analyzers.sentiment = { text, language in sentimentClock.time { sentiment(text, language) } }
            }
            let terms = analyzers.terms
            analyzers.terms = { text, language in termsClock.time { terms(text, language) } }
        }
        var dashboards: [WatchDashboard] = []
        var notes = resourceNotes
        for name in request.watches {
            try Task.checkCancellation()
            // Stored sentiment labels first; the model runs only on posts without one (issue 19).
            let (watchAnalyzers, ledger) = try await storedSentimentAnalyzers(analyzers, watch: name, buckets: buckets)
            dashboards.append(try await store.dashboard(named: name, workspace: workspace, buckets: buckets,
                                                        analyzers: watchAnalyzers, topCount: request.top))
            if let note = await keepComputedSentiments(ledger) { notes.append(note) }
        }
        let done = clock.now
        var timings: DashboardTimings?
        if request.timings {
            func ms(_ duration: Duration) -> Double { duration.seconds * 1000 }
            timings = DashboardTimings(
                refresh: ms(refreshed - started), dashboard: ms(done - refreshed), period: ms(spanned - refreshed),
                resources: ms(loaded - spanned), posts: ms(done - loaded), sentiment: sentimentClock.milliseconds,
                terms: termsClock.milliseconds, cores: Parallel.cores,
                postsRead: dashboards.reduce(0) { $0 + $1.posts.current + $1.posts.previous },
                newPostsTested: refreshes.reduce(0) { $0 + $1.newPostsExamined },
                changedPostsRetested: refreshes.reduce(0) { $0 + $1.changedPostsExamined })
        }
        return DashboardResult(dashboards: dashboards, shareOfVoice: dashboards.count > 1 ? ShareOfVoice(dashboards) : nil,
                               refreshes: refreshes, timings: timings, notes: notes)
    }

    /// The buckets of a dashboard request: its time zone (the workspace's by default) and period.
    func dashboardBuckets(_ request: DashboardRequest) async throws -> TimeBuckets {
        let zone: TimeZone
        if let identifier = request.timeZone {
            zone = try Self.timeZone(identifier, field: "timezone")
        } else {
            zone = try await store.timeZone(workspace: workspace)
        }
        let start = try request.since.map { bound throws(EngineError) in
            guard let date = bound.date(in: zone, end: false) else {
                throw EngineError(.invalidArgument, field: "since", "the start of the period is not a calendar date")
            }
            return date
        }
        let end = try request.until.map { bound throws(EngineError) in
            guard let date = bound.date(in: zone, end: true) else {
                throw EngineError(.invalidArgument, field: "until", "the end of the period is not a calendar date")
            }
            return date
        }
        if let start {
            let stop = end ?? Date()
            guard start < stop else {
                throw EngineError(.invalidArgument, field: "since", "the start of the period must be before its end")
            }
            return TimeBuckets(size: request.bucket, timeZone: zone, covering: start..<stop)
        }
        if let end { return TimeBuckets(size: request.bucket, timeZone: zone, count: request.bucket.defaultCount, endingAt: end) }
        var newest: Date?
        for name in request.watches {
            if let span = try await store.watchSpan(named: name, workspace: workspace) {
                newest = max(newest ?? span.upperBound, span.upperBound)
            }
        }
        return TimeBuckets(size: request.bucket, timeZone: zone, count: request.bucket.defaultCount,
                           endingAt: (newest ?? Date()).addingTimeInterval(0.001))
    }
}

/// Time spent inside a function, summed over every thread that calls it.
final class ThreadTime: Sendable {
    private let nanoseconds = Atomic<UInt64>(0)

    var milliseconds: Double { Double(nanoseconds.load(ordering: .relaxed)) / 1e6 }

    func time<T>(_ body: () -> T) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        nanoseconds.wrappingAdd(DispatchTime.now().uptimeNanoseconds - start, ordering: .relaxed)
        return result
    }
}
