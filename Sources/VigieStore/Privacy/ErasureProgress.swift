import Foundation
import GRDB
import VigieCore

/// An erasure under way (table `erasure_progress`, one row per person being erased, named by
/// keyed hash). Each of the erasure's transactions adds what it removed to the row in the same
/// transaction, so the counts are exact whatever stops the erasure; running it again resumes at
/// the stored stage and the receipt counts every row, whichever run removed it.
struct ErasureProgress: Sendable {
    enum Stage: String, Sendable {
        /// Rows are being removed; the account rows go last, with the switch to `compaction`.
        case rows
        /// Every row is gone; the full-text index merge (and the receipt) remain.
        case compaction
    }

    struct Key: Sendable {
        let workspaceID: Int64
        let hash: String
    }

    let key: Key
    let startedAt: Int64
    var stage: Stage

    static func load(_ db: Database, _ key: Key) throws -> ErasureProgress? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT started_at, stage FROM erasure_progress WHERE workspace_id = ? AND subject_hash = ?
            """, arguments: [key.workspaceID, key.hash]) else { return nil }
        return ErasureProgress(key: key, startedAt: row["started_at"], stage: Stage(rawValue: row["stage"]) ?? .rows)
    }

    static func begin(_ db: Database, _ key: Key) throws -> ErasureProgress {
        let progress = ErasureProgress(key: key, startedAt: Date().unixMillis, stage: .rows)
        try db.execute(sql: """
            INSERT INTO erasure_progress(workspace_id, subject_hash, started_at, stage, counts) VALUES (?, ?, ?, 'rows', '{}')
            """, arguments: [key.workspaceID, key.hash, progress.startedAt])
        return progress
    }

    /// Adds one transaction's rows, by concern, to the stored counts.
    static func add(_ removed: [String: Int], _ db: Database, _ key: Key) throws {
        guard removed.values.contains(where: { $0 != 0 }) else { return }
        var counts = try counts(db, key)
        for (name, rows) in removed where rows != 0 { counts[name, default: 0] += rows }
        try db.execute(sql: "UPDATE erasure_progress SET counts = ? WHERE workspace_id = ? AND subject_hash = ?",
                       arguments: [try encode(counts), key.workspaceID, key.hash])
    }

    static func setStage(_ stage: Stage, _ db: Database, _ key: Key) throws {
        try db.execute(sql: "UPDATE erasure_progress SET stage = ? WHERE workspace_id = ? AND subject_hash = ?",
                       arguments: [stage.rawValue, key.workspaceID, key.hash])
    }

    static func counts(_ db: Database, _ key: Key) throws -> [String: Int] {
        let text = try String.fetchOne(db, sql: """
            SELECT counts FROM erasure_progress WHERE workspace_id = ? AND subject_hash = ?
            """, arguments: [key.workspaceID, key.hash]) ?? "{}"
        return (try? JSONDecoder().decode([String: Int].self, from: Data(text.utf8))) ?? [:]
    }

    /// Removes the row (with the receipt's insert, in one transaction).
    static func finish(_ db: Database, _ key: Key) throws {
        try db.execute(sql: "DELETE FROM erasure_progress WHERE workspace_id = ? AND subject_hash = ?",
                       arguments: [key.workspaceID, key.hash])
    }

    static func encode(_ counts: [String: Int]) throws -> String {
        String(decoding: try JSONEncoder.sortedKeys.encode(counts), as: UTF8.self)
    }
}

extension PostRemoval.Counts {
    /// The receipt's names for posts removed as `posts` (theirs) or `repostsOfTheirPosts`.
    func receiptCounts(postsAs name: String) -> [String: Int] {
        [name: posts, "postVersions": versions, "postEntities": entities, "fullTextEntries": posts,
         "watchMatches": watchMatches, "interactions": derivedInteractions]
    }
}
