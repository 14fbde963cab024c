import Foundation
import VigieCore
import VigieIngest

/// Mastodon statuses read from files (JSON lines or arrays: REST timelines, `vigie synth
/// --format mastodon` output), in id order, ready to be published by a replay server.
public struct MastodonRecording: Sendable {
    public struct Status: Sendable {
        public var id: String
        /// The status as recorded.
        public var json: String
        /// Whether the author is local to the instance (`acct` without a domain).
        public var isLocal: Bool
        /// Lower-cased hashtags.
        public var tags: Set<String>

        public init(id: String, json: String, isLocal: Bool, tags: Set<String>) {
            self.id = id
            self.json = json
            self.isLocal = isLocal
            self.tags = tags
        }
    }

    public var statuses: [Status]

    public init(statuses: [Status]) {
        self.statuses = statuses
    }

    /// Reads every status of `paths`; anything else is refused with its file and line.
    public static func load(_ paths: [String], limit: Int = .max) throws -> MastodonRecording {
        var statuses: [Status] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { throw ReplayError("\(path): cannot be read") }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            // One document (an array or one status), else JSON lines.
            if let whole = try? JSONParser.parse(text) {
                for value in whole.array ?? [whole] {
                    guard statuses.count < limit else { break }
                    statuses.append(try status(value, at: path))
                }
                continue
            }
            var lineNumber = 0
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lineNumber += 1
                guard statuses.count < limit else { break }
                if line.allSatisfy(\.isWhitespace) { continue }
                let value: JSONValue
                do {
                    value = try JSONParser.parse(String(line))
                } catch {
                    throw ReplayError("\(path):\(lineNumber): not JSON (\(error))")
                }
                statuses.append(try status(value, at: "\(path):\(lineNumber)"))
            }
        }
        statuses.sort { StatusIDOrder.isNewer($1.id, than: $0.id) }
        return MastodonRecording(statuses: statuses)
    }

    private static func status(_ value: JSONValue, at place: String) throws -> Status {
        guard let id = value["id"]?.stringOrNumber, let account = value["account"], value["created_at"] != nil else {
            throw ReplayError("\(place): not a Mastodon status (needs id, created_at and account)")
        }
        let acct = account["acct"]?.string ?? ""
        var tags = Set((value["tags"]?.array ?? []).compactMap { $0["name"]?.string?.lowercased() })
        if tags.isEmpty, let content = value["content"]?.string {
            tags = Set(HTMLText.render(content).hashtags.map { $0.lowercased() })
        }
        return Status(id: id, json: JSONText.render(value), isLocal: !acct.contains("@"), tags: tags)
    }
}

/// Compact JSON text of a parsed value (the replay re-serves what it read).
enum JSONText {
    static func render(_ value: JSONValue) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }

    private static func append(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .string(let text): appendString(text, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                append(item, to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, (key, member)) in zip(object.keys, object.values).enumerated() {
                if index > 0 { out += "," }
                appendString(key, to: &out)
                out += ":"
                append(member, to: &out)
            }
            out += "}"
        case .int(let number): out += String(number)
        case .double(let number): out += number.isFinite ? "\(number)" : "null"
        }
    }

    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
