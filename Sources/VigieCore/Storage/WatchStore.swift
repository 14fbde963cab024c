import Foundation

/// Saved queries (watches) and the posts they match, kept up to date incrementally.
///
/// Every read below first brings the watch up to date: posts stored after its high-water mark are
/// tested, and so are posts edited or deleted since (the store keeps a change log while a workspace
/// has watches), so a watch never needs a full rescan after it was added. A deleted post leaves
/// every watch at once.
///
/// ```swift
/// try store.addWatch(Watch(name: "velo", query: "velo OR cyclisme lang:fr"), workspace: "default")
/// let series = try store.watchVolume(named: "velo", workspace: "default",
///                                    buckets: TimeBuckets(size: .day, timeZone: .gmt, count: 30, endingAt: Date()))
/// try store.forEachWatchedPost(named: "velo", workspace: "default", in: since..<until) { matched in … }
/// ```
public protocol WatchStore: Sendable {
    /// Validates and stores a watch, then matches it against everything already stored.
    /// Throws ``WatchError`` (`invalidName`, `invalidQuery` with the column, `alreadyExists`).
    @discardableResult
    func addWatch(_ watch: Watch, workspace: String) throws -> WatchRefresh
    /// The workspace's watches, by name.
    func watches(workspace: String) throws -> [Watch]
    func watch(named name: String, workspace: String) throws -> Watch?
    /// Removes a watch and its matches; `false` when there was none of that name.
    @discardableResult
    func removeWatch(named name: String, workspace: String) throws -> Bool

    /// Tests the posts stored, edited or deleted since the last refresh. Throws `WatchError.notFound`.
    @discardableResult
    func refreshWatch(named name: String, workspace: String) throws -> WatchRefresh

    /// Matched posts per bucket (one count per bucket of `buckets`, zeros included).
    func watchVolume(named name: String, workspace: String, buckets: TimeBuckets) throws -> [Int]
    /// Matched posts created in `range`, oldest first, in bounded memory. `body` runs inside one
    /// read transaction (a consistent snapshot) and must not use the store.
    func forEachWatchedPost(named name: String, workspace: String, in range: Range<Date>,
                            _ body: (WatchedPost) throws -> Void) throws
    /// The creation dates of the newest and oldest match, `nil` when the watch matches nothing.
    func watchSpan(named name: String, workspace: String) throws -> ClosedRange<Date>?

    /// The time zone that dashboards of the workspace use for buckets; UTC unless set.
    func timeZone(workspace: String) throws -> TimeZone
    func setTimeZone(_ timeZone: TimeZone, workspace: String) throws
}
