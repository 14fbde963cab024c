import ArgumentParser
import Foundation
import VigieCore
import VigieEngine
import VigiePostgres
import VigieStore

/// Where the data lives; shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "SQLite database file, or a postgres:// URL (default: $VIGIE_DATABASE, else ./vigie.sqlite).", valueName: "path"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Workspace, one per client brand (default: $VIGIE_WORKSPACE, else default).",
                                            valueName: "name"))
    var workspace: String?

    func validate() throws {
        if let workspace, !Workspace.isValidName(workspace) {
            throw ValidationError("workspace '\(workspace)' is not a valid name: use letters, digits, '-' and '_' (at most 64).")
        }
    }

    /// The one configuration value of this run: these flags, then the environment, then defaults.
    func configuration(lexicons: String? = nil, trustModel: String? = nil, sentimentModel: String? = nil) -> EngineConfiguration {
        var configuration = EngineConfiguration(environment: ProcessInfo.processInfo.environment)
        if let database { configuration.database = database }
        if let workspace { configuration.workspace = workspace }
        if let lexicons { configuration.lexicons = lexicons }
        if let trustModel { configuration.trustModel = trustModel }
        if let sentimentModel { configuration.sentimentModel = sentimentModel }
        return configuration
    }

    /// The engine on the configured store. Read commands open it read-only: they never create a
    /// database by mistake, and work on a file they may not write. `mustExist` gives the same
    /// guard to commands that write to an existing store only (a watch refresh, an alert run).
    func engine(readOnly: Bool = false, mustExist: Bool = false, usage: SQLiteStore.Usage = .batch,
                lexicons: String? = nil, trustModel: String? = nil, sentimentModel: String? = nil) throws -> Engine {
        let configuration = configuration(lexicons: lexicons, trustModel: trustModel, sentimentModel: sentimentModel)
        try configuration.validate()
        return Engine(store: try Self.openStore(configuration, readOnly: readOnly, mustExist: mustExist, usage: usage),
                      configuration: configuration)
    }

    /// Opens the configured store: the one place the CLI names a backend. A `postgres://` or
    /// `postgresql://` URL opens PostgreSQL (docs/postgres.md); anything else is a SQLite file,
    /// tuned for `usage` (long-running writers map it, see `SQLiteStore.Usage`).
    static func openStore(_ configuration: EngineConfiguration, readOnly: Bool, mustExist: Bool = false,
                          usage: SQLiteStore.Usage = .batch) throws -> any Store {
        if PostgresStore.handles(configuration.database) {
            return try PostgresStore(url: configuration.database, readOnly: readOnly)
        }
        if mustExist && !FileManager.default.fileExists(atPath: configuration.database) {
            throw StoreError(code: .missing, location: configuration.database,
                             message: "no database here: import data first, or name another database")
        }
        return try SQLiteStore(path: configuration.database, readOnly: readOnly, usage: usage)
    }

    /// A database as messages may print it: a URL's password masked.
    static func printable(_ database: String) -> String {
        PostgresStore.redacted(database)
    }

    /// An empty store for a computation's intermediate data (the trust training's generated
    /// accounts), kept in memory and gone with it.
    static func scratchStore() throws -> any Store {
        try SQLiteStore.inMemory()
    }

    var workspaceName: String { configuration().workspace }
    var databasePath: String { configuration().database }
}
