import Foundation
import Testing
import VigieCore

/// `GraphStore`: accounts, then interactions and posts in the caller's node numbers.
extension StoreConformance {
    static let graphChecks: [Check] = [
        Check("graph", "accounts come with their handle and followers, in a stable order") { try await $0.graphAccountsAreStable() },
        Check("graph", "edges use the caller's node numbers and skip accounts outside") { try await $0.graphEdgesUseTheCallersNodes() },
        Check("graph", "edges are restricted to a time range") { try await $0.graphEdgesAreRestrictedToATimeRange() },
        Check("graph", "posts carry their author's node") { try await $0.graphPostsCarryTheirAuthorsNode() },
    ]

    /// a → b reply, a → c mention (via a post), c likes a post of b, b follows a, d reposts without a
    /// known target account (left out of the graph), and a post by e.
    private func graphStore() async throws -> any Store {
        let store = try await makeStore()
        var repost = Fixture.post("p4", author: "d", text: "RT", at: 400)
        repost.repostOfID = "p-unknown"
        try await store.write(Fixture.batch([
            .account(Fixture.account("a", handle: "Anna", followers: 120)),
            .account(Fixture.account("b", handle: "Bruno")),
            .post(Fixture.post("p1", author: "a", text: "salut @c", at: 100, mentions: [Mention(accountID: "c", handle: "Cleo")],
                               replyTo: ("p0", "b"))),
            .interaction(Fixture.like("l1", from: "c", to: "b", post: "p0", at: 200)),
            .interaction(Interaction(platform: .twitter, kind: .follow, sourceAccountID: "b", targetAccountID: "a",
                                     targetPostID: nil, viaID: "f1", at: Fixture.at(300))),
            .post(repost),
            .post(Fixture.post("p5", author: "e", text: "seul", at: 500)),
        ]), workspace: Self.ws)
        try await store.write(Fixture.batch([.post(Fixture.post("x1", author: "a", text: "ailleurs", replyTo: ("x0", "z")))]),
                              workspace: "other")
        return store
    }

    func graphAccountsAreStable() async throws {
        let store = try await graphStore()
        let accounts = try await store.graphAccounts(workspace: Self.ws)
        let expected: [AccountKey: GraphAccount] = Dictionary(uniqueKeysWithValues: [
            GraphAccount(platform: "twitter", platformID: "a", handle: "Anna", followers: 120),
            GraphAccount(platform: "twitter", platformID: "b", handle: "Bruno", followers: nil),
            GraphAccount(platform: "twitter", platformID: "c", handle: "Cleo", followers: nil),
            GraphAccount(platform: "twitter", platformID: "d", handle: "handle_d", followers: nil),
            GraphAccount(platform: "twitter", platformID: "e", handle: "handle_e", followers: nil),
        ].map { ($0.key, $0) })
        #expect(accounts.count == expected.count)
        #expect(Dictionary(uniqueKeysWithValues: accounts.map { ($0.key, $0) }) == expected)
        #expect(try await store.graphAccounts(workspace: Self.ws) == accounts)
        #expect(try await store.graphAccounts(workspace: "other").map(\.platformID).sorted() == ["a", "z"])
    }

    func graphEdgesUseTheCallersNodes() async throws {
        let store = try await graphStore()
        // The caller numbers the accounts its own way: reversed, and without `e`.
        let accounts = try await store.graphAccounts(workspace: Self.ws).filter { $0.platformID != "e" }.reversed()
        let nodes = NodeIndex(accounts: Array(accounts))
        // -1 for an account missing from the index, which no edge can match.
        func node(_ id: String) -> Int32 { nodes.node(of: AccountKey(platform: .twitter, platformID: id)) ?? -1 }
        let edges = try await store.graphEdges(workspace: Self.ws, nodes: nodes, timeRange: nil, postIDs: false).collect()
        struct Edge: Hashable { var source: Int32, target: Int32, kind: Interaction.Kind, at: Int64 }
        let ms = { (seconds: Double) in Int64((Fixture.at(seconds).timeIntervalSince1970 * 1000).rounded()) }
        // In storage order: the post's derived edges (reply, mention), the like, the follow.
        #expect(edges.map { Edge(source: $0.source, target: $0.target, kind: $0.kind, at: $0.at) } == [
            Edge(source: node("a"), target: node("b"), kind: .reply, at: ms(100)),
            Edge(source: node("a"), target: node("c"), kind: .mention, at: ms(100)),
            Edge(source: node("c"), target: node("b"), kind: .like, at: ms(200)),
            Edge(source: node("b"), target: node("a"), kind: .follow, at: ms(300)),
        ])
        #expect(edges.allSatisfy { $0.targetPostID == nil && $0.viaID == nil })
        let withIDs = try await store.graphEdges(workspace: Self.ws, nodes: nodes, timeRange: nil, postIDs: true).collect()
        #expect(withIDs.map(\.viaID) == ["p1", "p1", "l1", "f1"])
        #expect(withIDs.map(\.targetPostID) == ["p0", nil, "p0", nil])
        // An end outside the caller's nodes drops the edge.
        let withoutC = NodeIndex(accounts: Array(accounts).filter { $0.platformID != "c" })
        let kept = try await store.graphEdges(workspace: Self.ws, nodes: withoutC, timeRange: nil, postIDs: false).collect()
        #expect(kept.map(\.kind) == [.reply, .follow])
        #expect(try await store.graphEdges(workspace: Self.ws, nodes: NodeIndex(accounts: []), timeRange: nil, postIDs: false)
            .collect().isEmpty)
    }

    func graphEdgesAreRestrictedToATimeRange() async throws {
        let store = try await graphStore()
        let nodes = NodeIndex(accounts: try await store.graphAccounts(workspace: Self.ws))
        let ms = { (seconds: Double) in Int64((Fixture.at(seconds).timeIntervalSince1970 * 1000).rounded()) }
        let middle = try await store.graphEdges(workspace: Self.ws, nodes: nodes, timeRange: ms(150)..<ms(300), postIDs: false).collect()
        #expect(middle.map(\.kind) == [.like]) // the end is excluded
        let all = try await store.graphEdges(workspace: Self.ws, nodes: nodes, timeRange: ms(100)..<ms(301), postIDs: false).collect()
        #expect(all.map(\.kind) == [.reply, .mention, .like, .follow])
    }

    func graphPostsCarryTheirAuthorsNode() async throws {
        let store = try await graphStore()
        let accounts = try await store.graphAccounts(workspace: Self.ws).filter { $0.platformID != "e" }
        let nodes = NodeIndex(accounts: accounts.reversed())
        let posts = try await store.graphPosts(workspace: Self.ws, nodes: nodes).collect()
        #expect(posts.map(\.post) == (try await store.posts(workspace: Self.ws).collect()))
        #expect(posts.map(\.post.platformID) == ["p1", "p4", "p5"])
        #expect(posts.map(\.author) == [nodes.node(of: AccountKey(platform: .twitter, platformID: "a")),
                                        nodes.node(of: AccountKey(platform: .twitter, platformID: "d")), nil])
    }
}
