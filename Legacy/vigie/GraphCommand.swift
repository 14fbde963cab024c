import ArgumentParser
import Foundation
import VigieCore
import VigieStore

/// The options every graph command shares: which period, and how communities are found.
struct GraphOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only interactions and posts from this date on (e.g. 2024-01-01).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only interactions and posts before this date.", valueName: "date"))
    var until: String?

    func validate() throws {
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, DateParsing.parse(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a date: use 2024-01-31 or 2024-01-31T12:00:00Z.")
            }
        }
        if let range = timeRange, range.isEmpty {
            throw ValidationError("--since must be before --until.")
        }
    }

    /// The period in ms since the epoch, or `nil` for all time.
    var timeRange: Range<Int64>? {
        guard since != nil || until != nil else { return nil }
        let low = since.flatMap(DateParsing.parse).map { Int64($0.timeIntervalSince1970 * 1000) } ?? Int64.min
        let high = until.flatMap(DateParsing.parse).map { Int64($0.timeIntervalSince1970 * 1000) } ?? Int64.max
        return low..<max(low, high)
    }

    func includes(_ post: Post) -> Bool {
        guard let range = timeRange else { return true }
        return range.contains(Int64(post.createdAt.timeIntervalSince1970 * 1000))
    }
}

/// Loads the interaction graph (and a topic's signals) from the store, once per command run.
struct GraphLoader {
    let store: SQLiteStore
    let workspace: String
    let options: GraphOptions
    /// Seconds spent per step, for `--timings`.
    let timer = StepTimer()
    var timings: [(String, Double)] { timer.steps }

    init(store: SQLiteStore, workspace: String, options: GraphOptions) {
        self.store = store
        self.workspace = workspace
        self.options = options
    }

    func time<T>(_ step: String, _ body: () throws -> T) rethrows -> T {
        try timer.time(step, body)
    }

    func nodes() throws -> NodeIndex {
        let accounts = try time("load accounts") { try store.graphAccounts(workspace: workspace) }
        guard !accounts.isEmpty else {
            throw CLIError("workspace '\(workspace)' has no accounts: import data first with `vigie ingest`")
        }
        return NodeIndex(accounts: accounts)
    }

    func graph(nodes: NodeIndex) throws -> InteractionGraph {
        try time("build graph") {
            var builder = InteractionGraph.Builder(nodes: nodes, timeRange: options.timeRange)
            try store.forEachGraphEdge(workspace: workspace, timeRange: options.timeRange, postIDs: false) { builder.add($0) }
            return builder.build()
        }
    }

    struct Topic {
        var graph: InteractionGraph
        /// On-topic interactions only (engager → engaged).
        var topicGraph: CompressedAdjacency
        var signals: TopicSignals
        var onTopicInteractions: Int
    }

    /// One pass over the posts (the query marks the topic's), then one over the interactions.
    func topic(nodes: NodeIndex, query: Query) throws -> Topic {
        var signals = TopicSignals(nodeCount: nodes.count)
        let options = self.options
        try time("scan posts") {
            try store.forEachGraphPost(workspace: workspace) { authorRowID, post in
                guard options.includes(post), let node = nodes.node(ofRow: authorRowID) else { return }
                signals.add(post, node: node, onTopic: query.matches(post))
            }
        }
        guard signals.matchedPosts > 0 else {
            throw CLIError("the query \(query.description) matches no post in workspace '\(workspace)': try `vigie query` to check it, or a broader query")
        }
        let frozen = signals
        return try time("build graphs") {
            var all = InteractionGraph.Builder(nodes: nodes, timeRange: options.timeRange)
            var onTopic = InteractionGraph.Builder(nodes: nodes, timeRange: options.timeRange)
            var topicEdges = 0
            try store.forEachGraphEdge(workspace: workspace, timeRange: options.timeRange, postIDs: true) { edge in
                all.add(edge)
                if frozen.isOnTopic(edge), onTopic.add(edge) { topicEdges += 1 }
            }
            return Topic(graph: all.build(), topicGraph: onTopic.build().outgoing, signals: frozen,
                         onTopicInteractions: topicEdges)
        }
    }

    func communities(_ graph: InteractionGraph, resolution: Double) -> Louvain.Partition {
        time("communities") { Louvain(resolution: resolution).run(graph.outgoing.symmetrised()) }
    }

    func printTimings() {
        for (step, seconds) in timings {
            Output.printError(String(format: "%@: %.3fs", step, seconds))
        }
    }
}

/// Wall time per named step, in order.
final class StepTimer {
    private(set) var steps: [(String, Double)] = []

    func time<T>(_ step: String, _ body: () throws -> T) rethrows -> T {
        let started = Date()
        let value = try body()
        steps.append((step, Date().timeIntervalSince(started)))
        return value
    }
}

extension StoreOptions {
    /// The topic of an analysis: `--query` as given, or `--watch`'s saved query and mode.
    func topicQuery(query: String?, watch: String?, stemmed: Bool, in sqlite: SQLiteStore) throws -> Query {
        guard let watch else { return try parseQuery(query ?? "", stemmed: stemmed) }
        guard let saved = try sqlite.watch(named: watch, workspace: workspace) else {
            throw CLIError(WatchError.notFound(watch).description)
        }
        return try parseQuery(saved.query, stemmed: saved.stemmed)
    }

    func parseQuery(_ text: String, stemmed: Bool) throws -> Query {
        do {
            return try Query.parse(text, options: QueryOptions(stemmed: stemmed))
        } catch {
            throw CLIError("invalid query\n\(error.description)")
        }
    }
}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "The interaction graph: accounts, and who engaged with whom.",
        subcommands: [Export.self, Summary.self],
        defaultSubcommand: Summary.self
    )

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary", abstract: "Nodes, edges and interactions by kind, with build times.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var graphOptions: GraphOptions
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Also run PageRank and Louvain and report their time, iterations and modularity.") var analyse = false
        @Option(help: "Louvain resolution with --analyse.") var resolution = 1.0

        func validate() throws {
            guard resolution > 0 else { throw ValidationError("--resolution must be positive.") }
        }

        func run() throws {
            let loader = GraphLoader(store: try store.openStore(mustExist: true), workspace: store.workspace, options: graphOptions)
            let nodes = try loader.nodes()
            let graph = try loader.graph(nodes: nodes)
            struct Result: Encodable {
                var accounts: Int
                var interactions: Int
                var edges: Int
                var byKind: [String: Int]
                var pageRankIterations: Int?
                var communities: Int?
                var modularity: Double?
                var seconds: [String: Double]
            }
            var pageRankIterations: Int?
            var partition: Louvain.Partition?
            if analyse {
                pageRankIterations = loader.time("pagerank") { PageRank(tolerance: 1e-10, maxIterations: 200).run(graph.outgoing).iterations }
                partition = loader.communities(graph, resolution: resolution)
            }
            let result = Result(accounts: graph.nodeCount, interactions: graph.interactionCount, edges: graph.outgoing.edgeCount,
                                byKind: Dictionary(uniqueKeysWithValues: graph.interactionsByKind.map { ($0.key.rawValue, $0.value) }),
                                pageRankIterations: pageRankIterations, communities: partition?.communityCount,
                                modularity: partition?.modularity,
                                seconds: Dictionary(loader.timings, uniquingKeysWith: +))
            if json { print(try Output.json(result)); return }
            print("\(Output.count(result.accounts)) accounts, \(Output.count(result.interactions)) interactions, "
                  + "\(Output.count(result.edges)) distinct directed edges")
            for (kind, count) in result.byKind.sorted(by: { $0.key < $1.key }) { print("  \(kind): \(Output.count(count))") }
            if let partition, let pageRankIterations {
                print("PageRank: \(pageRankIterations) iterations; Louvain: \(Output.count(partition.communityCount)) communities, "
                      + String(format: "modularity %.4f", partition.modularity))
            }
            loader.printTimings()
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export the interaction graph for Gephi (gexf), NetworkX (graphml) or any tool (csv).",
            discussion: """
                Nodes are accounts (handle, platform id, followers, Louvain community); edges are \
                engager → engaged interactions merged into one weight (reply 2, quote 2, repost 1.5, \
                mention 1, like 0.5, follow 0.25). csv writes the edge list source,target,weight over \
                node numbers; with --out FILE.csv it also writes FILE-nodes.csv beside it.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var graphOptions: GraphOptions

        @Option(help: "gexf, graphml or csv.") var format: String = "gexf"
        @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file")) var out: String?
        @Option(help: "Louvain resolution for the community attribute.") var resolution = 1.0
        @Flag(help: "Leave out accounts without any interaction.") var connectedOnly = false

        func validate() throws {
            guard GraphExportFormat(rawValue: format) != nil else {
                throw ValidationError("--format '\(format)' is not known: use gexf, graphml or csv.")
            }
            guard resolution > 0 else { throw ValidationError("--resolution must be positive.") }
        }

        func run() throws {
            let loader = GraphLoader(store: try store.openStore(mustExist: true), workspace: store.workspace, options: graphOptions)
            let nodes = try loader.nodes()
            let graph = try loader.graph(nodes: nodes)
            let partition = loader.communities(graph, resolution: resolution)
            let ranks = loader.time("pagerank") { PageRank(tolerance: 1e-10, maxIterations: 200).run(graph.outgoing).ranks }
            let exporter = GraphExporter(graph: graph, community: partition.community, pageRank: ranks, connectedOnly: connectedOnly)
            let format = GraphExportFormat(rawValue: format)!
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: nil),
                      let handle = FileHandle(forWritingAtPath: out) else {
                    throw CLIError("cannot write \(out): check the folder exists and is writable")
                }
                exporter.write(format) { handle.write(Data($0.utf8)) }
                try handle.close()
                if format == .csv {
                    let nodesPath = (out as NSString).deletingPathExtension + "-nodes.csv"
                    guard FileManager.default.createFile(atPath: nodesPath, contents: nil),
                          let nodesHandle = FileHandle(forWritingAtPath: nodesPath) else {
                        throw CLIError("cannot write \(nodesPath)")
                    }
                    exporter.writeNodesCSV { nodesHandle.write(Data($0.utf8)) }
                    try nodesHandle.close()
                }
                Output.printError("\(Output.count(exporter.exportedNodes)) nodes, \(Output.count(graph.outgoing.edgeCount)) edges written to \(out)")
            } else {
                var buffer = ""
                exporter.write(format) { chunk in
                    buffer += chunk
                    if buffer.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(buffer.utf8)); buffer = "" }
                }
                FileHandle.standardOutput.write(Data(buffer.utf8))
            }
        }
    }
}
