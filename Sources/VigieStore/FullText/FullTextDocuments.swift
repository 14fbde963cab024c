import Foundation
import GRDB
import VigieCore

/// What `post_fts` indexes for a post: the core's ``QueryIndex/document(for:stems:)`` (its text,
/// hashtags, mention handles and links) in the FTS5 layout of ``FTS5``, so that the plans of
/// ``QueryIndex/plan(for:)`` can be answered. `post_fts` is contentless, so removing an entry
/// restates the document it indexed.
enum FullTextDocuments {
    private static let columns = FTS5.columns.joined(separator: ", ")
    private static let placeholders = Array(repeating: "?", count: FTS5.columns.count).joined(separator: ", ")
    static let insertSQL = "INSERT INTO post_fts(rowid, \(columns)) VALUES (?, \(placeholders))"
    static let deleteSQL = "INSERT INTO post_fts(post_fts, rowid, \(columns)) VALUES ('delete', ?, \(placeholders))"

    static func document(text: String, hashtags: [String], mentions: [String], urls: [String]) -> [String] {
        var stems = StemCache(capacity: 1)
        return document(text: text, hashtags: hashtags, mentions: mentions, urls: urls, stems: &stems)
    }

    static func document(text: String, hashtags: [String], mentions: [String], urls: [String],
                         stems: inout StemCache) -> [String] {
        FTS5.columnValues(of: QueryIndex.document(for: Post(
            platform: .other, platformID: "", authorID: "", createdAt: Date(timeIntervalSince1970: 0), text: text,
            hashtags: hashtags, mentions: mentions.map { Mention(handle: $0) }, urls: urls), stems: &stems))
    }

    /// The document of a stored post, from its entity rows.
    static func stored(_ db: Database, postRowID: Int64, text: String) throws -> [String] {
        let hashtags = try String.fetchAll(db.cachedStatement(sql: """
            SELECT tag FROM post_hashtag WHERE post_id = ? ORDER BY position
            """), arguments: [postRowID])
        let mentions = try String.fetchAll(db.cachedStatement(sql: """
            SELECT handle FROM post_mention WHERE post_id = ? ORDER BY position
            """), arguments: [postRowID])
        let urls = try String.fetchAll(db.cachedStatement(sql: """
            SELECT url FROM post_url WHERE post_id = ? ORDER BY position
            """), arguments: [postRowID])
        return document(text: text, hashtags: hashtags, mentions: mentions, urls: urls)
    }

    /// Indexes every stored post (the table must be empty), in one pass over posts and entities.
    static func rebuild(_ db: Database) throws {
        let insert = try db.makeStatement(sql: insertSQL)
        func entities(_ table: String, _ column: String) throws -> EntityStream<String> {
            try EntityStream(db, sql: "SELECT post_id, \(column) FROM \(table) ORDER BY post_id, position") {
                try $0.optionalText() ?? ""
            }
        }
        var hashtags = try entities("post_hashtag", "tag")
        var mentions = try entities("post_mention", "handle")
        var urls = try entities("post_url", "url")
        var stems = StemCache()
        let posts = try Row.fetchCursor(db, sql: "SELECT id, text FROM post ORDER BY id")
        while let row = try posts.next() {
            let id: Int64 = row[0]
            let columns = document(text: row[1], hashtags: try hashtags.values(for: id),
                                   mentions: try mentions.values(for: id), urls: try urls.values(for: id), stems: &stems)
            try insert.execute(arguments: StatementArguments([id] as [any DatabaseValueConvertible] + columns))
        }
    }

    /// Appends `postRowID` to the change log that watches read (see docs/watches.md).
    static func logChange(_ db: Database, postRowID: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO post_change(post_id) VALUES (?)").execute(arguments: [postRowID])
    }
}
