import Foundation
import VigieCore

/// Changing a workspace's retention periods.
public struct RetentionSetRequest: Sendable, Hashable {
    /// New periods in days by kind; `nil` keeps that kind indefinitely. Kinds not named keep
    /// their current period.
    public var days: [RetentionPolicy.DataKind: Int?]
    /// Back to ``RetentionPolicy/defaults`` before applying `days`.
    public var resetToDefaults: Bool
    public var actor: String
    public var reason: String

    public init(days: [RetentionPolicy.DataKind: Int?] = [:], resetToDefaults: Bool = false, actor: String = "cli",
                reason: String = "") {
        self.days = days
        self.resetToDefaults = resetToDefaults
        self.actor = actor
        self.reason = reason
    }

    public func validate() throws(EngineError) {
        for (kind, period) in days {
            if let period, period < 1 {
                throw EngineError(.invalidArgument, field: kind.rawValue,
                                  "the retention period of \(kind.rawValue) must be at least 1 day (got \(period))")
            }
        }
    }
}

/// Applying the retention periods: what is older than each period goes, with its derived data.
public struct RetentionApplyRequest: Sendable, Hashable {
    /// Count what would go without deleting anything.
    public var dryRun: Bool
    /// The time the periods count back from (now by default; tests set it).
    public var now: Date?
    public var actor: String

    public init(dryRun: Bool = true, now: Date? = nil, actor: String = "cli") {
        self.dryRun = dryRun
        self.now = now
        self.actor = actor
    }
}

extension Engine {
    /// The workspace's retention periods.
    ///
    /// ```swift
    /// let policy = try await engine.retentionPolicy()
    /// ```
    public func retentionPolicy() async throws -> RetentionPolicy {
        try await store.retentionPolicy(workspace: workspace)
    }

    /// Whether the workspace's periods were set (``setRetention(_:)``) rather than left at the
    /// defaults: `vigie serve`'s daily purge applies only periods that were set.
    public func isRetentionSet() async throws -> Bool {
        try await store.isRetentionSet(workspace: workspace)
    }

    /// Sets retention periods and audits the change.
    ///
    /// ```swift
    /// let policy = try await engine.setRetention(RetentionSetRequest(days: [.posts: 180]))
    /// ```
    public func setRetention(_ request: RetentionSetRequest) async throws -> RetentionPolicy {
        try request.validate()
        var policy = request.resetToDefaults ? RetentionPolicy.defaults : try await store.retentionPolicy(workspace: workspace)
        for (kind, period) in request.days { policy.days[kind] = period }
        try await store.setRetentionPolicy(policy, workspace: workspace)
        let summary = RetentionPolicy.DataKind.allCases.map { "\($0.rawValue)=\(policy.days[$0].map(String.init) ?? "never")" }
        try await auditPrivacy("privacy.retention.set", actor: request.actor, target: nil,
                               detail: summary.joined(separator: " ") + reasonSuffix(request.reason))
        return policy
    }

    /// Deletes (or, in a dry run, counts) what is older than the workspace's periods.
    ///
    /// ```swift
    /// let preview = try await engine.applyRetention(RetentionApplyRequest(dryRun: true))
    /// let done = try await engine.applyRetention(RetentionApplyRequest(dryRun: false))
    /// ```
    public func applyRetention(_ request: RetentionApplyRequest) async throws -> PurgeSummary {
        let policy = try await store.retentionPolicy(workspace: workspace)
        let summary = try await store.purgeExpired(before: policy.cutoffs(now: request.now ?? Date()), workspace: workspace,
                                                   dryRun: request.dryRun)
        if !request.dryRun {
            let removed = summary.removed.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }
            try await auditPrivacy("privacy.retention.apply", actor: request.actor, target: nil,
                                   detail: removed.joined(separator: " "))
        }
        return summary
    }
}
