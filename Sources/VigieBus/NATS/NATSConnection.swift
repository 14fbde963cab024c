import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Where a NATS server is and how patient to be with it.
public struct NATSConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The name the server shows for this client (`nats server report connections`).
    public var name: String
    public var connectTimeout: Duration
    /// How long a request (a JetStream API call, a publish acknowledgement) waits for its answer.
    public var requestTimeout: Duration
    /// A PING this often; a connection that leaves two unanswered is dead.
    public var pingInterval: Duration

    public init(host: String = "127.0.0.1", port: Int = 4222, name: String = "vigie",
                connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(5),
                pingInterval: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.name = name
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.pingInterval = pingInterval
    }

    /// `nats://host:port` (the scheme and port are optional; credentials are not supported).
    public init(url: String, name: String = "vigie") throws(NATSError) {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            guard rest[..<scheme.lowerBound] == "nats" else { throw .invalidURL(url, "the scheme must be nats://") }
            rest = rest[scheme.upperBound...]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("@") else { throw .invalidURL(url, "credentials in the URL are not supported") }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2 else { throw .invalidURL(url, "expected nats://host:port") }
        var port = 4222
        if parts.count == 2 {
            guard let value = Int(parts[1]), (1...65_535).contains(value) else { throw .invalidURL(url, "the port is not a number from 1 to 65535") }
            port = value
        }
        self.init(host: String(host), port: port, name: name)
    }
}

/// Why a NATS operation failed.
public enum NATSError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String, String)
    case cannotConnect(String)
    case connectionClosed
    case timeout(String)
    case serverError(String)
    case invalidSubject(String)
    case noResponders(String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): return "invalid NATS URL '\(url)': \(reason)"
        case .cannotConnect(let reason): return "cannot connect to the NATS server: \(reason); check that it runs (nats-server -js) and the address"
        case .connectionClosed: return "the NATS connection closed"
        case .timeout(let what): return "no answer from the NATS server in time for \(what)"
        case .serverError(let message): return "the NATS server refused: \(message)"
        case .invalidSubject(let subject): return "'\(subject)' is not a valid NATS subject (no spaces or control characters)"
        case .noResponders(let subject): return "nothing answers on \(subject) (is JetStream enabled? nats-server -js)"
        }
    }
}

/// One connection to a NATS server, alive for the duration of ``withConnection(_:_:)``'s body:
/// a read loop and a keep-alive run beside the body as child tasks; when the server goes away,
/// the body is cancelled and ``NATSError/connectionClosed`` is thrown, and the caller decides
/// whether to connect again (see ``NATSIngestBus``).
///
/// ```swift
/// try await NATSConnection.withConnection(NATSConfiguration(url: "nats://127.0.0.1:4222")) { nats in
///     try await nats.publish("vigie.test", payload: Array("hello".utf8))
///     let answer = try await nats.request("$JS.API.INFO", payload: [])
/// }
/// ```
public final class NATSConnection: Sendable {
    private struct State {
        var nextSID = 1
        var subscriptions: [Int: AsyncStream<NATSMessage>.Continuation] = [:]
        var replies: [String: Reply] = [:]
        var nextToken = 0
        var inboxSID: Int?
        /// PINGs sent and not answered yet, oldest first (PONGs come back in order).
        var pings: [Ping] = []
        var nextPing = 0
        var closed = false
        var connectSent = false
        var isReady = false
        var readyWaiters: [CheckedContinuation<Void, any Error>] = []
    }

    private struct Ping {
        var id: Int
        /// A flush waits for its PONG; a keep-alive PING only needs one to come back.
        var isFlush: Bool
        var answered = false
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private enum Reply {
        case waiting(CheckedContinuation<NATSMessage, any Error>?)
        case arrived(NATSMessage)
    }

    public let configuration: NATSConfiguration
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let state = Mutex(State())
    /// Replies to requests arrive on `<inbox>.<token>`.
    private let inbox: String

    private init(configuration: NATSConfiguration, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.configuration = configuration
        self.outbound = outbound
        inbox = "_INBOX." + Self.randomToken()
    }

    /// Connects, runs `body` with the connection, and closes it when `body` returns or throws.
    public static func withConnection<Result: Sendable>(
        _ configuration: NATSConfiguration,
        _ body: @escaping @Sendable (NATSConnection) async throws -> Result
    ) async throws -> Result {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                                                 + configuration.connectTimeout.components.attoseconds / 1_000_000_000))
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw NATSError.cannotConnect("\(configuration.host):\(configuration.port): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = NATSConnection(configuration: configuration, outbound: outbound)
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    defer { connection.shutDown() }
                    try await connection.readLoop(inbound)
                    throw NATSError.connectionClosed
                }
                group.addTask {
                    try await connection.waitUntilReady()
                    try await connection.keepAlive()
                    return nil
                }
                group.addTask {
                    try await connection.waitUntilReady()
                    return try await body(connection)
                }
                // The first child to finish decides: the body's result, or the connection's end.
                while let finished = try await group.next() {
                    if let result = finished {
                        group.cancelAll()
                        return result
                    }
                }
                throw NATSError.connectionClosed
            }
        }
    }

    // MARK: Publishing and subscribing

    /// Sends a message (no acknowledgement: NATS core is at most once; use JetStream for more).
    public func publish(_ subject: String, payload: [UInt8], headers: [(String, String)] = [],
                        replyTo: String? = nil) async throws {
        try Self.validate(subject)
        if let replyTo { try Self.validate(replyTo) }
        for (name, value) in headers where name.contains(where: \.isNewline) || value.contains(where: \.isNewline) || name.contains(":") {
            throw NATSError.invalidSubject("header \(name)")
        }
        try await send(.publish(subject: subject, replyTo: replyTo, headers: headers, payload: payload))
    }

    /// A subscription's messages, until ``unsubscribe(_:)`` or the connection ends.
    public func subscribe(_ subject: String, queue: String? = nil) async throws -> NATSSubscription {
        try Self.validate(subject)
        let (stream, continuation) = AsyncStream<NATSMessage>.makeStream()
        let sid = state.withLock { state in
            let sid = state.nextSID
            state.nextSID += 1
            state.subscriptions[sid] = continuation
            return sid
        }
        try await send(.subscribe(subject: subject, queue: queue, sid: sid))
        return NATSSubscription(sid: sid, messages: stream)
    }

    public func unsubscribe(_ subscription: NATSSubscription) async throws {
        let continuation = state.withLock { $0.subscriptions.removeValue(forKey: subscription.sid) }
        continuation?.finish()
        try await send(.unsubscribe(sid: subscription.sid, max: nil))
    }

    /// Publishes with a reply inbox and waits for the first answer (``NATSConfiguration/requestTimeout``).
    public func request(_ subject: String, payload: [UInt8], headers: [(String, String)] = [],
                        timeout: Duration? = nil) async throws -> NATSMessage {
        try await ensureInbox()
        let token = state.withLock { state -> String in
            state.nextToken += 1
            let token = String(state.nextToken)
            state.replies[token] = .waiting(nil)
            return token
        }
        defer { _ = state.withLock { $0.replies.removeValue(forKey: token) } }
        let limit = timeout ?? configuration.requestTimeout
        return try await withThrowingTaskGroup(of: NATSMessage.self) { group in
            group.addTask { try await self.reply(token) }
            group.addTask {
                try await Task.sleep(for: limit)
                throw NATSError.timeout(subject)
            }
            try await publish(subject, payload: payload, headers: headers, replyTo: "\(inbox).\(token)")
            defer { group.cancelAll() }
            guard let answer = try await group.next() else { throw NATSError.connectionClosed }
            if answer.status == 503 { throw NATSError.noResponders(subject) }
            return answer
        }
    }

    /// A round trip to the server: every message sent before has been processed by it.
    public func flush() async throws {
        let id = try registerPing(isFlush: true)
        try await send(.ping)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let now = state.withLock { state -> Result<Void, any Error>? in
                if state.closed { return .failure(NATSError.connectionClosed) }
                guard let index = state.pings.firstIndex(where: { $0.id == id }) else { return .success(()) }
                if state.pings[index].answered {
                    state.pings.remove(at: index)
                    return .success(())
                }
                state.pings[index].waiter = continuation
                return nil
            }
            if let now { continuation.resume(with: now) }
        }
    }

    /// Records a PING about to be sent; its PONG is matched in order.
    private func registerPing(isFlush: Bool) throws -> Int {
        try state.withLock { state in
            if state.closed { throw NATSError.connectionClosed }
            state.nextPing += 1
            state.pings.append(Ping(id: state.nextPing, isFlush: isFlush))
            return state.nextPing
        }
    }

    // MARK: Internals

    private func ensureInbox() async throws {
        let needed = state.withLock { state -> Int? in
            guard state.inboxSID == nil else { return nil }
            let sid = state.nextSID
            state.nextSID += 1
            state.inboxSID = sid
            return sid
        }
        if let sid = needed { try await send(.subscribe(subject: "\(inbox).*", queue: nil, sid: sid)) }
    }

    private func reply(_ token: String) async throws -> NATSMessage {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<NATSMessage, any Error>) in
                let ready = state.withLock { state -> Result<NATSMessage, any Error>? in
                    if state.closed { return .failure(NATSError.connectionClosed) }
                    switch state.replies[token] {
                    case .arrived(let message)?: return .success(message)
                    case .waiting?:
                        state.replies[token] = .waiting(continuation)
                        return nil
                    case nil: return .failure(CancellationError())
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<NATSMessage, any Error>? in
                guard case .waiting(let continuation)? = state.replies[token] else { return nil }
                state.replies[token] = nil
                return continuation
            }
            waiting?.resume(throwing: CancellationError())
        }
    }

    private func send(_ operation: NATSClientOp) async throws {
        if state.withLock({ $0.closed }) { throw NATSError.connectionClosed }
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        operation.write(into: &buffer)
        do {
            try await outbound.write(buffer)
        } catch {
            throw NATSError.connectionClosed
        }
    }

    private func readLoop(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async throws {
        var parser = NATSParser()
        for try await chunk in inbound {
            parser.feed(chunk)
            while let operation = try parser.next() {
                try await handle(operation)
            }
            guard parser.pendingBytes <= NATSParser.maximumPayload + 4096 else {
                throw NATSProtocolError(message: "an operation larger than \(NATSParser.maximumPayload) bytes")
            }
        }
    }

    private func handle(_ operation: NATSServerOp) async throws {
        switch operation {
        case .info:
            // The first INFO opens the handshake; later ones (cluster updates) change nothing here.
            let first = state.withLock { state -> Bool in
                defer { state.connectSent = true }
                return !state.connectSent
            }
            guard first else { return }
            let name = configuration.name.filter { $0 != "\"" && $0 != "\\" }
            try await send(.connect("""
                {"verbose":false,"pedantic":false,"lang":"swift","version":"1","protocol":1,"headers":true,"no_responders":true,"name":"\(name)"}
                """))
            try await send(.ping)
        case .pong:
            // The first PONG completes the handshake; later ones answer PINGs in order.
            let (ready, waiter) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], CheckedContinuation<Void, any Error>?) in
                if !state.isReady {
                    state.isReady = true
                    defer { state.readyWaiters = [] }
                    return (state.readyWaiters, nil)
                }
                guard let index = state.pings.firstIndex(where: { !$0.answered }) else { return ([], nil) }
                let ping = state.pings[index]
                if !ping.isFlush || ping.waiter != nil {
                    state.pings.remove(at: index)
                    return ([], ping.waiter)
                }
                // A flush whose PONG came before it started waiting.
                state.pings[index].answered = true
                return ([], nil)
            }
            for continuation in ready { continuation.resume() }
            waiter?.resume()
        case .ping:
            try await send(.pong)
        case .ok:
            break
        case .error(let message):
            // Most -ERR close the connection (authorization, parser); the server says so.
            throw NATSError.serverError(message)
        case .message(let message):
            let inboxPrefix = inbox + "."
            if message.subject.hasPrefix(inboxPrefix) {
                let token = String(message.subject.dropFirst(inboxPrefix.count))
                let waiting = state.withLock { state -> CheckedContinuation<NATSMessage, any Error>? in
                    switch state.replies[token] {
                    case .waiting(let continuation)?:
                        if continuation == nil { state.replies[token] = .arrived(message) } else { state.replies[token] = nil }
                        return continuation
                    default:
                        return nil
                    }
                }
                waiting?.resume(returning: message)
                return
            }
            let continuation = state.withLock { $0.subscriptions[message.sid] }
            continuation?.yield(message)
        }
    }

    private func waitUntilReady() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let now = state.withLock { state -> Result<Void, any Error>? in
                if state.closed { return .failure(NATSError.connectionClosed) }
                if state.isReady { return .success(()) }
                state.readyWaiters.append(continuation)
                return nil
            }
            if let now { continuation.resume(with: now) }
        }
    }

    /// A PING every interval; more than two unanswered means the server or the network is gone.
    private func keepAlive() async throws {
        while true {
            try await Task.sleep(for: configuration.pingInterval)
            let unanswered = state.withLock { $0.pings.filter { !$0.answered && !$0.isFlush }.count }
            if unanswered >= 2 { throw NATSError.timeout("keep-alive PING") }
            _ = try registerPing(isFlush: false)
            try await send(.ping)
        }
    }

    /// The connection is gone: every waiter learns it.
    private func shutDown() {
        let (subscriptions, replies, pings, ready) = state.withLock { state in
            state.closed = true
            defer {
                state.subscriptions = [:]
                state.replies = [:]
                state.pings = []
                state.readyWaiters = []
            }
            return (Array(state.subscriptions.values), Array(state.replies.values), state.pings.compactMap(\.waiter),
                    state.readyWaiters)
        }
        for subscription in subscriptions { subscription.finish() }
        for case .waiting(let continuation?) in replies { continuation.resume(throwing: NATSError.connectionClosed) }
        for waiter in pings { waiter.resume(throwing: NATSError.connectionClosed) }
        for waiter in ready { waiter.resume(throwing: NATSError.connectionClosed) }
    }

    static func validate(_ subject: String) throws(NATSError) {
        guard !subject.isEmpty, subject.utf8.count <= 4096,
              !subject.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .invalidSubject(subject)
        }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<22).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

/// The messages of one subscription.
public struct NATSSubscription: Sendable {
    public let sid: Int
    public let messages: AsyncStream<NATSMessage>
}
