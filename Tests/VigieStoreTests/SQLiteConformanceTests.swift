import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// The store conformance suite (``StoreConformance``) on both kinds of SQLite store: in memory,
/// and on disk (which can also be reopened read-only). Serialized: run all at once, its 121
/// CPU-bound cases would hold every thread of the shared pool and starve the time-bound tests
/// (webhook deliveries) of the same process.
@Suite("SQLiteStore conformance", .serialized)
struct SQLiteConformanceTests {
    struct NotSQLite: Error {}

    /// A batch that fails after item `index`, inside the transaction, as a killed import would.
    static let writeFailingAfterItem: @Sendable (any Store, IngestBatch, String, Int) async throws -> Void = { store, batch, workspace, index in
        guard let sqlite = store as? SQLiteStore else { throw NotSQLite() }
        _ = try await sqlite.write(batch, workspace: workspace) { item in
            if item == index { throw SimulatedCrash() }
        }
    }

    static let memory = StoreConformance(makeStore: { try SQLiteStore.inMemory() },
                                         writeFailingAfterItem: writeFailingAfterItem)

    @Test("in memory", arguments: StoreConformance.checks(runnableWith: memory.capabilities))
    func inMemory(_ check: StoreConformance.Check) async throws {
        try await Self.memory.run(check)
    }

    @Test("on disk", arguments: StoreConformance.checks)
    func onDisk(_ check: StoreConformance.Check) async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let conformance = StoreConformance(
            makeStore: { try SQLiteStore(path: directory.appendingPathComponent("\(UUID().uuidString).sqlite").path) },
            reopenReadOnly: { store in
                guard let sqlite = store as? SQLiteStore else { throw NotSQLite() }
                return try SQLiteStore(path: sqlite.path, readOnly: true)
            },
            writeFailingAfterItem: Self.writeFailingAfterItem)
        #expect(conformance.capabilities == Set(StoreConformance.Capability.allCases))
        try await conformance.run(check)
    }

    /// The suite names each check once, and every check runs on disk.
    @Test func everyCheckIsNamedOnce() {
        let names = StoreConformance.checks.map(\.description)
        #expect(Set(names).count == names.count)
        #expect(StoreConformance.checks(runnableWith: []).count < names.count)
    }
}
