import VigieCore

/// The input formats Vigie reads. The raw value is the name used by `--format`.
public enum ImportFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Twitter/X API v2: twarc2 raw responses (`data` + `includes`), streaming lines and `twarc2 flatten` output.
    case twitterV2 = "twitter-v2"
    /// Twitter API v1.1 tweet and user objects, and the TwiBot-20 layout (profile + tweets).
    case twitterV1 = "twitter-v1"
    /// Mastodon / Pleroma / Akkoma / Pixelfed status and account JSON, and streaming payloads.
    case mastodon
    /// Bluesky Jetstream events, one JSON object a line.
    case jetstream = "bluesky-jetstream"
    /// The coordination-network-toolkit CSV.
    case toolkitCSV = "toolkit-csv"
    /// Instagram-style profile CSV (accounts).
    case instagramCSV = "instagram-csv"
    /// Any CSV, with a column mapping.
    case genericCSV = "csv"

    public var isCSV: Bool {
        switch self {
        case .toolkitCSV, .instagramCSV, .genericCSV: return true
        default: return false
        }
    }
}

/// Why one record was not imported. Thrown by decoders; the pipeline adds file and line.
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The record is broken or violates the format: it is kept aside as a reject.
        case invalid
        /// The record is well-formed but holds nothing Vigie stores (counts, list metadata):
        /// it is counted as skipped with its reason, not as an error.
        case skipped
    }

    public var kind: Kind
    public var reason: String
    /// The field at fault, as a path (`data[3].created_at`), when there is one.
    public var field: String?

    public init(_ kind: Kind = .invalid, _ reason: String, field: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.field = field
    }

    public static func invalid(_ reason: String, field: String? = nil) -> RecordError {
        RecordError(.invalid, reason, field: field)
    }

    public static func skipped(_ reason: String) -> RecordError {
        RecordError(.skipped, reason)
    }

    /// A required field is absent.
    public static func missing(_ field: String) -> RecordError {
        RecordError(.invalid, "missing required field '\(field)'", field: field)
    }

    /// A field holds the wrong type.
    public static func wrongType(_ field: String, expected: String, found: JSONValue) -> RecordError {
        RecordError(.invalid, "field '\(field)' should be \(expected), found \(found.typeName)", field: field)
    }

    public var description: String { reason }
}

/// A decoder for a JSON-based format. One instance decodes every record of a file, so it may
/// keep per-file state (a decoder is used from one thread).
public protocol JSONRecordDecoder {
    static var format: ImportFormat { get }
    /// Whether a top-level value (a line, a document, an element of a top-level array) looks
    /// like this format. Used to detect the format from the content.
    static func recognizes(_ value: JSONValue) -> Bool
    init()
    /// Appends what the record holds; throws `RecordError` for a record to reject or skip.
    /// A record that holds several posts appends the good ones and throws nothing for them;
    /// a bad element inside a good record should be reported through `rejectedParts`.
    mutating func decode(_ value: JSONValue, into items: inout [IngestItem]) throws
    /// Bad parts found inside the last decoded record (one bad tweet in a page of 100),
    /// reported as rejects of the same line while the rest of the record is kept.
    var rejectedParts: [RecordError] { get }
}

extension JSONRecordDecoder {
    public var rejectedParts: [RecordError] { [] }
}

/// Options for CSV formats: the column mapping of the generic CSV format and its platform.
public struct CSVOptions: Sendable, Hashable {
    /// Vigie field name → CSV column name, for the generic format (`id`, `author_id`, `author`,
    /// `text`, `created_at`, `lang`, `reply_to`, `repost_of`, `quote_of`, `urls`, `hashtags`, …).
    public var mapping: [String: String]
    public var platform: Platform
    /// Field delimiter (`,` by default, `;` and tab are common in French exports). Setting it
    /// (here or in the initialiser) makes it explicit: the importer then never overrides it.
    public var delimiter: UInt8 {
        didSet { detectsDelimiter = false }
    }
    /// Whether the importer picks the delimiter from the header line (true until one is set).
    public private(set) var detectsDelimiter: Bool

    public init(mapping: [String: String] = [:], platform: Platform = .other, delimiter: UInt8? = nil) {
        self.mapping = mapping
        self.platform = platform
        self.delimiter = delimiter ?? UInt8(ascii: ",")
        detectsDelimiter = delimiter == nil
    }
}

/// A decoder for a CSV-based format.
public protocol CSVRecordDecoder {
    static var format: ImportFormat { get }
    static func recognizes(header: [String]) -> Bool
    /// Validates the header; throws a `RecordError` naming the missing columns.
    init(header: [String], options: CSVOptions) throws
    mutating func decode(_ row: [String], into items: inout [IngestItem]) throws
}

/// A unit of input (a line, an array element, a CSV row) that could not even be delimited:
/// unterminated, or too large. Reported as a reject; the splitter goes on where it can.
public struct UnitError: Error, Sendable {
    public var line: Int
    public var reason: String
    public var excerpt: String

    public init(line: Int, reason: String, excerpt: String) {
        self.line = line
        self.reason = reason
        self.excerpt = excerpt
    }
}
