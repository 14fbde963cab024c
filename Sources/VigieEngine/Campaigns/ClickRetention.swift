import Foundation
import VigieCore

extension Engine {
    /// The default retention of raw clicks: 13 months (of 30 days).
    public static let defaultClickRetentionDays = 13 * 30

    /// Deletes the workspace's clicks older than `retentionDays` (whole UTC days). Their daily
    /// counts and unique visitors were kept as they were written, so reports do not change; only
    /// the detail goes (click ids, so conversions can no longer be attributed to those clicks).
    /// Returns how many clicks were deleted.
    ///
    /// ```swift
    /// let folded = try await engine.compactClicks(retentionDays: Engine.defaultClickRetentionDays)
    /// ```
    public func compactClicks(retentionDays: Int = Engine.defaultClickRetentionDays, now: Date = Date()) async throws -> Int {
        guard retentionDays >= 1 else {
            throw EngineError(.invalidArgument, field: "retentionDays", "the retention must be at least one day")
        }
        return try await store.compactClicks(before: now.addingTimeInterval(-Double(retentionDays) * 86_400), workspace: workspace)
    }
}
