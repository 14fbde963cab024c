import Foundation

/// Runs the built `vigie` as a child process with a deadline, so that a trap or a hang fails one
/// case instead of the test run.
struct VigieProcess {
    struct Outcome: Sendable {
        enum Ending: Sendable, Equatable {
            case exited(Int32)
            /// Killed by a signal it raised itself: a trap (SIGILL/SIGTRAP), a crash (SIGSEGV).
            case trapped(Int32)
            /// Still running at the deadline, then killed.
            case hung
        }

        var ending: Ending
        var stdout: String
        var stderr: String
        var seconds: Double

        /// A trap, a crash or a backtrace on stderr, whatever the exit status.
        var trapped: Bool {
            if case .trapped = ending { return true }
            return stderr.contains("Fatal error") || stderr.contains("Backtracing") || stderr.contains("Program crashed")
        }

        var hung: Bool { ending == .hung }
        var status: Int32? { if case .exited(let status) = ending { status } else { nil } }
    }

    /// The binary: `VIGIE_FUZZ_BINARY` (the long run uses a release build), else the `vigie` built
    /// next to the test bundle.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["VIGIE_FUZZ_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("vigie")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("vigie")
    }

    /// Runs `vigie arguments` in `directory`; output goes through files, so a large output never
    /// blocks the child.
    static func run(_ arguments: [String], in directory: URL, timeout: Double,
                    environment extra: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIE_DATABASE"] = directory.appendingPathComponent("vigie.sqlite").path
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let token = UUID().uuidString
        let outURL = directory.appendingPathComponent("stdout-\(token)")
        let errURL = directory.appendingPathComponent("stderr-\(token)")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = out
        process.standardError = err
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        let started = Date()
        try process.run()
        var hung = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            hung = true
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        let seconds = Date().timeIntervalSince(started)
        let ending: Outcome.Ending
        if hung {
            ending = .hung
        } else if process.terminationReason == .uncaughtSignal {
            ending = .trapped(process.terminationStatus)
        } else {
            ending = .exited(process.terminationStatus)
        }
        func read(_ url: URL) -> String {
            String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
        }
        return Outcome(ending: ending, stdout: read(outURL), stderr: read(errURL), seconds: seconds)
    }
}
