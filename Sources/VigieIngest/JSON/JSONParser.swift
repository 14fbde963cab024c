#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict JSON parser (RFC 8259) over UTF-8 bytes.
///
/// Written for ingest speed: it works on a raw buffer, takes unescaped strings in one copy and
/// reports errors with a byte offset that the caller turns into a line and column.
public struct JSONParser {
    public struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        /// Byte offset from the start of the parsed text.
        public var offset: Int
        public var description: String { "\(message) at byte \(offset)" }
    }

    /// Parses exactly one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.end else {
            throw Error(message: "unexpected text after the JSON value", offset: parser.index)
        }
        return value
    }

    public static func parse(_ text: String) throws(Error) -> JSONValue {
        var copy = text
        do {
            return try copy.withUTF8 { buffer in try parse(buffer) }
        } catch let error as Error {
            throw error
        } catch {
            throw Error(message: "\(error)", offset: 0)
        }
    }

    public static func parse(_ bytes: [UInt8]) throws(Error) -> JSONValue {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in try parse(buffer) }
        } catch let error as Error {
            throw error
        } catch {
            throw Error(message: "\(error)", offset: 0)
        }
    }

    private let base: UnsafePointer<UInt8>?
    private var index: Int
    /// The raw keys of the objects being parsed, innermost last, as (start, byte count) pairs;
    /// a count of -1 marks a key written with escapes. Comparing raw bytes is what keeps the
    /// duplicate-key check cheap (String equality goes through Unicode normalisation).
    private var keySpans: [Int] = []
    private let end: Int
    /// Objects and arrays nested deeper than this are refused before the parser recurses (and
    /// before decoders and `JSONValue`'s own recursive code meet them): real records nest fewer
    /// than 20 levels. Documented in docs/formats.md.
    public static let maxDepth = 128

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes.baseAddress
        index = 0
        end = bytes.count
    }

    @inline(__always)
    private func byte(_ i: Int) -> UInt8 { base.unsafelyUnwrapped[i] }

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < end {
            let c = byte(index)
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { index += 1 } else { return }
        }
    }

    private func fail(_ message: String, at offset: Int? = nil) -> Error {
        Error(message: message, offset: offset ?? index)
    }

    private mutating func parseValue(depth: Int) throws(Error) -> JSONValue {
        guard index < end else { throw fail("unexpected end of input, expected a value") }
        switch byte(index) {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw fail("unexpected character '\(Self.printable(byte(index)))', expected a value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Error) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= end else { throw fail("unexpected end of input in a literal") }
        let pointer = literal.utf8Start
        for i in 0..<count where byte(index + i) != pointer[i] {
            throw fail("invalid literal, expected '\(literal)'")
        }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(Error) -> JSONValue {
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        index += 1
        var keys: [String] = []
        var values: [JSONValue] = []
        let spanBase = keySpans.count
        defer { keySpans.removeSubrange(spanBase...) }
        skipWhitespace()
        if index < end, byte(index) == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(keys: keys, values: values))
        }
        while true {
            skipWhitespace()
            guard index < end else { throw fail("unexpected end of input in an object") }
            guard byte(index) == UInt8(ascii: "\"") else { throw fail("expected a quoted key in an object") }
            let keyStart = index
            let key = try parseString()
            // A repeated key makes the record ambiguous (parsers disagree on which copy wins).
            if isRepeated(key, rawStart: keyStart + 1, rawCount: index - keyStart - 2, spansFrom: spanBase, keys: keys) {
                throw fail("duplicate key '\(key.prefix(40))' in an object", at: keyStart)
            }
            keys.append(key)
            skipWhitespace()
            guard index < end, byte(index) == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
            index += 1
            skipWhitespace()
            values.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < end else { throw fail("unexpected end of input in an object") }
            let c = byte(index)
            index += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { return .object(JSONObject(keys: keys, values: values)) }
            throw fail("expected ',' or '}' in an object", at: index - 1)
        }
    }

    /// Whether the key just read repeats one of its object's; records its span.
    private mutating func isRepeated(_ key: String, rawStart: Int, rawCount: Int, spansFrom first: Int, keys: [String]) -> Bool {
        // Every escape shortens the text, so an unchanged length means none.
        let escaped = key.utf8.count != rawCount
        var repeated = false
        var pair = first
        var ordinal = 0
        while pair < keySpans.count {
            let count = keySpans[pair + 1]
            if count < 0 || escaped {
                if keys[ordinal] == key { repeated = true; break }
            } else if count == rawCount,
                      memcmp(base.unsafelyUnwrapped + keySpans[pair], base.unsafelyUnwrapped + rawStart, rawCount) == 0 {
                repeated = true
                break
            }
            pair += 2
            ordinal += 1
        }
        keySpans.append(rawStart)
        keySpans.append(escaped ? -1 : rawCount)
        return repeated
    }

    private mutating func parseArray(depth: Int) throws(Error) -> JSONValue {
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < end, byte(index) == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < end else { throw fail("unexpected end of input in an array") }
            let c = byte(index)
            index += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { return .array(elements) }
            throw fail("expected ',' or ']' in an array", at: index - 1)
        }
    }

    private mutating func parseString() throws(Error) -> String {
        let start = index + 1
        var i = start
        // Fast path: no escapes, one copy.
        while i < end {
            let c = byte(i)
            if c == UInt8(ascii: "\"") {
                index = i + 1
                return String(decoding: UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: i - start),
                              as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in a string", at: i) }
            i += 1
        }
        guard i < end else { throw fail("unterminated string", at: start - 1) }
        var scratch: [UInt8] = []
        scratch.reserveCapacity(i - start + 16)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: i - start))
        while i < end {
            let c = byte(i)
            if c == UInt8(ascii: "\"") {
                index = i + 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character in a string", at: i) }
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else { break }
            let escaped = byte(i + 1)
            i += 2
            switch escaped {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if i + 6 <= end, byte(i) == UInt8(ascii: "\\"), byte(i + 1) == UInt8(ascii: "u") {
                        let low = try hex4(at: i + 2)
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendUTF8(UInt32(scalar), to: &scratch)
            default:
                throw fail("invalid escape '\\\(Self.printable(escaped))' in a string", at: i - 2)
            }
        }
        throw fail("unterminated string", at: start - 1)
    }

    private func hex4(at position: Int) throws(Error) -> Int {
        guard position + 4 <= end else { throw fail("incomplete \\u escape", at: position) }
        var value = 0
        for k in 0..<4 {
            let c = byte(position + k)
            let digit: Int
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(c - 55)
            default: throw fail("invalid hex digit in a \\u escape", at: position + k)
            }
            value = value << 4 | digit
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        UTF8Bytes.append(scalar, to: &out)
    }

    private mutating func parseNumber() throws(Error) -> JSONValue {
        let start = index
        var negative = false
        if byte(index) == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var integer: Int64 = 0
        var overflow = false
        var digits = 0
        while index < end, case let c = byte(index), c >= 48, c <= 57 {
            if !overflow {
                let (m, o1) = integer.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
                if o1 || o2 { overflow = true } else { integer = a }
            }
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw fail("invalid number", at: start) }
        if digits > 1, byte(start + (negative ? 1 : 0)) == UInt8(ascii: "0") {
            throw fail("leading zero in a number", at: start)
        }
        var isInteger = true
        if index < end, byte(index) == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fractionStart = index
            while index < end, case let c = byte(index), c >= 48, c <= 57 { index += 1 }
            guard index > fractionStart else { throw fail("expected digits after '.'", at: index) }
        }
        if index < end, byte(index) | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < end, byte(index) == UInt8(ascii: "+") || byte(index) == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            while index < end, case let c = byte(index), c >= 48, c <= 57 { index += 1 }
            guard index > exponentStart else { throw fail("expected digits in an exponent", at: index) }
        }
        if isInteger && !overflow {
            return .int(negative ? -integer : integer)
        }
        let text = String(decoding: UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: index - start),
                          as: UTF8.self)
        guard let value = Double(text) else { throw fail("invalid number", at: start) }
        return .double(value)
    }

    private static func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : "\\u{\(String(c, radix: 16))}"
    }
}
