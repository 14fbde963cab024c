import Foundation
import Testing
import VigieCore
import VigieTestSupport
import PostgresNIO
@testable import VigiePostgres

/// Workspace isolation in the database itself: row-level security, and the schema rules that
/// let Citus distribute the tables by workspace.
@Suite("PostgreSQL isolation and schema", .serialized, .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresIsolationTests {
    /// A role scoped to one workspace reads that workspace's rows only, even when it asks for
    /// another workspace by name (as a bug in Vigie would) or reads the tables with raw SQL.
    @Test func aScopedRoleCannotReadAnotherWorkspace() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let owner = try PostgresStore(url: url)
        try await owner.write(Fixture.batch([.post(Fixture.post("a1", text: "velo rouge"))]), workspace: "client-a")
        try await owner.write(Fixture.batch([.post(Fixture.post("b1", text: "velo bleu")),
                                             .post(Fixture.post("b2", text: "velo vert"))]), workspace: "client-b")
        let role = "scoped_" + UUID().uuidString.prefix(8).lowercased()
        try await PostgresAdmin.createWorkspaceRole(role, password: "secret-a", workspace: "client-a", url: url)

        var components = URLComponents(string: url)!
        components.user = role
        components.password = "secret-a"
        components.queryItems = [URLQueryItem(name: "workspace", value: "client-a")]
        let scoped = try PostgresStore(url: components.string!)
        #expect(!scoped.location.contains("secret-a"))
        #expect(try await scoped.stats(workspace: "client-a").total.posts == 1)
        // Vigie asked for the other workspace: the database answers nothing.
        #expect(try await scoped.stats(workspace: "client-b").total.posts == 0)
        #expect(try await scoped.searchPosts(workspace: "client-b", text: "velo", limit: 10).isEmpty)
        #expect(try await scoped.posts(workspace: "client-b").collect().isEmpty)
        // Raw SQL over every table: only client-a's rows are visible.
        let visible = try await scoped.withConnection { connection in
            try await scoped.all(connection, "SELECT DISTINCT workspace_id FROM post", as: Int64.self)
        }
        let clientA = try await owner.withConnection { try await owner.workspaceID($0, "client-a") }
        #expect(visible == [clientA].compactMap { $0 })
        // And it cannot write into another workspace's rows either.
        await #expect(throws: (any Error).self) {
            try await scoped.write(Fixture.batch([.post(Fixture.post("b3", text: "intrus"))]), workspace: "client-b")
        }
        #expect(try await owner.stats(workspace: "client-b").total.posts == 2)
        // The owner (no scope) still sees both.
        #expect(try await owner.stats(workspace: "client-a").total.posts == 1)
    }

    /// Citus rules, read from the catalog: every distributed table has `workspace_id`, and its
    /// primary and unique keys include it; reference tables are the small shared ones; every
    /// workspace table is under row-level security.
    @Test func everyKeyOfADistributedTableIncludesTheWorkspace() async throws {
        let store = try await PostgresTestServer.freshStore()
        _ = try await store.workspaces()
        let keys = try await store.withConnection { connection -> [(String, String, Bool)] in
            var keys: [(String, String, Bool)] = []
            for try await key in try await connection.query("""
                SELECT c.relname::text, i.indexrelid::regclass::text,
                       bool_or(a.attname = 'workspace_id')
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
                WHERE (i.indisunique OR i.indisprimary) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                GROUP BY 1, 2
                """, logger: store.logger).decode((String, String, Bool).self) {
                keys.append(key)
            }
            return keys
        }
        let distributed = Set(PostgresSchema.workspaceTables)
        #expect(Set(keys.map(\.0)).isSuperset(of: distributed))
        for (table, index, hasWorkspace) in keys where distributed.contains(table) {
            #expect(hasWorkspace, "\(table): unique key \(index) lacks workspace_id")
        }
        let secured = try await store.withConnection { connection in
            try await store.all(connection, """
                SELECT relname::text FROM pg_class WHERE relrowsecurity AND relkind IN ('r', 'p')
                """, as: String.self)
        }
        #expect(Set(secured) == distributed)
        #expect(Set(PostgresSchema.referenceTables).isDisjoint(with: distributed))
    }

    /// The French and English configurations fold accents and stem (Snowball).
    @Test func frenchAndEnglishConfigurationsFoldAccentsAndStem() async throws {
        let store = try await PostgresTestServer.freshStore()
        _ = try await store.workspaces()
        let (french, english) = try await store.withConnection { connection in
            (try await store.one(connection, "SELECT to_tsvector('vigie_french', 'Réseaux cyclables')::text", as: String.self),
             try await store.one(connection, "SELECT to_tsvector('vigie_english', 'Cafés running')::text", as: String.self))
        }
        #expect(french == "'cyclabl':2 'reseau':1")
        #expect(english == "'cafe':1 'run':2")
    }
}

extension PostgresIsolationTests {
    /// A scoped role cannot go around the policies: not through a month partition of `post`,
    /// not through the users' table.
    @Test func aScopedRoleReachesNoPartitionAndNoUserTable() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let owner = try PostgresStore(url: url)
        try await owner.write(Fixture.batch([.post(Fixture.post("a1", text: "velo"))]), workspace: "client-a")
        try await owner.addUser(UserAccount(name: "alice"), passwordHash: "hash")
        let role = "scoped_" + UUID().uuidString.prefix(8).lowercased()
        try await PostgresAdmin.createWorkspaceRole(role, password: "pw", workspace: "client-b", url: url)
        var components = URLComponents(string: url)!
        components.user = role
        components.password = "pw"
        components.queryItems = [URLQueryItem(name: "workspace", value: "client-b")]
        let scoped = try PostgresStore(url: components.string!)
        let partition = PostgresStore.partitionName(PostgresStore.monthStart(Fixture.at(0).pgMillis))
        await #expect(throws: (any Error).self) {
            _ = try await scoped.withConnection { connection in
                try await scoped.all(connection, PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(partition)"), as: Int.self)
            }
        }
        await #expect(throws: (any Error).self) { _ = try await scoped.users() }
        #expect(try await scoped.stats(workspace: "client-a").total.posts == 0)
    }
}
