import Foundation

/// Saved queries (watches) and the posts they match, kept up to date incrementally.
///
/// Every read below first brings the watch up to date: posts stored after its high-water mark are
/// tested, and so are posts edited or deleted since (the store keeps a change log while a workspace
/// has watches), so a watch never needs a full rescan after it was added. A deleted post leaves
/// every watch at once. Bringing a watch up to date writes: on a store opened read-only, the
/// reads of a watch's matches throw ``StoreError`` `readOnly` (listing watches still works).
///
/// ```swift
/// try await store.addWatch(Watch(name: "velo", query: "velo OR cyclisme lang:fr"), workspace: "default")
/// let series = try await store.watchVolume(named: "velo", workspace: "default",
///                                          buckets: TimeBuckets(size: .day, timeZone: .gmt, count: 30, endingAt: Date()))
/// for try await page in store.watchedPosts(named: "velo", workspace: "default", in: since..<until) { … }
/// ```
public protocol WatchStore: Sendable {
    /// Validates and stores a watch, then matches it against everything already stored.
    /// Throws ``WatchError`` (`invalidName`, `invalidQuery` with the column, `alreadyExists`).
    @discardableResult
    func addWatch(_ watch: Watch, workspace: String) async throws -> WatchRefresh
    /// The workspace's watches, by name.
    func watches(workspace: String) async throws -> [Watch]
    func watch(named name: String, workspace: String) async throws -> Watch?
    /// Removes a watch and its matches; `false` when there was none of that name.
    @discardableResult
    func removeWatch(named name: String, workspace: String) async throws -> Bool

    /// Tests the posts stored, edited or deleted since the last refresh. Throws `WatchError.notFound`.
    @discardableResult
    func refreshWatch(named name: String, workspace: String) async throws -> WatchRefresh

    /// Matched posts per bucket (one count per bucket of `buckets`, zeros included).
    func watchVolume(named name: String, workspace: String, buckets: TimeBuckets) async throws -> [Int]
    /// Matched posts created in `range`, oldest first, read page by page. The watch is brought
    /// up to date when the first page is read.
    func watchedPosts(named name: String, workspace: String, in range: Range<Date>) -> PagedScan<Post>
    /// Matches created in `range`, counted per bucket of `bucket` seconds (aligned on multiples
    /// since 1970) from the bucket holding the range's start through the one holding its last
    /// instant: what a spike rule reads, counted by the store, so memory does not grow with the
    /// number of matches. The watch is brought up to date first.
    func watchedVolume(named name: String, workspace: String, in range: Range<Date>, bucket: TimeInterval) async throws -> VolumeSeries
    /// The creation dates of the oldest and newest match, `nil` when the watch matches nothing.
    func watchSpan(named name: String, workspace: String) async throws -> ClosedRange<Date>?

    /// The time zone that dashboards of the workspace use for buckets; UTC unless set.
    func timeZone(workspace: String) async throws -> TimeZone
    func setTimeZone(_ timeZone: TimeZone, workspace: String) async throws
}
