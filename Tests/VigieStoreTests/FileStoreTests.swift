import Foundation
import GRDB
import Testing
import VigieCore
@testable import VigieStore

@Suite("SQLiteStore on disk")
struct FileStoreTests {
    @Test func reopenedStoreKeepsItsDataAndMigratesOnce() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vigie.sqlite").path

        do {
            let store = try SQLiteStore(path: path)
            try store.write(Fixture.batch([.post(Fixture.post("p1", text: "persistant réseau"))]), workspace: "default")
        }
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.stats(workspace: "default").total.posts == 1)
        #expect(try reopened.searchPosts(workspace: "default", text: "reseau", limit: 5).count == 1)
        let again = try reopened.write(Fixture.batch([.post(Fixture.post("p1", text: "persistant réseau"))]), workspace: "default")
        #expect(again.postsUnchanged == 1)
        #expect(try reopened.strings("SELECT identifier FROM grdb_migrations") == ["v1"])
        #expect(try reopened.strings("PRAGMA journal_mode") == ["wal"])
    }

    @Test func aFileThatIsNotADatabaseIsRefusedWithItsName() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("notes.txt").path
        try Data(String(repeating: "not sqlite at all\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .notAVigieDatabase)
        #expect(error?.description.contains(path) == true)
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE invoices(id INTEGER)") }
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .notAVigieDatabase)
    }

    @Test func aMissingDirectoryGivesAClearError() throws {
        let error = #expect(throws: StoreError.self) {
            try SQLiteStore(path: "/nonexistent-vigie-dir/sub/vigie.sqlite")
        }
        #expect(error?.code == .cannotOpen)
    }

    @Test func lockErrorsSayWhatToDo() {
        let error = StoreError.from(DatabaseError(resultCode: .SQLITE_BUSY), path: "v.sqlite") as? StoreError
        #expect(error?.code == .locked)
        #expect(error?.message.contains("another vigie process") == true)
    }
}
