import Foundation
import VigieCore

/// A watch to save: a name and a listening query.
public struct AddWatchRequest: Sendable, Hashable {
    /// Letters, digits, `-`, `_` and `.`, at most 64.
    public var name: String
    /// The query (docs/query-language.md).
    public var query: String
    /// Match bare words by their Snowball stem.
    public var stemmed: Bool

    public init(name: String, query: String, stemmed: Bool = false) {
        self.name = name
        self.query = query
        self.stemmed = stemmed
    }
}

/// A watch with its current number of matches.
public struct WatchSummary: Sendable, Hashable, Codable {
    public var name: String
    public var query: String
    public var stemmed: Bool
    public var createdAt: Date
    public var matches: Int
}

/// What refreshing one watch did, and how long it took.
public struct WatchRefreshReport: Sendable, Hashable, Codable {
    public var watch: String
    public var refresh: WatchRefresh
    public var seconds: Double
}

extension Engine {
    /// Saves a watch and matches it against everything stored. Throws ``WatchError`` for a bad
    /// name, a malformed query (with its column) or a name already taken.
    ///
    /// ```swift
    /// let refresh = try await engine.addWatch(AddWatchRequest(name: "velo", query: "(velo OR cyclisme) lang:fr"))
    /// print(refresh.totalMatches)
    /// ```
    @discardableResult
    public func addWatch(_ request: AddWatchRequest) async throws -> WatchRefresh {
        try await store.addWatch(Watch(name: request.name, query: request.query, stemmed: request.stemmed), workspace: workspace)
    }

    /// The workspace's watches by name, each brought up to date first so its count is current.
    ///
    /// ```swift
    /// for watch in try await engine.watches() { print(watch.name, watch.matches) }
    /// ```
    public func watches() async throws -> [WatchSummary] {
        var summaries: [WatchSummary] = []
        for watch in try await store.watches(workspace: workspace) {
            let refresh = try await store.refreshWatch(named: watch.name, workspace: workspace)
            summaries.append(WatchSummary(name: watch.name, query: watch.query, stemmed: watch.stemmed,
                                          createdAt: watch.createdAt, matches: refresh.totalMatches))
        }
        return summaries
    }

    /// Removes a watch and its matches. Throws `WatchError.notFound` when there is none.
    ///
    /// ```swift
    /// try await engine.removeWatch(named: "velo")
    /// ```
    public func removeWatch(named name: String) async throws {
        guard try await store.removeWatch(named: name, workspace: workspace) else { throw WatchError.notFound(name) }
    }

    /// Tests what was imported, edited or deleted since each watch's last refresh (every watch
    /// when `names` is empty), in the order given.
    ///
    /// ```swift
    /// let reports = try await engine.refreshWatches()
    /// ```
    public func refreshWatches(_ names: [String] = []) async throws -> [WatchRefreshReport] {
        let names = names.isEmpty ? try await store.watches(workspace: workspace).map(\.name) : names
        var reports: [WatchRefreshReport] = []
        for name in names {
            try Task.checkCancellation()
            let started = ContinuousClock.now
            let refresh = try await store.refreshWatch(named: name, workspace: workspace)
            reports.append(WatchRefreshReport(watch: name, refresh: refresh, seconds: (ContinuousClock.now - started).seconds))
        }
        return reports
    }

    /// The time zone of the workspace's dashboard buckets (UTC unless set).
    public func dashboardTimeZone() async throws -> TimeZone {
        try await store.timeZone(workspace: workspace)
    }

    /// Sets the time zone of the workspace's dashboard buckets from an IANA name; returns it.
    ///
    /// ```swift
    /// try await engine.setDashboardTimeZone("Europe/Paris")
    /// ```
    @discardableResult
    public func setDashboardTimeZone(_ identifier: String) async throws -> TimeZone {
        let zone = try Self.timeZone(identifier, field: "timezone")
        try await store.setTimeZone(zone, workspace: workspace)
        return zone
    }

    /// An IANA time zone, or an error naming `field`.
    static func timeZone(_ identifier: String, field: String) throws(EngineError) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else {
            throw EngineError(.invalidArgument, field: field,
                              "'\(identifier)' is not a time zone: use an IANA name such as Europe/Paris, America/Montreal or UTC")
        }
        return zone
    }
}
