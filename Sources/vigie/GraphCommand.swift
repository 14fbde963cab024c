import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "The interaction graph: accounts, and who engaged with whom.",
        subcommands: [Export.self, Summary.self],
        defaultSubcommand: Summary.self
    )

    struct Summary: AsyncParsableCommand {
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

        func run() async throws {
            let summary = try await store.engine(readOnly: true).graphSummary(
                GraphSummaryRequest(period: graphOptions.period, analyse: analyse, resolution: resolution))
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
            let result = Result(accounts: summary.accounts, interactions: summary.interactions, edges: summary.edges,
                                byKind: summary.byKind, pageRankIterations: summary.pageRankIterations,
                                communities: summary.communities, modularity: summary.modularity,
                                seconds: summary.timings.secondsByStep)
            if json { print(try Output.json(result)); return }
            print("\(Output.count(result.accounts)) accounts, \(Output.count(result.interactions)) interactions, "
                  + "\(Output.count(result.edges)) distinct directed edges")
            for (kind, count) in result.byKind.sorted(by: { $0.key < $1.key }) { print("  \(kind): \(Output.count(count))") }
            if let communities = summary.communities, let modularity = summary.modularity, let iterations = summary.pageRankIterations {
                print("PageRank: \(iterations) iterations; Louvain: \(Output.count(communities)) communities, "
                      + String(format: "modularity %.4f", modularity))
            }
            Timings.print(summary.timings)
        }
    }

    struct Export: AsyncParsableCommand {
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

        func run() async throws {
            let export = try await store.engine(readOnly: true).graphExport(
                GraphExportRequest(period: graphOptions.period, resolution: resolution, connectedOnly: connectedOnly))
            let exporter = export.exporter
            let format = GraphExportFormat(rawValue: format)!
            if let out {
                let handle = try Self.create(out)
                exporter.write(format) { handle.write(Data($0.utf8)) }
                try handle.close()
                if format == .csv {
                    let nodesPath = (out as NSString).deletingPathExtension + "-nodes.csv"
                    let nodesHandle = try Self.create(nodesPath)
                    exporter.writeNodesCSV { nodesHandle.write(Data($0.utf8)) }
                    try nodesHandle.close()
                }
                Output.printError("\(Output.count(exporter.exportedNodes)) nodes, \(Output.count(export.edges)) edges written to \(out)")
            } else {
                var buffer = ""
                exporter.write(format) { chunk in
                    buffer += chunk
                    if buffer.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(buffer.utf8)); buffer = "" }
                }
                FileHandle.standardOutput.write(Data(buffer.utf8))
            }
        }

        private static func create(_ path: String) throws -> FileHandle {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path) else {
                throw CLIError("cannot write \(path): check the folder exists and is writable")
            }
            return handle
        }
    }
}
