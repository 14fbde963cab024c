import Foundation

/// What the graph analyses (legitimacy, communities, discovery, lookalikes) read from a store,
/// in bulk and in storage order. A separate protocol so `Store` keeps its requirements.
public protocol GraphStore: Sendable {
    /// Every account of the workspace, with what rankings print.
    func graphAccounts(workspace: String) throws -> [GraphAccount]

    /// Calls `body` with every interaction of the workspace whose two ends are known accounts,
    /// in storage order. With `postIDs`, each record carries its target post and via ids (slower:
    /// two strings per edge). `timeRange` (ms since the epoch) restricts the interactions read.
    func forEachGraphEdge(workspace: String, timeRange: Range<Int64>?, postIDs: Bool,
                          _ body: (GraphEdgeRecord) throws -> Void) throws

    /// Calls `body` with every post of the workspace and its author's account row id, in storage order.
    func forEachGraphPost(workspace: String, _ body: (_ authorRowID: Int64, _ post: Post) throws -> Void) throws
}
