import Foundation
import GRDB
import VigieCore

/// What `post_fts` indexes for a post: ``Query/fullTextDocument(for:)`` of its text, hashtags and
/// mention handles, so that ``Query/ftsPrefilter()`` selects a superset of a query's matches.
/// `post_fts` is contentless, so removing an entry restates the document it indexed.
enum FullTextDocuments {
    static func document(text: String, hashtags: [String], mentions: [String]) -> String {
        Query.fullTextDocument(for: Post(
            platform: .other, platformID: "", authorID: "", createdAt: Date(timeIntervalSince1970: 0), text: text,
            hashtags: hashtags, mentions: mentions.map { Mention(handle: $0) }))
    }

    /// The document of a stored post, from its entity rows.
    static func stored(_ db: Database, postRowID: Int64, text: String) throws -> String {
        let hashtags = try String.fetchAll(db.cachedStatement(sql: """
            SELECT tag FROM post_hashtag WHERE post_id = ? ORDER BY position
            """), arguments: [postRowID])
        let mentions = try String.fetchAll(db.cachedStatement(sql: """
            SELECT handle FROM post_mention WHERE post_id = ? ORDER BY position
            """), arguments: [postRowID])
        return document(text: text, hashtags: hashtags, mentions: mentions)
    }

    /// Indexes every stored post (the table must be empty), in one pass over posts and entities.
    static func rebuild(_ db: Database) throws {
        let insert = try db.makeStatement(sql: "INSERT INTO post_fts(rowid, text) VALUES (?, ?)")
        var hashtags = EntityStream(try Row.fetchCursor(db, sql: """
            SELECT post_id, tag FROM post_hashtag ORDER BY post_id, position
            """)) { row -> String in row[1] }
        var mentions = EntityStream(try Row.fetchCursor(db, sql: """
            SELECT post_id, handle FROM post_mention ORDER BY post_id, position
            """)) { row -> String in row[1] }
        let posts = try Row.fetchCursor(db, sql: "SELECT id, text FROM post ORDER BY id")
        while let row = try posts.next() {
            let id: Int64 = row[0]
            let text = document(text: row[1], hashtags: try hashtags.values(for: id), mentions: try mentions.values(for: id))
            try insert.execute(arguments: [id, text])
        }
    }

    /// Appends `postRowID` to the change log that watches read (see docs/watches.md).
    static func logChange(_ db: Database, postRowID: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO post_change(post_id) VALUES (?)").execute(arguments: [postRowID])
    }
}
