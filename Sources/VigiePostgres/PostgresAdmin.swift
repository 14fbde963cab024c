import Foundation
import Logging
import PostgresNIO
import VigieCore

/// Server-level chores a deployment (and the tests) need: creating a database, and a login role
/// confined to one workspace by row-level security.
public enum PostgresAdmin {
    /// Creates the database `name` on the server of `url` (connecting to the URL's database),
    /// unless it exists. `name` must be a plain identifier (letters, digits, `_`).
    public static func createDatabase(_ name: String, serverURL url: String) async throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StoreError(code: .cannotOpen, location: name, message: "database name '\(name)' must be letters, digits or '_'")
        }
        try await withClient(url) { client, logger in
            let exists = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await _ in exists { return }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
    }

    /// Creates (or updates) a login role that reads and writes only the rows of `workspace`: it
    /// does not own Vigie's tables, so their row-level security policies apply to it, and its
    /// sessions name the workspace (`vigie.workspace_id`). Open it with
    /// `postgres://role:password@host/db?workspace=name`.
    public static func createWorkspaceRole(_ role: String, password: String, workspace: String, url: String) async throws {
        guard !role.isEmpty, role.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StoreError(code: .cannotOpen, location: role, message: "role name '\(role)' must be letters, digits or '_'")
        }
        try StoreError.validate(workspace: workspace, location: role)
        let store = try PostgresStore(url: url)
        _ = try await store.ensureWorkspace(workspace)
        try await store.close()
        try await withClient(url) { client, logger in
            let literal = password.replacingOccurrences(of: "'", with: "''")
            let exists = try await client.query("SELECT 1 FROM pg_roles WHERE rolname = \(role)", logger: logger)
            var found = false
            for try await _ in exists { found = true }
            let verb = found ? "ALTER" : "CREATE"
            // The workspace tables through their parents only (a month partition of `post`
            // read directly would escape the parent's policy); no access to users, sessions,
            // tokens or the audit log.
            let tables = PostgresSchema.workspaceTables.joined(separator: ", ")
            for statement in [
                "\(verb) ROLE \(role) LOGIN NOBYPASSRLS PASSWORD '\(literal)'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON \(tables) TO \(role)",
                "GRANT SELECT, INSERT ON workspace TO \(role)",
                "GRANT SELECT ON vigie_migration TO \(role)",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role)",
            ] {
                try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    /// Runs `body` with a client of `url`'s server, closed afterwards.
    static func withClient<T: Sendable>(_ url: String,
                                        _ body: (PostgresClient, Logger) async throws -> T) async throws -> T {
        let parsed = try PostgresURL(url)
        let configuration = PostgresClient.Configuration(host: parsed.host, port: parsed.port, username: parsed.user,
                                                         password: parsed.password, database: parsed.database, tls: parsed.tls)
        var logger = Logger(label: "vigie.postgres.admin")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client, logger)
        }
    }
}
