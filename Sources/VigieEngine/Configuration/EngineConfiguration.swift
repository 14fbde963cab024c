import Foundation
import VigieCore

/// Everything an engine needs to know about where things are, built once by a front end: its
/// own options first, then the environment, then these defaults.
///
/// ```swift
/// var configuration = EngineConfiguration(environment: ProcessInfo.processInfo.environment)
/// if let flag = databaseFlag { configuration.database = flag }
/// ```
///
/// Environment variables: `VIGIE_DATABASE`, `VIGIE_WORKSPACE`, `VIGIE_LEXICONS`,
/// `VIGIE_TRUST_MODEL`, `VIGIE_SENTIMENT_MODEL`.
public struct EngineConfiguration: Sendable, Hashable {
    /// Where the store is: a SQLite file path (the default, `vigie.sqlite`).
    public var database: String
    public var workspace: String
    /// The language data folder (`scripts/fetch-lexicons` fills `.cache/lexicons`); `nil`: searched.
    public var lexicons: String?
    /// The inauthenticity model file; `nil`: `models/inauthenticity-v3.json` searched.
    public var trustModel: String?
    /// The sentiment model file; `nil`: `models/sentiment-v3.json` searched.
    public var sentimentModel: String?
    /// Where searched resources are looked for (and in every folder above): the current folder
    /// and the executable's.
    public var searchFolders: [String]

    public init(database: String = "vigie.sqlite", workspace: String = Workspace.defaultName,
                lexicons: String? = nil, trustModel: String? = nil, sentimentModel: String? = nil,
                searchFolders: [String] = EngineConfiguration.defaultSearchFolders) {
        self.database = database
        self.workspace = workspace
        self.lexicons = lexicons
        self.trustModel = trustModel
        self.sentimentModel = sentimentModel
        self.searchFolders = searchFolders
    }

    /// The defaults, with what the environment sets.
    public init(environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        self.init(database: value("VIGIE_DATABASE") ?? "vigie.sqlite",
                  workspace: value("VIGIE_WORKSPACE") ?? Workspace.defaultName,
                  lexicons: value("VIGIE_LEXICONS"), trustModel: value("VIGIE_TRUST_MODEL"),
                  sentimentModel: value("VIGIE_SENTIMENT_MODEL"))
    }

    /// The current folder, then the folder of the running executable (so `.build/release/vigie`
    /// finds the repository's `models/` and `.cache/lexicons`).
    public static var defaultSearchFolders: [String] {
        let current = FileManager.default.currentDirectoryPath
        var folders = [current]
        if let executable = CommandLine.arguments.first, !executable.isEmpty {
            folders.append(URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: current))
                .resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        return folders
    }

    /// Checks the values a front end may have taken from its user.
    public func validate() throws(EngineError) {
        guard Workspace.isValidName(workspace) else {
            throw EngineError(.invalidArgument, field: "workspace",
                              "workspace '\(workspace)' is not a valid name: use letters, digits, '-' and '_' (at most 64)")
        }
        guard !database.isEmpty else { throw EngineError(.invalidArgument, field: "database", "the database location is empty") }
    }
}
