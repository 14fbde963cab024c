/// What the graph analyses (legitimacy, communities, discovery, lookalikes) read in bulk.
///
/// Accounts come first (``graphAccounts(workspace:)``); the caller numbers them with a
/// ``NodeIndex``, and the scans give every interaction and post in those node numbers, so the
/// analyses work on compact integer arrays whatever the backend.
public protocol GraphStore: Sendable {
    /// Every account of the workspace, with what rankings print, in a stable order.
    func graphAccounts(workspace: String) async throws -> [GraphAccount]

    /// Every interaction of the workspace whose two ends are accounts of `nodes`, in storage
    /// order, ends as node numbers. With `postIDs`, each record carries its target post and via
    /// ids (slower: two strings per edge). `timeRange` (ms since the epoch) restricts the read.
    func graphEdges(workspace: String, nodes: NodeIndex, timeRange: Range<Int64>?, postIDs: Bool) -> PagedScan<GraphEdgeRecord>

    /// Every post of the workspace with its author's node (`nil` for an author outside `nodes`),
    /// in storage order.
    func graphPosts(workspace: String, nodes: NodeIndex) -> PagedScan<NodePost>
}

/// A post and the graph node of its author.
public struct NodePost: Sendable {
    public var author: Int32?
    public var post: Post

    public init(author: Int32?, post: Post) {
        self.author = author
        self.post = post
    }
}
