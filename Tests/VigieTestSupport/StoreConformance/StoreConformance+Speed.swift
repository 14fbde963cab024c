import Foundation
import Testing
import VigieCore

/// `TopicStore` (issue 19): a backend's topic posts and post activity are exactly what the
/// default scan of every post gives (``TopicStore``'s default implementations).
extension StoreConformance {
    static let speedChecks: [Check] = [
        Check("topic", "topic posts are the posts the query matches, in the period, in storage order") {
            try await $0.topicPostsAreTheMatchedPosts()
        },
        Check("topic", "post activity gives every post's author, time, repost flag and engagement") {
            try await $0.postActivityMatchesThePosts()
        },
    ]

    /// Posts about cycling and others, with and without metrics, a repost, an edit, an author
    /// outside the caller's nodes, and a post in another workspace.
    private func topicStore() async throws -> (store: any Store, nodes: NodeIndex) {
        let store = try await makeStore()
        var repost = Fixture.post("p3", author: "b", text: "RT velo du dimanche", at: 300)
        repost.repostOfID = "p1"
        try await store.write(Fixture.batch([
            .post(Fixture.post("p1", author: "a", text: "velo du dimanche", at: 100, hashtags: ["Velo"],
                               metrics: PostMetrics(likes: 4, reposts: 1))),
            .post(Fixture.post("p2", author: "a", text: "cuisine du jour", at: 200, metrics: PostMetrics(replies: 2))),
            .post(repost),
            .post(Fixture.post("p4", author: "c", text: "le vélo en ville #velo", at: 400, hashtags: ["velo"],
                               metrics: PostMetrics(views: 10))),
            .post(Fixture.post("p5", author: "outside", text: "velo encore", at: 500)),
            .post(Fixture.post("p6", author: "c", text: "velo nouvelle version", at: 600, editOf: "p4-old",
                               editedAt: Fixture.at(650))),
            .post(Fixture.post("p7", author: "b", text: "rien à voir", at: 700, metrics: PostMetrics(likes: 9))),
        ]), workspace: Self.ws)
        try await store.write(Fixture.batch([.post(Fixture.post("x1", author: "a", text: "velo ailleurs", at: 150))]),
                              workspace: "other")
        let accounts = try await store.graphAccounts(workspace: Self.ws).filter { $0.platformID != "outside" }
        return (store, NodeIndex(accounts: accounts.reversed()))
    }

    private static let periods: [Range<Int64>?] = [
        nil,
        Fixture.at(150).millisSinceEpoch..<Fixture.at(600).millisSinceEpoch,
        Fixture.at(100).millisSinceEpoch..<Int64.max,
    ]

    /// The default implementation's answer, from the scan of every post.
    private struct Reference: TopicStore {
        let store: any Store
        func graphAccounts(workspace: String) async throws -> [GraphAccount] { try await store.graphAccounts(workspace: workspace) }
        func graphEdges(workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?, postIDs: Bool) -> PagedScan<GraphEdgeRecord> {
            store.graphEdges(workspace: workspace, nodes: nodes, timeRange: timeRange, postIDs: postIDs)
        }
        func graphPosts(workspace: String, nodes: NodeIndex) -> PagedScan<NodePost> {
            store.graphPosts(workspace: workspace, nodes: nodes)
        }
    }

    func topicPostsAreTheMatchedPosts() async throws {
        let (store, nodes) = try await topicStore()
        let reference = Reference(store: store)
        for text in ["velo", "#velo", "velo -dimanche", "author:handle_c", "cuisine OR rien"] {
            let query = try Query.parse(text)
            for period in Self.periods {
                let found = try await store.topicPosts(query, workspace: Self.ws, nodes: nodes, timeRange: period).collect()
                let expected = try await reference.topicPosts(query, workspace: Self.ws, nodes: nodes, timeRange: period).collect()
                #expect(found.map(\.post) == expected.map(\.post), "\(text) over \(String(describing: period))")
                #expect(found.map(\.author) == expected.map(\.author))
            }
        }
        let all = try await store.topicPosts(try Query.parse("velo"), workspace: Self.ws, nodes: nodes, timeRange: nil).collect()
        // p5's author is outside the nodes; x1 is in another workspace.
        #expect(all.map(\.post.platformID) == ["p1", "p3", "p4", "p6"])
    }

    func postActivityMatchesThePosts() async throws {
        let (store, nodes) = try await topicStore()
        let reference = Reference(store: store)
        for period in Self.periods {
            let found = try await store.postActivity(workspace: Self.ws, nodes: nodes, timeRange: period).collect()
            let expected = try await reference.postActivity(workspace: Self.ws, nodes: nodes, timeRange: period).collect()
            #expect(found == expected, "\(String(describing: period))")
        }
        let all = try await store.postActivity(workspace: Self.ws, nodes: nodes, timeRange: nil).collect()
        #expect(all.count == 6)
        #expect(all.map(\.engagement) == [5, 2, nil, nil, nil, 9])
        #expect(all.map(\.isRepost) == [false, false, true, false, false, false])
    }
}
