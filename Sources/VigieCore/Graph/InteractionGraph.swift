import Foundation

/// How much one interaction of each kind counts in the graph. A reply or a quote costs its author
/// more than a like, so it says more about whom they find worth engaging with.
public struct EdgeWeights: Sendable, Hashable, Codable {
    public var reply: Float
    public var repost: Float
    public var quote: Float
    public var mention: Float
    public var like: Float
    public var follow: Float

    public init(reply: Float = 2, repost: Float = 1.5, quote: Float = 2, mention: Float = 1,
                like: Float = 0.5, follow: Float = 0.25) {
        self.reply = reply
        self.repost = repost
        self.quote = quote
        self.mention = mention
        self.like = like
        self.follow = follow
    }

    public func weight(_ kind: Interaction.Kind) -> Float {
        switch kind {
        case .reply: return reply
        case .repost: return repost
        case .quote: return quote
        case .mention: return mention
        case .like: return like
        case .follow: return follow
        }
    }
}

/// Compressed sparse rows: the neighbours of node `v` are `targets[offsets[v]..<offsets[v + 1]]`,
/// with the same range of `weights`. Parallel edges are merged (weights added).
public struct CompressedAdjacency: Sendable {
    public let offsets: [Int]
    public let targets: [Int32]
    public let weights: [Float]

    public var nodeCount: Int { offsets.count - 1 }
    public var edgeCount: Int { targets.count }

    public init(offsets: [Int], targets: [Int32], weights: [Float]) {
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
    }

    /// Builds rows from an edge list (`from[i]` → `to[i]` with `weight[i]`), merging duplicates.
    /// Counting sort by source, then by target inside each row: O(edges + nodes).
    public init(nodeCount: Int, from: [Int32], to: [Int32], weight: [Float]) {
        precondition(from.count == to.count && to.count == weight.count)
        var counts = [Int](repeating: 0, count: nodeCount + 1)
        for source in from { counts[Int(source) + 1] += 1 }
        for v in 0..<nodeCount { counts[v + 1] += counts[v] }
        var cursor = counts
        var rowTargets = [Int32](repeating: 0, count: from.count)
        var rowWeights = [Float](repeating: 0, count: from.count)
        for i in from.indices {
            let slot = cursor[Int(from[i])]
            rowTargets[slot] = to[i]
            rowWeights[slot] = weight[i]
            cursor[Int(from[i])] = slot + 1
        }
        // Merge duplicates inside each row with a scratch table indexed by target.
        var position = [Int](repeating: -1, count: nodeCount)
        var offsets = [Int](repeating: 0, count: nodeCount + 1)
        var mergedTargets: [Int32] = []
        var mergedWeights: [Float] = []
        mergedTargets.reserveCapacity(from.count)
        mergedWeights.reserveCapacity(from.count)
        for v in 0..<nodeCount {
            let rowStart = mergedTargets.count
            for slot in counts[v]..<counts[v + 1] {
                let target = Int(rowTargets[slot])
                if position[target] >= rowStart {
                    mergedWeights[position[target]] += rowWeights[slot]
                } else {
                    position[target] = mergedTargets.count
                    mergedTargets.append(rowTargets[slot])
                    mergedWeights.append(rowWeights[slot])
                }
            }
            offsets[v + 1] = mergedTargets.count
        }
        self.offsets = offsets
        targets = mergedTargets
        weights = mergedWeights
    }

    /// The same edges reversed (rows become columns).
    public func transposed() -> CompressedAdjacency {
        var from = [Int32](repeating: 0, count: edgeCount)
        for v in 0..<nodeCount {
            for slot in offsets[v]..<offsets[v + 1] { from[slot] = Int32(v) }
        }
        return CompressedAdjacency(nodeCount: nodeCount, from: targets, to: from, weight: weights)
    }

    /// Sum of the weights leaving each node.
    public func rowSums() -> [Double] {
        var sums = [Double](repeating: 0, count: nodeCount)
        for v in 0..<nodeCount {
            var sum = 0.0
            for slot in offsets[v]..<offsets[v + 1] { sum += Double(weights[slot]) }
            sums[v] = sum
        }
        return sums
    }

    /// The undirected graph: `w(u, v) = w(u → v) + w(v → u)`, self-loops dropped.
    public func symmetrised() -> CompressedAdjacency {
        var from: [Int32] = []
        var to: [Int32] = []
        var weight: [Float] = []
        from.reserveCapacity(edgeCount * 2)
        to.reserveCapacity(edgeCount * 2)
        weight.reserveCapacity(edgeCount * 2)
        for v in 0..<nodeCount {
            for slot in offsets[v]..<offsets[v + 1] where Int(targets[slot]) != v {
                from.append(Int32(v)); to.append(targets[slot]); weight.append(weights[slot])
                from.append(targets[slot]); to.append(Int32(v)); weight.append(weights[slot])
            }
        }
        return CompressedAdjacency(nodeCount: nodeCount, from: from, to: to, weight: weight)
    }
}

/// An account of the graph: its identity and what the rankings print.
public struct GraphAccount: Sendable, Hashable, Codable {
    public var platform: String
    public var platformID: String
    public var handle: String?
    public var followers: Int?

    public init(platform: String, platformID: String, handle: String?, followers: Int?) {
        self.platform = platform
        self.platformID = platformID
        self.handle = handle
        self.followers = followers
    }

    public init(key: AccountKey, handle: String?, followers: Int?) {
        self.init(platform: key.platform.rawValue, platformID: key.platformID, handle: handle, followers: followers)
    }

    public var key: AccountKey { AccountKey(platform: Platform(rawValue: platform) ?? .other, platformID: platformID) }

    /// `@handle`, else the platform id.
    public var label: String { handle.map { "@" + $0 } ?? platformID }
}

/// Numbers the accounts of a graph densely, `0..<count`, in the order given: what every graph
/// array is indexed by.
public struct NodeIndex: Sendable {
    public let accounts: [GraphAccount]
    private let nodeOfKey: [AccountKey: Int32]

    public init(accounts: [GraphAccount]) {
        self.accounts = accounts
        var nodeOfKey: [AccountKey: Int32] = [:]
        nodeOfKey.reserveCapacity(accounts.count)
        for (node, account) in accounts.enumerated() { nodeOfKey[account.key] = Int32(node) }
        self.nodeOfKey = nodeOfKey
    }

    public var count: Int { accounts.count }

    /// The node of an account, or `nil` for an account outside the graph.
    public func node(of key: AccountKey) -> Int32? { nodeOfKey[key] }

    /// Nodes whose handle (without `@`, any case) or platform id is `name`.
    public func nodes(named name: String) -> [Int32] {
        let wanted = name.hasPrefix("@") ? String(name.dropFirst()) : name
        let lower = wanted.lowercased()
        return accounts.indices.compactMap { node in
            let account = accounts[node]
            return account.platformID == wanted || account.handle?.lowercased() == lower ? Int32(node) : nil
        }
    }
}

/// One stored interaction as the graph needs it: the nodes of its two ends, kind, time.
public struct GraphEdgeRecord: Sendable {
    public var source: Int32
    public var target: Int32
    public var kind: Interaction.Kind
    /// Milliseconds since the Unix epoch.
    public var at: Int64
    /// The post acted upon (liked, replied to…), when the loader was asked for post ids.
    public var targetPostID: String?
    /// The post carrying the interaction (the reply, the mentioning post), when asked for.
    public var viaID: String?

    public init(source: Int32, target: Int32, kind: Interaction.Kind, at: Int64,
                targetPostID: String? = nil, viaID: String? = nil) {
        self.source = source
        self.target = target
        self.kind = kind
        self.at = at
        self.targetPostID = targetPostID
        self.viaID = viaID
    }
}

/// The interaction graph of a workspace: accounts as nodes, "who engaged with whom" as weighted
/// directed edges (engager → engaged), stored as compressed rows over integer node ids.
///
/// ```swift
/// let nodes = NodeIndex(accounts: try await store.graphAccounts(workspace: "default"))
/// var builder = InteractionGraph.Builder(nodes: nodes)
/// try await store.graphEdges(workspace: "default", nodes: nodes, timeRange: nil, postIDs: false).forEach { builder.add($0) }
/// let graph = builder.build()
/// ```
public struct InteractionGraph: Sendable {
    public let nodes: NodeIndex
    /// Engager → engaged, weights merged over kinds and time.
    public let outgoing: CompressedAdjacency
    /// Engaged ← engager (the transpose of `outgoing`).
    public let incoming: CompressedAdjacency
    /// Interactions read, by kind, before merging parallel edges.
    public let interactionsByKind: [Interaction.Kind: Int]
    /// Earliest and latest interaction time (ms), or `nil` for an empty graph.
    public let timeRange: ClosedRange<Int64>?

    public var nodeCount: Int { nodes.count }
    public var interactionCount: Int { interactionsByKind.values.reduce(0, +) }

    public struct Builder: Sendable {
        public let nodes: NodeIndex
        public var weights: EdgeWeights
        /// Only interactions in this time range (ms) are kept, when set.
        public var timeRange: Range<Int64>?
        private var from: [Int32] = []
        private var to: [Int32] = []
        private var weight: [Float] = []
        private var byKind: [Int] = Array(repeating: 0, count: Interaction.Kind.allCases.count)
        private var earliest = Int64.max
        private var latest = Int64.min
        /// Interactions dropped: an end outside the workspace, a self-loop, or outside the time range.
        public private(set) var skipped = 0

        public init(nodes: NodeIndex, weights: EdgeWeights = EdgeWeights(), timeRange: Range<Int64>? = nil,
                    expectedEdges: Int = 0) {
            self.nodes = nodes
            self.weights = weights
            self.timeRange = timeRange
            from.reserveCapacity(expectedEdges)
            to.reserveCapacity(expectedEdges)
            weight.reserveCapacity(expectedEdges)
        }

        /// Adds one interaction; returns whether it was kept.
        @discardableResult
        public mutating func add(_ edge: GraphEdgeRecord) -> Bool {
            add(source: edge.source, target: edge.target, kind: edge.kind, at: edge.at)
        }

        @discardableResult
        public mutating func add(source: Int32, target: Int32, kind: Interaction.Kind, at: Int64,
                                 weightFactor: Float = 1) -> Bool {
            if let timeRange, !timeRange.contains(at) { skipped += 1; return false }
            guard source >= 0, target >= 0, Int(source) < nodes.count, Int(target) < nodes.count,
                  source != target else { skipped += 1; return false }
            from.append(source)
            to.append(target)
            weight.append(weights.weight(kind) * weightFactor)
            byKind[kindIndex(kind)] += 1
            earliest = min(earliest, at)
            latest = max(latest, at)
            return true
        }

        private func kindIndex(_ kind: Interaction.Kind) -> Int {
            Interaction.Kind.allCases.firstIndex(of: kind)!
        }

        public func build() -> InteractionGraph {
            let outgoing = CompressedAdjacency(nodeCount: nodes.count, from: from, to: to, weight: weight)
            var counts: [Interaction.Kind: Int] = [:]
            for (index, kind) in Interaction.Kind.allCases.enumerated() where byKind[index] > 0 {
                counts[kind] = byKind[index]
            }
            return InteractionGraph(nodes: nodes, outgoing: outgoing, incoming: outgoing.transposed(),
                                    interactionsByKind: counts,
                                    timeRange: earliest <= latest ? earliest...latest : nil)
        }
    }
}
