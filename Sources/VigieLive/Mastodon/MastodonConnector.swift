import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigieCore
import VigieIngest
import WSClient

/// Listens to a Mastodon instance's timelines (public, local, hashtags) and writes what it reads,
/// each batch with the newest status id of every timeline in the same transaction.
///
/// - Without a token: REST polling, paging forward with `min_id` from the stored ids.
/// - With a token (Mastodon 4.2+ streams only to users): `/api/v1/streaming` over WebSocket for
///   `update`, `status.update` and `delete` (deletions become tombstones at once), and after every
///   (re)connect a REST backfill from the stored ids, so nothing in between is missed.
/// - `X-RateLimit-*` is respected (no request after the allowance until its reset), `429` waits
///   for `Retry-After`, `5xx` and network failures back off with jitter, and a refused token
///   (`401`/`403`) pauses this source only, with the reason as its last error.
///
/// ```swift
/// let connector = MastodonConnector(name: "masto", settings: MastodonSettings(instance: "https://mastodon.social",
///                                   timelines: [.hashtag("velo")]), token: nil, context: context)
/// ```
public struct MastodonConnector: Service {
    public let name: String
    public let settings: MastodonSettings
    let token: SourceToken?
    public let context: LiveContext
    public let meter: SourceMeter
    public let stop: StopSignal

    public init(name: String, settings: MastodonSettings, token: SourceToken?, context: LiveContext,
                meter: SourceMeter? = nil, stop: StopSignal = StopSignal()) {
        self.name = name
        self.settings = settings
        self.token = token
        self.context = context
        self.meter = meter ?? SourceMeter(name: name)
        self.stop = stop
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await listen()
        } onGracefulShutdown: {
            stop.fire()
        }
    }

    private func listen() async throws {
        let rest = MastodonREST(baseURL: settings.baseURL, token: token)
        let cursor = MastodonCursor()
        var backoff = context.options.backoff
        var cursorLoaded = false
        var connections = 0
        defer { meter.set(.stopped) }
        while !stop.isFired {
            try Task.checkCancellation()
            var progressed = false
            do {
                if !cursorLoaded {
                    let stored = try await context.sources.sourceCursor(named: name, workspace: context.workspace)
                    if case .ids(let ids)? = stored?.position { cursor.load(ids) } else { cursor.load([:]) }
                    cursorLoaded = true
                }
                if token == nil {
                    try await poll(rest, cursor: cursor, progressed: &progressed)
                } else {
                    if connections > 0 { meter.reconnected() }
                    connections += 1
                    do {
                        progressed = try await stream(rest, cursor: cursor)
                    } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
                        // The upgrade answer's status is not told: ask the REST side, which
                        // says whether the token is refused (and pauses the source) or not.
                        _ = try await rest.page(settings.timelines[0], minID: nil, limit: 1)
                        throw error
                    }
                }
            } catch MastodonHTTPError.refused(let status, let message) {
                let error = MastodonHTTPError.refused(status: status, message: message)
                record(error)
                meter.set(.paused, detail: "token refused (HTTP \(status))")
                try await context.sources.setSourcePaused(true, named: name, workspace: context.workspace)
                return
            } catch MastodonHTTPError.rateLimited(let until) {
                record(MastodonHTTPError.rateLimited(until: until))
                try await waitUntil(until)
                continue
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                record(error)
                // The ids in memory may be ahead of what was written: start again from the store.
                cursorLoaded = false
            }
            if stop.isFired { break }
            if progressed { backoff.reset() }
            let delay = backoff.next()
            meter.set(.waiting, detail: "trying again in \(ConnectionEnd.format(delay.seconds)) s")
            await stop.sleep(for: delay)
        }
    }

    private func record(_ error: any Error) {
        let message = LiveErrorText.describe(error)
        meter.failed(message)
        context.logger.warning("source \(name): \(message)")
    }

    private func waitUntil(_ date: Date) async throws {
        let seconds = date.timeIntervalSinceNow
        guard seconds > 0 else { return }
        meter.set(.waiting, detail: "rate limited until \(DateParsing.iso8601(date))")
        await stop.sleep(for: .milliseconds(Int64(seconds * 1000) + 50))
    }

    // MARK: - Polling

    /// Polls every timeline forward from its id, then waits the poll interval, until stopped.
    private func poll(_ rest: MastodonREST, cursor: MastodonCursor, progressed: inout Bool) async throws {
        while !stop.isFired {
            meter.set(.polling)
            try await backfill(rest, cursor: cursor)
            progressed = true
            meter.set(.polling, detail: "next poll in \(ConnectionEnd.format(settings.pollIntervalSeconds)) s")
            await stop.sleep(for: .milliseconds(Int64(settings.pollIntervalSeconds * 1000)))
        }
    }

    /// Pages every timeline forward from its stored id until caught up, writing each page with
    /// the timeline's new id. A timeline without an id starts at the settings' start: its newest
    /// status (live) or the id of the start time.
    private func backfill(_ rest: MastodonREST, cursor: MastodonCursor) async throws {
        for timeline in settings.timelines {
            var minID = cursor.id(of: timeline)
            if minID == nil {
                switch settings.start {
                case .since(let date): minID = StatusIDOrder.mastodonID(atOrAfter: date)
                case .live:
                    let newest = try await request { try await rest.page(timeline, minID: nil, limit: 1) }
                    let id = newest.statuses.compactMap { $0["id"]?.stringOrNumber }.first ?? "0"
                    cursor.advance(timeline, to: id)
                    try await write([LiveChunk(position: cursor.position, events: 0)])
                    continue
                }
            }
            while !stop.isFired {
                let page = try await request { try await rest.page(timeline, minID: minID, limit: settings.pageLimit) }
                guard !page.statuses.isEmpty else { break }
                let chunk = decode(page.statuses, timeline: timeline, cursor: cursor)
                meter.received(events: page.statuses.count, newest: chunk.eventTime)
                try await write([chunk])
                let next = page.newerMinID ?? cursor.id(of: timeline)
                guard let next, next != minID else { break }
                minID = next
                if page.statuses.count < settings.pageLimit { break }
            }
        }
    }

    /// One REST request, waiting out the rate limit before it and 429s after it.
    private func request(_ body: () async throws -> MastodonPage) async throws -> MastodonPage {
        while true {
            try Task.checkCancellation()
            do {
                let page = try await body()
                if let next = page.rateLimit.nextRequest(after: Date()) { try await waitUntil(next) }
                return page
            } catch MastodonHTTPError.rateLimited(let until) {
                record(MastodonHTTPError.rateLimited(until: until))
                try await waitUntil(until)
                if stop.isFired { throw CancellationError() }
            }
        }
    }

    private func decode(_ statuses: [JSONValue], timeline: MastodonTimeline, cursor: MastodonCursor) -> LiveChunk {
        var decoder = MastodonDecoder()
        var chunk = LiveChunk(events: statuses.count)
        for status in statuses {
            do {
                try decoder.decode(status, into: &chunk.items)
                if case .post(let post)? = chunk.items.last(where: { if case .post = $0 { return true } else { return false } }) {
                    chunk.eventTime = max(chunk.eventTime ?? .distantPast, post.createdAt)
                }
            } catch {
                chunk.rejects.append(reject("\(error)", excerpt: "\(status)"))
            }
            if let id = status["id"]?.stringOrNumber { cursor.advance(timeline, to: id) }
        }
        chunk.position = cursor.position
        return chunk
    }

    private func reject(_ reason: String, excerpt: String) -> Reject {
        Reject(file: "mastodon:\(name)", line: Int(Date().timeIntervalSince1970 * 1_000_000),
               format: ImportFormat.mastodon.rawValue, reason: reason, excerpt: String(excerpt.prefix(2_000)))
    }

    /// Writes chunks outside a connection (REST pages): one batch each, with the cursor.
    private func write(_ chunks: [LiveChunk]) async throws {
        let queue = LiveQueue(capacity: .max)
        for chunk in chunks { try await queue.push(chunk) }
        queue.close()
        _ = try await LiveBatchWriter(context: context, source: name, meter: meter).drain(queue, from: nil)
    }

    // MARK: - Streaming

    /// Opens the stream, backfills over REST while its first messages wait, then streams until
    /// the connection ends. Returns whether anything arrived.
    private func stream(_ rest: MastodonREST, cursor: MastodonCursor) async throws -> Bool {
        meter.set(.connecting, detail: settings.baseURL + "/api/v1/streaming")
        var url = settings.baseURL + "/api/v1/streaming"
        if url.hasPrefix("https://") { url = "wss://" + url.dropFirst("https://".count) }
        if url.hasPrefix("http://") { url = "ws://" + url.dropFirst("http://".count) }
        let session = WebSocketSession(
            url: url, headers: [("User-Agent", LiveErrorText.userAgent), ("Authorization", "Bearer " + (token?.value ?? ""))],
            maxMessageBytes: 16 << 20, idleTimeout: .milliseconds(Int64(settings.idleTimeoutSeconds * 1000)),
            logger: context.logger)
        let queue = LiveQueue(capacity: context.options.queueCapacity)
        let writer = LiveBatchWriter(context: context, source: name, meter: meter)
        let delivered = Locked(false)
        let timelines = settings.timelines
        let meter = self.meter
        let stop = self.stop
        try await withThrowingTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                _ = try await writer.drain(queue, from: nil)
                return nil
            }
            group.addTask {
                defer { queue.close() }
                do {
                    try await session.run(stop: stop, opened: { outbound in
                        for timeline in timelines {
                            try await outbound.write(.text(MastodonStreaming.subscribe(timeline)))
                        }
                        // Events that arrive meanwhile wait in the socket: they come after the
                        // backfill, so the ids only ever advance over contiguous data.
                        meter.set(.backfilling)
                        try await backfill(rest, cursor: cursor)
                        meter.set(.streaming)
                    }, receive: { message in
                        guard case .text(let text) = message else {
                            try await queue.push(LiveChunk(rejects: [reject("a binary message on the stream", excerpt: "")]))
                            return
                        }
                        let chunk = MastodonStreaming.decode(text, cursor: cursor, reject: reject)
                        delivered.withLock { $0 = true }
                        if chunk.events > 0 { meter.received(events: chunk.events, newest: chunk.eventTime) }
                        try await queue.push(chunk)
                    })
                    return nil
                } catch {
                    return error
                }
            }
            for try await error in group {
                if let error, !stop.isFired { throw error }
            }
        }
        if !stop.isFired { throw ConnectionEnd.closedByServer("") }
        return delivered.withLock { $0 }
    }
}

/// The newest status id of each timeline, shared by the REST and streaming sides.
final class MastodonCursor: Sendable {
    private let ids = Mutex<[String: String]>([:])

    func load(_ stored: [String: String]) {
        ids.withLock { $0 = stored }
    }

    func id(of timeline: MastodonTimeline) -> String? {
        ids.withLock { $0[timeline.description] }
    }

    func advance(_ timeline: MastodonTimeline, to id: String) {
        ids.withLock { ids in
            let key = timeline.description
            if let current = ids[key], !StatusIDOrder.isNewer(id, than: current) { return }
            ids[key] = id
        }
    }

    var position: SourcePosition { .ids(ids.withLock { $0 }) }
}
