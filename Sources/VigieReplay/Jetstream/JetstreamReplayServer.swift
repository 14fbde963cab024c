import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization
import VigieLive

/// A fault the replay server injects once, before the event of a given number (counted from the
/// first event of the recording, across loops).
public enum JetstreamFault: Sendable, Hashable {
    /// Closes the connection.
    case close(beforeEvent: Int)
    /// Sends a binary frame of random bytes.
    case garbage(beforeEvent: Int)
    /// Sends a text frame that is cut in the middle of a JSON object.
    case malformedJSON(beforeEvent: Int)
    /// Sends an event of a kind Jetstream does not have.
    case unknownKind(beforeEvent: Int)
    /// Sends a valid post event padded to `bytes` (a 10 MB frame).
    case hugeFrame(beforeEvent: Int, bytes: Int)
    /// Sends nothing for `seconds` (the connection stays open and answers pings).
    case stall(beforeEvent: Int, seconds: Double)

    var event: Int {
        switch self {
        case .close(let event), .garbage(let event), .malformedJSON(let event), .unknownKind(let event),
             .hugeFrame(let event, _), .stall(let event, _):
            return event
        }
    }
}

/// How a Jetstream replay plays its recording.
public struct JetstreamReplayOptions: Sendable {
    public var host: String
    /// 0: any free port (see ``JetstreamReplayServer/port()``).
    public var port: Int
    /// Events per second.
    public var rate: Double
    /// Plays the recording again and again, each pass with new record keys (new records).
    public var loop: Bool
    /// Events already in the past when the server starts (reachable with a cursor, as the
    /// service keeps about a day); the others are played at `rate` from the start.
    public var history: Int
    /// Seconds between the server's start and the moment event number `history` is due (a
    /// client can connect before the first event of a planned burst).
    public var delay: Double
    /// The dictionary compressed frames use (`compress=true`); `nil`: frames without one.
    public var zstdDictionary: [UInt8]?
    public var faults: [JetstreamFault]

    public init(host: String = "127.0.0.1", port: Int = 0, rate: Double = 1_000, loop: Bool = false, history: Int = 0,
                delay: Double = 0, zstdDictionary: [UInt8]? = nil, faults: [JetstreamFault] = []) {
        self.host = host
        self.port = port
        self.rate = rate
        self.loop = loop
        self.history = history
        self.delay = delay
        self.zstdDictionary = zstdDictionary
        self.faults = faults
    }
}

/// A local server speaking Jetstream's subscribe protocol (WebSocket at `/subscribe`,
/// `wantedCollections` with `.*` prefixes, `wantedDids`, `cursor` in microseconds, `compress=true`
/// with zstd frames, `requireHello` with an `options_update` message) that plays a recording.
///
/// Events get fresh times: event n is due at start + (n − history) / rate, so a cursor means what
/// it means on the real service, a client that connects without one gets the live tail, and one
/// that falls behind catches up as fast as it reads.
///
/// ```swift
/// let server = JetstreamReplayServer(recording: try JetstreamRecording.load([path]), options: JetstreamReplayOptions(rate: 5_000))
/// async let running: Void = server.run()
/// let url = "ws://127.0.0.1:\(try await server.port())/subscribe"
/// ```
public final class JetstreamReplayServer: Sendable {
    public let recording: JetstreamRecording
    public let options: JetstreamReplayOptions
    /// When event number `history` is due (µs since the epoch): the start, plus the delay.
    public let startMicros: Int64
    private let boundPort = Mutex<Int?>(nil)
    private let firedFaults = Mutex<Set<Int>>([])
    private let sent = Atomic<Int>(0)
    private let connections = Atomic<Int>(0)
    let logger: Logger

    public init(recording: JetstreamRecording, options: JetstreamReplayOptions = JetstreamReplayOptions(),
                logger: Logger = Logger(label: "vigie.replay.jetstream")) {
        self.recording = recording
        self.options = options
        self.logger = logger
        startMicros = Int64((Date().timeIntervalSince1970 + options.delay) * 1_000_000)
    }

    /// Events sent, over every connection.
    public var sentEvents: Int { sent.load(ordering: .relaxed) }
    /// Connections accepted so far.
    public var connectionCount: Int { connections.load(ordering: .relaxed) }

    /// Events in the whole replay (`Int.max` when looping).
    public var total: Int { options.loop ? .max : recording.events.count }

    /// When event `number` is due.
    public func micros(ofEvent number: Int) -> Int64 {
        startMicros + Int64((Double(number - options.history) * 1_000_000 / options.rate).rounded(.down))
    }

    /// The first event due at or after `micros`.
    func firstEvent(atOrAfter time: Int64) -> Int {
        let raw = Double(time - startMicros) * options.rate / 1_000_000 + Double(options.history)
        var number = max(0, Int(raw.rounded(.up)) - 1)
        while number < total, micros(ofEvent: number) < time { number += 1 }
        return number
    }

    /// The port the server listens on, once it does.
    public func port() async throws -> Int {
        while true {
            if let port = boundPort.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Serves until cancelled.
    public func run() async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/") { _, _ in "Jetstream replay: connect to /subscribe\n" }
        let webSockets = Router(context: BasicWebSocketRequestContext.self)
        webSockets.ws("/subscribe") { _, _ in
            .upgrade([:])
        } onUpgrade: { [self] inbound, outbound, context in
            connections.add(1, ordering: .relaxed)
            let subscription = JetstreamReplaySubscription(query: context.request.uri.queryParameters)
            try await serve(subscription, inbound: inbound, outbound: outbound)
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: webSockets, configuration: .init(
                ws: .init(maxFrameSize: 64 << 20, autoPing: .enabled(timePeriod: .seconds(15))))),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "vigie-replay"),
            onServerRunning: { [self] channel in boundPort.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        try await app.run()
    }

    private func serve(_ initial: JetstreamReplaySubscription, inbound: WebSocketInboundStream,
                       outbound: WebSocketOutboundWriter) async throws {
        let subscription = Locked(initial)
        let hello = Locked(!initial.requireHello)
        let compressor = initial.compress ? try ZstdCompressor(dictionary: options.zstdDictionary) : nil
        let compressing = Locked(compressor)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Reading answers pings and takes `options_update` messages.
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    if let update = JetstreamReplaySubscription.optionsUpdate(text) {
                        subscription.withLock { $0.apply(update) }
                        hello.withLock { $0 = true }
                    }
                }
            }
            group.addTask { [self] in
                while !hello.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
                var number = initial.cursor.map(firstEvent(atOrAfter:)) ?? firstEvent(atOrAfter: Int64(Date().timeIntervalSince1970 * 1_000_000))
                let count = recording.events.count
                while number < total {
                    let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
                    guard micros(ofEvent: number) <= now else {
                        try await Task.sleep(for: .milliseconds(2))
                        continue
                    }
                    if try await injectFault(before: number, outbound: outbound, compressing: compressing) { return }
                    let event = recording.events[number % count]
                    if subscription.withLock({ $0.wants(event) }) {
                        let text = event.rendered(micros: micros(ofEvent: number), pass: number / count)
                        try await send(text, outbound: outbound, compressing: compressing)
                        sent.add(1, ordering: .relaxed)
                    }
                    number += 1
                }
                // The recording is over: the connection stays open, as a quiet stream would.
                try await Task.sleep(for: .seconds(3_600 * 24))
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func send(_ text: String, outbound: WebSocketOutboundWriter, compressing: Locked<ZstdCompressor?>) async throws {
        let frame = try compressing.withLock { compressor -> [UInt8]? in
            guard let compressor else { return nil }
            var text = text
            return try text.withUTF8 { try compressor.compress(UnsafeRawBufferPointer($0)) }
        }
        if let frame {
            try await outbound.write(.binary(ByteBuffer(bytes: frame)))
        } else {
            try await outbound.write(.text(text))
        }
    }

    /// Injects the fault planned before event `number`, once; returns whether the connection is to close.
    private func injectFault(before number: Int, outbound: WebSocketOutboundWriter,
                             compressing: Locked<ZstdCompressor?>) async throws -> Bool {
        for (index, fault) in options.faults.enumerated() where fault.event == number {
            guard firedFaults.withLock({ $0.insert(index).inserted }) else { continue }
            let micros = micros(ofEvent: number)
            switch fault {
            case .close:
                try await outbound.close(.goingAway, reason: "replay fault: closing")
                return true
            case .garbage:
                var random = SystemRandomNumberGenerator()
                try await outbound.write(.binary(ByteBuffer(bytes: (0..<512).map { _ in UInt8.random(in: 0...255, using: &random) })))
            case .malformedJSON:
                try await send("{\"did\":\"did:plc:replayfault\",\"time_us\":\(micros),\"kind\":\"commit\",\"commit\":{\"rev\":",
                               outbound: outbound, compressing: compressing)
            case .unknownKind:
                try await send("{\"did\":\"did:plc:replayfault\",\"time_us\":\(micros),\"kind\":\"sync\",\"sync\":{\"rev\":\"x\"}}",
                               outbound: outbound, compressing: compressing)
            case .hugeFrame(_, let bytes):
                let padding = String(repeating: "x", count: max(0, bytes - 400))
                let text = "{\"did\":\"did:plc:replayfault\",\"time_us\":\(micros),\"kind\":\"commit\",\"commit\":{\"rev\":\"huge\","
                    + "\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"huge\(number)\",\"record\":{"
                    + "\"$type\":\"app.bsky.feed.post\",\"createdAt\":\"2026-01-01T00:00:00.000Z\",\"text\":\"a very large frame\","
                    + "\"padding\":\"\(padding)\"},\"cid\":\"bafyhuge\"}}"
                try await send(text, outbound: outbound, compressing: compressing)
            case .stall(_, let seconds):
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            }
        }
        return false
    }
}

/// What one connection asked for.
struct JetstreamReplaySubscription: Sendable {
    var collections: [String]
    var dids: Set<String>
    var cursor: Int64?
    var compress: Bool
    var requireHello: Bool

    init(query: Parameters) {
        collections = query.getAll("wantedCollections").map { String($0) }
        dids = Set(query.getAll("wantedDids").map { String($0) })
        cursor = query.get("cursor").flatMap { Int64($0) }
        compress = query.get("compress") == "true"
        requireHello = query.get("requireHello") == "true"
    }

    struct Update: Decodable {
        struct Payload: Decodable {
            var wantedCollections: [String]?
            var wantedDids: [String]?
        }
        var type: String
        var payload: Payload
    }

    static func optionsUpdate(_ text: String) -> Update.Payload? {
        guard let update = try? JSONDecoder().decode(Update.self, from: Data(text.utf8)), update.type == "options_update" else { return nil }
        return update.payload
    }

    mutating func apply(_ update: Update.Payload) {
        if let wanted = update.wantedCollections { collections = wanted }
        if let wanted = update.wantedDids { dids = Set(wanted) }
    }

    /// Jetstream's filters: collections (exact or `prefix.*`) apply to commits; DIDs to every event.
    func wants(_ event: JetstreamRecording.Event) -> Bool {
        if !dids.isEmpty, !dids.contains(event.did) { return false }
        guard !collections.isEmpty, let collection = event.collection else { return true }
        return collections.contains { wanted in
            wanted.hasSuffix(".*") ? collection.hasPrefix(wanted.dropLast(1)) : collection == wanted
        }
    }
}
