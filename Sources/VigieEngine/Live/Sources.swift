import Foundation
import VigieCore

/// One source as listings show it: its configuration (never its token), what its listener last
/// reported, and where its data stops.
public struct SourceReport: Sendable, Codable {
    public var name: String
    public var kind: SourceKind
    /// What it listens to, in a few words (`wss://… posts, likes`, `https://… #velo, local`).
    public var target: String
    public var settings: SourceSettings
    public var hasToken: Bool
    public var paused: Bool
    /// `paused`, `never run`, `not running`, or the running listener's state.
    public var state: String
    public var detail: String?
    /// Seconds between the newest event and now.
    public var lagSeconds: Double?
    public var eventsPerSecond: Double?
    public var events: Int?
    public var reconnects: Int?
    public var lastError: String?
    public var lastErrorAt: Date?
    /// When the listener last reported.
    public var reportedAt: Date?
    /// Where its stored data stops.
    public var cursor: String?
}

extension SourceReport {
    /// A listener reports every few seconds; a report older than this means none is running.
    public static let staleAfter: TimeInterval = 30
}

/// What `addSource` is given: the source, with its token read by the front end (never logged).
public struct AddSourceRequest: Sendable {
    public var source: LiveSource

    public init(source: LiveSource) {
        self.source = source
    }

    public func validate() throws(EngineError) {
        do {
            try source.validate()
        } catch {
            throw EngineError(.invalidArgument, field: error.field, error.message)
        }
    }
}

extension Engine {
    /// Adds a live source to the workspace; a running listener starts it within seconds.
    ///
    /// ```swift
    /// try await engine.addSource(AddSourceRequest(source: LiveSource(name: "bsky", settings: .jetstream(JetstreamSettings()))))
    /// ```
    public func addSource(_ request: AddSourceRequest) async throws {
        try request.validate()
        try await store.addSource(request.source, workspace: workspace)
    }

    /// The workspace's sources with their state, lag, rate, reconnects and last error.
    ///
    /// ```swift
    /// for report in try await engine.sources() { print(report.name, report.state, report.lagSeconds ?? 0) }
    /// ```
    public func sources(at now: Date = Date()) async throws -> [SourceReport] {
        let sources = try await store.sources(workspace: workspace)
        let statuses = try await store.sourceStatuses(workspace: workspace)
        var reports: [SourceReport] = []
        for source in sources {
            let cursor = try await store.sourceCursor(named: source.name, workspace: workspace)
            reports.append(Self.report(source, status: statuses[source.name], cursor: cursor, now: now))
        }
        return reports
    }

    /// Pauses (`true`) or resumes a source; `notFound` about `name` when there is none.
    public func setSourcePaused(_ paused: Bool, name: String) async throws {
        guard try await store.setSourcePaused(paused, named: name, workspace: workspace) else { throw missingSource(name) }
    }

    /// Removes a source, its cursor and status; what it stored stays. `notFound` when there is none.
    public func removeSource(named name: String) async throws {
        guard try await store.removeSource(named: name, workspace: workspace) else { throw missingSource(name) }
    }

    func missingSource(_ name: String) -> EngineError {
        EngineError(.notFound, field: "name", "no source named '\(name)' in workspace '\(workspace)'")
    }

    static func report(_ source: LiveSource, status: SourceStatus?, cursor: SourceCursor?, now: Date) -> SourceReport {
        let running = status.map { $0.state != .stopped && now.timeIntervalSince($0.updatedAt) < SourceReport.staleAfter } ?? false
        let state: String
        if source.paused {
            state = "paused"
        } else if let status, running {
            state = status.state.rawValue
        } else {
            state = status == nil ? "never run" : "not running"
        }
        return SourceReport(
            name: source.name, kind: source.kind, target: describe(source.settings), settings: source.settings,
            hasToken: source.token != nil, paused: source.paused, state: state,
            detail: status?.detail, lagSeconds: status?.lag(at: now), eventsPerSecond: running ? status?.eventsPerSecond : nil,
            events: status?.events, reconnects: status?.reconnects, lastError: status?.lastError,
            lastErrorAt: status?.lastErrorAt, reportedAt: status?.updatedAt, cursor: cursor?.position.description)
    }

    static func describe(_ settings: SourceSettings) -> String {
        switch settings {
        case .jetstream(let jetstream):
            let collections = jetstream.collections.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
            var text = "\(jetstream.endpoint) \(collections.joined(separator: ","))"
            if !jetstream.dids.isEmpty { text += " (\(jetstream.dids.count) DIDs)" }
            if jetstream.compress { text += " zstd" }
            return text
        case .mastodon(let mastodon):
            let timelines = mastodon.timelines.map { timeline -> String in
                if case .hashtag(let tag) = timeline { return "#\(tag)" }
                return timeline.description
            }
            return "\(mastodon.baseURL) \(timelines.joined(separator: ","))"
        }
    }
}
