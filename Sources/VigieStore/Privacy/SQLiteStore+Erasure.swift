import Foundation
import GRDB
import VigieCore

/// `PrivacyStore`: erasure (Art. 17) through every derived row, and the real removal of the
/// bytes: `PRAGMA secure_delete` zeroes freed space while the erasure runs, the full-text index
/// is merged into one segment (which drops the deleted entries that an FTS5 delete only marks),
/// and the write-ahead log is checkpointed and truncated.
///
/// The work runs as short write transactions (``WriteSlicing``: about 40 ms each, the lock left
/// free between them), so another writer waits about one of them, never the whole erasure. The
/// suppression record goes first, in the first transaction, so that an import running meanwhile
/// cannot bring the person back; an `erasure_progress` row (``ErasureProgress``) keeps the counts
/// and stage, so an erasure stopped midway is finished by running it again.
extension SQLiteStore {
    /// At most this many of others' posts (reposts of theirs, posts naming them) are taken per
    /// transaction, whatever the budget.
    static let erasurePostsPerSlice = 500

    public var erasesSubjects: Bool { true }

    @discardableResult
    public func eraseSubject(_ account: AccountKey, workspace: String, options: ErasureOptions) async throws -> ErasureReceipt? {
        try await eraseSubject(account, workspace: workspace, options: options, slicing: .standard).receipt
    }

    /// The erasure with its slicing given, and what its transactions took (tests, benchmarks).
    func eraseSubject(_ account: AccountKey, workspace: String, options: ErasureOptions,
                      slicing: WriteSlicing) async throws -> (receipt: ErasureReceipt?, meter: SliceMeter) {
        try validate(workspace: workspace)
        var meter = SliceMeter(slicing)
        let started = try await writeSlice(&meter) { db, _ -> ErasureProgress? in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            let subject = try SubjectRows(db, workspace: workspace, key: account, includingPostIDs: false)
            if options.suppress {
                try PrivacyKeys.suppress(db, workspaceID: workspaceID, key: account, handle: subject?.handleLower)
            }
            let key = ErasureProgress.Key(workspaceID: workspaceID,
                                          hash: SuppressionList(key: try PrivacyKeys.key(db, workspaceID: workspaceID)).hash(account))
            // An erasure stopped midway resumes, even once the account row is gone.
            if let progress = try ErasureProgress.load(db, key) { return progress }
            guard subject?.isKnown == true else { return nil }
            return try ErasureProgress.begin(db, key)
        }
        guard let progress = started else { return (nil, meter) }
        try await setSecureDelete(true)
        do {
            if progress.stage == .rows {
                try await eraseRows(account, workspace: workspace, progress: progress.key, meter: &meter)
            }
            cache.withLock { $0.reset() }
            let compacted = options.compact ? try await mergeFullTextIndex(meter: &meter) : false
            var receipt = try await writeSlice(&meter) { db, _ -> ErasureReceipt in
                let counts = try ErasureProgress.counts(db, progress.key).filter { $0.value > 0 }
                let now = Date()
                // From the first run's start: a resumed erasure counts the time it stood stopped.
                let seconds = max(0, Double(now.unixMillis - progress.startedAt) / 1000)
                var receipt = ErasureReceipt(workspace: workspace, subjectHash: progress.key.hash, platform: account.platform,
                                             erasedAt: now, actor: options.actor, reason: options.reason,
                                             counts: counts, compacted: compacted, durationSeconds: seconds)
                try db.execute(sql: """
                    INSERT INTO erasure_receipt(workspace_id, subject_hash, platform, erased_at, actor, reason, counts,
                                                compacted, duration_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [progress.key.workspaceID, progress.key.hash, account.platform.rawValue, now.unixMillis,
                                     options.actor, options.reason, try ErasureProgress.encode(counts), compacted,
                                     Int64(seconds * 1000)])
                receipt.id = db.lastInsertedRowID
                try ErasureProgress.finish(db, progress.key)
                return receipt
            }
            try await setSecureDelete(false)
            if compacted, try await !checkpointAndTruncateLog() {
                receipt.compacted = false
                let id = receipt.id
                try await write { db in
                    try db.execute(sql: "UPDATE erasure_receipt SET compacted = 0 WHERE id = ?", arguments: [id])
                }
            }
            return (receipt, meter)
        } catch {
            try? await setSecureDelete(false)
            throw error
        }
    }

    /// Removes and rewrites the person's rows, one bounded transaction at a time, each adding
    /// what it removed to the progress row; the account rows go last, with the stage change.
    private func eraseRows(_ account: AccountKey, workspace: String, progress: ErasureProgress.Key,
                           meter: inout SliceMeter) async throws {
        // Records that name them, first: alerts and tombstones are matched by their post ids too.
        try await writeSlice(&meter) { db, _ in
            guard let subject = try SubjectRows(db, workspace: workspace, key: account), subject.isKnown else { return }
            try ErasureProgress.add(try Self.eraseRecords(db, subject: subject), db, progress)
        }
        let postsPerStatement = meter.slicing.postsPerStatement
        let interactionsPerStatement = meter.slicing.interactionsPerStatement
        // Their posts, by the author index, a set at a time. The edges their posts imply have
        // them as source: they go with the interactions below (counted as interactions either way).
        while try await writeSlice(&meter, { db, deadline -> Bool in
            guard let subject = try SubjectRows(db, workspace: workspace, key: account, includingPostIDs: false),
                  subject.isKnown else { return false }
            let logChange = try PostRemoval.hasWatches(db, workspaceID: subject.workspaceID)
            var removed = PostRemoval.Counts()
            var more = true
            repeat {
                let ids = try Int64.fetchAll(db, sql: """
                    SELECT id FROM post WHERE author_account_id IN (\(subject.rowList)) LIMIT \(postsPerStatement)
                    """)
                guard !ids.isEmpty else { more = false; break }
                removed.add(try PostRemoval.delete(db, authoredPostRowIDs: ids, logChange: logChange))
            } while !deadline.hasPassed
            try ErasureProgress.add(removed.receiptCounts(postsAs: "posts"), db, progress)
            return more
        }) {
            try Task.checkCancellation()
        }
        // Other people's posts that copy (reposts) or name them (mentions, replies, quotes), found
        // through the naming indexes in a read, outside the write lock, then removed or redacted
        // by row id. Read again until a read finds none (without suppression, an import may add
        // some meanwhile).
        for _ in 0..<5 {
            let found = try await read { db -> (copies: [Int64], naming: [Int64]) in
                guard let subject = try SubjectRows(db, workspace: workspace, key: account, includingPostIDs: false) else {
                    return ([], [])
                }
                let copies = try Int64.fetchAll(db, sql: SubjectRows.repostsQuery,
                                                arguments: [account.platformID, subject.workspaceID, account.platform.rawValue])
                let copySet = Set(copies)
                let naming = try subject.namingPostRowIDs(db).filter { !copySet.contains($0) }
                return (copies, naming)
            }
            guard !found.copies.isEmpty || !found.naming.isEmpty else { break }
            try await removeCopies(found.copies, account: account, progress: progress, meter: &meter)
            try await redactNaming(found.naming, account: account, workspace: workspace, progress: progress, meter: &meter)
        }
        // Interactions made or received, by the source and target indexes: each statement
        // deletes the next few hundred of either, until the slice's budget is spent.
        while try await writeSlice(&meter, { db, deadline -> Bool in
            guard let subject = try SubjectRows(db, workspace: workspace, key: account, includingPostIDs: false),
                  subject.isKnown else { return false }
            let rows = subject.rowList
            let limit = interactionsPerStatement
            var removed = 0
            var more = true
            repeat {
                try db.execute(sql: """
                    DELETE FROM interaction WHERE id IN (
                        SELECT id FROM (SELECT id FROM interaction WHERE source_account_id IN (\(rows)) LIMIT \(limit))
                        UNION
                        SELECT id FROM (SELECT id FROM interaction WHERE target_account_id IN (\(rows)) LIMIT \(limit)))
                    """)
                guard db.changesCount > 0 else { more = false; break }
                removed += db.changesCount
            } while !deadline.hasPassed
            try ErasureProgress.add(["interactions": removed], db, progress)
            return more
        }) {
            try Task.checkCancellation()
        }
        // The account rows last (their profile history goes by cascade), with the stage change:
        // a later run knows the rows are done although nothing names the person any more.
        try await writeSlice(&meter) { db, _ in
            var counts: [String: Int] = [:]
            if let subject = try SubjectRows(db, workspace: workspace, key: account, includingPostIDs: false), subject.isKnown {
                let rows = subject.rowList
                counts["requestsPseudonymised"] = try Self.pseudonymiseRequests(db, subject: subject, hash: progress.hash)
                counts["profileHistory"] = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM account_metrics WHERE account_id IN (\(rows))
                    """) ?? 0
                try db.execute(sql: "DELETE FROM account WHERE id IN (\(rows))")
                counts["accounts"] = db.changesCount
                // Writes of this process remember account row ids: not the erased ones from here on.
                self.cache.withLock { $0.reset() }
            }
            try ErasureProgress.add(counts, db, progress)
            try ErasureProgress.setStage(.compaction, db, progress)
        }
    }

    /// Tombstones, rejected lines, alerts and campaign rows naming the person: one transaction
    /// (a person's share of these is small; the alert and tombstone scans read the workspace's).
    private static func eraseRecords(_ db: Database, subject: SubjectRows) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let account = subject.key
        let tombstoneIDs = try namingTombstones(db, subject: subject).map { $0["id"] as Int64 }
        if !tombstoneIDs.isEmpty {
            try db.execute(sql: "DELETE FROM tombstone WHERE id IN (\(SubjectRows.list(tombstoneIDs)))")
        }
        counts["tombstones"] = tombstoneIDs.count
        if let condition = subject.rejectCondition() {
            try db.execute(sql: "DELETE FROM reject WHERE workspace_id = ? AND \(condition.sql)",
                           arguments: [subject.workspaceID] + condition.arguments)
            counts["rejects"] = db.changesCount
        }
        let alertIDs = try namingAlerts(db, subject: subject).map { $0["id"] as Int64 }
        if !alertIDs.isEmpty {
            counts["alertDeliveries"] = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM alert_delivery WHERE fired_alert_id IN (\(SubjectRows.list(alertIDs)))
                """) ?? 0
            try db.execute(sql: "DELETE FROM fired_alert WHERE id IN (\(SubjectRows.list(alertIDs)))")
        }
        counts["alerts"] = alertIDs.count
        // Campaign records: their place among a campaign's influencers (and fee) goes; their
        // links stay for the brand's report, no longer naming them (clicks name nobody).
        try db.execute(sql: """
            DELETE FROM campaign_influencer WHERE platform = ? AND platform_id = ?
              AND campaign_id IN (SELECT id FROM campaign WHERE workspace_id = ?)
            """, arguments: [account.platform.rawValue, account.platformID, subject.workspaceID])
        counts["campaignInfluencers"] = db.changesCount
        try db.execute(sql: """
            UPDATE short_link SET influencer_platform = NULL, influencer_platform_id = NULL
            WHERE workspace_id = ? AND influencer_platform = ? AND influencer_platform_id = ?
            """, arguments: [subject.workspaceID, account.platform.rawValue, account.platformID])
        counts["campaignLinksDetached"] = db.changesCount
        return counts
    }

    /// Deletes other people's reposts of their posts (a repost copies their text), by row id.
    private func removeCopies(_ ids: [Int64], account: AccountKey, progress: ErasureProgress.Key,
                              meter: inout SliceMeter) async throws {
        var remaining = ids[...]
        while !remaining.isEmpty {
            let batch = Array(remaining.prefix(Self.erasurePostsPerSlice))
            let done = try await writeSlice(&meter) { db, deadline -> Int in
                let logChange = try PostRemoval.hasWatches(db, workspaceID: progress.workspaceID)
                var removed = PostRemoval.Counts()
                var done = 0
                for id in batch {
                    done += 1
                    // Still a repost of theirs: the row id was read before this transaction.
                    if try Bool.fetchOne(db, sql: """
                        SELECT EXISTS (SELECT 1 FROM post WHERE id = ? AND platform = ? AND repost_of_account_platform_id = ?)
                        """, arguments: [id, account.platform.rawValue, account.platformID]) == true {
                        removed.add(try PostRemoval.delete(db, postRowID: id, logChange: logChange))
                    }
                    if deadline.hasPassed { break }
                }
                try ErasureProgress.add(removed.receiptCounts(postsAs: "repostsOfTheirPosts"), db, progress)
                return done
            }
            remaining = remaining.dropFirst(done)
            try Task.checkCancellation()
        }
    }

    /// Rewrites other people's posts that name them (``PostRemoval/redact``), by row id.
    private func redactNaming(_ ids: [Int64], account: AccountKey, workspace: String, progress: ErasureProgress.Key,
                              meter: inout SliceMeter) async throws {
        var remaining = ids[...]
        while !remaining.isEmpty {
            let batch = Array(remaining.prefix(Self.erasurePostsPerSlice))
            let done = try await writeSlice(&meter) { db, deadline -> Int in
                guard let subject = try SubjectRows(db, workspace: workspace, key: account, includingPostIDs: false) else {
                    return batch.count
                }
                let logChange = try PostRemoval.hasWatches(db, workspaceID: subject.workspaceID)
                let redaction = Redaction(account: account, handle: subject.handleLower)
                var redacted = 0
                var deleted = 0
                var done = 0
                for id in batch {
                    done += 1
                    if try PostRemoval.redact(db, postRowID: id, redaction: redaction, handle: subject.handleLower,
                                              logChange: logChange) {
                        deleted += 1
                    } else {
                        redacted += 1
                    }
                    if deadline.hasPassed { break }
                }
                try ErasureProgress.add(["postsRedacted": redacted, "repostsOfTheirPosts": deleted,
                                         "fullTextEntries": redacted + deleted], db, progress)
                return done
            }
            remaining = remaining.dropFirst(done)
            try Task.checkCancellation()
        }
    }

    /// `secure_delete` is a connection setting: on for the writer while an erasure runs.
    private func setSecureDelete(_ on: Bool) async throws {
        do {
            try await writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = \(on ? "ON" : "OFF")")
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
