import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigiePostgres

/// The store conformance suite (``StoreConformance``) on PostgreSQL: every check, each on a new
/// database of the test server. Serialized, like the SQLite runs.
@Suite("PostgresStore conformance", .serialized, .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresConformanceTests {
    struct NotPostgres: Error {}

    static let conformance = StoreConformance(
        makeStore: { try await PostgresTestServer.freshStore() },
        reopenReadOnly: { store in
            guard let postgres = store as? PostgresStore, let url = PostgresTestServer.url else { throw NotPostgres() }
            // The same database, by its name in the store's location (which has no password).
            let name = String(postgres.location.split(separator: "/").last ?? "")
            return try PostgresStore(url: PostgresTestServer.replacingDatabase(of: url, with: name), readOnly: true)
        },
        writeFailingAfterItem: { store, batch, workspace, index in
            guard let postgres = store as? PostgresStore else { throw NotPostgres() }
            _ = try await postgres.write(batch, workspace: workspace, failAfterItem: index)
        },
        // Privacy operations and campaigns are not on PostgreSQL yet (their calls say so).
        implements: [])

    @Test("on PostgreSQL", arguments: StoreConformance.checks(runnableWith: conformance.capabilities))
    func conforms(_ check: StoreConformance.Check) async throws {
        try await Self.conformance.run(check)
    }
}
