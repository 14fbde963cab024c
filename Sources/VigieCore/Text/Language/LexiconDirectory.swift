import Foundation

/// The folder of language data that `scripts/fetch-lexicons` downloads from PyPI (VADER lexicons,
/// langdetect profiles, stop words). Nothing of it is in the repository; every analysis that needs
/// it takes a `LexiconDirectory`.
///
/// Found, in order: an explicit path (the CLI's `--lexicons DIR`), the `VIGIE_LEXICONS`
/// environment variable, then a `.cache/lexicons` folder in the current directory or beside the
/// executable or any folder above it (so `.build/release/vigie` finds `<repo>/.cache/lexicons`).
public struct LexiconDirectory: Sendable, Hashable {
    public let url: URL

    /// Relative paths of the files the analyses read.
    public enum File {
        public static let englishLexicon = "vader-en/vader_lexicon.txt"
        public static let englishEmoji = "vader-en/emoji_utf8_lexicon.txt"
        public static let englishRules = "vader-en/rules.json"
        public static let frenchLexicon = "vader-fr/fr_lexicon.txt"
        public static let frenchNoNegate = "vader-fr/no_negate.txt"
        public static let frenchRules = "vader-fr/rules.json"
        public static let languageProfiles = "langdetect/profiles"
        public static let stopWords = "stopwords-iso/stopwords-iso.json"
    }

    /// Uses `url` as it is; fails if it is not a folder.
    public init(url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LexiconError.notFound(searched: [url.path])
        }
        self.url = url
    }

    /// Finds the folder (see the type's documentation for the order).
    public static func locate(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = CommandLine.arguments.first,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> LexiconDirectory {
        if let explicit, !explicit.isEmpty {
            return try LexiconDirectory(url: URL(fileURLWithPath: explicit))
        }
        if let fromEnvironment = environment["VIGIE_LEXICONS"], !fromEnvironment.isEmpty {
            return try LexiconDirectory(url: URL(fileURLWithPath: fromEnvironment))
        }
        var searched: [String] = []
        var starts = [URL(fileURLWithPath: currentDirectory)]
        if let executablePath, !executablePath.isEmpty {
            let executable = URL(fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory))
            starts.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for start in starts {
            if let found = search(upFrom: start, searched: &searched) { return found }
        }
        throw LexiconError.notFound(searched: searched)
    }

    /// Finds `.cache/lexicons` in `start` or a folder above it; tests pass `#filePath`.
    public static func locate(searchingUpFrom start: URL) throws -> LexiconDirectory {
        var searched: [String] = []
        if let found = search(upFrom: start, searched: &searched) { return found }
        throw LexiconError.notFound(searched: searched)
    }

    private static func search(upFrom start: URL, searched: inout [String]) -> LexiconDirectory? {
        var folder = start.standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent(".cache/lexicons")
            searched.append(candidate.path)
            if let found = try? LexiconDirectory(url: candidate) { return found }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path || folder.path == "/" { return nil }
            folder = parent
        }
    }

    /// The file or folder at `relativePath`, which must exist.
    public func path(_ relativePath: String) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw LexiconError.missingFile(file.path)
        }
        return file
    }

    /// The UTF-8 text of the file at `relativePath`.
    public func text(_ relativePath: String) throws -> String {
        let file = try path(relativePath)
        do {
            return try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw LexiconError.unreadable(file.path, String(describing: error))
        }
    }
}

/// A lexicon folder or file that is missing or malformed; each message says what to run.
public enum LexiconError: Error, CustomStringConvertible, Equatable {
    case notFound(searched: [String])
    case missingFile(String)
    case unreadable(String, String)
    case malformed(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            let shown = searched.prefix(3).joined(separator: ", ") + (searched.count > 3 ? ", …" : "")
            return "lexicons not found in \(shown); run scripts/fetch-lexicons (or pass --lexicons DIR / set VIGIE_LEXICONS)"
        case .missingFile(let path):
            return "lexicon file \(path) is missing; run scripts/fetch-lexicons (FORCE=1 to fetch again)"
        case .unreadable(let path, let reason):
            return "cannot read lexicon file \(path): \(reason); run FORCE=1 scripts/fetch-lexicons"
        case .malformed(let file, let line, let reason):
            return "\(file):\(line): \(reason); run FORCE=1 scripts/fetch-lexicons"
        }
    }
}
