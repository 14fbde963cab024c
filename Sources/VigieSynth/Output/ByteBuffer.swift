import Foundation

/// Bytes being rendered, with the appenders every format needs. Rendering straight to bytes
/// (no `String` interpolation, no `DateFormatter`) is what keeps generation fast.
struct ByteBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func append(_ other: ArraySlice<UInt8>) { bytes.append(contentsOf: other) }

    mutating func append(string: String) {
        var copy = string
        copy.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append<T: BinaryInteger>(_ value: T) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDigits(UInt64(-Int64(value)))
        } else {
            appendDigits(UInt64(value))
        }
    }

    mutating func appendDigits(_ value: UInt64, width: Int = 0) {
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                     UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            let out = raw.bindMemory(to: UInt8.self)
            repeat {
                out[count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            var pad = width - count
            while pad > 0 { bytes.append(48); pad -= 1 }
            while count > 0 {
                count -= 1
                bytes.append(out[count])
            }
        }
    }

    /// Appends a JSON string literal (quotes included) of UTF-8 text.
    mutating func appendJSONString(_ text: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        appendJSONEscaped(text[...])
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func appendJSONString(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            bytes.append(UInt8(ascii: "\""))
            for byte in buffer { appendJSONEscaped(byte) }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    mutating func appendJSONEscaped(_ text: ArraySlice<UInt8>) {
        for byte in text { appendJSONEscaped(byte) }
    }

    @inline(__always)
    mutating func appendJSONEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(92); bytes.append(byte)
        case UInt8(ascii: "\\"): bytes.append(92); bytes.append(byte)
        case 0x0A: bytes.append(92); bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(92); bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(92); bytes.append(UInt8(ascii: "t"))
        case 0..<0x20:
            append("\\u00")
            let hex: StaticString = "0123456789abcdef"
            hex.withUTF8Buffer { digits in
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 15)])
            }
        default: bytes.append(byte)
        }
    }

    /// `2025-03-01T14:03:59.123Z`
    mutating func appendISO8601(millis: Int64) {
        let (seconds, milli) = floorDivide(millis, 1000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = CivilDate.fromDays(days)
        appendDigits(UInt64(year), width: 4)
        append(UInt8(ascii: "-"))
        appendDigits(UInt64(month), width: 2)
        append(UInt8(ascii: "-"))
        appendDigits(UInt64(day), width: 2)
        append(UInt8(ascii: "T"))
        appendClock(secondOfDay)
        append(UInt8(ascii: "."))
        appendDigits(UInt64(milli), width: 3)
        append(UInt8(ascii: "Z"))
    }

    /// Twitter v1.1: `Sat Mar 01 14:03:59 +0000 2025`
    mutating func appendTwitterDate(millis: Int64) {
        let seconds = floorDivide(millis, 1000).quotient
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = CivilDate.fromDays(days)
        let weekday = Int(floorDivide(days + 4, 7).remainder) // 1970-01-01 was a Thursday
        let dayNames: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let monthNames: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        append(dayNames[weekday])
        append(UInt8(ascii: " "))
        append(monthNames[Int(month) - 1])
        append(UInt8(ascii: " "))
        appendDigits(UInt64(day), width: 2)
        append(UInt8(ascii: " "))
        appendClock(secondOfDay)
        append(" +0000 ")
        appendDigits(UInt64(year), width: 4)
    }

    private mutating func appendClock(_ secondOfDay: Int64) {
        appendDigits(UInt64(secondOfDay / 3600), width: 2)
        append(UInt8(ascii: ":"))
        appendDigits(UInt64(secondOfDay % 3600 / 60), width: 2)
        append(UInt8(ascii: ":"))
        appendDigits(UInt64(secondOfDay % 60), width: 2)
    }
}

@inline(__always)
func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
    var quotient = value / divisor
    var remainder = value % divisor
    if remainder < 0 { remainder += divisor; quotient -= 1 }
    return (quotient, remainder)
}

/// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (Hinnant's algorithm).
enum CivilDate {
    static func fromDays(_ z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
