import ArgumentParser
import Foundation
import VigieCore
import VigieIngest
import VigieStore

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

    /// Reads the posts (the `--input` files, else the workspace's) and detects the network.
    /// `evidence` and `sharedKeys` say whether the edges' post pairs and top keys are needed
    /// (they cost memory on networks of millions of edges).
    func detect(_ store: StoreOptions, evidence: Bool = true, sharedKeys: Bool = true) throws -> CoordinationNetwork {
        let types = try parsedTypes()
        let input: CoordinationInput
        if inputs.isEmpty {
            var fromStore = CoordinationInput(keys: keys, types: types)
            try store.openStore(mustExist: true).forEachPost(workspace: store.workspace) { fromStore.append($0) }
            input = fromStore
        } else {
            input = try read(inputs, into: CoordinationInput(keys: keys, types: types, deduplicatesPosts: true))
        }
        let options = CoordinationDetector.Options(window: Self.seconds(window)!, minWeight: minWeight,
                                                   types: types, similarityThreshold: similarity,
                                                   evidencePerEdge: evidence ? 5 : 0, keysPerEdge: sharedKeys ? 5 : 0,
                                                   chanceFactor: chanceFactor)
        let started = Date()
        let network = CoordinationDetector(options: options).detect(in: input)
        Self.say("\(Output.count(network.edges.count)) edges detected in \(String(format: "%.2fs", Date().timeIntervalSince(started)))")
        return network
    }

    /// Streams files into the input, without a store: toolkit CSVs through
    /// ``ToolkitCoordinationReader`` (bytes to arrays), other formats through the importers'
    /// decoders. What was read goes to standard error, so that an export on standard output
    /// stays clean.
    private func read(_ paths: [String], into empty: CoordinationInput) throws -> CoordinationInput {
        var input = empty
        var rejects: [Reject] = []
        for path in paths {
            if format == .toolkitCSV || (format == nil && ToolkitCoordinationReader.recognizes(path: path)) {
                let report = try ToolkitCoordinationReader.read(path: path, into: &input)
                Self.say(path, "\(ImportFormat.toolkitCSV.rawValue)", posts: report.posts, rejected: report.rejected,
                         seconds: report.seconds)
                rejects += report.firstRejects
                continue
            }
            let collector = CoordinationInputCollector(input: input)
            input = CoordinationInput()
            let report = try Importer(store: collector).importFile(at: path, options: ImportOptions(format: format))
            Self.say(path, report.format, posts: report.posts, rejected: report.rejected, seconds: report.seconds)
            rejects += collector.firstRejects
            if collector.ignoredDeletions > 0 {
                Self.say("\(Output.count(collector.ignoredDeletions)) deletion records not applied (import into a store to apply them)")
            }
            input = collector.take()
        }
        for reject in rejects.prefix(10) {
            Self.say("  \(reject.file):\(reject.line): \(reject.reason)")
        }
        if input.duplicatePostsSkipped > 0 {
            Self.say("\(Output.count(input.duplicatePostsSkipped)) repeated post ids ignored (the first copy counts)")
        }
        return input
    }

    private static func say(_ path: String, _ format: String, posts: Int, rejected: Int, seconds: Double) {
        var line = "\(path) [\(format)]: \(Output.count(posts)) posts read"
        if rejected > 0 { line += ", \(Output.count(rejected)) bad records skipped" }
        say(line + String(format: " in %.2fs", seconds))
    }

    private static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

struct CoordinationCommand: ParsableCommand {
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

    func run() throws {
        let network = try coordination.detect(store, evidence: evidence, sharedKeys: false)
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

    struct Clusters: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Groups of coordinated accounts: members, what they shared, when, how tightly."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var coordination: CoordinationOptions

        @Option(help: "Smallest cluster to show.")
        var minSize = 3

        func run() throws {
            let network = try coordination.detect(store, evidence: false)
            let clusters = network.clusters(minimumSize: minSize)
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
