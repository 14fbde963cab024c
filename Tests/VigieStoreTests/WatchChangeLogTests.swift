import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// The `post_change` log that keeps SQLite watches incremental (docs/watches.md).
@Suite struct WatchChangeLogTests {
    @Test func theChangeLogIsKeptOnlyWhileWatchesNeedIt() async throws {
        let store = try SQLiteStore.inMemory()
        let ws = "default"
        try await store.write(Fixture.batch([.post(Fixture.post("1", text: "velo du matin")),
                                             .post(Fixture.post("2", text: "velo du soir", at: 10))]), workspace: ws)
        // Without watches, edits log nothing.
        try await store.write(Fixture.batch([.post(Fixture.post("1", text: "course", editedAt: Fixture.at(50)))]), workspace: ws)
        #expect(try store.count("SELECT count(*) FROM post_change") == 0)
        try await store.addWatch(Watch(name: "velo", query: "velo"), workspace: ws)
        try await store.write(Fixture.batch([.post(Fixture.post("1", text: "velo encore", editedAt: Fixture.at(90))),
                                             .tombstone(Fixture.tombstone("2"))]), workspace: ws)
        #expect(try store.count("SELECT count(*) FROM post_change") == 2)
        // Trimmed once every watch has read it.
        let refresh = try await store.refreshWatch(named: "velo", workspace: ws)
        #expect(refresh.changedPostsExamined == 2)
        #expect(try store.count("SELECT count(*) FROM post_change") == 0)
    }
}
