import Foundation
import GRDB
import GRDBSQLite
import VigieCore

/// Making an erasure's removed bytes leave the files (the full-text index's old segments, the
/// write-ahead log's old page images) without holding the write lock for long.
extension SQLiteStore {
    /// Output pages (of FTS5's 8,000-byte `pgsz`) per merge statement: a few milliseconds of work,
    /// so a slice stops close to its budget.
    static let mergePagesPerStatement = 64

    /// Merges the full-text index into one segment, in slices. An FTS5 delete only adds a delete
    /// marker; the person's terms leave the file when the segment holding them is merged with
    /// the marker. `optimize` does that in one statement, which held the lock for seconds on a
    /// large store; the same work is cut here into `merge` steps of a few pages (the total is
    /// still a rewrite of the whole index, about as long as `optimize`, but spread over short
    /// transactions). The first step is `merge -N`, which puts every segment on one level and
    /// starts merging all of them; the next are `merge N`, which continue that merge first, even
    /// when other writers add segments meanwhile (a `merge -N` each time would start over). Done
    /// when a step finds nothing to merge. Gives up (returns false: the receipt says the files
    /// were not compacted) after writing three times the index's size, which only a store
    /// written to non-stop could cause.
    func mergeFullTextIndex(meter: inout SliceMeter) async throws -> Bool {
        let initialPages = try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM post_fts_data") ?? 0 }
        let limit = 3 * initialPages + 1_000
        let pages = Self.mergePagesPerStatement
        var written = 0
        var first = true
        while true {
            let starting = first
            let step = try await writeSlice(&meter) { db, deadline -> (done: Bool, pages: Int) in
                var written = 0
                var parameter = starting ? -pages : pages
                repeat {
                    let before = db.totalChangesCount
                    try db.execute(sql: "INSERT INTO post_fts(post_fts, rank) VALUES ('merge', \(parameter))")
                    // Fewer than two changes: the step merged nothing (SQLite's FTS5 documentation).
                    if db.totalChangesCount - before < 2 { return (true, written) }
                    written += pages
                    parameter = pages
                } while !deadline.hasPassed
                return (false, written)
            }
            first = false
            if step.done { return true }
            written += step.pages
            if written > limit { return false }
            try Task.checkCancellation()
        }
    }

    /// Copies the log into the database and empties it, so that the old page images it held are
    /// gone. Returns false when readers kept it from completing after several tries.
    ///
    /// A `PASSIVE` checkpoint does the copying without taking the write lock (other processes
    /// keep writing; it skips frames a reader still needs, so it is repeated). The `TRUNCATE`
    /// that follows holds the lock to copy what was written since and to empty the file, and
    /// also while it waits for readers of older snapshots: its busy timeout is cut to 50 ms for
    /// that statement, and it is tried again later rather than keep writers behind a long read.
    func checkpointAndTruncateLog() async throws -> Bool {
        guard path != ":memory:" else { return true }
        for attempt in 0..<10 {
            let truncated = try await {
                do {
                    return try await writer.writeWithoutTransaction { db -> Bool in
                        for _ in 0..<3 {
                            guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") else { break }
                            let (log, copied): (Int, Int) = (row[1], row[2])
                            if log == copied { break }
                        }
                        guard let connection = db.sqliteConnection else { return false }
                        sqlite3_busy_timeout(connection, 50)
                        defer {
                            if case .timeout(let seconds) = db.configuration.busyMode {
                                sqlite3_busy_timeout(connection, Int32(seconds * 1000))
                            } else {
                                sqlite3_busy_timeout(connection, 0)
                            }
                        }
                        let busy = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)").map { $0[0] as Int } ?? 1
                        return busy == 0
                    }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    return false
                } catch {
                    throw StoreError.from(error, path: path)
                }
            }()
            if truncated { return true }
            try await Task.sleep(for: .milliseconds(50 * (attempt + 1)))
        }
        return false
    }
}
