import Foundation

/// Fast, allocation-free parsing of the timestamp formats found in social-media exports.
/// `DateFormatter` is slow and locale-dependent; ingest parses millions of dates.
///
/// Every date Vigie reads lies in ``supportedRange`` (1970-01-01 to the end of 2099, UTC): a
/// year 0, a negative Unix time or a date in the 22nd century is a damaged value, not a post, and
/// ``parse(_:)`` refuses it rather than storing it. ``problem(with:)`` says why a text was refused.
public enum DateParsing {
    /// The dates Vigie accepts: from the Unix epoch (TwiBot-20's undated posts sit on it) to the
    /// end of 2099. Also what keeps every stored date an exact integer of milliseconds.
    public static let supportedRange: Range<Double> = 0..<4_102_444_800

    /// Parses any of the supported forms:
    /// - ISO 8601 / RFC 3339: `2021-05-18T19:24:56.000Z`, `2013-06-04T16:25:04+00:00`,
    ///   `2021-05-18 19:24:56` (UTC assumed), `2021-05-18` (midnight UTC);
    /// - Twitter v1.1: `Wed Oct 10 20:19:24 +0000 2018`;
    /// - Unix time of 9 digits or more, read by ``date(unixTime:)``: `1620000000`,
    ///   `1620000000.5`, milliseconds `1620000000000`, microseconds, nanoseconds.
    /// Returns nil for anything else, for an impossible date (month 13, 31 February), an offset
    /// beyond ±14:00, or a date outside ``supportedRange``.
    public static func parse(_ text: String) -> Date? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        if case .date(let date) = read(bytes) { return date }
        return nil
    }

    /// Why ``parse(_:)`` refused a well-formed `text`, for an error message ("year 0 is outside
    /// the supported dates, 1970-01-01 to 2099-12-31"); `nil` when it is simply not a date.
    public static func problem(with text: String) -> String? {
        var copy = text
        let outcome = copy.withUTF8 { read($0) }
        switch outcome {
        case .date, .invalid: return nil
        case .outOfRange(let seconds):
            return "\(describe(seconds: seconds)) is outside the supported dates, 1970-01-01 to 2099-12-31"
        case .badOffset: return "its time-zone offset is not one: offsets go from -14:00 to +14:00"
        }
    }

    /// `" (why)"` for a text ``parse(_:)`` refused although it looks like a date, else `""`:
    /// to end an error message.
    public static func explanation(for text: String) -> String {
        problem(with: text).map { " (\($0))" } ?? ""
    }

    /// A Unix time whose unit is told by its size, as exports mix them: below 10¹¹ seconds,
    /// then milliseconds (below 10¹⁴), microseconds (below 10¹⁷), nanoseconds (below 10²⁰).
    /// `nil` when negative, not finite, or outside ``supportedRange`` once converted.
    ///
    /// ```swift
    /// DateParsing.date(unixTime: 1_620_000_000_000)   // 2021-05-03, read as milliseconds
    /// ```
    public static func date(unixTime value: Double) -> Date? {
        guard let seconds = seconds(unixTime: value), supportedRange.contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// The seconds a Unix time stands for by the rule of ``date(unixTime:)``, range unchecked.
    static func seconds(unixTime value: Double) -> Double? {
        guard value.isFinite, value >= 0 else { return nil }
        switch value {
        case ..<1e11: return value
        case ..<1e14: return value / 1e3
        case ..<1e17: return value / 1e6
        case ..<1e20: return value / 1e9
        default: return nil
        }
    }

    /// Whether a date lies in ``supportedRange``.
    public static func isSupported(_ date: Date) -> Bool {
        supportedRange.contains(date.timeIntervalSince1970)
    }

    private enum Outcome {
        case date(Date)
        /// A well-formed date outside ``supportedRange`` (its seconds, when known).
        case outOfRange(Double?)
        case badOffset
        case invalid
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        let b = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard !b.isEmpty else { return .invalid }
        if b.count >= 10, isDigit(b[0]), b[4] == UInt8(ascii: "-") { return parseISO(b) }
        if isDigit(b[0]) || b[0] == UInt8(ascii: "-") { return parseEpoch(b) }
        if b.count >= 30 { return parseTwitterClassic(b) }
        return .invalid
    }

    private static func describe(seconds: Double?) -> String {
        guard let seconds else { return "the time" }
        let days = (seconds / 86_400).rounded(.down)
        guard abs(days) < 1e12 else { return "the time" }
        return "year \(civilFromDays(Int64(days)).0)"
    }

    /// ISO 8601 text for a date, UTC, with milliseconds (`2021-05-18T19:24:56.000Z`).
    public static func iso8601(_ date: Date) -> String {
        let totalMillis = (date.timeIntervalSince1970 * 1000).rounded()
        // Beyond ±285,000 years the calendar arithmetic below would overflow: no real date is there.
        guard totalMillis.isFinite, abs(totalMillis) < 9e18 else { return "invalid-date" }
        var millis = Int64(totalMillis)
        var seconds = millis / 1000
        millis -= seconds * 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = seconds / 86400
        var rem = seconds - days * 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let (y, m, d) = civilFromDays(days)
        let hh = rem / 3600, mm = (rem % 3600) / 60, ss = rem % 60
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2)).\(pad(millis, 3))Z"
    }

    // MARK: - Forms

    private static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let year = number(b, 0, 4), b[4] == UInt8(ascii: "-"), let month = number(b, 5, 2),
              b[7] == UInt8(ascii: "-"), let day = number(b, 8, 2) else { return .invalid }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        var i = 10
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t"),
                  b.count >= i + 6, let h = number(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
                  let mi = number(b, i + 4, 2) else { return .invalid }
            hour = h
            minute = mi
            i += 6
            if i < b.count, b[i] == UInt8(ascii: ":") {
                guard let s = number(b, i + 1, 2) else { return .invalid }
                second = s
                i += 3
            }
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                let fractionStart = i
                while i < b.count, isDigit(b[i]) {
                    fraction += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                if i == fractionStart { return .invalid }
            }
            if i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                    i += 1
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    guard let oh = number(b, i + 1, 2) else { return .invalid }
                    var j = i + 3
                    if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
                    guard let om = number(b, j, 2) else { return .invalid }
                    guard isOffset(hours: oh, minutes: om) else { return .badOffset }
                    offsetSeconds = (oh * 3600 + om * 60) * (c == UInt8(ascii: "-") ? -1 : 1)
                    i = j + 2
                }
            }
            guard i == b.count else { return .invalid }
        }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                    fraction: fraction, offset: offsetSeconds)
    }

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `Wed Oct 10 20:19:24 +0000 2018`
    private static func parseTwitterClassic(_ b: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard b.count == 30, b[3] == 0x20, b[7] == 0x20, b[10] == 0x20, b[19] == 0x20, b[25] == 0x20 else { return .invalid }
        let name = String(decoding: b[4..<7], as: UTF8.self).lowercased()
        guard let monthIndex = monthNames.firstIndex(of: name), let day = number(b, 8, 2),
              let hour = number(b, 11, 2), let minute = number(b, 14, 2), let second = number(b, 17, 2),
              b[20] == UInt8(ascii: "+") || b[20] == UInt8(ascii: "-"),
              let oh = number(b, 21, 2), let om = number(b, 23, 2), let year = number(b, 26, 4) else { return .invalid }
        guard isOffset(hours: oh, minutes: om) else { return .badOffset }
        let offset = (oh * 3600 + om * 60) * (b[20] == UInt8(ascii: "-") ? -1 : 1)
        return make(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second,
                    fraction: 0, offset: offset)
    }

    private static func parseEpoch(_ b: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let value = Double(String(decoding: b, as: UTF8.self)), value.isFinite else { return .invalid }
        var digits = 0
        for c in b { if isDigit(c) { digits += 1 } else if c == UInt8(ascii: ".") { break } }
        // Fewer than 9 integer digits is not a plausible timestamp in free text (a count, a year).
        guard digits >= 9 else { return .invalid }
        guard let seconds = seconds(unixTime: value) else { return .outOfRange(value < 0 ? -1 : nil) }
        guard supportedRange.contains(seconds) else { return .outOfRange(seconds) }
        return .date(Date(timeIntervalSince1970: seconds))
    }

    /// Real offsets go from -12:00 to +14:00; minutes are under 60.
    private static func isOffset(hours: Int, minutes: Int) -> Bool {
        hours <= 14 && minutes < 60 && (hours < 14 || minutes == 0)
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, UTC)

    private static func make(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                             fraction: Double, offset: Int) -> Outcome {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return .invalid }
        let days = daysFromCivil(Int64(year), Int64(month), Int64(day))
        let seconds = Double(days * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)) + fraction
        guard supportedRange.contains(seconds) else { return .outOfRange(seconds) }
        return .date(Date(timeIntervalSince1970: seconds))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        guard at >= 0, at + count <= b.count else { return nil }
        var v = 0
        for i in at..<(at + count) {
            let c = b[i]
            guard isDigit(c) else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }
}
