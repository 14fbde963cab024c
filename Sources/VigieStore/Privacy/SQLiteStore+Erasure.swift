import Foundation
import GRDB
import VigieCore

/// `PrivacyStore`: erasure (Art. 17) through every derived row, and the real removal of the
/// bytes: `PRAGMA secure_delete` zeroes freed space while the erasure runs, the full-text index
/// is merged into one segment (FTS5 `optimize`, which drops the deleted entries that an FTS5
/// delete only marks), and the write-ahead log is checkpointed and truncated.
///
/// The work is split into short transactions (posts go 200 at a time) so that other writers
/// wait little; the suppression record is written first, so an import running meanwhile cannot
/// bring the person back. An interrupted erasure is finished by running it again.
extension SQLiteStore {
    static let erasureBatchSize = 200

    public var erasesSubjects: Bool { true }

    @discardableResult
    public func eraseSubject(_ account: AccountKey, workspace: String, options: ErasureOptions) async throws -> ErasureReceipt? {
        try validate(workspace: workspace)
        let clock = ContinuousClock()
        let started = clock.now
        let known = try await write { db -> Bool in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            let subject = try SubjectRows(db, workspace: workspace, key: account)
            if options.suppress {
                try PrivacyKeys.suppress(db, workspaceID: workspaceID, key: account, handle: subject?.handleLower)
            }
            return subject?.isKnown ?? false
        }
        guard known else { return nil }
        try await setSecureDelete(true)
        do {
            let erased = try await eraseRows(account, workspace: workspace)
            // Imports remember account row ids; the erased rows' ids must not be reused from it.
            cache.withLock { $0.reset() }
            if options.compact {
                try await write { db in try db.execute(sql: "INSERT INTO post_fts(post_fts) VALUES ('optimize')") }
            }
            let compacted = options.compact
            let counts = erased.filter { $0.value > 0 }
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            var receipt = try await write { db -> ErasureReceipt in
                let workspaceID = try Self.ensureWorkspace(db, workspace)
                let hash = SuppressionList(key: try PrivacyKeys.key(db, workspaceID: workspaceID)).hash(account)
                var receipt = ErasureReceipt(workspace: workspace, subjectHash: hash, platform: account.platform,
                                             erasedAt: Date(), actor: options.actor, reason: options.reason,
                                             counts: counts, compacted: compacted, durationSeconds: seconds)
                let countsJSON = String(decoding: try JSONEncoder.sortedKeys.encode(counts), as: UTF8.self)
                try db.execute(sql: """
                    INSERT INTO erasure_receipt(workspace_id, subject_hash, platform, erased_at, actor, reason, counts,
                                                compacted, duration_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [workspaceID, hash, account.platform.rawValue, receipt.erasedAt.unixMillis, options.actor,
                                     options.reason, countsJSON, compacted, Int64(seconds * 1000)])
                receipt.id = db.lastInsertedRowID
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
            return receipt
        } catch {
            try? await setSecureDelete(false)
            throw error
        }
    }

    /// Deletes and rewrites in batches; returns the rows touched by concern.
    private func eraseRows(_ account: AccountKey, workspace: String) async throws -> [String: Int] {
        var posts = PostRemoval.Counts()
        var reposts = 0
        var redacted = 0
        // Their posts and other people's reposts of them (a repost copies their text).
        while true {
            let batch = try await write { db -> (PostRemoval.Counts, Int)? in
                guard let subject = try SubjectRows(db, workspace: workspace, key: account), subject.isKnown else { return nil }
                let logChange = try PostRemoval.hasWatches(db, workspaceID: subject.workspaceID)
                let own = try Int64.fetchAll(db, sql: """
                    SELECT id FROM post WHERE author_account_id IN (\(subject.rowList)) LIMIT \(Self.erasureBatchSize)
                    """)
                let copies = try Int64.fetchAll(db, sql: """
                    SELECT id FROM post WHERE workspace_id = ? AND platform = ? AND repost_of_account_platform_id = ?
                    LIMIT \(Self.erasureBatchSize)
                    """, arguments: [subject.workspaceID, account.platform.rawValue, account.platformID])
                guard !own.isEmpty || !copies.isEmpty else { return nil }
                var counts = PostRemoval.Counts()
                for id in own + copies { counts.add(try PostRemoval.delete(db, postRowID: id, logChange: logChange)) }
                return (counts, copies.count)
            }
            guard let batch else { break }
            posts.add(batch.0)
            reposts += batch.1
            try Task.checkCancellation()
        }
        // Other people's posts that mention, answer or quote them.
        while true {
            let batch = try await write { db -> (redacted: Int, deleted: Int)? in
                guard let subject = try SubjectRows(db, workspace: workspace, key: account) else { return nil }
                let ids = try subject.namingPostRowIDs(db).prefix(Self.erasureBatchSize)
                guard !ids.isEmpty else { return nil }
                let logChange = try PostRemoval.hasWatches(db, workspaceID: subject.workspaceID)
                let redaction = Redaction(account: account, handle: subject.handleLower)
                var deleted = 0
                for id in ids where try PostRemoval.redact(db, postRowID: id, redaction: redaction,
                                                           handle: subject.handleLower, logChange: logChange) {
                    deleted += 1
                }
                return (ids.count - deleted, deleted)
            }
            guard let batch else { break }
            redacted += batch.redacted
            reposts += batch.deleted
            try Task.checkCancellation()
        }
        // Everything else, and the account rows last.
        let rest = try await write { db -> [String: Int] in
            guard let subject = try SubjectRows(db, workspace: workspace, key: account), subject.isKnown else { return [:] }
            var counts: [String: Int] = [:]
            let rows = subject.rowList
            try db.execute(sql: "DELETE FROM interaction WHERE source_account_id IN (\(rows)) OR target_account_id IN (\(rows))")
            counts["interactions"] = db.changesCount
            let tombstoneIDs = try Self.namingTombstones(db, subject: subject).map { $0["id"] as Int64 }
            if !tombstoneIDs.isEmpty {
                try db.execute(sql: "DELETE FROM tombstone WHERE id IN (\(SubjectRows.list(tombstoneIDs)))")
            }
            counts["tombstones"] = tombstoneIDs.count
            if let condition = subject.rejectCondition() {
                try db.execute(sql: "DELETE FROM reject WHERE workspace_id = ? AND \(condition.sql)",
                               arguments: [subject.workspaceID] + condition.arguments)
                counts["rejects"] = db.changesCount
            }
            let alertIDs = try Self.namingAlerts(db, subject: subject).map { $0["id"] as Int64 }
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
            let hash = SuppressionList(key: try PrivacyKeys.key(db, workspaceID: subject.workspaceID)).hash(account)
            counts["requestsPseudonymised"] = try Self.pseudonymiseRequests(db, subject: subject, hash: hash)
            counts["profileHistory"] = try Int.fetchOne(db, sql: "SELECT count(*) FROM account_metrics WHERE account_id IN (\(rows))") ?? 0
            try db.execute(sql: "DELETE FROM account WHERE id IN (\(rows))")
            counts["accounts"] = db.changesCount
            return counts
        }
        var counts = rest
        counts["posts"] = posts.posts - reposts
        counts["repostsOfTheirPosts"] = reposts
        counts["postVersions"] = posts.versions
        counts["postEntities"] = posts.entities
        counts["fullTextEntries"] = posts.posts + redacted
        counts["watchMatches"] = posts.watchMatches
        counts["postsRedacted"] = redacted
        counts["interactions", default: 0] += posts.derivedInteractions
        return counts
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

    /// Copies the log into the database and empties it, so that the old pages it held are gone.
    /// Returns false when readers kept it from completing after a few tries.
    func checkpointAndTruncateLog() async throws -> Bool {
        guard path != ":memory:" else { return true }
        for attempt in 0..<5 {
            let busy = try await {
                do {
                    return try await writer.writeWithoutTransaction { db in
                        try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)").map { $0[0] as Int } ?? 0
                    }
                } catch {
                    throw StoreError.from(error, path: path)
                }
            }()
            if busy == 0 { return true }
            try await Task.sleep(for: .milliseconds(50 * (attempt + 1)))
        }
        return false
    }
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
