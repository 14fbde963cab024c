import Foundation
import GRDB
import VigieCore

/// Rebuilds `Post` values from a post row, its author row and its entity rows.
enum PostDecoding {
    /// Post columns plus the author's platform id and handle.
    static let select = """
        SELECT post.*, account.platform_id AS author_platform_id, account.handle AS author_handle
        FROM post JOIN account ON account.id = post.author_account_id
        """

    struct Entities {
        var hashtags: [String] = []
        var mentions: [Mention] = []
        var urls: [String] = []
    }

    static func post(from row: Row, entities: Entities) throws -> Post {
        let platformName: String = try row.value("platform")
        guard let platform = Platform(rawValue: platformName) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "unknown platform '\(platformName)' in post row")
        }
        return try PostContent(row: row).post(
            platform: platform, rootID: try row.value("platform_id"), authorID: try row.value("author_platform_id"),
            authorHandle: try row.value("author_handle"), hashtags: entities.hashtags, mentions: entities.mentions,
            urls: entities.urls)
    }

    /// Posts for a handful of rows (search hits, recent posts), in the rows' order.
    static func posts(from rows: [Row], db: Database) throws -> [Post] {
        let ids: [Int64] = try rows.map { try $0.value("id") }
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let arguments = StatementArguments(ids)
        var entities: [Int64: Entities] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT post_id, tag FROM post_hashtag WHERE post_id IN (\(placeholders)) ORDER BY post_id, position
            """, arguments: arguments) {
            entities[try row.value(at: 0), default: Entities()].hashtags.append(try row.value(at: 1))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT post_id, handle, account_platform_id FROM post_mention WHERE post_id IN (\(placeholders))
            ORDER BY post_id, position
            """, arguments: arguments) {
            entities[try row.value(at: 0), default: Entities()].mentions.append(
                Mention(accountID: try row.value(at: 2), handle: try row.value(at: 1)))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT post_id, url FROM post_url WHERE post_id IN (\(placeholders)) ORDER BY post_id, position
            """, arguments: arguments) {
            entities[try row.value(at: 0), default: Entities()].urls.append(try row.value(at: 1))
        }
        return try rows.map { row in try post(from: row, entities: entities[try row.value("id")] ?? Entities()) }
    }
}
