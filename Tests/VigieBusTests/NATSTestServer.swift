import Foundation
import Testing
import VigieBus

/// A private `nats-server -js` on a free loopback port for one test, with its own store folder,
/// stopped by `stop()`. The binary comes from Debian's `nats-server` package (scripts/test
/// installs it); without it the server tests are skipped.
final class NATSTestServer: Sendable {
    static var isAvailable: Bool { executable != nil }

    static var executable: String? {
        ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    let port: Int
    let directory: URL
    private let process: Process

    var url: String { "nats://127.0.0.1:\(port)" }

    /// Starts a server; `port` 0 picks a free one; `directory` keeps the JetStream store (reuse it
    /// to restart "the same" server).
    init(port: Int = 0, directory: URL? = nil) throws {
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("nats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let chosen = port == 0 ? try Self.freePort() : port
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.executable))
        process.arguments = ["-js", "-a", "127.0.0.1", "-p", String(chosen), "-sd", directory.path]
        let log = Pipe()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        // Ready when the log says so (a few tens of milliseconds).
        var seen = ""
        let deadline = Date().addingTimeInterval(10)
        while !seen.contains("Server is ready"), Date() < deadline {
            let data = log.fileHandleForReading.availableData
            if data.isEmpty { Thread.sleep(forTimeInterval: 0.02) }
            seen += String(decoding: data, as: UTF8.self)
        }
        guard seen.contains("Server is ready") else {
            process.terminate()
            throw NATSError.cannotConnect("nats-server did not start: \(seen.suffix(400))")
        }
        self.port = chosen
        self.directory = directory
        self.process = process
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func removeStore() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A free TCP port on loopback (bound and released; the server binds it right after).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
