import Foundation
import PostgresNIO
import VigieCore

/// A `postgres://` URL taken apart. The password never leaves this value except to the driver:
/// ``redacted`` is what messages print.
struct PostgresURL {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var tls: PostgresClient.Configuration.TLS
    /// The same TLS mode for a single connection (the reachability probe).
    var connectionTLS: PostgresConnection.Configuration.TLS
    /// `workspace=name`: every connection scoped to that workspace (row-level security).
    var workspace: String?
    var redacted: String

    init(_ text: String) throws {
        guard PostgresStore.handles(text), let components = URLComponents(string: text), let host = components.host,
              !host.isEmpty else {
            throw StoreError(code: .cannotOpen, location: Self.redact(text), message:
                "not a PostgreSQL URL: write it as postgres://user[:password]@host[:port]/database")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
        var connectionTLS = PostgresConnection.Configuration.TLS.prefer(try .init(configuration: .makeClientConfiguration()))
        workspace = nil
        var redactedQuery: [String] = []
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": (tls, connectionTLS) = (.disable, .disable)
                case "prefer", "allow": (tls, connectionTLS) = (.prefer(.makeClientConfiguration()), .prefer(try .init(configuration: .makeClientConfiguration())))
                case "require", "verify-ca", "verify-full":
                    (tls, connectionTLS) = (.require(.makeClientConfiguration()), .require(try .init(configuration: .makeClientConfiguration())))
                default:
                    throw StoreError(code: .cannotOpen, location: Self.redact(text), message:
                        "sslmode '\(item.value ?? "")' is not known: use disable, prefer or require")
                }
                redactedQuery.append("sslmode=\(item.value ?? "")")
            case "workspace":
                guard let value = item.value, Workspace.isValidName(value) else {
                    throw StoreError(code: .invalidWorkspace, location: Self.redact(text), message:
                        "workspace '\(item.value ?? "")' in the URL is invalid: use up to 64 letters, digits, '-' or '_'")
                }
                workspace = value
                redactedQuery.append("workspace=\(value)")
            default:
                throw StoreError(code: .cannotOpen, location: Self.redact(text), message:
                    "URL parameter '\(item.name)' is not known: Vigie reads sslmode and workspace")
            }
        }
        self.tls = tls
        self.connectionTLS = connectionTLS
        redacted = "postgres://\(user)@\(host):\(port)/\(database)" + (redactedQuery.isEmpty ? "" : "?" + redactedQuery.joined(separator: "&"))
    }

    /// A URL with any password replaced, for messages about a URL that does not parse.
    static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

extension PostgresStore {
    /// `text` with the password of a `postgres://` URL masked (`***`); other text unchanged.
    public static func redacted(_ text: String) -> String {
        handles(text) ? PostgresURL.redact(text) : text
    }

    /// PostgreSQL and connection failures as ``StoreError``s naming the store (never its
    /// password); Vigie's own errors pass through.
    func translate(_ error: any Error) -> any Error {
        if error is StoreError || error is WatchError || error is CancellationError { return error }
        guard let error = error as? PSQLError else { return error }
        let state = error.serverInfo?[.sqlState] ?? ""
        let detail = error.serverInfo?[.message] ?? "\(error.code)"
        switch state {
        case "25006":
            return StoreError(code: .readOnly, location: location, message:
                "this database was opened read-only; open it with write access to change it")
        case "28000", "28P01":
            return StoreError(code: .cannotOpen, location: location, message:
                "PostgreSQL refused the login (\(detail)); check the user and password in the URL")
        case "3D000":
            return StoreError(code: .missing, location: location, message:
                "the database does not exist (\(detail)); create it first (createdb) or name another one")
        case "42501":
            return StoreError(code: .cannotOpen, location: location, message:
                "permission denied (\(detail)); grant this role access to Vigie's tables")
        case "53100":
            return StoreError(code: .diskFull, location: location, message:
                "the database server's disk is full (\(detail)); free some space and run the import again")
        case "42P01", "42703":
            return StoreError(code: .unreadableData, location: location, message:
                "the database's schema was changed by hand (\(detail)); restore a backup or use another database")
        case "":
            break
        default:
            return StoreError(code: .backend, location: location, message: "PostgreSQL failed (\(state): \(detail))")
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .sslUnsupported, .failedToAddSSLHandler:
            let underlying = error.underlying.map { " (\($0))" } ?? ""
            return StoreError(code: .cannotOpen, location: location, message:
                "cannot reach the PostgreSQL server\(underlying); check that it runs and that the URL's host and port are right")
        default:
            return StoreError(code: .backend, location: location, message: "PostgreSQL failed (\(error.code))")
        }
    }
}
