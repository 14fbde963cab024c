import Foundation

/// How long a workspace keeps each kind of data (GDPR Art. 5(1)(e), storage limitation).
/// A kind without a period is kept until someone removes it.
///
/// ```swift
/// var policy = RetentionPolicy.defaults
/// policy.days[.posts] = 180
/// let cutoffs = policy.cutoffs(now: Date())   // [.posts: six months ago, …]
/// ```
public struct RetentionPolicy: Sendable, Hashable, Codable {
    public enum DataKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// Posts, by their creation time, with their versions, entities, index entries and edges.
        case posts
        /// Explicit interactions (likes, follows, reposts), by their time.
        case interactions
        /// Profiles not observed since the cutoff and no longer linked to a kept post or edge.
        case profiles
        /// Follower and post count history, by observation time.
        case metrics
        /// Fired alerts (their evidence and payloads), by firing time.
        case alerts
        /// Rejected input lines (they may hold raw records), by rejection time.
        case rejects

        public static func < (lhs: DataKind, rhs: DataKind) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Days kept, by kind; a missing kind is kept indefinitely.
    public var days: [DataKind: Int]

    public init(days: [DataKind: Int]) {
        self.days = days
    }

    /// Thirteen months for what was collected and derived from it (the period French guidance
    /// accepts for audience measurement), three months for raw rejected lines, which are only
    /// kept to fix an import.
    public static let defaults = RetentionPolicy(days: [
        .posts: 395, .interactions: 395, .profiles: 395, .metrics: 395, .alerts: 395, .rejects: 90,
    ])

    /// The oldest time kept for each kind with a period.
    public func cutoffs(now: Date) -> [DataKind: Date] {
        days.mapValues { now.addingTimeInterval(-Double($0) * 86_400) }
    }

    /// Checks every period is at least one day; `field` names the kind at fault.
    public func validated() throws -> RetentionPolicy {
        for (kind, period) in days where period < 1 {
            throw RetentionPolicyError(kind: kind, days: period)
        }
        return self
    }
}

public struct RetentionPolicyError: Error, Sendable, CustomStringConvertible {
    public var kind: RetentionPolicy.DataKind
    public var days: Int
    public var description: String { "retention period of \(kind.rawValue) must be at least one day (got \(days))" }
}

/// What a retention purge removed (or, in a dry run, would remove).
public struct PurgeSummary: Sendable, Hashable, Codable {
    public var workspace: String
    public var dryRun: Bool
    /// Rows removed by kind.
    public var removed: [RetentionPolicy.DataKind: Int]
    /// Cutoffs applied, by kind.
    public var cutoffs: [RetentionPolicy.DataKind: Date]
    /// How many write transactions the purge took, and the longest one in milliseconds: a purge
    /// works in short batches so that other writers wait little.
    public var batches: Int
    public var longestBatchMilliseconds: Double

    public init(workspace: String, dryRun: Bool, removed: [RetentionPolicy.DataKind: Int] = [:],
                cutoffs: [RetentionPolicy.DataKind: Date] = [:], batches: Int = 0, longestBatchMilliseconds: Double = 0) {
        self.workspace = workspace
        self.dryRun = dryRun
        self.removed = removed
        self.cutoffs = cutoffs
        self.batches = batches
        self.longestBatchMilliseconds = longestBatchMilliseconds
    }
}
