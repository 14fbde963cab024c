import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP server on 127.0.0.1 for webhook tests: it answers each connection in turn with
/// the next scripted reply (the last one repeats), records what it received, and stops by itself
/// after `maximumConnections` or `lifetime` seconds, whichever comes first.
final class LoopbackReceiver: @unchecked Sendable {
    enum Reply: Sendable {
        case status(Int)
        /// Reads the request and never answers (until the client gives up or `lifetime` ends).
        case silent
    }

    struct Request: Sendable {
        var head: String
        var body: Data
        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    let port: UInt16
    private let socket: Int32
    private let replies: [Reply]
    private let maximumConnections: Int
    private let deadline: Date
    private let lock = NSLock()
    private var received: [Request] = []
    private let stopped = Mutex(false)

    /// The default lifetime is long because it only bounds a failing test: a receiver stops as
    /// soon as it has served `maximumConnections`, and under a full test run on 2 busy cores a
    /// client's attempts can come tens of seconds apart.
    init(replies: [Reply], maximumConnections: Int = 10, lifetime: TimeInterval = 120) throws {
        self.replies = replies
        self.maximumConnections = maximumConnections
        deadline = Date().addingTimeInterval(lifetime)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socket = fd
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/hook")! }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Waits (bounded by the lifetime) until the server has stopped, suspending the test rather
    /// than blocking one of the few threads every async test shares.
    func waitUntilStopped() async {
        while !stopped.withLock({ $0 }), Date() < deadline.addingTimeInterval(1) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func serve() {
        defer {
            close(socket)
            stopped.withLock { $0 = true }
        }
        var served = 0
        while served < maximumConnections, Date() < deadline {
            guard wait(for: socket, milliseconds: 100) else { continue }
            let client = accept(socket, nil, nil)
            guard client >= 0 else { continue }
            let reply = replies.isEmpty ? .status(200) : replies[min(served, replies.count - 1)]
            served += 1
            if let request = read(client) {
                lock.lock()
                received.append(request)
                lock.unlock()
            }
            switch reply {
            case .status(let code):
                let text = "HTTP/1.1 \(code) Scripted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                _ = text.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            case .silent:
                // Hold the connection until the client hangs up or the lifetime ends.
                var byte: UInt8 = 0
                while Date() < deadline {
                    if wait(for: client, milliseconds: 100), recv(client, &byte, 1, 0) <= 0 { break }
                }
            }
            close(client)
        }
    }

    private func wait(for fd: Int32, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Reads the head and a `Content-Length` body (bounded in size and time).
    private func read(_ client: Int32) -> Request? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let stop = Date().addingTimeInterval(5)
        var continued = false
        while Date() < stop, data.count < 1 << 20 {
            if let end = data.range(of: Data("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
                let request = Request(head: head, body: Data())
                let length = Int(request.header("Content-Length") ?? "0") ?? 0
                if data.count - end.upperBound >= length {
                    return Request(head: head, body: Data(data[end.upperBound..<(end.upperBound + length)]))
                }
                // curl asks before sending a larger body; answering saves its one-second wait.
                if !continued, request.header("Expect")?.lowercased() == "100-continue" {
                    continued = true
                    _ = "HTTP/1.1 100 Continue\r\n\r\n".withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                }
            }
            guard wait(for: client, milliseconds: 100) else { continue }
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return nil
    }
}
