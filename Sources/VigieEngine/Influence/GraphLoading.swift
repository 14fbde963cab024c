import Foundation
import VigieCore

/// The period an influence analysis looks at: interactions and posts created in it (either end
/// open).
public struct GraphPeriod: Sendable, Hashable, Codable {
    public var since: Date?
    public var until: Date?

    public init(since: Date? = nil, until: Date? = nil) {
        self.since = since
        self.until = until
    }

    /// The period in milliseconds since the epoch, or `nil` for all time.
    public var timeRange: Range<Int64>? {
        guard since != nil || until != nil else { return nil }
        let low = since.map { Int64($0.timeIntervalSince1970 * 1000) } ?? Int64.min
        let high = until.map { Int64($0.timeIntervalSince1970 * 1000) } ?? Int64.max
        return low..<max(low, high)
    }

    public func includes(_ post: Post) -> Bool {
        guard let range = timeRange else { return true }
        return range.contains(Int64(post.createdAt.timeIntervalSince1970 * 1000))
    }

    public func validate() throws(EngineError) {
        if let range = timeRange, range.isEmpty {
            throw EngineError(.invalidArgument, field: "since", "the start of the period must be before its end")
        }
    }
}

/// How long one step of an analysis took (wall time), for a timings display.
public struct StepTiming: Sendable, Hashable, Codable {
    public var step: String
    public var seconds: Double

    public init(step: String, seconds: Double) {
        self.step = step
        self.seconds = seconds
    }
}

extension [StepTiming] {
    /// Seconds per step name (steps met twice add up).
    public var secondsByStep: [String: Double] {
        Dictionary(map { ($0.step, $0.seconds) }, uniquingKeysWith: +)
    }
}

/// Loads the interaction graph (and a topic's signals) from the store for one analysis, timing
/// each step. The store gives pages; the arrays are built here, the CPU passes off the caller's
/// executor (``Offload``).
struct GraphLoader {
    let store: any Store
    let workspace: String
    let period: GraphPeriod
    private(set) var timings: [StepTiming] = []

    init(engine: Engine, period: GraphPeriod) {
        store = engine.store
        workspace = engine.workspace
        self.period = period
    }

    mutating func time<T>(_ step: String, _ body: () async throws -> T) async rethrows -> T {
        let started = ContinuousClock.now
        let value = try await body()
        timings.append(StepTiming(step: step, seconds: (ContinuousClock.now - started).seconds))
        return value
    }

    /// Every account of the workspace, numbered.
    mutating func nodes() async throws -> NodeIndex {
        let store = self.store, workspace = self.workspace
        let accounts = try await time("load accounts") { try await store.graphAccounts(workspace: workspace) }
        guard !accounts.isEmpty else {
            throw EngineError(.noData, "workspace '\(workspace)' has no accounts: import data first")
        }
        return NodeIndex(accounts: accounts)
    }

    /// The interaction graph of the period.
    mutating func graph(nodes: NodeIndex) async throws -> InteractionGraph {
        let store = self.store, workspace = self.workspace, timeRange = period.timeRange
        return try await time("build graph") {
            var builder = InteractionGraph.Builder(nodes: nodes, timeRange: timeRange)
            for try await page in store.graphEdges(workspace: workspace, nodes: nodes, timeRange: timeRange, postIDs: false) {
                for edge in page { builder.add(edge) }
            }
            let filled = builder
            return try await Offload.run { filled.build() }
        }
    }

    /// A topic's graph and signals: the graph of every interaction, the graph of on-topic ones
    /// (engager → engaged), and per account its posts on and off topic.
    struct Topic: Sendable {
        var graph: InteractionGraph
        var topicGraph: CompressedAdjacency
        var signals: TopicSignals
        var onTopicInteractions: Int
    }

    /// The topic's posts through the store's query index and every post's activity from narrow
    /// columns (``TopicStore``), then one pass over the interactions.
    mutating func topic(nodes: NodeIndex, query: Query) async throws -> Topic {
        let store = self.store, workspace = self.workspace, period = self.period
        var signals = TopicSignals(nodeCount: nodes.count)
        try await time("scan posts") {
            // Activity and matches are independent: each is recorded in storage order.
            for try await page in store.postActivity(workspace: workspace, nodes: nodes, timeRange: period.timeRange) {
                for activity in page { signals.add(activity: activity) }
            }
            for try await page in store.topicPosts(query, workspace: workspace, nodes: nodes, timeRange: period.timeRange) {
                for row in page {
                    guard let node = row.author else { continue }
                    signals.addMatch(row.post, node: node)
                }
            }
        }
        guard signals.matchedPosts > 0 else {
            throw EngineError(.noData, field: "query",
                              "the query \(query.description) matches no post in workspace '\(workspace)': check it with a query, or broaden it")
        }
        let frozen = signals
        return try await time("build graphs") {
            var all = InteractionGraph.Builder(nodes: nodes, timeRange: period.timeRange)
            var onTopic = InteractionGraph.Builder(nodes: nodes, timeRange: period.timeRange)
            var topicEdges = 0
            for try await page in store.graphEdges(workspace: workspace, nodes: nodes, timeRange: period.timeRange, postIDs: true) {
                for edge in page {
                    all.add(edge)
                    if frozen.isOnTopic(edge), onTopic.add(edge) { topicEdges += 1 }
                }
            }
            let (filledAll, filledTopic) = (all, onTopic)
            async let graph = Offload.run { filledAll.build() }
            async let topicGraph = Offload.run { filledTopic.build().outgoing }
            return Topic(graph: try await graph, topicGraph: try await topicGraph, signals: frozen,
                         onTopicInteractions: topicEdges)
        }
    }

    /// Louvain communities of the undirected graph.
    mutating func communities(_ graph: InteractionGraph, resolution: Double) async throws -> Louvain.Partition {
        try await time("communities") {
            try await Offload.run { Louvain(resolution: resolution).run(graph.outgoing.symmetrised()) }
        }
    }

    /// PageRank of the graph, as the summary and the export compute it.
    mutating func pageRank(_ graph: InteractionGraph) async throws -> PageRank.Result {
        try await time("pagerank") {
            try await Offload.run { PageRank(tolerance: 1e-10, maxIterations: 200).run(graph.outgoing) }
        }
    }
}
