import Foundation
import GRDB
import VigieCore

/// Stored sentiment labels (``SentimentStore``, table `post_sentiment`, migration v9-speed).
extension SQLiteStore {
    public func storedSentiments(watch: String, workspace: String, in range: Range<Date>,
                                 model: String) async throws -> [PostKey: SentimentLabel?] {
        try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace),
                  try String.fetchOne(db, sql: "SELECT model FROM sentiment_model WHERE workspace_id = ?",
                                      arguments: [workspaceID]) == model else { return [:] }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT post.platform, post.platform_id, post_sentiment.label
                FROM watch JOIN watch_match ON watch_match.watch_id = watch.id
                JOIN post_sentiment ON post_sentiment.post_id = watch_match.post_id
                JOIN post ON post.id = watch_match.post_id
                WHERE watch.workspace_id = ? AND watch.name = ? AND watch_match.created_at >= ? AND watch_match.created_at < ?
                """, arguments: [workspaceID, watch, range.lowerBound.unixMillis, range.upperBound.unixMillis])
            var labels: [PostKey: SentimentLabel?] = [:]
            while let row = try rows.next() {
                guard let platform = Platform(rawValue: row[0]) else { continue }
                let label: String? = row[2]
                labels[PostKey(platform: platform, rootID: row[1])] = label.flatMap(SentimentLabel.init(rawValue:))
            }
            return labels
        }
    }

    public func storeSentiments(_ labels: [PostKey: SentimentLabel?], model: String, workspace: String) async throws {
        guard !labels.isEmpty else { return }
        try validate(workspace: workspace)
        try await write { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return }
            let stored = try String.fetchOne(db, sql: "SELECT model FROM sentiment_model WHERE workspace_id = ?",
                                             arguments: [workspaceID])
            if stored != model {
                // Another model's labels are stale: dropped before any of this one is kept.
                try db.execute(sql: """
                    DELETE FROM post_sentiment WHERE post_id IN (SELECT id FROM post WHERE workspace_id = ?)
                    """, arguments: [workspaceID])
                try db.execute(sql: """
                    INSERT INTO sentiment_model(workspace_id, model) VALUES (?, ?)
                    ON CONFLICT(workspace_id) DO UPDATE SET model = excluded.model
                    """, arguments: [workspaceID, model])
            }
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO post_sentiment(post_id, label)
                SELECT id, ? FROM post WHERE workspace_id = ? AND platform = ? AND platform_id = ?
                """)
            for (key, label) in labels {
                try insert.execute(arguments: [label?.rawValue, workspaceID, key.platform.rawValue, key.rootID])
            }
        }
    }
}
