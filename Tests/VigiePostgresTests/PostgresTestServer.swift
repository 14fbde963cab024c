import Foundation
import Testing
import VigieCore
@testable import VigiePostgres

/// The PostgreSQL server the tests use: `VIGIE_TEST_POSTGRES_URL` (scripts/test starts a
/// private one and sets it). Each store of a test gets a database of its own.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["VIGIE_TEST_POSTGRES_URL"]

    /// Whether tests can run; when not, they are skipped with this reason.
    static let available = url != nil
    static let skipReason: Comment = "VIGIE_TEST_POSTGRES_URL is not set: run scripts/test, which starts a private PostgreSQL server"

    /// The URL of a new, empty database on the test server.
    static func freshDatabase() async throws -> String {
        guard let url else { throw StoreError(code: .cannotOpen, location: "tests", message: String(describing: skipReason)) }
        let name = "vigie_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await PostgresAdmin.createDatabase(String(name), serverURL: url)
        return replacingDatabase(of: url, with: String(name))
    }

    static func replacingDatabase(of url: String, with name: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }

    static func freshStore() async throws -> PostgresStore {
        try PostgresStore(url: try await freshDatabase())
    }
}
