import Foundation
import GRDB
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

@Suite("SQLiteStore bulk load")
struct BulkLoadTests {
    func readIndexCount(_ path: String) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        let names = StoreMigrations.readIndexes.map { "'\($0.name)'" }.joined(separator: ",")
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (\(names))") ?? -1
        }
    }

    @Test func dropsReadIndexesForALargeImportAndRebuildsThem() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bulk.sqlite").path
        let store = try SQLiteStore(path: path)
        #expect(try readIndexCount(path) == StoreMigrations.readIndexes.count)

        // Small inputs keep the indexes: rebuilding would cost more than it saves.
        #expect(try await store.beginBulkLoad(inputBytes: 1 << 20) == false)
        #expect(try await store.beginBulkLoad(inputBytes: 1 << 30) == true)
        #expect(try readIndexCount(path) == 0)

        // Writes work without them, and the data is all there once they are back.
        try await store.write(Fixture.batch([.post(Fixture.post("1", hashtags: ["Vélo"]))]), workspace: "default")
        try await store.endBulkLoad()
        #expect(try readIndexCount(path) == StoreMigrations.readIndexes.count)
        #expect(try await store.stats(workspace: "default").total.posts == 1)
    }

    @Test func anInterruptedBulkLoadIsRepairedOnOpen() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bulk.sqlite").path
        do {
            let store = try SQLiteStore(path: path)
            #expect(try await store.beginBulkLoad(inputBytes: 1 << 30))
            // The process dies here: no endBulkLoad.
        }
        #expect(try readIndexCount(path) == 0)
        _ = try SQLiteStore(path: path)
        #expect(try readIndexCount(path) == StoreMigrations.readIndexes.count)
    }
}
