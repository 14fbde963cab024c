import Foundation
import VigieIngest

/// Writes a `JSONValue` back as JSON text, compact (one line) or pretty (two-space indent, as
/// `json.dumps(indent=2)` and most exporters write it).
enum JSONWriter {
    static func write(_ value: JSONValue, pretty: Bool) -> [UInt8] {
        var out: [UInt8] = []
        write(value, pretty: pretty, indent: 0, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, pretty: Bool, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .int(let number): out += Array(String(number).utf8)
        case .double(let number):
            out += Array((number.isFinite ? "\(number)" : (number > 0 ? "1e400" : "-1e400")).utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(pretty, indent + 1, &out)
                write(element, pretty: pretty, indent: indent + 1, into: &out)
            }
            if !elements.isEmpty { newline(pretty, indent, &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for index in object.keys.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(pretty, indent + 1, &out)
                writeString(object.keys[index], into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                write(object.values[index], pretty: pretty, indent: indent + 1, into: &out)
            }
            if object.count > 0 { newline(pretty, indent, &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ pretty: Bool, _ indent: Int, _ out: inout [UInt8]) {
        guard pretty else { return }
        out.append(0x0A)
        out += Array(repeating: 0x20, count: indent * 2)
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == 0x5C }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
