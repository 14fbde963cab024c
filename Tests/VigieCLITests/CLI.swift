import Foundation
import Testing

/// Runs the built `vigie` executable, as a user would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: URL
    var database: String { directory.appendingPathComponent("vigie.sqlite").path }

    /// A fresh working folder per test, removed by `cleanUp`.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    static var executable: URL {
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
    func run(_ arguments: [String], database useDatabase: Bool = true) throws -> Result {
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

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// `vigie stats --json`, decoded loosely.
    func totals() throws -> [String: Int] {
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

    static func sharedData(_ relative: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(relative).path
    }
}
