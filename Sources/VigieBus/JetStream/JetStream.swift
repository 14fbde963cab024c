import Foundation

/// The part of NATS JetStream's API (request/reply on `$JS.API.…`) that Vigie's ingest bus needs:
/// a stream, a durable pull consumer, publishing with an acknowledgement, fetching batches, and
/// acknowledging each message (`+ACK`, `-NAK`, `+TERM`, `+WPI`).
///
/// ```swift
/// let js = JetStream(connection: nats)
/// try await js.ensureStream(StreamConfiguration(name: "VIGIE_INGEST", subjects: ["vigie.ingest.>"]))
/// let ack = try await js.publish("vigie.ingest.default", payload: bytes, messageID: "file.jsonl#3")
/// ```
public struct JetStream: Sendable {
    public let connection: NATSConnection
    static let api = "$JS.API"

    public init(connection: NATSConnection) {
        self.connection = connection
    }

    // MARK: Streams and consumers

    /// Creates the stream, or checks that the existing one with this name covers the subjects.
    public func ensureStream(_ configuration: StreamConfiguration) async throws {
        try NATSConnection.validate(configuration.name)
        let info = try await call("\(Self.api).STREAM.INFO.\(configuration.name)", body: [:], allowing: [10059])
        if info["config"] != nil { return }
        _ = try await call("\(Self.api).STREAM.CREATE.\(configuration.name)", body: configuration.json)
    }

    /// Creates (or keeps) a durable pull consumer with explicit acknowledgements.
    public func ensureConsumer(stream: String, _ configuration: ConsumerConfiguration) async throws {
        try NATSConnection.validate(configuration.durableName)
        let info = try await call("\(Self.api).CONSUMER.INFO.\(stream).\(configuration.durableName)", body: [:], allowing: [10014])
        if info["config"] != nil { return }
        _ = try await call("\(Self.api).CONSUMER.CREATE.\(stream).\(configuration.durableName)",
                           body: ["stream_name": stream, "config": configuration.json])
    }

    /// Messages stored and waiting, for progress and tests.
    public func streamMessageCount(_ stream: String) async throws -> Int {
        let info = try await call("\(Self.api).STREAM.INFO.\(stream)", body: [:])
        return ((info["state"] as? [String: Any])?["messages"] as? Int) ?? 0
    }

    /// Messages a consumer has not had acknowledged yet (pending delivery + awaiting ack).
    public func consumerBacklog(stream: String, consumer: String) async throws -> (pending: Int, unacknowledged: Int) {
        let info = try await call("\(Self.api).CONSUMER.INFO.\(stream).\(consumer)", body: [:])
        return ((info["num_pending"] as? Int) ?? 0, (info["num_ack_pending"] as? Int) ?? 0)
    }

    public func deleteStream(_ stream: String) async throws {
        _ = try await call("\(Self.api).STREAM.DELETE.\(stream)", body: [:], allowing: [10059])
    }

    // MARK: Publishing

    /// What the stream answered to a publish: the message is stored (durably, per the stream's
    /// storage) under this sequence; `duplicate` when the message id was seen within the stream's
    /// duplicate window (the message was stored once, earlier).
    public struct PublishAck: Sendable, Equatable {
        public var stream: String
        public var sequence: UInt64
        public var duplicate: Bool
    }

    /// Publishes and waits for the stream's acknowledgement. `messageID` (`Nats-Msg-Id`) makes a
    /// retried publish idempotent within the stream's duplicate window.
    public func publish(_ subject: String, payload: [UInt8], messageID: String? = nil) async throws -> PublishAck {
        var headers: [(String, String)] = []
        if let messageID { headers.append(("Nats-Msg-Id", messageID)) }
        let reply = try await connection.request(subject, payload: payload, headers: headers)
        let object = try Self.decode(reply, what: "publish to \(subject)")
        guard let stream = object["stream"] as? String, let sequence = (object["seq"] as? NSNumber)?.uint64Value else {
            throw NATSError.serverError("unexpected publish acknowledgement for \(subject)")
        }
        return PublishAck(stream: stream, sequence: sequence, duplicate: (object["duplicate"] as? Bool) ?? false)
    }

    // MARK: Consuming

    /// Up to `batch` messages from a durable pull consumer, waiting at most `expires` for them.
    /// The server sends idle heartbeats meanwhile; two missed heartbeats mean the connection is
    /// unusable and ``NATSError/timeout(_:)`` is thrown.
    public func fetch(stream: String, consumer: String, batch: Int, expires: Duration = .seconds(5),
                      heartbeat: Duration = .seconds(1)) async throws -> [JetStreamMessage] {
        let inbox = "_INBOX." + NATSConnection.randomToken()
        let subscription = try await connection.subscribe(inbox)
        // The server wants a heartbeat shorter than half the wait.
        let heartbeat = min(heartbeat, expires / 3)
        let request: [String: Any] = ["batch": max(1, batch), "expires": Self.nanoseconds(expires),
                                      "idle_heartbeat": Self.nanoseconds(heartbeat)]
        let connection = self.connection
        do {
            try await connection.publish("\(Self.api).CONSUMER.MSG.NEXT.\(stream).\(consumer)",
                                         payload: Array(try JSONSerialization.data(withJSONObject: request)), replyTo: inbox)
            // The server ends the request itself (status 408 after `expires`); the timer only
            // catches a connection that went silent, so it leaves at least 5 s of grace: on a
            // loaded machine the answer to a short fetch can come well after its expiry.
            let messages = try await withThrowingTaskGroup(of: [JetStreamMessage].self) { group in
                group.addTask {
                    var messages: [JetStreamMessage] = []
                    for await message in subscription.messages {
                        switch message.status {
                        case nil:
                            messages.append(JetStreamMessage(message: message, connection: connection))
                            if messages.count >= batch { return messages }
                        case 100?:
                            continue // idle heartbeat: alive, nothing to deliver yet
                        case 404?, 408?, 409?:
                            return messages // no messages, expired, or superseded: the batch ends here
                        default:
                            throw NATSError.serverError("fetch from \(stream)/\(consumer): \(message.status!) \(message.statusDescription ?? "")")
                        }
                    }
                    throw NATSError.connectionClosed
                }
                group.addTask {
                    try await Task.sleep(for: expires + max(heartbeat * 2, .seconds(5)))
                    throw NATSError.timeout("a fetch from \(stream)/\(consumer)")
                }
                defer { group.cancelAll() }
                return try await group.next() ?? []
            }
            try? await connection.unsubscribe(subscription)
            return messages
        } catch {
            try? await connection.unsubscribe(subscription)
            throw error
        }
    }

    // MARK: Internals

    /// One API call: JSON in, JSON out; a JetStream error becomes ``NATSError/serverError(_:)``
    /// unless its error code is in `allowing` (then the error object is returned).
    func call(_ subject: String, body: [String: Any], allowing: Set<Int> = []) async throws -> [String: Any] {
        let payload = body.isEmpty ? [] : Array(try JSONSerialization.data(withJSONObject: body))
        let reply = try await connection.request(subject, payload: payload)
        let object = try Self.decode(reply, what: subject, allowing: allowing)
        return object
    }

    static func decode(_ reply: NATSMessage, what: String, allowing: Set<Int> = []) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply.payload)) as? [String: Any] else {
            throw NATSError.serverError("\(what): the answer is not JSON")
        }
        if let error = object["error"] as? [String: Any] {
            let code = (error["err_code"] as? Int) ?? 0
            if allowing.contains(code) { return [:] }
            throw NATSError.serverError("\(what): \(error["description"] as? String ?? "error") (code \(code))")
        }
        return object
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}

/// A stream's settings (the subset Vigie sets).
public struct StreamConfiguration: Sendable, Hashable {
    public enum Retention: String, Sendable { case limits, workqueue, interest }
    public var name: String
    public var subjects: [String]
    /// A work queue keeps a message until a consumer acknowledges it, then drops it.
    public var retention: Retention
    /// Messages are on disk (survive a server restart), not in memory.
    public var fileStorage: Bool
    /// Window in which a repeated `Nats-Msg-Id` is recognised.
    public var duplicateWindow: Duration
    public var maximumBytes: Int64?

    public init(name: String, subjects: [String], retention: Retention = .workqueue, fileStorage: Bool = true,
                duplicateWindow: Duration = .seconds(120), maximumBytes: Int64? = nil) {
        self.name = name
        self.subjects = subjects
        self.retention = retention
        self.fileStorage = fileStorage
        self.duplicateWindow = duplicateWindow
        self.maximumBytes = maximumBytes
    }

    var json: [String: Any] {
        var object: [String: Any] = ["name": name, "subjects": subjects, "retention": retention.rawValue,
                                     "storage": fileStorage ? "file" : "memory",
                                     "duplicate_window": JetStream.nanoseconds(duplicateWindow),
                                     "discard": "old", "num_replicas": 1]
        if let maximumBytes { object["max_bytes"] = maximumBytes }
        return object
    }
}

/// A durable pull consumer's settings.
public struct ConsumerConfiguration: Sendable, Hashable {
    public var durableName: String
    /// A message not acknowledged in this time is delivered again (to any worker).
    public var ackWait: Duration
    /// Deliveries before a message is given up on (then it stays in the stream, unacknowledged).
    public var maximumDeliveries: Int
    /// Messages delivered and awaiting acknowledgement at once, over all workers.
    public var maximumAckPending: Int

    public init(durableName: String, ackWait: Duration = .seconds(30), maximumDeliveries: Int = 20,
                maximumAckPending: Int = 1_000) {
        self.durableName = durableName
        self.ackWait = ackWait
        self.maximumDeliveries = maximumDeliveries
        self.maximumAckPending = maximumAckPending
    }

    var json: [String: Any] {
        ["durable_name": durableName, "ack_policy": "explicit", "ack_wait": JetStream.nanoseconds(ackWait),
         "max_deliver": maximumDeliveries, "max_ack_pending": maximumAckPending, "deliver_policy": "all",
         "replay_policy": "instant"]
    }
}

/// A message delivered by a pull consumer, to acknowledge once handled.
public struct JetStreamMessage: Sendable {
    public let subject: String
    public let payload: [UInt8]
    public let headers: [(String, String)]
    /// The ack subject: `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`.
    public let replyTo: String?
    let connection: NATSConnection

    init(message: NATSMessage, connection: NATSConnection) {
        subject = message.subject
        payload = message.payload
        headers = message.headers
        replyTo = message.replyTo
        self.connection = connection
    }

    /// How many times this message was delivered (1 the first time).
    public var deliveryCount: Int { ackField(2).flatMap(Int.init) ?? 1 }
    /// The message's sequence number in the stream.
    public var streamSequence: UInt64? { ackField(3).flatMap(UInt64.init) }

    private func ackField(_ index: Int) -> String? {
        // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<tm>.<pending> (the v1 layout).
        guard let parts = replyTo?.split(separator: "."), parts.count >= 9, parts[0] == "$JS", parts[1] == "ACK" else { return nil }
        return String(parts[2 + index])
    }

    /// Handled: never delivered again.
    public func ack() async throws { try await reply("+ACK") }
    /// Not handled now: delivered again (after `delay`, if given).
    public func nak(delay: Duration? = nil) async throws {
        try await reply(delay.map { "-NAK {\"delay\":\(JetStream.nanoseconds($0))}" } ?? "-NAK")
    }
    /// Cannot ever be handled (a poison message): never delivered again.
    public func terminate() async throws { try await reply("+TERM") }
    /// Still working on it: resets the ack timer.
    public func inProgress() async throws { try await reply("+WPI") }

    private func reply(_ text: String) async throws {
        guard let replyTo else { return }
        try await connection.publish(replyTo, payload: Array(text.utf8))
    }
}
