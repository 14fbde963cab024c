import Foundation

/// Where a live source stands in its stream: saved in the same transaction as the records it
/// covers (``IngestBatch/sourceCursor``), so that after a crash the source resumes right after
/// the last records that were stored — never before a gap, at worst a little before what is
/// already there (writes are idempotent).
public struct SourceCursor: Sendable, Hashable, Codable {
    /// The source's name.
    public var source: String
    public var position: SourcePosition

    public init(source: String, position: SourcePosition) {
        self.source = source
        self.position = position
    }
}

/// A position as the server gives it, behind one type: a time (Jetstream v1's `time_us`), a
/// sequence number (Jetstream v2), or the newest status id of each timeline (Mastodon).
public enum SourcePosition: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Microseconds since the Unix epoch, the server's clock.
    case microseconds(Int64)
    /// A sequence number that the server assigns to each event.
    case sequence(Int64)
    /// The newest id seen, per stream (Mastodon: `public`, `local`, `hashtag:NAME`).
    case ids([String: String])

    private enum CodingKeys: String, CodingKey { case microseconds, sequence, ids }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let value = try container.decodeIfPresent(Int64.self, forKey: .microseconds) {
            self = .microseconds(value)
        } else if let value = try container.decodeIfPresent(Int64.self, forKey: .sequence) {
            self = .sequence(value)
        } else if let value = try container.decodeIfPresent([String: String].self, forKey: .ids) {
            self = .ids(value)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a cursor of an unknown kind"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .microseconds(let value): try container.encode(value, forKey: .microseconds)
        case .sequence(let value): try container.encode(value, forKey: .sequence)
        case .ids(let value): try container.encode(value, forKey: .ids)
        }
    }

    /// The stored form: one short JSON object (`{"microseconds":1783175888085434}`).
    public func encodedJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a few integers or strings cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static func decodeJSON(_ text: String) throws -> SourcePosition {
        try JSONDecoder().decode(SourcePosition.self, from: Data(text.utf8))
    }

    public var description: String {
        switch self {
        case .microseconds(let micros):
            return "\(DateParsing.iso8601(Date(timeIntervalSince1970: Double(micros) / 1_000_000))) (time_us \(micros))"
        case .sequence(let sequence): return "sequence \(sequence)"
        case .ids(let ids): return ids.sorted { $0.key < $1.key }.map { "\($0.key) > \($0.value)" }.joined(separator: ", ")
        }
    }
}

/// Ordering of status ids: Mastodon's are decimal numbers (compared by length, then digits);
/// Pleroma's and Akkoma's are flake ids of one length that sort as strings.
public enum StatusIDOrder {
    public static func isNewer(_ id: String, than other: String) -> Bool {
        if id.count != other.count, id.allSatisfy(\.isASCIIDigit), other.allSatisfy(\.isASCIIDigit) {
            return id.count > other.count
        }
        return id > other
    }

    /// The id of a Mastodon status created at `date` or later (Mastodon's ids are the creation
    /// time in milliseconds shifted left by 16 bits), for `min_id` paging from a start time.
    public static func mastodonID(atOrAfter date: Date) -> String {
        String(UInt64(max(0, date.timeIntervalSince1970 * 1000)) << 16)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
