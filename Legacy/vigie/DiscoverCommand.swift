import ArgumentParser
import Foundation
import VigieCore
import VigieStore
import VigieSynth

struct DiscoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "From a seed query, propose the hashtags, words, links and accounts a keyword search misses.",
        discussion: """
            A hashtag, word or link domain is proposed when it occurs in at least 3 of the seed's \
            original posts, at least 3 times more often there than overall (lift), and the \
            log-likelihood G² of that association is at least 15.14 (p < 0.0001). Accounts are \
            proposed when the seed's authors engage with them far more than other accounts do (same \
            test over their engagers). Accept items with --accept (repeatable, as printed: #tag, \
            word, site:domain, author:handle) or, with --accept-all, every hashtag, word and domain \
            whose estimated precision is at least 0.75 — its seed share P(seed | item) over the \
            seed's recall, estimated from the strongest items. The expanded query ORs them into the \
            seed, and its posts and accounts are counted. For accounts, the last column is the \
            share of their engagers that are seed authors.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Argument(help: "The seed query (quote it for the shell).") var query: String
    @Option(parsing: .singleValue, help: ArgumentHelp("Add this item to the expanded query (repeatable).", valueName: "item"))
    var accept: [String] = []
    @Flag(help: "Accept every proposed hashtag, word and domain whose estimated precision is at least 0.75 (not accounts).") var acceptAll = false
    @Option(help: "Proposals shown per kind.") var limit = 15
    @Option(help: "With --accept-all, rounds of expansion: each later round takes the expansion so far as its seed.")
    var rounds = 3
    @Flag(help: "Match the query's words by their stem.") var stemmed = false
    @Option(help: ArgumentHelp("Measure the seed and expanded queries against a `vigie synth` ground-truth.json (needs --topic).", valueName: "file"))
    var evaluate: String?
    @Option(help: ArgumentHelp("The ground-truth topic name for --evaluate.", valueName: "name")) var topic: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
        guard (1...10).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 10.") }
        if evaluate != nil, topic == nil { throw ValidationError("--evaluate needs --topic NAME (a topic of the ground truth).") }
    }

    struct Found: Encodable {
        var query: String
        var posts: Int
        var accounts: Int
        var evaluation: Evaluation?
    }

    struct Evaluation: Encodable {
        var relevantPosts: Int
        var postPrecision: Double
        var postRecall: Double
        var relevantAccounts: Int
        var accountPrecision: Double
        var accountRecall: Double
    }

    struct Scan {
        var counter = TopicDiscovery.Counter()
        var authors: [Bool]
        var posts: [String] = []
        var authorCount: Int { authors.reduce(0) { $0 + ($1 ? 1 : 0) } }
    }

    func parse(_ text: String) throws -> Query {
        do {
            return try Query.parse(text, options: QueryOptions(stemmed: stemmed))
        } catch {
            throw CLIError("an accepted item does not make a valid query (\(accept.joined(separator: " "))):\n\(error.description)")
        }
    }

    func run() throws {
        let seed = try store.parseQuery(query, stemmed: stemmed)
        let opened = try store.openStore(mustExist: true)
        let loader = GraphLoader(store: opened, workspace: store.workspace, options: graphOptions)
        let nodes = try loader.nodes()
        let options = graphOptions
        let workspace = store.workspace
        /// One pass: which posts and authors `current` finds, and feature counts against it.
        func scan(_ current: Query) throws -> Scan {
            var result = Scan(authors: [Bool](repeating: false, count: nodes.count))
            try loader.time("scan posts") {
                try opened.forEachGraphPost(workspace: workspace) { authorRowID, post in
                    guard options.includes(post), let node = nodes.node(ofRow: authorRowID) else { return }
                    let document = QueryDocument(post: post)
                    let inSeed = current.matches(document)
                    if inSeed { result.posts.append(post.platformID); result.authors[Int(node)] = true }
                    if post.repostOfID == nil { result.counter.add(document, inSeed: inSeed) }
                }
            }
            return result
        }
        let seedScan = try scan(seed)
        guard !seedScan.posts.isEmpty else {
            throw CLIError("the seed query \(seed.description) matches no post in workspace '\(store.workspace)': try a broader query")
        }
        let graph = try loader.graph(nodes: nodes)
        let discovery = TopicDiscovery()
        let seedWords = Set(Tokenizer.tokenize(query).map(\.folded))
        let proposals = discovery.proposals(from: seedScan.counter, excluding: seedWords)
        let accounts = discovery.accountProposals(graph: graph, seedAuthors: seedScan.authors)

        var accepted = accept
        var laterRounds: [[TopicDiscovery.Proposal]] = []
        var expanded = try parse(TopicDiscovery.expandedQuery(seed: query, accepted: accepted))
        var expandedScan = seedScan
        var scannedFor: [String] = [] // the accepted items `expandedScan` counted
        if acceptAll {
            accepted += discovery.acceptable(proposals).map(\.queryTerm).filter { !accepted.contains($0) }
            // Later rounds take the expansion so far as their seed (pseudo-relevance feedback):
            // items too rare in the keyword posts to be tested become testable.
            var recall = proposals.first?.seedRecall ?? 0
            for _ in 1..<rounds {
                expanded = try parse(TopicDiscovery.expandedQuery(seed: query, accepted: accepted))
                expandedScan = try scan(expanded)
                scannedFor = accepted
                let known = Set(accepted)
                let next = discovery.proposals(from: expandedScan.counter, excluding: seedWords.union(known), recallFloor: recall)
                recall = next.first?.seedRecall ?? recall
                let more = discovery.acceptable(next).filter { !known.contains($0.queryTerm) }
                if more.isEmpty { break }
                laterRounds.append(more)
                accepted += more.map(\.queryTerm)
            }
        }
        let expandedText = TopicDiscovery.expandedQuery(seed: query, accepted: accepted)
        if accepted != scannedFor {
            expanded = try parse(expandedText)
            expandedScan = try scan(expanded)
        }
        let seedPosts = seedScan.posts, seedAuthors = seedScan.authors, counter = seedScan.counter
        let expandedPosts = expandedScan.posts
        let expandedAuthors = Set(expandedScan.authors.indices.filter { expandedScan.authors[$0] }.map(Int32.init))
        let seedAuthorCount = seedScan.authorCount

        var seedFound = Found(query: seed.description, posts: seedPosts.count, accounts: seedAuthorCount)
        var expandedFound = Found(query: expanded.description, posts: expandedPosts.count, accounts: expandedAuthors.count)
        if let evaluate, let topic {
            let truth = try TopicTruth(path: evaluate, topic: topic)
            let seedAuthorIDs = Set(seedAuthors.indices.filter { seedAuthors[$0] }.map { nodes.accounts[$0].platformID })
            let expandedAuthorIDs = Set(expandedAuthors.map { nodes.accounts[Int($0)].platformID })
            seedFound.evaluation = truth.evaluate(posts: seedPosts, authors: seedAuthorIDs)
            expandedFound.evaluation = truth.evaluate(posts: expandedPosts, authors: expandedAuthorIDs)
        }
        if json {
            struct Result: Encodable {
                var proposals: [TopicDiscovery.Proposal]
                var accounts: [TopicDiscovery.Proposal]
                var laterRounds: [[TopicDiscovery.Proposal]]
                var accepted: [String]
                var seed: Found
                var expanded: Found
            }
            print(try Output.json(Result(proposals: proposals, accounts: Array(accounts.prefix(limit)),
                                         laterRounds: laterRounds, accepted: accepted,
                                         seed: seedFound, expanded: expandedFound)))
            return
        }
        print("Seed \(seed.description): \(Output.count(seedPosts.count)) posts by \(Output.count(seedAuthorCount)) accounts "
              + "(\(Output.count(counter.seedDocuments)) original posts of \(Output.count(counter.documents)))")
        for kind in [TopicDiscovery.Kind.hashtag, .term, .domain] {
            let items = proposals.filter { $0.kind == kind }
            print("\n\(kind == .term ? "words" : kind.rawValue + "s") (\(items.count) proposed):")
            print(Self.table(Array(items.prefix(limit))))
        }
        print("\naccounts the seed's authors engage with (\(accounts.count) proposed):")
        print(Self.table(Array(accounts.prefix(limit))))
        for (index, round) in laterRounds.enumerated() {
            print("\nround \(index + 2) (seed: the expansion so far) accepted \(round.count) more: "
                  + round.map { "\($0.queryTerm) (\(String(format: "%.2f", $0.estimatedPrecision)))" }.joined(separator: ", "))
        }
        print("\nExpanded query: \(expandedText)")
        for (name, found) in [("seed", seedFound), ("expanded", expandedFound)] {
            var line = "  \(name): \(Output.count(found.posts)) posts, \(Output.count(found.accounts)) accounts"
            if let e = found.evaluation {
                line += String(format: " — relevant posts %d (precision %.3f, recall %.3f), relevant accounts %d (precision %.3f, recall %.3f)",
                               e.relevantPosts, e.postPrecision, e.postRecall, e.relevantAccounts, e.accountPrecision, e.accountRecall)
            }
            print(line)
        }
        if let s = seedFound.evaluation, let e = expandedFound.evaluation, s.relevantPosts > 0, s.relevantAccounts > 0 {
            print(String(format: "  the expanded query finds %.1fx the relevant posts and %.1fx the relevant accounts of the seed",
                         Double(e.relevantPosts) / Double(s.relevantPosts), Double(e.relevantAccounts) / Double(s.relevantAccounts)))
        }
        if accepted.isEmpty { print("Accept items with --accept ITEM (or --accept-all) to expand the query.") }
    }

    static func table(_ items: [TopicDiscovery.Proposal]) -> String {
        guard !items.isEmpty else { return "  (none)" }
        return Output.table(["item", "seed", "elsewhere", "lift", "G2", "est. precision"], items.map {
            [$0.queryTerm, String($0.inSeed), String($0.outsideSeed), String(format: "%.1f", $0.lift),
             String(format: "%.0f", $0.logLikelihood), String(format: "%.2f", $0.estimatedPrecision)]
        })
    }
}

/// A topic's truth from `vigie synth` output: its on-topic posts (post-truth.csv) and authors.
struct TopicTruth {
    var onTopicPosts: Set<String>
    /// Authors of at least one on-topic post of the topic.
    var onTopicAuthors: Set<String>

    init(path: String, topic: String) throws {
        let truth: GroundTruth
        do {
            truth = try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CLIError("cannot read the ground truth \(path): \(error.localizedDescription) — give the ground-truth.json that `vigie synth` wrote")
        }
        guard truth.topics.contains(where: { $0.name == topic }) else {
            throw CLIError("--topic '\(topic)' is not in \(path): topics are \(truth.topics.map(\.name).joined(separator: ", "))")
        }
        guard let postTruth = truth.files.postTruth else {
            throw CLIError("\(path) names no post-truth file: generate the data again with post truth on")
        }
        let postsPath = (URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(postTruth)).path
        guard let text = try? String(contentsOfFile: postsPath, encoding: .utf8) else {
            throw CLIError("cannot read the post truth \(postsPath)")
        }
        var posts = Set<String>(), authors = Set<String>()
        for (number, line) in text.split(separator: "\n").enumerated() where number > 0 {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count > 6 else { throw CLIError("\(postsPath):\(number + 1): expected at least 7 fields") }
            if fields[6] == topic {
                posts.insert(String(fields[0]))
                authors.insert(String(fields[1]))
            }
        }
        onTopicPosts = posts
        onTopicAuthors = authors
    }

    func evaluate(posts: [String], authors: Set<String>) -> DiscoverCommand.Evaluation {
        let relevant = posts.filter(onTopicPosts.contains).count
        let relevantAuthors = authors.filter(onTopicAuthors.contains).count
        return DiscoverCommand.Evaluation(
            relevantPosts: relevant,
            postPrecision: posts.isEmpty ? 0 : Double(relevant) / Double(posts.count),
            postRecall: onTopicPosts.isEmpty ? 0 : Double(relevant) / Double(onTopicPosts.count),
            relevantAccounts: relevantAuthors,
            accountPrecision: authors.isEmpty ? 0 : Double(relevantAuthors) / Double(authors.count),
            accountRecall: onTopicAuthors.isEmpty ? 0 : Double(relevantAuthors) / Double(onTopicAuthors.count))
    }
}
