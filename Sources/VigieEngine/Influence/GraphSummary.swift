import Foundation
import VigieCore

/// What to summarise of the interaction graph.
public struct GraphSummaryRequest: Sendable, Hashable {
    public var period: GraphPeriod
    /// Also run PageRank and Louvain, and report their time, iterations and modularity.
    public var analyse: Bool
    /// Louvain resolution with `analyse` (1 is classic modularity).
    public var resolution: Double

    public init(period: GraphPeriod = GraphPeriod(), analyse: Bool = false, resolution: Double = 1) {
        self.period = period
        self.analyse = analyse
        self.resolution = resolution
    }

    public func validate() throws(EngineError) {
        try period.validate()
        guard resolution > 0 else { throw EngineError(.invalidArgument, field: "resolution", "the resolution must be positive") }
    }
}

/// The graph's size, interactions by kind, and with `analyse` PageRank's and Louvain's results.
public struct GraphSummary: Sendable, Hashable, Codable {
    public var accounts: Int
    public var interactions: Int
    /// Distinct directed edges (parallel interactions merged).
    public var edges: Int
    public var byKind: [String: Int]
    public var pageRankIterations: Int?
    public var communities: Int?
    public var modularity: Double?
    public var timings: [StepTiming]
}

/// How to export the interaction graph.
public struct GraphExportRequest: Sendable, Hashable {
    public var period: GraphPeriod
    /// Louvain resolution for the community attribute of each node.
    public var resolution: Double
    /// Leave out accounts without any interaction.
    public var connectedOnly: Bool

    public init(period: GraphPeriod = GraphPeriod(), resolution: Double = 1, connectedOnly: Bool = false) {
        self.period = period
        self.resolution = resolution
        self.connectedOnly = connectedOnly
    }

    public func validate() throws(EngineError) {
        try period.validate()
        guard resolution > 0 else { throw EngineError(.invalidArgument, field: "resolution", "the resolution must be positive") }
    }
}

/// A graph ready to write: the exporter streams GEXF, GraphML or CSV in chunks to any sink.
public struct GraphExport: Sendable {
    public var exporter: GraphExporter
    public var timings: [StepTiming]

    /// Distinct directed edges written.
    public var edges: Int { exporter.graph.outgoing.edgeCount }
}

extension Engine {
    /// Builds the interaction graph (accounts, and who engaged with whom) and counts it.
    ///
    /// ```swift
    /// let summary = try await engine.graphSummary(GraphSummaryRequest(analyse: true))
    /// print(summary.edges, summary.modularity ?? 0)
    /// ```
    public func graphSummary(_ request: GraphSummaryRequest) async throws -> GraphSummary {
        try request.validate()
        var loader = GraphLoader(engine: self, period: request.period)
        let nodes = try await loader.nodes()
        let graph = try await loader.graph(nodes: nodes)
        var iterations: Int?
        var partition: Louvain.Partition?
        if request.analyse {
            try Task.checkCancellation()
            iterations = try await loader.pageRank(graph).iterations
            partition = try await loader.communities(graph, resolution: request.resolution)
        }
        return GraphSummary(accounts: graph.nodeCount, interactions: graph.interactionCount, edges: graph.outgoing.edgeCount,
                            byKind: Dictionary(uniqueKeysWithValues: graph.interactionsByKind.map { ($0.key.rawValue, $0.value) }),
                            pageRankIterations: iterations, communities: partition?.communityCount,
                            modularity: partition?.modularity, timings: loader.timings)
    }

    /// The interaction graph with each account's Louvain community and PageRank, ready to write
    /// for Gephi (GEXF), NetworkX (GraphML) or any tool (CSV).
    ///
    /// ```swift
    /// let export = try await engine.graphExport(GraphExportRequest(connectedOnly: true))
    /// try export.exporter.write(.gexf) { chunk in try handle.write(contentsOf: Data(chunk.utf8)) }
    /// ```
    public func graphExport(_ request: GraphExportRequest) async throws -> GraphExport {
        try request.validate()
        var loader = GraphLoader(engine: self, period: request.period)
        let nodes = try await loader.nodes()
        let graph = try await loader.graph(nodes: nodes)
        let partition = try await loader.communities(graph, resolution: request.resolution)
        let ranks = try await loader.pageRank(graph).ranks
        var exporter = GraphExporter(graph: graph, community: partition.community, pageRank: ranks, connectedOnly: request.connectedOnly)
        // A research export of a pseudonymised workspace names nobody.
        if let pseudonyms = try await outputPseudonymizer() { exporter = exporter.pseudonymised(with: pseudonyms) }
        return GraphExport(exporter: exporter, timings: loader.timings)
    }
}
