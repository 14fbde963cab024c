import Foundation
import VigieCore
import VigieIngest

/// The ways a record is damaged. Tree mutations change the parsed value and write it back;
/// byte mutations change the written bytes. Names appear in the reports.
enum JSONMutation: String, CaseIterable, Sendable {
    // On the value
    case flipType, dropKey, dropIDKey, duplicateKey, hugeNumber, extremeDate, hugeString,
         unicodeMess, wrongRoot, idMess
    // On the bytes
    case deepNesting, truncate, joinNext, strayCharacter, invalidUTF8, nulBytes, randomBytes, duplicateRecord,
         newlineInside, garbage

    /// Only meaningful where records are one a line.
    var needsLines: Bool { self == .joinNext || self == .newlineInside }
}

enum CSVMutation: String, CaseIterable, Sendable {
    case strayQuote, unclosedQuote, dropDelimiter, addDelimiter, truncate, joinNext, invalidUTF8, nulBytes,
         hugeField, extremeTime, hugeCount, emptyID, garbage, otherDelimiter, quotedNewline
}

/// A path to a node of a JSON value: object member indices and array indices.
private enum Step { case member(Int), element(Int) }

struct JSONMutator {
    var random: FuzzRandom
    /// Sizes that make a run slow: 50 MB fields and 100,000 levels only in the long set.
    let large: Bool

    // MARK: - Values

    mutating func mutate(_ value: JSONValue, _ mutation: JSONMutation) -> JSONValue {
        var value = value
        switch mutation {
        case .flipType:
            if let path = randomPath(in: value, where: { _ in true }) {
                let old = node(value, path)
                value = replacing(value, path, with: otherType(than: old))
            }
        case .dropKey, .dropIDKey:
            let idKeys: Set<String> = ["id", "id_str", "did", "author_id", "created_at", "createdAt", "time_us", "user",
                                       "account", "data", "profile", "ID", "kind", "commit", "text", "content"]
            if let path = randomMember(in: value, keyedBy: { mutation == .dropKey || idKeys.contains($0) }) {
                value = removing(value, path)
            }
        case .duplicateKey:
            if let path = randomMember(in: value, keyedBy: { _ in true }) {
                let name = key(value, path)
                value = appendingMember(value, toObjectOf: path, key: name, value: otherType(than: node(value, path)))
            }
        case .hugeNumber:
            let numbers: [JSONValue] = [.double(.infinity), .double(-.infinity), .double(1e308), .double(-0.0),
                                        .double(.leastNonzeroMagnitude), .int(.max), .int(.min), .int(-1), .double(1.5),
                                        .string("123456789012345678901234567890")]
            if let path = randomPath(in: value, where: { if case .int = $0 { true } else if case .double = $0 { true } else { false } })
                ?? randomPath(in: value, where: { _ in true }) {
                value = replacing(value, path, with: random.pick(numbers))
            }
        case .extremeDate:
            let dates: [JSONValue] = ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
                                      "2021-02-30T00:00:00Z", "2021-05-18T19:24:56+99:99", "2021-05-18T19:24:56.000000000000000000001Z",
                                      "Wed Oct 10 20:19:24 +9999 2018", "-1", "99999999999999999999", "1700000000000",
                                      "", "yesterday", .double(.infinity), .int(-5),
                                      .int(1_700_000_000_000_000_000), .double(-1e18)]
            let isDate: (JSONValue) -> Bool = { v in
                if case .string(let s) = v { return DateParsing.parse(s) != nil }
                if case .int(let i) = v { return i > 1_000_000_000_000 }
                return false
            }
            if let path = randomPath(in: value, where: isDate) ?? randomPath(in: value, where: { _ in true }) {
                value = replacing(value, path, with: random.pick(dates))
            }
        case .hugeString:
            let size = random.hugeValueSize(large: large)
            let filler = String(repeating: random.pick(["a", "é", "😀", "x y "]), count: max(1, size / 4))
            if let path = randomPath(in: value, where: { if case .string = $0 { true } else { false } }) {
                value = replacing(value, path, with: .string(filler))
            }
        case .unicodeMess:
            let pieces = ["\u{202E}", "\u{200B}", "e\u{301}\u{301}\u{301}", "😀👍🏽", "\u{FFFF}", "\u{0}", "𝔘𝔫𝔦",
                          String(repeating: "\u{300}", count: 500), "\u{FEFF}", "\r\n"]
            if let path = randomPath(in: value, where: { if case .string = $0 { true } else { false } }),
               case .string(let text) = node(value, path) {
                value = replacing(value, path, with: .string(text + random.pick(pieces) + text.prefix(3)))
            }
        case .wrongRoot:
            value = random.pick([.object(JSONObject()), .array([]), .null, .string("record"), .int(42), .array([value]),
                                 .bool(true)])
        case .idMess:
            let ids: [JSONValue] = ["", " ", "0", "-1", .string(String(repeating: "9", count: 10_000)), "1\n2", .int(0),
                                    .double(1.5), .array(["1"]), .object(JSONObject(keys: ["id"], values: ["1"]))]
            let idKeys: Set<String> = ["id", "id_str", "did", "author_id", "ID", "rkey", "uri"]
            if let path = randomMember(in: value, keyedBy: { idKeys.contains($0) }) {
                value = replacing(value, path, with: random.pick(ids))
            }
        default:
            break
        }
        return value
    }

    /// Damages written bytes. `joinNext` and `newlineInside` are handled by the file builder.
    mutating func mutate(bytes: [UInt8], _ mutation: JSONMutation) -> [UInt8] {
        var bytes = bytes
        guard !bytes.isEmpty else { return bytes }
        switch mutation {
        case .deepNesting:
            // A first member nested deep: at, just over and far over the parser's limit. Written as
            // text, so that no recursive code of the test itself meets the depth.
            let depth = random.pick(large ? [50, 127, 128, 129, 1_000, 100_000, 1_000_000] : [50, 127, 128, 129, 1_000, 50_000])
            let open = random.chance(0.5) ? UInt8(ascii: "[") : UInt8(ascii: "{")
            var nest: [UInt8] = Array("\"nest\":".utf8)
            if open == UInt8(ascii: "[") {
                nest += Array(repeating: UInt8(ascii: "["), count: depth) + [UInt8(ascii: "1")]
                    + Array(repeating: UInt8(ascii: "]"), count: depth)
            } else {
                nest += Array(String(repeating: "{\"a\":", count: depth).utf8) + [UInt8(ascii: "1")]
                    + Array(repeating: UInt8(ascii: "}"), count: depth)
            }
            if let brace = bytes.firstIndex(of: UInt8(ascii: "{")) {
                bytes.insert(contentsOf: nest + [UInt8(ascii: ",")], at: brace + 1)
            }
        case .truncate:
            bytes.removeLast(random.int(1...bytes.count))
        case .strayCharacter:
            let stray = random.pick(Array("}],{[\":".utf8))
            let at = random.pick([0, bytes.count, random.int(0...bytes.count)])
            bytes.insert(stray, at: at)
        case .invalidUTF8:
            let sequences: [[UInt8]] = [[0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFE, 0xFF]]
            for _ in 0..<random.int(1...3) { bytes.insert(contentsOf: random.pick(sequences), at: random.int(0...bytes.count)) }
        case .nulBytes:
            for _ in 0..<random.int(1...3) { bytes.insert(0, at: random.int(0...bytes.count)) }
        case .randomBytes:
            for _ in 0..<random.int(1...8) {
                let at = random.int(0...(bytes.count - 1))
                switch random.int(0...2) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: if bytes.count > 1 { bytes.remove(at: at) }
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
                }
            }
            // A random byte may be a newline: that splits the record, as a real damage would.
        case .garbage:
            bytes = Array(random.pick(["}", "]", ",", "null", "garbage text", "message_id,user_id,username",
                                       String(repeating: "{", count: 5_000), "\"unterminated", "[1,2,3]", "{}",
                                       "\u{FEFF}{\"a\":1}", "\"\\ud800\""]).utf8)
        default:
            break
        }
        return bytes
    }

    // MARK: - Paths

    /// A node drawn uniformly among those (the root aside) that pass `test`: one walk counts
    /// them, a second stops at the chosen one, so that a large record costs no path per node.
    private mutating func randomPath(in value: JSONValue, where test: (JSONValue) -> Bool) -> [Step]? {
        var count = 0
        func countMatches(_ value: JSONValue, _ isRoot: Bool) {
            if !isRoot, test(value) { count += 1 }
            switch value {
            case .array(let elements): for element in elements { countMatches(element, false) }
            case .object(let object): for member in object.values { countMatches(member, false) }
            default: break
            }
        }
        countMatches(value, true)
        guard count > 0 else { return nil }
        var remaining = random.int(below: count)
        var path: [Step] = []
        func find(_ value: JSONValue, _ isRoot: Bool) -> Bool {
            if !isRoot, test(value) {
                if remaining == 0 { return true }
                remaining -= 1
            }
            switch value {
            case .array(let elements):
                for (index, element) in elements.enumerated() {
                    path.append(.element(index))
                    if find(element, false) { return true }
                    path.removeLast()
                }
            case .object(let object):
                for (index, member) in object.values.enumerated() {
                    path.append(.member(index))
                    if find(member, false) { return true }
                    path.removeLast()
                }
            default:
                break
            }
            return false
        }
        return find(value, true) ? path : nil
    }

    /// A member of an object (a key and its value), drawn among those whose key passes `test`.
    private mutating func randomMember(in value: JSONValue, keyedBy test: (String) -> Bool) -> [Step]? {
        var count = 0
        func countMatches(_ value: JSONValue) {
            switch value {
            case .array(let elements): for element in elements { countMatches(element) }
            case .object(let object):
                for (key, member) in zip(object.keys, object.values) {
                    if test(key) { count += 1 }
                    countMatches(member)
                }
            default: break
            }
        }
        countMatches(value)
        guard count > 0 else { return nil }
        var remaining = random.int(below: count)
        var path: [Step] = []
        func find(_ value: JSONValue) -> Bool {
            switch value {
            case .array(let elements):
                for (index, element) in elements.enumerated() {
                    path.append(.element(index))
                    if find(element) { return true }
                    path.removeLast()
                }
            case .object(let object):
                for (index, (key, member)) in zip(object.keys, object.values).enumerated() {
                    path.append(.member(index))
                    if test(key) {
                        if remaining == 0 { return true }
                        remaining -= 1
                    }
                    if find(member) { return true }
                    path.removeLast()
                }
            default:
                break
            }
            return false
        }
        return find(value) ? path : nil
    }

    private func node(_ value: JSONValue, _ path: [Step]) -> JSONValue {
        var current = value
        for step in path {
            switch (step, current) {
            case (.member(let i), .object(let object)): current = object.values[i]
            case (.element(let i), .array(let elements)): current = elements[i]
            default: return current
            }
        }
        return current
    }

    private func key(_ value: JSONValue, _ path: [Step]) -> String {
        guard case .member(let i) = path.last, case .object(let object) = node(value, Array(path.dropLast())) else { return "" }
        return object.keys[i]
    }

    private func replacing(_ value: JSONValue, _ path: [Step], with new: JSONValue) -> JSONValue {
        guard let step = path.first else { return new }
        let rest = Array(path.dropFirst())
        switch (step, value) {
        case (.member(let i), .object(var object)):
            object.values[i] = replacing(object.values[i], rest, with: new)
            return .object(object)
        case (.element(let i), .array(var elements)):
            elements[i] = replacing(elements[i], rest, with: new)
            return .array(elements)
        default:
            return value
        }
    }

    private func removing(_ value: JSONValue, _ path: [Step]) -> JSONValue {
        guard let step = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch (step, value) {
        case (.member(let i), .object(var object)):
            if rest.isEmpty {
                object.keys.remove(at: i)
                object.values.remove(at: i)
            } else {
                object.values[i] = removing(object.values[i], rest)
            }
            return .object(object)
        case (.element(let i), .array(var elements)):
            elements[i] = removing(elements[i], rest)
            return .array(elements)
        default:
            return value
        }
    }

    private func appendingMember(_ value: JSONValue, toObjectOf path: [Step], key: String, value new: JSONValue) -> JSONValue {
        let parentPath = Array(path.dropLast())
        guard case .object(var object) = node(value, parentPath) else { return value }
        object.keys.append(key)
        object.values.append(new)
        return replacing(value, parentPath, with: .object(object))
    }

    private mutating func otherType(than value: JSONValue) -> JSONValue {
        let choices: [JSONValue] = [.string("x"), .string(""), .int(0), .int(-1), .double(3.5), .bool(true), .bool(false),
                                    .null, .array([]), .object(JSONObject()), .array([.int(1), .string("2")])]
        while true {
            let candidate = random.pick(choices)
            if candidate.typeName != value.typeName { return candidate }
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

struct CSVMutator {
    var random: FuzzRandom
    let large: Bool

    /// Damages one row; returns the raw line (without its line ending).
    mutating func mutate(_ fields: [String], _ mutation: CSVMutation, format: FuzzFormat) -> [UInt8] {
        var fields = fields
        let any = random.int(below: max(fields.count, 1))
        switch mutation {
        case .strayQuote:
            // A quote at the start of a field opens a quoted field that the line never closes.
            var line = Self.write(fields)
            let starts = [0] + line.indices.filter { line[$0] == UInt8(ascii: ",") }.map { $0 + 1 }
            line.insert(UInt8(ascii: "\""), at: random.pick(starts))
            return line
        case .unclosedQuote:
            var line = Self.write(fields)
            if let quote = line.lastIndex(of: UInt8(ascii: "\"")) { line.remove(at: quote) } else { line.insert(UInt8(ascii: "\""), at: 0) }
            return line
        case .dropDelimiter:
            var line = Self.write(fields)
            if let comma = line.indices.filter({ line[$0] == UInt8(ascii: ",") }).randomElement(using: &random) { line.remove(at: comma) }
            return line
        case .addDelimiter:
            var line = Self.write(fields)
            line.insert(UInt8(ascii: ","), at: random.int(0...line.count))
            return line
        case .truncate:
            var line = Self.write(fields)
            if !line.isEmpty { line.removeLast(random.int(1...line.count)) }
            return line
        case .invalidUTF8:
            fields[any] += String(decoding: [0xFF, 0xC3], as: UTF8.self)
            var line = Self.write(fields)
            line.insert(contentsOf: random.pick([[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80]]), at: random.int(0...line.count))
            return line
        case .nulBytes:
            var line = Self.write(fields)
            line.insert(0, at: random.int(0...line.count))
            return line
        case .hugeField:
            let size = random.hugeValueSize(large: large)
            fields[any] = String(repeating: random.pick(["a", "é,", "\"q\"", "😀"]), count: max(1, size / 4))
        case .extremeTime:
            let times = ["-1", "1e400", "inf", "nan", "0", "59", "1700000000000", "1700000000000000", "9300000000000000",
                         "9200000000000000000", "0000-01-01T00:00:00Z", "2021-05-18T19:24:56+99:99", "", "abc",
                         "99999999999999999999999", "1.7e9", "-9.3e15"]
            for column in format.timeColumns where column < fields.count { fields[column] = random.pick(times) }
            if format.timeColumns.isEmpty { fields[any] = random.pick(times) }
        case .hugeCount:
            let counts = ["-5", "1e30", "99999999999999999999", "12.5", "NaN", "9223372036854775808", "١٢٣", "0x10"]
            for column in format.countColumns where column < fields.count { fields[column] = random.pick(counts) }
            if format.countColumns.isEmpty { fields[any] = random.pick(counts) }
        case .emptyID:
            fields[0] = random.pick(["", " ", "\"\""])
        case .garbage:
            return Array(random.pick(["\"", ",,,,,,,", "{\"a\": 1}", "}", String(repeating: "\"", count: 7), "x"]).utf8)
        case .otherDelimiter:
            return Array(fields.joined(separator: ";").utf8)
        case .quotedNewline:
            fields[any] += "\nsecond line, with a comma"
        case .joinNext:
            break
        }
        return Self.write(fields)
    }

    /// A row as an exporter writes it: fields quoted when they hold a comma, quote or line break.
    static func write(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let bytes = Array(field.utf8)
            if bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                out.append(UInt8(ascii: "\""))
                for byte in bytes {
                    out.append(byte)
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out += bytes
            }
        }
        return out
    }
}

extension FuzzRandom: RandomNumberGenerator {}
