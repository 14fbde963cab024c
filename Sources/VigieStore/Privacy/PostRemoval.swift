import Foundation
import GRDB
import VigieCore

/// Removing and rewriting stored posts with everything derived from them: entity rows,
/// versions and watch matches (cascades), the contentless full-text entry (restated to be
/// removed), the edges the post implies, and the watches' change log. Used by the erasure and
/// the retention purge.
enum PostRemoval {
    /// Rows removed with one or more posts, by concern.
    struct Counts {
        var posts = 0
        var versions = 0
        var entities = 0
        var watchMatches = 0
        var derivedInteractions = 0

        mutating func add(_ other: Counts) {
            posts += other.posts
            versions += other.versions
            entities += other.entities
            watchMatches += other.watchMatches
            derivedInteractions += other.derivedInteractions
        }
    }

    static func hasWatches(_ db: Database, workspaceID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM watch WHERE workspace_id = ?)", arguments: [workspaceID]) ?? false
    }

    /// Deletes one post row and its derived data.
    static func delete(_ db: Database, postRowID: Int64, logChange: Bool) throws -> Counts {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT platform_id, text, author_account_id FROM post WHERE id = ?
            """), arguments: [postRowID]) else { return Counts() }
        var counts = Counts(posts: 1)
        counts.versions = try count(db, "SELECT count(*) FROM post_version WHERE post_id = ?", postRowID)
        counts.entities = try count(db, """
            SELECT (SELECT count(*) FROM post_hashtag WHERE post_id = ?1) + (SELECT count(*) FROM post_mention WHERE post_id = ?1)
                 + (SELECT count(*) FROM post_url WHERE post_id = ?1)
            """, postRowID)
        counts.watchMatches = try count(db, "SELECT count(*) FROM watch_match WHERE post_id = ?", postRowID)
        let document = try FullTextDocuments.stored(db, postRowID: postRowID, text: row["text"])
        try db.cachedStatement(sql: FullTextDocuments.deleteSQL)
            .execute(arguments: StatementArguments([postRowID] as [any DatabaseValueConvertible] + document))
        try db.cachedStatement(sql: """
            DELETE FROM interaction WHERE source_account_id = ? AND derived = 1 AND via_platform_id = ?
            """).execute(arguments: [row["author_account_id"], row["platform_id"]])
        counts.derivedInteractions = db.changesCount
        try db.cachedStatement(sql: "DELETE FROM post WHERE id = ?").execute(arguments: [postRowID])
        if logChange { try FullTextDocuments.logChange(db, postRowID: postRowID) }
        return counts
    }

    /// Rewrites another account's post so that it no longer names the erased person
    /// (``Post/redacting(_:)``); a repost of theirs is deleted instead. Returns whether the post
    /// was deleted.
    static func redact(_ db: Database, postRowID: Int64, redaction: Redaction, handle: String?,
                       logChange: Bool) throws -> Bool {
        let rows = try Row.fetchAll(db, sql: "\(PostDecoding.select) WHERE post.id = ?", arguments: [postRowID])
        guard let post = try PostDecoding.posts(from: rows, db: db).first else { return false }
        guard var redacted = post.redacting(redaction) else {
            _ = try delete(db, postRowID: postRowID, logChange: logChange)
            return true
        }
        // A reply may name them in its text without a mention entity.
        let handles = (handle.map { [$0] } ?? []) + post.mentions.filter { !redacted.mentions.contains($0) }.map(\.handle)
        redacted.text = Redaction.removing(handles: handles, from: redacted.text)
        let oldDocument = try FullTextDocuments.stored(db, postRowID: postRowID, text: post.text)
        try db.execute(sql: """
            UPDATE post SET text = ?, reply_to_platform_id = ?, reply_to_account_platform_id = ?,
                            quote_of_platform_id = ?, quote_of_account_platform_id = ?
            WHERE id = ?
            """, arguments: [redacted.text, redacted.replyToPostID, redacted.replyToAccountID, redacted.quoteOfID,
                             redacted.quoteOfAccountID, postRowID])
        // The stored sentiment label was computed on the old text: it goes with it.
        try db.execute(sql: "DELETE FROM post_sentiment WHERE post_id = ?", arguments: [postRowID])
        try db.execute(sql: "DELETE FROM post_mention WHERE post_id = ?", arguments: [postRowID])
        for (position, mention) in redacted.mentions.enumerated() {
            try db.execute(sql: """
                INSERT INTO post_mention(post_id, position, handle, handle_lower, account_platform_id) VALUES (?, ?, ?, ?, ?)
                """, arguments: [postRowID, position, mention.handle, mention.handle.lowercased(), mention.accountID])
        }
        for version in try Row.fetchAll(db, sql: "SELECT rowid, text FROM post_version WHERE post_id = ?", arguments: [postRowID]) {
            let text = Redaction.removing(handles: handles, from: version["text"])
            try db.execute(sql: "UPDATE OR REPLACE post_version SET text = ? WHERE rowid = ?", arguments: [text, version["rowid"]])
        }
        let newDocument = FullTextDocuments.document(text: redacted.text, hashtags: redacted.hashtags,
                                                     mentions: redacted.mentions.map(\.handle), urls: redacted.urls)
        try db.cachedStatement(sql: FullTextDocuments.deleteSQL)
            .execute(arguments: StatementArguments([postRowID] as [any DatabaseValueConvertible] + oldDocument))
        try db.cachedStatement(sql: FullTextDocuments.insertSQL)
            .execute(arguments: StatementArguments([postRowID] as [any DatabaseValueConvertible] + newDocument))
        if logChange { try FullTextDocuments.logChange(db, postRowID: postRowID) }
        return false
    }

    private static func count(_ db: Database, _ sql: String, _ id: Int64) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: sql), arguments: [id]) ?? 0
    }
}

extension PostRemoval {
    /// Deletes one author's set of posts and their derived data with a few statements for the
    /// whole set (an erasure's posts: one statement per post and table cost several times more),
    /// except the edges the posts imply: their source is the author, whose every edge an erasure
    /// removes afterwards (looked up per post, they read all of the author's edges each time).
    static func delete(_ db: Database, authoredPostRowIDs ids: [Int64], logChange: Bool) throws -> Counts {
        guard !ids.isEmpty else { return Counts() }
        let list = SubjectRows.list(ids)
        let rows = try Row.fetchAll(db, sql: "SELECT id, text FROM post WHERE id IN (\(list))")
        guard !rows.isEmpty else { return Counts() }
        func entities(_ table: String, _ column: String) throws -> [Int64: [String]] {
            var values: [Int64: [String]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT post_id, \(column) FROM \(table) WHERE post_id IN (\(list)) ORDER BY post_id, position
                """) {
                values[row[0], default: []].append(row[1])
            }
            return values
        }
        let hashtags = try entities("post_hashtag", "tag")
        let mentions = try entities("post_mention", "handle")
        let urls = try entities("post_url", "url")
        var counts = Counts(posts: rows.count)
        counts.entities = [hashtags, mentions, urls].reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
        counts.versions = try Int.fetchOne(db, sql: "SELECT count(*) FROM post_version WHERE post_id IN (\(list))") ?? 0
        counts.watchMatches = try Int.fetchOne(db, sql: "SELECT count(*) FROM watch_match WHERE post_id IN (\(list))") ?? 0
        let deleteEntry = try db.cachedStatement(sql: FullTextDocuments.deleteSQL)
        var stems = StemCache(capacity: 10_000)
        for row in rows {
            let id: Int64 = row["id"]
            let document = FullTextDocuments.document(text: row["text"], hashtags: hashtags[id] ?? [], mentions: mentions[id] ?? [],
                                                      urls: urls[id] ?? [], stems: &stems)
            try deleteEntry.execute(arguments: StatementArguments([id] as [any DatabaseValueConvertible] + document))
        }
        // Versions, entities, sentiment and watch matches go by cascade.
        try db.execute(sql: "DELETE FROM post WHERE id IN (\(list))")
        if logChange {
            for row in rows { try FullTextDocuments.logChange(db, postRowID: row["id"]) }
        }
        return counts
    }
}
