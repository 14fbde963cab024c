import Foundation

/// The real labelled data the tests read in place: `../shared/data` beside the repository (for a
/// worktree, beside one of its parent folders), or the folder named by `VIGIE_SHARED_DATA`.
/// Never copied into the repository.
///
/// ```swift
/// let path = SharedData.path("twitter-v2-twarc/flat.jsonl")
/// guard SharedData.exists("bot-labels-twibot") else { return }
/// ```
public enum SharedData {
    /// The repository this test support was built from (the folder holding `Package.swift`).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        // Tests/VigieTestSupport/<this file> → the repository root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// The folders searched, first match wins: `VIGIE_SHARED_DATA`, then `shared/data` beside the
    /// repository and beside up to three of its parents.
    public static let candidates: [URL] = {
        var folders: [URL] = []
        if let path = ProcessInfo.processInfo.environment["VIGIE_SHARED_DATA"], !path.isEmpty {
            folders.append(URL(fileURLWithPath: path))
        }
        var parent = repositoryRoot.deletingLastPathComponent()
        for _ in 0..<4 {
            folders.append(parent.appendingPathComponent("shared/data"))
            guard parent.pathComponents.count > 1 else { break }
            parent.deleteLastPathComponent()
        }
        return folders
    }()

    /// The data folder: the first candidate that exists, else `../shared/data` beside the
    /// repository (so that a missing file's error names where it was expected).
    public static let root: URL = candidates.first {
        FileManager.default.fileExists(atPath: $0.path)
    } ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// A file or folder of the shared data, e.g. `url("bluesky-jetstream")`.
    public static func url(_ relative: String) -> URL {
        relative.isEmpty ? root : root.appendingPathComponent(relative)
    }

    /// The absolute path of `relative` in the shared data.
    public static func path(_ relative: String) -> String {
        url(relative).path
    }

    /// Whether `relative` is there (tests that need it are skipped, saying so, when it is not).
    public static func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }
}
