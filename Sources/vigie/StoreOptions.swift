import ArgumentParser
import Foundation
import VigieCore
import VigieStore

/// Where the data lives; shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "SQLite database file (default: $VIGIE_DATABASE, else ./vigie.sqlite).", valueName: "path"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Workspace (one per client brand).", valueName: "name"))
    var workspace: String = Workspace.defaultName

    func validate() throws {
        guard Workspace.isValidName(workspace) else {
            throw ValidationError("workspace '\(workspace)' is not a valid name: use letters, digits, '-' and '_' (at most 64).")
        }
    }

    var databasePath: String {
        if let database { return database }
        if let fromEnvironment = ProcessInfo.processInfo.environment["VIGIE_DATABASE"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "vigie.sqlite"
    }

    /// Opens the store; `mustExist` stops read-only commands from creating an empty database by mistake.
    func openStore(mustExist: Bool = false) throws -> SQLiteStore {
        let path = databasePath
        if mustExist && !FileManager.default.fileExists(atPath: path) {
            throw CLIError("no database at \(path): import data first with `vigie ingest`, or name the database with --database")
        }
        return try SQLiteStore(path: path)
    }
}

/// A failure to report on standard error with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
