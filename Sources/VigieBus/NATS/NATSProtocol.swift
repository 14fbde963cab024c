import Foundation
import NIOCore

/// What a NATS server sends (the client protocol, docs.nats.io "Client Protocol"): one value
/// per protocol line, with the payload of `MSG`/`HMSG`.
enum NATSServerOp: Sendable, Equatable {
    case info(String)
    case message(NATSMessage)
    case ping
    case pong
    case ok
    case error(String)
}

/// A message delivered to a subscription.
public struct NATSMessage: Sendable, Equatable {
    public var subject: String
    public var sid: Int
    /// Where an answer goes: the inbox of a request, or a JetStream ack subject.
    public var replyTo: String?
    /// Headers of an `HMSG` (`NATS/1.0` block); status messages carry a `status` (`404`, `408`, `100`).
    public var headers: [(String, String)]
    public var status: Int?
    public var statusDescription: String?
    public var payload: [UInt8]

    public init(subject: String, sid: Int, replyTo: String?, headers: [(String, String)] = [], status: Int? = nil,
                statusDescription: String? = nil, payload: [UInt8]) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.status = status
        self.statusDescription = statusDescription
        self.payload = payload
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public static func == (lhs: NATSMessage, rhs: NATSMessage) -> Bool {
        lhs.subject == rhs.subject && lhs.sid == rhs.sid && lhs.replyTo == rhs.replyTo && lhs.status == rhs.status
            && lhs.payload == rhs.payload && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }
}

/// A protocol violation by the server, with the offending line.
public struct NATSProtocolError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "NATS protocol error: \(message)" }
}

/// Incremental parser of the server's byte stream: feed it what arrives, take whole operations.
/// A payload larger than `maximumPayload` is a protocol error (the server announces its own
/// limit in `INFO`; 64 MiB here bounds memory whatever a peer says).
struct NATSParser {
    static let maximumPayload = 64 << 20
    private var buffer: [UInt8] = []
    private var position = 0

    mutating func feed(_ bytes: ByteBuffer) {
        buffer.append(contentsOf: bytes.readableBytesView)
    }

    mutating func feed(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete operation, `nil` when more bytes are needed.
    mutating func next() throws -> NATSServerOp? {
        guard let lineEnd = findCRLF(from: position) else {
            compactIfNeeded()
            return nil
        }
        let line = String(decoding: buffer[position..<lineEnd], as: UTF8.self)
        let (verb, rest) = split(line)
        switch verb.uppercased() {
        case "PING":
            consume(upTo: lineEnd + 2)
            return .ping
        case "PONG":
            consume(upTo: lineEnd + 2)
            return .pong
        case "+OK":
            consume(upTo: lineEnd + 2)
            return .ok
        case "-ERR":
            consume(upTo: lineEnd + 2)
            return .error(rest.trimmingCharacters(in: CharacterSet(charactersIn: "' ")))
        case "INFO":
            consume(upTo: lineEnd + 2)
            return .info(rest)
        case "MSG":
            // MSG <subject> <sid> [reply-to] <#bytes>
            let fields = rest.split(separator: " ").map(String.init)
            guard fields.count == 3 || fields.count == 4, let sid = Int(fields[1]), let size = Int(fields[fields.count - 1]),
                  size >= 0, size <= Self.maximumPayload else {
                throw NATSProtocolError(message: "malformed MSG line '\(line.prefix(200))'")
            }
            let start = lineEnd + 2
            guard buffer.count >= start + size + 2 else { return nil }
            let payload = Array(buffer[start..<(start + size)])
            consume(upTo: start + size + 2)
            return .message(NATSMessage(subject: fields[0], sid: sid, replyTo: fields.count == 4 ? fields[2] : nil,
                                        payload: payload))
        case "HMSG":
            // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
            let fields = rest.split(separator: " ").map(String.init)
            guard fields.count == 4 || fields.count == 5, let sid = Int(fields[1]),
                  let headerSize = Int(fields[fields.count - 2]), let total = Int(fields[fields.count - 1]),
                  headerSize >= 0, total >= headerSize, total <= Self.maximumPayload else {
                throw NATSProtocolError(message: "malformed HMSG line '\(line.prefix(200))'")
            }
            let start = lineEnd + 2
            guard buffer.count >= start + total + 2 else { return nil }
            let headerText = String(decoding: buffer[start..<(start + headerSize)], as: UTF8.self)
            let payload = Array(buffer[(start + headerSize)..<(start + total)])
            consume(upTo: start + total + 2)
            var message = NATSMessage(subject: fields[0], sid: sid, replyTo: fields.count == 5 ? fields[2] : nil,
                                      payload: payload)
            Self.parseHeaders(headerText, into: &message)
            return .message(message)
        default:
            throw NATSProtocolError(message: "unknown operation '\(line.prefix(200))'")
        }
    }

    /// `NATS/1.0 404 No Messages\r\nKey: Value\r\n\r\n`
    static func parseHeaders(_ text: String, into message: inout NATSMessage) {
        var lines = text.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return }
        let first = lines.removeFirst()
        let parts = first.split(separator: " ", maxSplits: 2).map(String.init)
        if parts.count >= 2, let status = Int(parts[1]) {
            message.status = status
            message.statusDescription = parts.count == 3 ? parts[2] : nil
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            message.headers.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
    }

    private func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (line, "") }
        return (String(line[..<space]), String(line[line.index(after: space)...]).trimmingCharacters(in: .whitespaces))
    }

    private func findCRLF(from start: Int) -> Int? {
        var i = start
        while i + 1 < buffer.count {
            if buffer[i] == 0x0D && buffer[i + 1] == 0x0A { return i }
            i += 1
        }
        // A control line longer than this is not NATS.
        return nil
    }

    private mutating func consume(upTo end: Int) {
        position = end
        compactIfNeeded()
    }

    private mutating func compactIfNeeded() {
        if position > 0 && (position >= buffer.count || position > 1 << 16) {
            buffer.removeFirst(position)
            position = 0
        }
    }

    /// Bytes waiting for the rest of an operation (bounded by the caller).
    var pendingBytes: Int { buffer.count - position }
}

/// What the client sends, encoded.
enum NATSClientOp {
    case connect(String)
    case publish(subject: String, replyTo: String?, headers: [(String, String)], payload: [UInt8])
    case subscribe(subject: String, queue: String?, sid: Int)
    case unsubscribe(sid: Int, max: Int?)
    case ping
    case pong

    func write(into buffer: inout ByteBuffer) {
        switch self {
        case .connect(let json):
            buffer.writeString("CONNECT \(json)\r\n")
        case .publish(let subject, let replyTo, let headers, let payload):
            let reply = replyTo.map { " \($0)" } ?? ""
            if headers.isEmpty {
                buffer.writeString("PUB \(subject)\(reply) \(payload.count)\r\n")
            } else {
                var block = "NATS/1.0\r\n"
                for (name, value) in headers { block += "\(name): \(value)\r\n" }
                block += "\r\n"
                let headerSize = block.utf8.count
                buffer.writeString("HPUB \(subject)\(reply) \(headerSize) \(headerSize + payload.count)\r\n")
                buffer.writeString(block)
            }
            buffer.writeBytes(payload)
            buffer.writeString("\r\n")
        case .subscribe(let subject, let queue, let sid):
            buffer.writeString("SUB \(subject)\(queue.map { " \($0)" } ?? "") \(sid)\r\n")
        case .unsubscribe(let sid, let max):
            buffer.writeString("UNSUB \(sid)\(max.map { " \($0)" } ?? "")\r\n")
        case .ping:
            buffer.writeString("PING\r\n")
        case .pong:
            buffer.writeString("PONG\r\n")
        }
    }
}
