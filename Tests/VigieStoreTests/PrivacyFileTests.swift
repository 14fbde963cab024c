import Foundation
import GRDB
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// Erasure that reaches the bytes: after an erasure the person's identifiers and texts are in
/// none of the store's files (database, WAL, shared memory), and every table of the schema is
/// accounted for by the erasure.
@Suite("Privacy on SQLite files")
struct PrivacyFileTests {
    /// Every file of the store, concatenated.
    static func storeBytes(_ path: String) throws -> Data {
        var bytes = Data()
        for suffix in ["", "-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            bytes += try Data(contentsOf: URL(fileURLWithPath: path + suffix))
        }
        return bytes
    }

    static func found(_ needle: String, in bytes: Data) -> Bool {
        bytes.range(of: Data(needle.utf8)) != nil
    }

    @Test func anErasedPersonIsInNoByteOfTheFiles() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let store = try SQLiteStore(path: path)
        try await PrivacyPlant.plant(in: store, workspace: "default")
        // Enough other data that pages are shared with other people's rows and the index has segments.
        for round in 0..<20 {
            let posts = (0..<50).map { i in
                Fixture.post("other-\(round)-\(i)", author: "bulk\(i % 7)", text: "autre message \(round) \(i) sur le vélo",
                             at: Double(1000 + round * 50 + i))
            }
            try await store.write(Fixture.batch(posts.map { .post($0) }), workspace: "default")
        }
        let before = try Self.storeBytes(path)
        for identifier in PrivacyPlant.identifiers {
            #expect(Self.found(identifier, in: before), "the scan must see \(identifier) before the erasure")
        }
        let receipt = try #require(try await store.eraseSubject(PrivacyPlant.person, workspace: "default",
                                                                options: ErasureOptions(reason: "DSAR-bytes")))
        #expect(receipt.compacted)
        try await store.close()
        let after = try Self.storeBytes(path)
        for identifier in PrivacyPlant.identifiers {
            #expect(!Self.found(identifier, in: after), "\(identifier) is still in the files")
        }
        // Other people's data is still there.
        #expect(Self.found("autre message 19 49", in: after))
        #expect(Self.found("odile", in: after))
    }

    @Test func everyTableIsCoveredByTheErasure() async throws {
        let store = try SQLiteStore.inMemory()
        let tables = try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables.count > 20)
        let missing = tables.filter { PrivacyCoverage.tables[$0] == nil }
        #expect(missing.isEmpty, "tables the erasure does not account for: \(missing); add them to PrivacyCoverage")
        // A table with a column naming an account, a post, a handle or a text must be erased.
        for table in tables where PrivacyCoverage.tables[table] != .erased {
            let columns = try await store.writer.read { db in try db.columns(in: table).map(\.name) }
            let personal = columns.filter { ["account_id", "handle", "text", "excerpt", "author_account_id",
                                             "platform_id"].contains($0) }
            #expect(personal.isEmpty, "\(table) has \(personal) but is not erased")
        }
    }

    @Test func anImportWithoutSuppressionsPaysOneLookup() async throws {
        let store = try SQLiteStore.inMemory()
        let summary = try await store.write(PrivacyPlant.batch, workspace: "default")
        #expect(summary.postsSuppressed == 0)
        // Six post records, one of them an edit of another: five posts.
        #expect(summary.postsInserted == 5)
    }
}
