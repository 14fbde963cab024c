import Foundation
import VigieCore

/// The CSV of the coordination-network-toolkit (QUT Digital Observatory):
/// `message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`.
///
/// The toolkit reads columns by position after a header; Vigie reads them by name, so a file
/// whose columns are reordered still imports. `timestamp` is Unix seconds (possibly
/// fractional; the toolkit only needs a consistent offset, so small values are accepted too);
/// an ISO date is accepted as well. `urls` is space-separated (the Python list spelling that
/// some exports write is tolerated). Empty `repost_id`/`reply_id` mean none.
///
/// The format names no platform: posts take `CSVOptions.platform`, and `.other` stays `.other`
/// rather than guessing Twitter. Hashtags and mentions come from the message text; links are
/// the `urls` column plus any in the text that the column does not already list.
public struct ToolkitCSVDecoder: CSVRecordDecoder {
    public static let format = ImportFormat.toolkitCSV
    static let columnNames = ["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"]

    private let header: CSVHeader
    private let platform: Platform
    private let messageID, userID, username, repostID, replyID, message, timestamp, urls: Int
    private var seenAccounts = SeenAccounts()

    /// The toolkit's eight columns, in any order, and nothing else.
    public static func recognizes(header: [String]) -> Bool {
        let lookup = CSVHeader(header)
        return header.count == columnNames.count && columnNames.allSatisfy { lookup.index(of: $0) != nil }
    }

    public init(header: [String], options: CSVOptions) throws {
        let lookup = CSVHeader(header)
        let indices = Self.columnNames.map { lookup.index(of: $0) }
        let missing = zip(Self.columnNames, indices).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            throw RecordError.invalid("not a coordination-network-toolkit header: missing column(s) "
                                      + missing.joined(separator: ", ") + " (header: \(lookup.list))",
                                      field: missing[0])
        }
        let found = indices.compactMap { $0 }
        self.header = lookup
        platform = options.platform
        (messageID, userID, username, repostID, replyID) = (found[0], found[1], found[2], found[3], found[4])
        (message, timestamp, urls) = (found[5], found[6], found[7])
    }

    public mutating func decode(_ row: [String], into items: inout [IngestItem]) throws {
        try CSVField.checkCount(row, header: header)
        guard let id = CSVField.text(row, messageID) else { throw RecordError.missing("message_id") }
        guard let author = CSVField.text(row, userID) else { throw RecordError.missing("user_id") }
        guard let rawTime = CSVField.text(row, timestamp) else { throw RecordError.missing("timestamp") }
        guard let createdAt = Self.parseTimestamp(rawTime) else {
            throw RecordError.invalid("column 'timestamp' is not a Unix time or a date: '\(rawTime.prefix(40))'"
                                      + " (\(Self.timestampProblem(rawTime)))", field: "timestamp")
        }
        let text = row[message]
        let handle = CSVField.text(row, username)
        let entities = EntityExtractor.entities(in: text)
        let listed = CSVField.text(row, urls).map { CSVField.list($0) } ?? []

        if let handle, seenAccounts.insert(id: author, handle: handle) {
            items.append(.account(Account(platform: platform, platformID: author, handle: handle)))
        }
        items.append(.post(Post(
            platform: platform,
            platformID: id,
            authorID: author,
            authorHandle: handle,
            createdAt: createdAt,
            text: text,
            replyToPostID: CSVField.text(row, replyID),
            repostOfID: CSVField.text(row, repostID),
            hashtags: entities.hashtags,
            mentions: entities.mentions.map { Mention(handle: $0) },
            urls: CSVField.union(listed, entities.urls)
        )))
    }

    /// A Unix time of any size (the toolkit's own tests use `0` and `59`), its unit told by its
    /// size (``DateParsing/date(unixTime:)``: seconds, else milliseconds, microseconds,
    /// nanoseconds), else a date; `nil` outside 1970–2099.
    static func parseTimestamp(_ raw: String) -> Date? {
        let trimmed = raw.trimmingSpaces
        if let value = Double(trimmed) { return DateParsing.date(unixTime: value) }
        return DateParsing.parse(String(trimmed))
    }

    /// Why ``parseTimestamp(_:)`` refused a value, for the reject's reason.
    static func timestampProblem(_ raw: String) -> String {
        let trimmed = raw.trimmingSpaces
        guard let value = Double(trimmed) else { return DateParsing.problem(with: String(trimmed)) ?? "not a date" }
        guard value.isFinite, value >= 0 else { return "a Unix time must be a number of seconds from 1970 on" }
        return "as a Unix time (seconds; milliseconds, microseconds or nanoseconds by its size) it falls "
            + "outside the supported dates, 1970-01-01 to 2099-12-31"
    }
}
