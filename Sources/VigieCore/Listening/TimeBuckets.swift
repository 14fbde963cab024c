import Foundation

/// The width of a volume bucket.
public enum BucketSize: String, Sendable, Hashable, Codable, CaseIterable {
    case hour, day, week

    /// The calendar's notion of the bucket (weeks start on Monday, ISO 8601).
    var component: Calendar.Component {
        switch self {
        case .hour: return .hour
        case .day: return .day
        case .week: return .weekOfYear
        }
    }

    /// The period a dashboard shows by default, in buckets: two days, thirty days, twelve weeks.
    public var defaultCount: Int {
        switch self {
        case .hour: return 48
        case .day: return 30
        case .week: return 12
        }
    }
}

/// Consecutive calendar buckets (hours, days or ISO weeks) in a time zone, so that a day is a
/// local day: in Europe/Paris a day bucket starts at local midnight and lasts 23, 24 or 25 hours.
///
/// ```swift
/// let buckets = TimeBuckets(size: .day, timeZone: TimeZone(identifier: "Europe/Paris")!, covering: start..<end)
/// let index = buckets.index(of: post.createdAt)   // nil outside
/// ```
/// Boundaries are computed once with `Calendar`; placing a date is a binary search.
public struct TimeBuckets: Sendable, Hashable {
    public let size: BucketSize
    public let timeZone: TimeZone
    /// `count + 1` boundaries: bucket `i` is `boundaries[i]..<boundaries[i + 1]`.
    public let boundaries: [Date]

    /// The buckets from the one holding `range.lowerBound` to the one holding the instant just
    /// before `range.upperBound`.
    public init(size: BucketSize, timeZone: TimeZone, covering range: Range<Date>) {
        self.size = size
        self.timeZone = timeZone
        let calendar = Self.calendar(timeZone)
        var start = Self.start(of: range.lowerBound, size: size, calendar: calendar)
        var boundaries = [start]
        while start < range.upperBound {
            start = Self.next(after: start, size: size, calendar: calendar)
            boundaries.append(start)
        }
        if boundaries.count == 1 { boundaries.append(Self.next(after: start, size: size, calendar: calendar)) }
        self.boundaries = boundaries
    }

    /// `count` buckets ending with the one that holds `end` (exclusive end: the instant just before it).
    public init(size: BucketSize, timeZone: TimeZone, count: Int, endingAt end: Date) {
        let calendar = Self.calendar(timeZone)
        let last = Self.start(of: end.addingTimeInterval(-0.001), size: size, calendar: calendar)
        var first = last
        for _ in 1..<max(count, 1) {
            first = calendar.date(byAdding: size.component, value: -1, to: first) ?? first
            first = Self.start(of: first, size: size, calendar: calendar)
        }
        self.init(size: size, timeZone: timeZone, covering: first..<Self.next(after: last, size: size, calendar: calendar))
    }

    public var count: Int { boundaries.count - 1 }
    public var range: Range<Date> { boundaries[0]..<boundaries[boundaries.count - 1] }

    public func interval(_ index: Int) -> Range<Date> { boundaries[index]..<boundaries[index + 1] }

    /// The bucket holding `date`, or `nil` when it falls outside.
    public func index(of date: Date) -> Int? {
        guard date >= boundaries[0], date < boundaries[boundaries.count - 1] else { return nil }
        var low = 0, high = boundaries.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if boundaries[middle] <= date { low = middle } else { high = middle }
        }
        return low
    }

    /// The same number of buckets right before these: the previous period of the same length.
    public var previous: TimeBuckets {
        TimeBuckets(size: size, timeZone: timeZone, count: count, endingAt: boundaries[0])
    }

    /// A bucket's start written in the time zone: `2025-03-30T00:00+02:00`.
    public func label(_ index: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate,
                                   .withTimeZone, .withColonSeparatorInTimeZone]
        return formatter.string(from: boundaries[index])
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }

    static func start(of date: Date, size: BucketSize, calendar: Calendar) -> Date {
        calendar.dateInterval(of: size.component, for: date)?.start ?? date
    }

    static func next(after start: Date, size: BucketSize, calendar: Calendar) -> Date {
        let next = calendar.date(byAdding: size.component, value: 1, to: start) ?? start.addingTimeInterval(3600)
        // A DST change may land `date(byAdding:)` inside a bucket; snap to its start.
        let snapped = Self.start(of: next, size: size, calendar: calendar)
        return snapped > start ? snapped : next
    }
}
