import Foundation
import GRDB
import VigieCore

/// `PrivacyStore`: retention periods (workspace settings `privacy.retention.<kind>`, in days or
/// `never`) and the purge, which deletes expired rows with their derived data in short write
/// transactions (``WriteSlicing``: at most 500 rows and about 40 ms each, the lock left free
/// between them) so that imports and the server keep going.
extension SQLiteStore {
    private static let retentionPrefix = "privacy.retention."
    private static let purgeBatchSize = 500

    public func retentionPolicy(workspace: String) async throws -> RetentionPolicy {
        try validate(workspace: workspace)
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return .defaults }
            let rows = try Row.fetchAll(db, sql: """
                SELECT name, value FROM workspace_setting WHERE workspace_id = ? AND name LIKE 'privacy.retention.%'
                """, arguments: [workspaceID])
            guard !rows.isEmpty else { return .defaults }
            var days: [RetentionPolicy.DataKind: Int] = [:]
            for row in rows {
                let name: String = row["name"]
                let value: String = row["value"]
                if let kind = RetentionPolicy.DataKind(rawValue: String(name.dropFirst(Self.retentionPrefix.count))),
                   let period = Int(value) {
                    days[kind] = period
                }
            }
            return RetentionPolicy(days: days)
        }
    }

    public func isRetentionSet(workspace: String) async throws -> Bool {
        try validate(workspace: workspace)
        return try await read { db in
            guard let workspaceID = try Self.workspaceID(db, workspace) else { return false }
            return try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM workspace_setting WHERE workspace_id = ? AND name LIKE 'privacy.retention.%')
                """, arguments: [workspaceID]) ?? false
        }
    }

    public func setRetentionPolicy(_ policy: RetentionPolicy, workspace: String) async throws {
        try validate(workspace: workspace)
        let policy = try policy.validated()
        try await write { db in
            let workspaceID = try Self.ensureWorkspace(db, workspace)
            for kind in RetentionPolicy.DataKind.allCases {
                try db.execute(sql: """
                    INSERT INTO workspace_setting(workspace_id, name, value) VALUES (?, ?, ?)
                    ON CONFLICT(workspace_id, name) DO UPDATE SET value = excluded.value
                    """, arguments: [workspaceID, Self.retentionPrefix + kind.rawValue, policy.days[kind].map(String.init) ?? "never"])
            }
        }
    }

    public func purgeExpired(before cutoffs: [RetentionPolicy.DataKind: Date], workspace: String,
                             dryRun: Bool) async throws -> PurgeSummary {
        try await purgeExpired(before: cutoffs, workspace: workspace, dryRun: dryRun, slicing: .standard)
    }

    /// The purge with its slicing given (tests).
    func purgeExpired(before cutoffs: [RetentionPolicy.DataKind: Date], workspace: String, dryRun: Bool,
                      slicing: WriteSlicing) async throws -> PurgeSummary {
        try validate(workspace: workspace)
        var summary = PurgeSummary(workspace: workspace, dryRun: dryRun, cutoffs: cutoffs)
        guard let workspaceID = try await read({ db in try Self.workspaceID(db, workspace) }) else { return summary }
        var meter = SliceMeter(slicing)
        // Posts and edges first, so that profiles left without either can go too.
        for kind in RetentionPolicy.DataKind.allCases {
            guard let cutoff = cutoffs[kind]?.unixMillis else { continue }
            let plan = Self.purgePlan(kind, workspaceID: workspaceID, cutoff: cutoff)
            if dryRun {
                summary.removed[kind] = try await read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(plan.candidates))", arguments: plan.arguments) ?? 0
                }
                continue
            }
            var removed = 0
            var lastID: Int64 = 0
            while true {
                let after = lastID
                let batch = try await writeSlice(&meter) { db, deadline -> (ids: [Int64], handled: Int, rows: Int) in
                    let sql = plan.keyset ? plan.candidates.replacingOccurrences(of: "ORDER BY", with: "AND \(plan.idColumn) > \(after) ORDER BY")
                        : plan.candidates
                    let ids = try Int64.fetchAll(db, sql: "\(sql) LIMIT \(Self.purgeBatchSize)", arguments: plan.arguments)
                    guard !ids.isEmpty else { return ([], 0, 0) }
                    let result = try plan.delete(db, ids, deadline)
                    return (ids, result.handled, result.rows)
                }
                removed += batch.rows
                if batch.handled > 0 { lastID = batch.ids[batch.handled - 1] }
                if batch.ids.count < Self.purgeBatchSize && batch.handled == batch.ids.count { break }
                try Task.checkCancellation()
            }
            summary.removed[kind] = removed
            cache.withLock { $0.reset() }
        }
        summary.batches = meter.transactions
        summary.longestBatchMilliseconds = meter.longestMilliseconds
        return summary
    }

    /// What one kind's purge selects (row ids, in id order) and how it deletes a batch of them.
    private struct PurgePlan: Sendable {
        /// Rows to delete, `ORDER BY` last; a keyset plan is continued after the last id seen
        /// (rows that stay, like profiles still in use, are not read again).
        var candidates: String
        var arguments: StatementArguments
        var keyset = true
        var idColumn = "id"
        /// Deletes a batch's first ids until the slice's deadline; returns how many ids it
        /// handled (a prefix of the batch) and the rows removed.
        var delete: @Sendable (Database, [Int64], ContinuousClock.Instant) throws -> (handled: Int, rows: Int)
    }

    /// Runs `statement` on the ids 100 at a time until the deadline passes.
    private static func deleteInChunks(_ db: Database, _ ids: [Int64], until deadline: ContinuousClock.Instant,
                                       _ statement: (String) -> String, arguments: StatementArguments = []) throws -> (handled: Int, rows: Int) {
        var handled = 0
        var rows = 0
        while handled < ids.count {
            let chunk = ids[handled..<min(handled + 100, ids.count)]
            try db.execute(sql: statement(SubjectRows.list(Array(chunk))), arguments: arguments)
            rows += db.changesCount
            handled += chunk.count
            if deadline.hasPassed { break }
        }
        return (handled, rows)
    }

    private static func purgePlan(_ kind: RetentionPolicy.DataKind, workspaceID: Int64, cutoff: Int64) -> PurgePlan {
        switch kind {
        case .posts:
            return PurgePlan(candidates: "SELECT id FROM post WHERE workspace_id = ? AND created_at < ? ORDER BY created_at",
                             arguments: [workspaceID, cutoff], keyset: false) { db, ids, deadline in
                let logChange = try PostRemoval.hasWatches(db, workspaceID: workspaceID)
                var handled = 0
                for id in ids {
                    _ = try PostRemoval.delete(db, postRowID: id, logChange: logChange)
                    handled += 1
                    if deadline.hasPassed { break }
                }
                return (handled, handled)
            }
        case .interactions:
            return PurgePlan(candidates: "SELECT id FROM interaction WHERE workspace_id = ? AND derived = 0 AND at < ? ORDER BY id",
                             arguments: [workspaceID, cutoff]) { db, ids, deadline in
                try deleteInChunks(db, ids, until: deadline) { "DELETE FROM interaction WHERE id IN (\($0))" }
            }
        case .profiles:
            return PurgePlan(candidates: """
                SELECT id FROM account WHERE workspace_id = ? AND IFNULL(observed_at, 0) < ?
                AND NOT EXISTS (SELECT 1 FROM post WHERE author_account_id = account.id)
                AND NOT EXISTS (SELECT 1 FROM interaction WHERE source_account_id = account.id)
                AND NOT EXISTS (SELECT 1 FROM interaction WHERE target_account_id = account.id)
                ORDER BY id
                """, arguments: [workspaceID, cutoff]) { db, ids, deadline in
                try deleteInChunks(db, ids, until: deadline) { "DELETE FROM account WHERE id IN (\($0))" }
            }
        case .metrics:
            // WITHOUT ROWID: the batch is a set of accounts whose old snapshots all go at once.
            return PurgePlan(candidates: """
                SELECT DISTINCT account_id FROM account_metrics
                WHERE account_id IN (SELECT id FROM account WHERE workspace_id = ?) AND observed_at < ? ORDER BY account_id
                """, arguments: [workspaceID, cutoff], idColumn: "account_id") { db, ids, deadline in
                try deleteInChunks(db, ids, until: deadline, { "DELETE FROM account_metrics WHERE account_id IN (\($0)) AND observed_at < ?" },
                                   arguments: [cutoff])
            }
        case .alerts:
            return PurgePlan(candidates: """
                SELECT fired_alert.id FROM fired_alert JOIN alert_rule ON alert_rule.id = fired_alert.rule_id
                WHERE alert_rule.workspace_id = ? AND fired_alert.fired_at < ? ORDER BY fired_alert.id
                """, arguments: [workspaceID, cutoff], idColumn: "fired_alert.id") { db, ids, deadline in
                try deleteInChunks(db, ids, until: deadline) { "DELETE FROM fired_alert WHERE id IN (\($0))" }
            }
        case .rejects:
            return PurgePlan(candidates: "SELECT id FROM reject WHERE workspace_id = ? AND created_at < ? ORDER BY id",
                             arguments: [workspaceID, cutoff]) { db, ids, deadline in
                try deleteInChunks(db, ids, until: deadline) { "DELETE FROM reject WHERE id IN (\($0))" }
            }
        }
    }
}
