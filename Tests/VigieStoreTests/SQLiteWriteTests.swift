import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// What the SQLite writer leaves in its own tables (the semantics are the conformance suite's).
@Suite("SQLiteStore write tables")
struct SQLiteWriteTests {
    let store: SQLiteStore
    let ws = "default"

    init() throws {
        store = try SQLiteStore.inMemory()
    }

    @Test func aTombstoneDeletesTheEntityRows() async throws {
        try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "à supprimer", hashtags: ["x"], mentions: [Mention(handle: "Zed")],
                               urls: ["https://a.example/"], replyTo: ("p0", "u0"))),
            .post(Fixture.post("p2", text: "à garder", hashtags: ["y"])),
        ]), workspace: ws)
        #expect(try store.count("SELECT COUNT(*) FROM post_hashtag") == 2)
        try await store.write(Fixture.batch([.tombstone(Fixture.tombstone("p1"))]), workspace: ws)
        #expect(try store.strings("SELECT tag FROM post_hashtag") == ["y"])
        #expect(try store.count("SELECT COUNT(*) FROM post_mention") == 0)
        #expect(try store.count("SELECT COUNT(*) FROM post_url") == 0)
        #expect(try store.count("SELECT COUNT(*) FROM post_fts WHERE post_fts MATCH 'tags : \"x\"'") == 0)
    }

    @Test func derivedEdgesAlwaysHaveATargetRow() async throws {
        let post = Fixture.post("p1", author: "u1", text: "salut", mentions: [
            Mention(accountID: "u2", handle: "Bob"), Mention(handle: "Carol"), Mention(handle: "carol"),
        ], replyTo: ("p0", "u3"))
        try await store.write(Fixture.batch([.post(post)]), workspace: ws)
        #expect(try store.count("SELECT COUNT(*) FROM interaction WHERE target_account_id IS NULL") == 0)
        #expect(try store.count("SELECT COUNT(*) FROM interaction WHERE derived = 1 AND via_platform_id = 'p1'") == 3)
    }

    /// A post seen in one version only keeps no history row (a text copy per post saved).
    @Test func historyRowsOnlyForPostsWithSeveralVersions() async throws {
        try await store.write(Fixture.batch([
            .post(Fixture.post("p1", text: "un")),
            .post(Fixture.post("t1", text: "old", at: 0)),
            .post(Fixture.post("t2", text: "new", at: 60, editOf: "t1")),
            .post(Fixture.post("lone", text: "edit first", at: 5, editOf: "root")),
        ]), workspace: ws)
        #expect(try store.strings("SELECT version_platform_id FROM post_version ORDER BY rowid") == ["t1", "t2", "lone"])
    }
}
