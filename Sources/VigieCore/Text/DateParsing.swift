import Foundation

/// Fast, allocation-free parsing of the timestamp formats found in social-media exports.
/// `DateFormatter` is slow and locale-dependent; ingest parses millions of dates.
public enum DateParsing {
    /// Parses any of the supported forms:
    /// - ISO 8601 / RFC 3339: `2021-05-18T19:24:56.000Z`, `2013-06-04T16:25:04+00:00`,
    ///   `2021-05-18 19:24:56` (UTC assumed), `2021-05-18` (midnight UTC);
    /// - Twitter v1.1: `Wed Oct 10 20:19:24 +0000 2018`;
    /// - Unix epoch seconds (`1620000000`, `1620000000.5`) or milliseconds (13 digits).
    /// Returns nil for anything else, or for an impossible date (month 13, 31 February).
    public static func parse(_ text: String) -> Date? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        let b = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard !b.isEmpty else { return nil }
        if b.count >= 10, isDigit(b[0]), b[4] == UInt8(ascii: "-") { return parseISO(b) }
        if isDigit(b[0]) || b[0] == UInt8(ascii: "-") { return parseEpoch(b) }
        if b.count >= 30 { return parseTwitterClassic(b) }
        return nil
    }

    /// ISO 8601 text for a date, UTC, with milliseconds (`2021-05-18T19:24:56.000Z`).
    public static func iso8601(_ date: Date) -> String {
        let totalMillis = (date.timeIntervalSince1970 * 1000).rounded()
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

    private static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let year = number(b, 0, 4), b[4] == UInt8(ascii: "-"), let month = number(b, 5, 2),
              b[7] == UInt8(ascii: "-"), let day = number(b, 8, 2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        var i = 10
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t"),
                  b.count >= i + 6, let h = number(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
                  let mi = number(b, i + 4, 2) else { return nil }
            hour = h
            minute = mi
            i += 6
            if i < b.count, b[i] == UInt8(ascii: ":") {
                guard let s = number(b, i + 1, 2) else { return nil }
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
                if i == fractionStart { return nil }
            }
            if i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                    i += 1
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    guard let oh = number(b, i + 1, 2) else { return nil }
                    var j = i + 3
                    if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
                    guard let om = number(b, j, 2) else { return nil }
                    offsetSeconds = (oh * 3600 + om * 60) * (c == UInt8(ascii: "-") ? -1 : 1)
                    i = j + 2
                }
            }
            guard i == b.count else { return nil }
        }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                    fraction: fraction, offset: offsetSeconds)
    }

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `Wed Oct 10 20:19:24 +0000 2018`
    private static func parseTwitterClassic(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count == 30, b[3] == 0x20, b[7] == 0x20, b[10] == 0x20, b[19] == 0x20, b[25] == 0x20 else { return nil }
        let name = String(decoding: b[4..<7], as: UTF8.self).lowercased()
        guard let monthIndex = monthNames.firstIndex(of: name), let day = number(b, 8, 2),
              let hour = number(b, 11, 2), let minute = number(b, 14, 2), let second = number(b, 17, 2),
              b[20] == UInt8(ascii: "+") || b[20] == UInt8(ascii: "-"),
              let oh = number(b, 21, 2), let om = number(b, 23, 2), let year = number(b, 26, 4) else { return nil }
        let offset = (oh * 3600 + om * 60) * (b[20] == UInt8(ascii: "-") ? -1 : 1)
        return make(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second,
                    fraction: 0, offset: offset)
    }

    private static func parseEpoch(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let value = Double(String(decoding: b, as: UTF8.self)), value.isFinite else { return nil }
        var digits = 0
        for c in b { if isDigit(c) { digits += 1 } else if c == UInt8(ascii: ".") { break } }
        // 13 integer digits: milliseconds; fewer than 9 is not a plausible timestamp here.
        if digits >= 12 { return Date(timeIntervalSince1970: value / 1000) }
        guard digits >= 9 else { return nil }
        return Date(timeIntervalSince1970: value)
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, UTC)

    private static func make(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                             fraction: Double, offset: Int) -> Date? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = daysFromCivil(Int64(year), Int64(month), Int64(day))
        let seconds = days * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
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
