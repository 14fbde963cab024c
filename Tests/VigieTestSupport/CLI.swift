import Foundation
import Testing

/// Runs the built `vigie` executable, as a user would, in a fresh working folder with its own
/// database (`VIGIE_DATABASE`).
///
/// ```swift
/// let cli = try CLI()
/// defer { cli.cleanUp() }
/// let result = try cli.run(["ingest", SharedData.path("twitter-v2-twarc/flat.jsonl")])
/// #expect(result.status == 0)
/// ```
public struct CLI: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public let directory: URL
    /// `VIGIE_DATABASE` of the runs: `vigie.sqlite` in the folder, or the database given.
    public let database: String

    /// A fresh working folder per test, removed by `cleanUp`; `database` replaces the folder's
    /// SQLite file (a `postgres://` URL runs the same commands on PostgreSQL).
    public init(database: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.database = database ?? directory.appendingPathComponent("vigie.sqlite").path
    }

    public func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    public static var executable: URL {
        // The test bundle sits in the build folder next to the executable products.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("vigie")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("vigie")
    }

    @discardableResult
    public func run(_ arguments: [String], database useDatabase: Bool = true) throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        if useDatabase { environment["VIGIE_DATABASE"] = database }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    public func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// `vigie stats --json`, decoded loosely.
    public func totals() throws -> [String: Int] {
        let result = try run(["stats", "--json"])
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let platforms = object["byPlatform"] as? [String: [String: Int]] else {
            Issue.record("stats failed: \(result.stderr) \(result.stdout)")
            return [:]
        }
        var totals: [String: Int] = ["rejects": object["rejects"] as? Int ?? -1]
        for counts in platforms.values {
            for (key, value) in counts { totals[key, default: 0] += value }
        }
        return totals
    }

    /// A file of the shared data (see ``SharedData``).
    public static func sharedData(_ relative: String) -> String {
        SharedData.path(relative)
    }
}
