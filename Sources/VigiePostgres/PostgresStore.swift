import Foundation
import Logging
import PostgresNIO
import Synchronization
import VigieCore

/// The server store: one PostgreSQL database, shared by several analysts, servers and ingest
/// workers at once. It implements every storage protocol of the core (``Store``) with the same
/// semantics as the SQLite store (the conformance suite checks both).
///
/// ```swift
/// let store = try PostgresStore(url: "postgres://vigie@127.0.0.1:5432/vigie")
/// let summary = try await store.write(IngestBatch(items: [.post(post)]), workspace: "default")
/// let page = try await store.query(Query.parse("velo lang:fr"), workspace: "default", limit: 20)
/// ```
///
/// The connection pool (PostgresNIO's `PostgresClient`) runs as a service in a task the store
/// owns; ``close()`` stops it. Opening connects lazily: the first operation connects and runs the
/// migrations (docs/postgres.md describes the schema). A URL parameter `workspace=name` scopes
/// every connection to one workspace through row-level security (`vigie.workspace_id`).
public final class PostgresStore: Store, Sendable {
    /// The URL without its password: what messages and `vigie stats` print.
    public let location: String
    public let isReadOnly: Bool
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    private let preparation: Mutex<Task<Void, any Error>?> = Mutex(nil)
    let workspaceIDs = Mutex<[String: Int64]>([:])
    let cache = Mutex(PostgresWriteCache())
    /// Month partitions of `post` known to exist (first millisecond of the month).
    let partitions = Mutex<Set<Int64>>([])
    let scopedWorkspace: String?
    /// One connection's settings, for the reachability probe before the pool is used.
    private let probe: PostgresConnection.Configuration

    /// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`).
    public static func handles(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Opens the database at `url` (`postgres://user[:password]@host[:port]/database`, with
    /// optional `sslmode=disable|prefer|require` and `workspace=name`). With `readOnly`, the
    /// store never writes: its sessions are read-only and its write methods refuse.
    public init(url: String, readOnly: Bool = false) throws {
        let parsed = try PostgresURL(url)
        location = parsed.redacted
        isReadOnly = readOnly
        scopedWorkspace = parsed.workspace
        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: parsed.tls)
        configuration.options.maximumConnections = 8
        configuration.options.connectTimeout = .seconds(10)
        var parameters: [(String, String)] = [("application_name", "vigie")]
        if readOnly { parameters.append(("default_transaction_read_only", "on")) }
        configuration.options.additionalStartupParameters = parameters
        var logger = Logger(label: "vigie.postgres")
        logger.logLevel = .critical
        self.logger = logger
        var probe = PostgresConnection.Configuration(host: parsed.host, port: parsed.port, username: parsed.user,
                                                     password: parsed.password, database: parsed.database, tls: parsed.connectionTLS)
        probe.options.connectTimeout = .seconds(10)
        self.probe = probe
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit {
        runner.cancel()
    }

    public func close() async throws {
        runner.cancel()
    }

    // MARK: Running statements

    /// Connects and migrates once; every operation awaits it first.
    func prepared() async throws {
        let task = preparation.withLock { task -> Task<Void, any Error> in
            if let task { return task }
            let made = Task { try await self.prepare() }
            task = made
            return made
        }
        do {
            try await task.value
        } catch {
            // A failed preparation (server down) is tried again by the next operation.
            preparation.withLock { $0 = nil }
            throw error
        }
    }

    private func prepare() async throws {
        // One plain connection first: a server that is down or a refused login fails at once
        // with the driver's error, where the pool would retry for a minute before giving up.
        let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
        try? await connection.close()
        try await client.withConnection { connection in
            if self.isReadOnly {
                try await PostgresSchema.checkCurrent(connection, logger: self.logger, location: self.location)
            } else {
                try await PostgresSchema.migrate(connection, logger: self.logger, location: self.location)
            }
        }
    }

    /// Runs `body` on a pooled connection (scoped to the URL's workspace, if any).
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            try await prepared()
            return try await client.withConnection { connection in
                try await self.applyScope(connection)
                return try await body(connection)
            }
        } catch {
            throw translate(error)
        }
    }

    /// Runs `body` in one transaction: all of it commits or none.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try refuseWrites()
        return try await withConnection { connection in
            try await connection.query("BEGIN", logger: self.logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: self.logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    private func applyScope(_ connection: PostgresConnection) async throws {
        guard let scopedWorkspace else { return }
        // The id is looked up by the owner's view of `workspace` (a reference table every role reads).
        try await connection.query("""
            SELECT set_config('vigie.workspace_id', coalesce((SELECT id::text FROM workspace WHERE name = \(scopedWorkspace)), '0'), false)
            """, logger: logger)
    }

    func refuseWrites() throws {
        guard !isReadOnly else {
            throw StoreError(code: .readOnly, location: location, message:
                "this database was opened read-only; open it with write access to change it")
        }
    }

    func validate(workspace: String) throws {
        try StoreError.validate(workspace: workspace, location: location)
    }

    /// The id of a workspace, `nil` when it holds nothing yet.
    func workspaceID(_ connection: PostgresConnection, _ name: String) async throws -> Int64? {
        if let known = workspaceIDs.withLock({ $0[name] }) { return known }
        let rows = try await connection.query("SELECT id FROM workspace WHERE name = \(name)", logger: logger)
        for try await id in rows.decode(Int64.self) {
            workspaceIDs.withLock { $0[name] = id }
            return id
        }
        return nil
    }

    /// The id of a workspace, created when new. Runs outside any batch transaction (its own
    /// statement commits), so a rolled-back batch never leaves a cached id that does not exist.
    func ensureWorkspace(_ name: String) async throws -> Int64 {
        try validate(workspace: name)
        try refuseWrites()
        if let known = workspaceIDs.withLock({ $0[name] }) { return known }
        return try await withConnection { connection in
            try await connection.query("INSERT INTO workspace(name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING",
                                       logger: self.logger)
            guard let id = try await self.workspaceID(connection, name) else {
                throw StoreError(code: .backend, location: self.location, message: "workspace '\(name)' vanished")
            }
            return id
        }
    }

    /// Every row of a query decoded as `T`.
    func all<T: PostgresDecodable & Sendable>(_ connection: PostgresConnection, _ query: PostgresQuery,
                                              as type: T.Type) async throws -> [T] {
        var values: [T] = []
        for try await value in try await connection.query(query, logger: logger).decode(T.self) { values.append(value) }
        return values
    }

    /// The first row's first column, `nil` for no row.
    func one<T: PostgresDecodable & Sendable>(_ connection: PostgresConnection, _ query: PostgresQuery,
                                              as type: T.Type) async throws -> T? {
        for try await value in try await connection.query(query, logger: logger).decode(T.self) { return value }
        return nil
    }

    /// Rows for random access by column name.
    func rows(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(row.makeRandomAccess()) }
        return rows
    }

    /// How many rows a statement changed: the statement ends with `RETURNING 1` (PostgresNIO's
    /// async API does not give the command tag's count).
    func changes(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await _ in try await connection.query(query, logger: logger) { count += 1 }
        return count
    }

    /// Runs a statement and drains its rows.
    func run(_ connection: PostgresConnection, _ query: PostgresQuery) async throws {
        for try await _ in try await connection.query(query, logger: logger) {}
    }
}
