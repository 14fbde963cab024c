import Foundation

/// What a listener reports about one source: where it is, how far behind, how fast, and what
/// went wrong last. Listeners save it every few seconds (``SourceStore/recordSourceStatus``), so
/// another process (`vigie sources list`, a dashboard) reads it.
public struct SourceStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Opening the connection.
        case connecting
        /// Connected and receiving the stream.
        case streaming
        /// Fetching what was missed (Mastodon's REST backfill after a reconnect).
        case backfilling
        /// Polling over REST (no stream).
        case polling
        /// Waiting before trying again: after a failure (backoff) or a rate limit.
        case waiting
        /// Paused by a user (or by a credential the server refused: see ``SourceStatus/lastError``).
        case paused
        /// Stopped with the listener.
        case stopped
    }

    public var state: State
    /// A few words on the state (`rate limited until 12:04:31`, `token refused (401)`).
    public var detail: String?
    /// The time of the newest event received (the server's clock).
    public var newestEventAt: Date?
    /// Events received in the last seconds, per second.
    public var eventsPerSecond: Double
    /// Events received since the listener started.
    public var events: Int
    /// Batches written since the listener started.
    public var batches: Int
    /// Connections opened again after the first one.
    public var reconnects: Int
    public var lastError: String?
    public var lastErrorAt: Date?
    /// When this report was made.
    public var updatedAt: Date

    public init(state: State, detail: String? = nil, newestEventAt: Date? = nil, eventsPerSecond: Double = 0,
                events: Int = 0, batches: Int = 0, reconnects: Int = 0, lastError: String? = nil,
                lastErrorAt: Date? = nil, updatedAt: Date = Date()) {
        self.state = state
        self.detail = detail
        self.newestEventAt = newestEventAt
        self.eventsPerSecond = eventsPerSecond
        self.events = events
        self.batches = batches
        self.reconnects = reconnects
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.updatedAt = updatedAt
    }

    /// How far behind the stream the source is: `now` minus the newest event's time.
    public func lag(at now: Date = Date()) -> TimeInterval? {
        newestEventAt.map { max(0, now.timeIntervalSince($0)) }
    }
}
