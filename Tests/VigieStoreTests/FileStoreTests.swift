import Foundation
import GRDB
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

@Suite("SQLiteStore on disk")
struct FileStoreTests {
    @Test func reopenedStoreKeepsItsDataAndMigratesOnce() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vigie.sqlite").path

        do {
            let store = try SQLiteStore(path: path)
            try await store.write(Fixture.batch([.post(Fixture.post("p1", text: "persistant réseau"))]), workspace: "default")
        }
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.stats(workspace: "default").total.posts == 1)
        #expect(try await reopened.searchPosts(workspace: "default", text: "reseau", limit: 5).count == 1)
        let again = try await reopened.write(Fixture.batch([.post(Fixture.post("p1", text: "persistant réseau"))]), workspace: "default")
        #expect(again.postsUnchanged == 1)
        #expect(try reopened.strings("SELECT identifier FROM grdb_migrations") == StoreMigrations.migrator.migrations)
        #expect(try reopened.strings("PRAGMA journal_mode") == ["wal"])
    }

    @Test("a continuous writer checkpoints every 512 MiB of WAL, an import every 64 MiB")
    func writerUsage() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vigie.sqlite").path
        func checkpointPages(_ store: SQLiteStore) throws -> Int? {
            try store.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        }
        #expect(try checkpointPages(SQLiteStore(path: path)) == 8_192)
        #expect(try checkpointPages(SQLiteStore(path: path, usage: .continuous)) == 65_536)
    }

    @Test func anInterruptedBatchLeavesTheFileConsistent() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vigie.sqlite").path
        let file = "/in/posts.jsonl"
        do {
            let store = try SQLiteStore(path: path)
            try await store.write(Fixture.batch([.post(Fixture.post("p1"))],
                                          checkpoint: ImportCheckpoint(file: file, format: "twarc2", bytesRead: 10,
                                                                       bytesTotal: 30, records: 1, completed: false)),
                            workspace: "default")
            let killed = Fixture.batch((2...50).map { .post(Fixture.post("p\($0)", author: "a\($0)")) },
                                       checkpoint: ImportCheckpoint(file: file, format: "twarc2", bytesRead: 30,
                                                                    bytesTotal: 30, records: 50, completed: true))
            await #expect(throws: SimulatedCrash.self) {
                try await store.write(killed, workspace: "default") { index in if index == 40 { throw SimulatedCrash() } }
            }
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.stats(workspace: "default").total.posts == 1)
        #expect(try await reopened.stats(workspace: "default").total.accounts == 1)
        #expect(try await reopened.checkpoint(workspace: "default", file: file)?.completed == false)
        var seen = 0
        try await reopened.posts(workspace: "default").forEach { _ in seen += 1 }
        #expect(seen == 1)
    }

    @Test func aDatabaseFromANewerVigieIsRefused() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vigie.sqlite").path
        _ = try SQLiteStore(path: path)
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v999-from-the-future')")
        }
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .newerSchema)
    }

    @Test func aFileThatIsNotADatabaseIsRefusedWithItsName() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("notes.txt").path
        try Data(String(repeating: "not sqlite at all\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .notAVigieStore)
        #expect(error?.description.contains(path) == true)
    }

    @Test func anotherApplicationsDatabaseIsRefused() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("other.sqlite").path
        try await DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE invoices(id INTEGER)") }
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .notAVigieStore)
    }

    @Test func aMissingDirectoryGivesAClearError() async throws {
        let error = #expect(throws: StoreError.self) {
            try SQLiteStore(path: "/nonexistent-vigie-dir/sub/vigie.sqlite")
        }
        #expect(error?.code == .cannotOpen)
    }

    /// Read commands open read-only: a missing file is an error, not a new empty database.
    @Test func aReadOnlyOpenNeverCreatesAFile() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("absent.sqlite").path
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path, readOnly: true) }
        #expect(error?.code == .missing)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A read-only open cannot migrate: a file at an older schema is refused with the remedy.
    @Test func aReadOnlyOpenRefusesAnOlderSchema() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.sqlite").path
        try StoreMigrations.migrator.migrate(try DatabaseQueue(path: path), upTo: "v1")
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path, readOnly: true) }
        #expect(error?.code == .readOnly)
        #expect(error?.message.contains("older version") == true)
        // Opened with write access once, it is upgraded and then opens read-only.
        _ = try SQLiteStore(path: path)
        #expect(try SQLiteStore(path: path, readOnly: true).isReadOnly)
    }

    @Test func lockErrorsSayWhatToDo() async {
        let error = StoreError.from(DatabaseError(resultCode: .SQLITE_BUSY), path: "v.sqlite") as? StoreError
        #expect(error?.code == .locked)
        #expect(error?.message.contains("another vigie process") == true)
    }
}
