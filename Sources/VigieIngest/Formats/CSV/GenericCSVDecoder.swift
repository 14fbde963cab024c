import Foundation
import VigieCore

/// Posts from any CSV, given which column holds each Vigie field (`CSVOptions.mapping`, field →
/// column). A field without a mapping entry is read from a column of its own name, in any case.
///
/// Fields: `id`, `author_id` and/or `author` (the handle; without `author_id` it serves as the
/// id too), `text`, `created_at` (any form `DateParsing` reads) are required; `lang`,
/// `reply_to`, `repost_of`, `quote_of`, `urls` and `hashtags` (space- or comma-separated),
/// `likes`, `reposts` and `replies` are optional. Hashtags, mentions and links are also
/// taken from the text.
///
/// Example: `vigie ingest export.csv --format csv --map id=tweet_id --map text=contenu`.
public struct GenericCSVDecoder: CSVRecordDecoder {
    public static let format = ImportFormat.genericCSV

    /// The fields a mapping may name.
    public static let fields = ["id", "author_id", "author", "text", "created_at", "lang", "reply_to",
                                "repost_of", "quote_of", "urls", "hashtags", "likes", "reposts", "replies"]

    private let header: CSVHeader
    private let platform: Platform
    private let id, text, createdAt: Int
    /// At least one of the two is set.
    private let authorID, author: Int?
    private let lang, replyTo, repostOf, quoteOf, urls, hashtags, likes, reposts, replies: Int?
    private var seenAccounts = SeenAccounts()

    /// The generic format is normally chosen with `--format csv`; a header that names the
    /// required fields itself is recognised too.
    public static func recognizes(header: [String]) -> Bool {
        let lookup = CSVHeader(header)
        return ["id", "text", "created_at"].allSatisfy { lookup.index(of: $0) != nil }
            && (lookup.index(of: "author_id") != nil || lookup.index(of: "author") != nil)
    }

    public init(header: [String], options: CSVOptions) throws {
        let lookup = CSVHeader(header)
        if let unknown = options.mapping.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw RecordError.invalid("unknown field '\(unknown)' in the column mapping; fields are "
                                      + Self.fields.joined(separator: ", "), field: unknown)
        }
        var columns: [String: Int] = [:]
        for field in Self.fields {
            if let column = options.mapping[field] {
                guard let index = lookup.index(of: column) else {
                    throw RecordError.invalid("field '\(field)' is mapped to column '\(column)', which the header "
                                              + "does not have (header: \(lookup.list))", field: field)
                }
                columns[field] = index
            } else if let index = lookup.index(of: field) {
                columns[field] = index
            }
        }
        var missing = ["id", "text", "created_at"].filter { columns[$0] == nil }
        if columns["author_id"] == nil && columns["author"] == nil { missing.insert("author_id or author", at: 1) }
        guard let id = columns["id"], let text = columns["text"], let createdAt = columns["created_at"],
              missing.isEmpty else {
            throw RecordError.invalid("required field(s) not mapped to a column: " + missing.joined(separator: ", ")
                                      + " (header: \(lookup.list))", field: missing.first)
        }
        self.header = lookup
        platform = options.platform
        self.id = id
        self.text = text
        self.createdAt = createdAt
        authorID = columns["author_id"]
        author = columns["author"]
        lang = columns["lang"]
        replyTo = columns["reply_to"]
        repostOf = columns["repost_of"]
        quoteOf = columns["quote_of"]
        urls = columns["urls"]
        hashtags = columns["hashtags"]
        likes = columns["likes"]
        reposts = columns["reposts"]
        replies = columns["replies"]
    }

    public mutating func decode(_ row: [String], into items: inout [IngestItem]) throws {
        try CSVField.checkCount(row, header: header)
        guard let postID = CSVField.text(row, id) else { throw RecordError.missing(column(id)) }
        let handle = CSVField.text(row, author).map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
        guard let authorKey = CSVField.text(row, authorID) ?? handle else {
            throw RecordError.missing(column(authorID ?? author))
        }
        guard let created = try CSVField.date(row, createdAt, column: column(createdAt)) else {
            throw RecordError.missing(column(createdAt))
        }
        let body = row[text]
        let entities = EntityExtractor.entities(in: body)
        let listedURLs = CSVField.text(row, urls).map { CSVField.list($0) } ?? []
        let listedTags = CSVField.text(row, hashtags).map { CSVField.list($0, dropping: "#") } ?? []
        let likeCount = try CSVField.integer(row, likes, column: column(likes))
        let repostCount = try CSVField.integer(row, reposts, column: column(reposts))
        let replyCount = try CSVField.integer(row, replies, column: column(replies))
        let metrics = likeCount == nil && repostCount == nil && replyCount == nil
            ? nil : PostMetrics(likes: likeCount, reposts: repostCount, replies: replyCount)

        if let handle, seenAccounts.insert(id: authorKey, handle: handle) {
            items.append(.account(Account(platform: platform, platformID: authorKey, handle: handle)))
        }
        items.append(.post(Post(
            platform: platform,
            platformID: postID,
            authorID: authorKey,
            authorHandle: handle,
            createdAt: created,
            text: body,
            language: CSVField.text(row, lang),
            replyToPostID: CSVField.text(row, replyTo),
            repostOfID: CSVField.text(row, repostOf),
            quoteOfID: CSVField.text(row, quoteOf),
            hashtags: CSVField.union(listedTags, entities.hashtags),
            mentions: entities.mentions.map { Mention(handle: $0) },
            urls: CSVField.union(listedURLs, entities.urls),
            metrics: metrics
        )))
    }

    /// The column's name as the file spells it, for error messages.
    private func column(_ index: Int?) -> String {
        guard let index else { return "" }
        return header.columns[index]
    }
}
