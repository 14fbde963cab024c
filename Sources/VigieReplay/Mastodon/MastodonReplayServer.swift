import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization
import VigieCore
import VigieLive

/// How a Mastodon replay publishes its statuses and guards its API.
public struct MastodonReplayOptions: Sendable {
    public var host: String
    public var port: Int
    /// Statuses published per second after the start.
    public var rate: Double
    /// Statuses already published when the server starts.
    public var history: Int
    /// Tokens the server accepts (streaming needs one; REST timelines are public unless
    /// `restNeedsToken`). A token not in this set, or revoked, is answered 401.
    public var tokens: Set<String>
    public var restNeedsToken: Bool
    /// REST requests allowed per window and token (Mastodon: 300 per 5 minutes).
    public var rateLimit: Int
    public var rateLimitWindow: Duration

    public init(host: String = "127.0.0.1", port: Int = 0, rate: Double = 10, history: Int = 0, tokens: Set<String> = [],
                restNeedsToken: Bool = false, rateLimit: Int = 300, rateLimitWindow: Duration = .seconds(300)) {
        self.host = host
        self.port = port
        self.rate = rate
        self.history = history
        self.tokens = tokens
        self.restNeedsToken = restNeedsToken
        self.rateLimit = rateLimit
        self.rateLimitWindow = rateLimitWindow
    }
}

/// A local server speaking the Mastodon API a listener uses: REST timelines (`public`,
/// `public?local=true`, `tag/NAME`) with `max_id` / `since_id` / `min_id` paging, `Link` headers and
/// `X-RateLimit-*`, and `/api/v1/streaming` over WebSocket with a token (`update`, `status.update`,
/// `delete`). Tests drive its faults: revoked tokens (401), failures (5xx, 429 with Retry-After),
/// deletions; so do `POST /_replay/...` requests when it runs as `vigie dev mastodon`.
///
/// ```swift
/// let server = MastodonReplayServer(recording: try MastodonRecording.load([path]), options: MastodonReplayOptions(tokens: ["t"]))
/// async let running: Void = server.run()
/// let base = "http://127.0.0.1:\(try await server.port())"
/// ```
public final class MastodonReplayServer: Sendable {
    public let recording: MastodonRecording
    public let options: MastodonReplayOptions
    let start = ContinuousClock.now
    let state: MastodonReplayState
    private let boundPort = Mutex<Int?>(nil)
    let logger: Logger

    public init(recording: MastodonRecording, options: MastodonReplayOptions = MastodonReplayOptions(),
                logger: Logger = Logger(label: "vigie.replay.mastodon")) {
        self.recording = recording
        self.options = options
        self.logger = logger
        state = MastodonReplayState(tokens: options.tokens)
    }

    public func port() async throws -> Int {
        while true {
            if let port = boundPort.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Statuses published so far.
    public var published: Int {
        let seconds = (ContinuousClock.now - start).seconds
        return min(recording.statuses.count, options.history + max(0, Int((seconds * options.rate).rounded(.down))))
    }

    /// Revokes a token: REST answers 401 and streams with it are closed.
    public func revoke(_ token: String) { state.revoke(token) }
    /// The next `count` REST requests fail with `status` (429 with `Retry-After: retryAfter`).
    public func failNext(_ count: Int, status: Int, retryAfter: Int? = nil) { state.failNext(count, status: status, retryAfter: retryAfter) }
    /// Deletes a status: it leaves the timelines and streams get a `delete` event.
    public func delete(_ id: String) { state.delete(id) }
    /// Publishes a new version of a status (`status.update` on streams).
    public func edit(_ id: String, json: String) { state.edit(id, json: json) }
    /// REST requests answered so far.
    public var restRequests: Int { state.requestCount }
    /// REST requests refused because the client exceeded its allowance (429 not planned as a fault).
    public var refusedForRate: Int { state.refusedForRate }
    /// Closes every open stream (the clients reconnect).
    public func dropStreams() { state.dropStreams() }

    public func run() async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/api/v1/timelines/public") { [self] request, _ in
            try timelineResponse(request, timeline: request.uri.queryParameters.get("local") == "true" ? .local : .federated)
        }
        router.get("/api/v1/timelines/tag/:hashtag") { [self] request, context in
            try timelineResponse(request, timeline: .hashtag(context.parameters.get("hashtag") ?? ""))
        }
        router.post("/_replay/revoke/:token") { [self] _, context in
            revoke(context.parameters.get("token") ?? "")
            return "revoked\n"
        }
        router.post("/_replay/delete/:id") { [self] _, context in
            delete(context.parameters.get("id") ?? "")
            return "deleted\n"
        }
        router.post("/_replay/drop-streams") { [self] _, _ in
            dropStreams()
            return "dropped\n"
        }
        router.post("/_replay/fail/:status") { [self] request, context in
            let status = Int(context.parameters.get("status") ?? "") ?? 503
            failNext(Int(request.uri.queryParameters.get("count") ?? "1") ?? 1, status: status,
                     retryAfter: request.uri.queryParameters.get("retryAfter").flatMap { Int($0) })
            return "failing\n"
        }
        let webSockets = Router(context: BasicWebSocketRequestContext.self)
        webSockets.ws("/api/v1/streaming") { [self] request, _ in
            guard let token = Self.token(request), state.accepts(token) else {
                throw HTTPError(.unauthorized, message: "{\"error\":\"The access token is invalid\"}")
            }
            return .upgrade([:])
        } onUpgrade: { [self] inbound, outbound, context in
            let request = context.request
            try await stream(token: Self.token(request) ?? "", query: request.uri.queryParameters, inbound: inbound, outbound: outbound)
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: webSockets, configuration: .init(
                ws: .init(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: .seconds(15))))),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "vigie-replay"),
            onServerRunning: { [self] channel in boundPort.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        try await app.run()
    }

    static func token(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") { return String(header.dropFirst(7)) }
        return request.uri.queryParameters.get("access_token")
    }

    // MARK: REST

    private func timelineResponse(_ request: Request, timeline: MastodonTimeline) throws -> Response {
        let token = Self.token(request)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let token, !state.accepts(token) {
            return Self.error(.unauthorized, "The access token was revoked", headers: headers)
        }
        if token == nil && options.restNeedsToken {
            return Self.error(.unauthorized, "This API requires an authenticated user", headers: headers)
        }
        let limit = state.consumeAllowance(key: token ?? "anonymous", limit: options.rateLimit, window: options.rateLimitWindow)
        headers[HTTPField.Name("X-RateLimit-Limit")!] = String(options.rateLimit)
        headers[HTTPField.Name("X-RateLimit-Remaining")!] = String(max(0, limit.remaining))
        headers[HTTPField.Name("X-RateLimit-Reset")!] = DateParsing.iso8601(limit.reset)
        if let failure = state.takeFailure() {
            if let retryAfter = failure.retryAfter { headers[.retryAfter] = String(retryAfter) }
            return Self.error(HTTPResponse.Status(code: failure.status), "replay fault", headers: headers)
        }
        guard limit.remaining >= 0 else {
            state.countRefusedForRate()
            headers[.retryAfter] = String(max(1, Int(limit.reset.timeIntervalSinceNow.rounded(.up))))
            return Self.error(.tooManyRequests, "Too many requests", headers: headers)
        }
        let query = request.uri.queryParameters
        let page = state.page(of: recording, published: published, timeline: timeline,
                              maxID: query.get("max_id"), sinceID: query.get("since_id"), minID: query.get("min_id"),
                              limit: min(40, max(1, query.get("limit").flatMap { Int($0) } ?? 20)))
        if let newest = page.first, let oldest = page.last {
            let base = "http://\(request.head.authority ?? "127.0.0.1")\(request.uri.path)"
            let local = timeline == .local ? "local=true&" : ""
            headers[HTTPField.Name("Link")!] = "<\(base)?\(local)max_id=\(oldest.id)>; rel=\"next\", <\(base)?\(local)min_id=\(newest.id)>; rel=\"prev\""
        }
        let body = "[" + page.map(\.json).joined(separator: ",") + "]"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"\(message)\"}")))
    }

    // MARK: Streaming

    private func stream(token: String, query: Parameters, inbound: WebSocketInboundStream,
                        outbound: WebSocketOutboundWriter) async throws {
        let subscribed = Locked<Set<MastodonTimeline>>([])
        if let initial = query.get("stream") {
            if let timeline = Self.timeline(stream: initial, tag: query.get("tag")) { subscribed.withLock { _ = $0.insert(timeline) } }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message,
                          let request = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)),
                          let timeline = Self.timeline(stream: request["stream"] ?? "", tag: request["tag"]) else { continue }
                    subscribed.withLock { set in
                        if request["type"] == "unsubscribe" { set.remove(timeline) } else { set.insert(timeline) }
                    }
                }
            }
            group.addTask { [self] in
                var pushed = published
                var eventsSeen = state.eventCount
                let generation = state.streamGeneration
                while true {
                    guard state.accepts(token) else {
                        try await outbound.close(.policyViolation, reason: "token revoked")
                        return
                    }
                    guard state.streamGeneration == generation else {
                        try await outbound.close(.goingAway, reason: "replay: stream dropped")
                        return
                    }
                    let timelines = subscribed.withLock { $0 }
                    let now = published
                    while pushed < now {
                        let status = recording.statuses[pushed]
                        pushed += 1
                        guard !state.isDeleted(status.id) else { continue }
                        for timeline in timelines where Self.holds(timeline, status) {
                            try await outbound.write(.text(Self.event("update", stream: timeline, payload: status.json)))
                        }
                    }
                    for event in state.events(after: eventsSeen) {
                        eventsSeen += 1
                        guard let status = recording.statuses.first(where: { $0.id == event.id }) else { continue }
                        for timeline in timelines where Self.holds(timeline, status) {
                            try await outbound.write(.text(Self.event(event.kind, stream: timeline, payload: event.payload)))
                        }
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    static func timeline(stream: String, tag: String?) -> MastodonTimeline? {
        switch stream {
        case "public": return .federated
        case "public:local": return .local
        case "hashtag", "hashtag:local": return tag.map { .hashtag($0) }
        default: return nil
        }
    }

    static func holds(_ timeline: MastodonTimeline, _ status: MastodonRecording.Status) -> Bool {
        switch timeline {
        case .federated: return true
        case .local: return status.isLocal
        case .hashtag(let tag): return status.tags.contains(tag.lowercased())
        }
    }

    static func event(_ name: String, stream timeline: MastodonTimeline, payload: String) -> String {
        var stream: [String]
        switch timeline {
        case .federated: stream = ["public"]
        case .local: stream = ["public:local"]
        case .hashtag(let tag): stream = ["hashtag", tag]
        }
        var out = "{\"stream\":[" + stream.map { "\"\($0)\"" }.joined(separator: ",") + "],\"event\":"
        JSONText.appendString(name, to: &out)
        out += ",\"payload\":"
        JSONText.appendString(payload, to: &out)
        return out + "}"
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
