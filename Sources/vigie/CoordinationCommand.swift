import ArgumentParser
import Foundation
import VigieCore
import VigieEngine
import VigieIngest

/// Options shared by `vigie coordination` and `vigie coordination clusters`.
struct CoordinationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Time window within which shared behaviour counts: 60s, 5m, 1h.", valueName: "duration"))
    var window = "60s"

    @Option(help: ArgumentHelp("Behaviours: \(CoordinationType.allCases.map(\.rawValue).joined(separator: ",")).",
                               valueName: "list"))
    var types = CoordinationType.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Minimum co-occurrences for an edge.")
    var minWeight = 2

    @Option(help: "Jaccard similarity from which texts are near-identical (co-similar).")
    var similarity = 0.7

    @Option(name: .customLong("input"), help: ArgumentHelp(
        "Read posts from this file (repeatable) instead of the store: no import needed.", valueName: "file"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Format of --input files (default: detected).", valueName: "format"))
    var format: ImportFormat?

    @Option(help: ArgumentHelp(
        "How co-text and co-link keys are made: normalized (Vigie's) or toolkit (the coordination-network-toolkit's, to compare with it).",
        valueName: "keys"))
    var keys: CoordinationInput.Keys = .normalized

    @Option(help: ArgumentHelp(
        "Leave out texts and hashtag sets whose co-occurrences are fewer than this many times chance (stock phrases); 0 keeps all.",
        valueName: "factor"))
    var chanceFactor = 4.0

    func validate() throws {
        guard Self.seconds(window) != nil else {
            throw ValidationError("--window '\(window)' is not a duration: use 30s, 5m or 1h.")
        }
        guard minWeight >= 1 else { throw ValidationError("--min-weight must be at least 1.") }
        guard chanceFactor >= 0 else { throw ValidationError("--chance-factor must be 0 (off) or more.") }
        guard similarity > 0 && similarity <= 1 else { throw ValidationError("--similarity must be in (0, 1].") }
        _ = try parsedTypes()
        for path in inputs where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--input \(path): no such file.")
        }
    }

    func parsedTypes() throws -> Set<CoordinationType> {
        var result = Set<CoordinationType>()
        for name in types.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let type = CoordinationType(rawValue: name) else {
                throw ValidationError("--types: unknown behaviour '\(name)'; use \(CoordinationType.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            result.insert(type)
        }
        guard !result.isEmpty else { throw ValidationError("--types names no behaviour.") }
        return result
    }

    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value > 0 {
            return value * scale
        }
        return Double(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The request: the `--input` files, else the workspace's posts. `evidence` and `sharedKeys`
    /// say whether the edges' post pairs and top keys are needed (they cost memory on networks of
    /// millions of edges).
    func request(evidence: Bool, sharedKeys: Bool) throws -> CoordinationRequest {
        CoordinationRequest(source: inputs.isEmpty ? .store : .files(inputs, format: format), window: Self.seconds(window)!,
                            types: try parsedTypes(), minWeight: minWeight, similarity: similarity, keys: keys,
                            chanceFactor: chanceFactor, evidence: evidence, sharedKeys: sharedKeys)
    }

    /// The engine: files need no store (nor a database file); the workspace is opened read-only.
    func engine(_ store: StoreOptions) throws -> Engine {
        inputs.isEmpty ? try store.engine(readOnly: true)
            : Engine(store: try StoreOptions.scratchStore(), configuration: store.configuration())
    }

    /// What reading the files found, on standard error, so that an export on standard output
    /// stays clean; then the detection time.
    static func report(_ result: CoordinationResult) {
        for file in result.files {
            var line = "\(file.path) [\(file.format)]: \(Output.count(file.posts)) posts read"
            if file.rejected > 0 { line += ", \(Output.count(file.rejected)) bad records skipped" }
            Output.printError(line + String(format: " in %.2fs", file.seconds))
            if file.ignoredDeletions > 0 {
                Output.printError("\(Output.count(file.ignoredDeletions)) deletion records not applied (import into a store to apply them)")
            }
        }
        for reject in result.firstRejects {
            Output.printError("  \(reject.file):\(reject.line): \(reject.reason)")
        }
        if result.duplicatePostsSkipped > 0 {
            Output.printError("\(Output.count(result.duplicatePostsSkipped)) repeated post ids ignored (the first copy counts)")
        }
        Output.printError("\(Output.count(result.network.edges.count)) edges detected in \(String(format: "%.2fs", result.detectionSeconds))")
    }
}

struct CoordinationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordination",
        abstract: "Find accounts that act together within a time window, with the posts that prove it.",
        discussion: """
            Behaviours: co-repost (same original), co-text (identical text after normalisation), \
            co-similar (near-identical text, MinHash), co-link (same normalised link), co-hashtag \
            (same hashtag set), co-reply (same reply target). Export for Gephi (GEXF), NetworkX \
            (GraphML) or a spreadsheet (CSV). --input reads files (any format `vigie ingest` reads, \
            the coordination-network-toolkit CSV included) without a store; --keys toolkit \
            reproduces the toolkit's co-tweet and co-link keys. See docs/coordination.md.
            """,
        subcommands: [Clusters.self]
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var coordination: CoordinationOptions

    @Option(help: ArgumentHelp("Write the network as gexf, graphml or csv (to --out, or standard output).",
                               valueName: "format"))
    var export: String?

    @Option(help: ArgumentHelp("File for --export.", valueName: "path"))
    var out: String?

    @Flag(help: "Show the post pairs behind each edge.")
    var evidence = false

    @Option(help: "How many edges to list, heaviest first.")
    var limit = 30

    func validate() throws {
        if let export, !["gexf", "graphml", "csv"].contains(export) {
            throw ValidationError("--export must be gexf, graphml or csv.")
        }
    }

    func run() async throws {
        let result = try await coordination.engine(store).coordination(coordination.request(evidence: evidence, sharedKeys: false))
        CoordinationOptions.report(result)
        let network = result.network
        if let export {
            let handle: FileHandle
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: nil),
                      let file = FileHandle(forWritingAtPath: out) else {
                    throw ValidationError("--out \(out): cannot write this file (check the folder exists and is writable).")
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            if export == "csv" {
                // Streamed: a network of millions of edges is not held as one text.
                try network.writeCSV { try handle.write(contentsOf: Data($0)) }
            } else {
                try handle.write(contentsOf: Data((export == "gexf" ? network.gexf() : network.graphML()).utf8))
            }
            if let out {
                try handle.close()
                print("wrote \(Output.count(network.edges.count)) edges to \(out)")
            }
            return
        }
        let accounts = Set(network.edges.flatMap { [$0.source, $0.target] }).count
        print("\(Output.count(network.edges.count)) edges between \(Output.count(accounts)) accounts "
              + "(window \(coordination.window), min weight \(coordination.minWeight))")
        let common = network.commonKeysIgnored.filter { $0.value > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
        if !common.isEmpty {
            print("left out as stock phrases (co-occurring less than \(coordination.chanceFactor)x chance): "
                  + common.map { "\(Output.count($0.value)) \($0.key == .coPost ? "texts" : "hashtag sets")" }.joined(separator: ", "))
        }
        let rows = network.edges.sorted { $0.weight > $1.weight }.prefix(limit)
        for edge in rows {
            let a = network.accounts[edge.source].label
            let b = network.accounts[edge.target].label
            print("\(edge.type.rawValue)  @\(a) — @\(b)  weight \(edge.weight)  "
                  + "\(DateParsing.iso8601(edge.first)) → \(DateParsing.iso8601(edge.last))")
            if evidence {
                for proof in network.evidence(of: edge) {
                    let similarity = proof.similarity.map { String(format: "  similarity %.2f", $0) } ?? ""
                    print("    \(proof.sourcePostID) at \(DateParsing.iso8601(proof.sourceTime)) ~ "
                          + "\(proof.targetPostID) at \(DateParsing.iso8601(proof.targetTime))  [\(proof.key)]\(similarity)")
                }
            }
        }
    }

    struct Clusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clusters",
            abstract: "Groups of coordinated accounts: members, what they shared, when, how tightly."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var coordination: CoordinationOptions

        @Option(help: "Smallest cluster to show.")
        var minSize = 3

        func run() async throws {
            let result = try await coordination.engine(store).coordinationClusters(
                coordination.request(evidence: false, sharedKeys: true), minimumSize: minSize)
            CoordinationOptions.report(result.detection)
            let network = result.detection.network
            let clusters = result.clusters
            print("\(clusters.count) clusters of \(minSize) or more coordinated accounts")
            for (index, cluster) in clusters.enumerated() {
                let names = cluster.members.prefix(12).map { "@" + network.accounts[$0].label }.joined(separator: " ")
                print("\n#\(index + 1): \(cluster.members.count) accounts, density "
                      + String(format: "%.2f", cluster.density) + ", \(cluster.types.map(\.rawValue).joined(separator: ", ")), "
                      + "\(DateParsing.iso8601(cluster.first)) → \(DateParsing.iso8601(cluster.last))")
                print("  members: " + names + (cluster.members.count > 12 ? " …" : ""))
                for key in cluster.topKeys {
                    print("  shared \(key.type.rawValue): \(key.key) (\(key.pairs) post pairs)")
                }
            }
        }
    }
}

extension CoordinationInput.Keys: ExpressibleByArgument {}
