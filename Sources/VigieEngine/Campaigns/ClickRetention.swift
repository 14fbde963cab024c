import Foundation
import VigieCore

extension Engine {
    /// The default retention of raw clicks: 13 months (of 30 days).
    public static let defaultClickRetentionDays = 13 * 30

    /// Folds the workspace's clicks older than `retentionDays` into daily counts and deletes
    /// them; reports keep every count. Returns how many clicks were folded.
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
