import Foundation
import VigieCore

/// Whose lookalikes to find.
public struct LookalikesRequest: Sendable, Hashable {
    /// The account: `@handle`, handle or platform id.
    public var handle: String
    public var period: GraphPeriod
    /// How many accounts to return.
    public var limit: Int

    public init(handle: String, period: GraphPeriod = GraphPeriod(), limit: Int = 20) {
        self.handle = handle
        self.period = period
        self.limit = limit
    }

    public func validate() throws(EngineError) {
        try period.validate()
        guard limit > 0 else { throw EngineError(.invalidArgument, field: "limit", "the limit must be positive") }
    }
}

/// The accounts most like one, best first.
public struct LookalikesResult: Sendable {
    /// The account compared with (the first of the name's accounts).
    public var account: GraphAccount
    /// How many accounts the name given matches (the first is used).
    public var accountsNamed: Int
    public var matches: [Lookalikes.Match]
}

extension Engine {
    /// The accounts most similar to one: 0.7 × cosine of their weighted engager vectors + 0.3 ×
    /// cosine of their hashtag and link-domain profiles. Accounts sharing fewer than two engagers
    /// are not proposed.
    ///
    /// ```swift
    /// let result = try await engine.lookalikes(LookalikesRequest(handle: "@marie_velo", limit: 10))
    /// for match in result.matches { print(match.account, match.score, match.sharedTopics) }
    /// ```
    public func lookalikes(_ request: LookalikesRequest) async throws -> LookalikesResult {
        try request.validate()
        var loader = GraphLoader(engine: self, period: request.period)
        let nodes = try await loader.nodes()
        let named = nodes.nodes(named: request.handle)
        guard let target = named.first else {
            throw EngineError(.notFound, field: "handle", "no account '\(request.handle)' in workspace '\(workspace)'")
        }
        let graph = try await loader.graph(nodes: nodes)
        let finder = Lookalikes()
        let limit = request.limit
        let candidates = try await Offload.run { finder.engagerNeighbours(of: target, graph: graph, limit: max(200, limit * 5)) }
        var wanted = Set(candidates.map(\.node))
        wanted.insert(target)
        var profiles: [Int32: [String: Double]] = [:]
        for try await page in store.graphPosts(workspace: workspace, nodes: nodes) {
            for row in page {
                guard let node = row.author, wanted.contains(node), request.period.includes(row.post) else { continue }
                for feature in Lookalikes.profileFeatures(of: row.post) { profiles[node, default: [:]][feature, default: 0] += 1 }
            }
        }
        let ranked = finder.rank(candidates, graph: graph, profiles: profiles, target: target, limit: limit)
        return LookalikesResult(account: nodes.accounts[Int(target)], accountsNamed: named.count, matches: ranked)
    }
}
