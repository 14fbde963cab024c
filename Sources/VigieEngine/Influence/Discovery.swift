import Foundation
import VigieCore
import VigieSynth

/// A seed query to expand, and how.
public struct DiscoveryRequest: Sendable, Hashable {
    /// The seed query (docs/query-language.md).
    public var seed: String
    public var stemmed: Bool
    public var period: GraphPeriod
    /// Items to add to the expanded query, as proposals print them (`#tag`, `word`,
    /// `site:domain`, `author:handle`).
    public var accept: [String]
    /// Accept every proposed hashtag, word and domain whose estimated precision is high enough
    /// (not accounts).
    public var acceptAll: Bool
    /// With `acceptAll`, rounds of expansion: each later round takes the expansion so far as its seed.
    public var rounds: Int
    /// Measure the seed and expanded queries against generated data's ground truth.
    public var evaluation: GroundTruthTopic?

    public init(seed: String, stemmed: Bool = false, period: GraphPeriod = GraphPeriod(), accept: [String] = [],
                acceptAll: Bool = false, rounds: Int = 3, evaluation: GroundTruthTopic? = nil) {
        self.seed = seed
        self.stemmed = stemmed
        self.period = period
        self.accept = accept
        self.acceptAll = acceptAll
        self.rounds = rounds
        self.evaluation = evaluation
    }

    public func validate() throws(EngineError) {
        try period.validate()
        guard (1...10).contains(rounds) else { throw EngineError(.invalidArgument, field: "rounds", "the rounds must be between 1 and 10") }
    }
}

/// A topic of generated data's ground truth: the `ground-truth.json` file and the topic's name.
public struct GroundTruthTopic: Sendable, Hashable, Codable {
    public var path: String
    public var topic: String

    public init(path: String, topic: String) {
        self.path = path
        self.topic = topic
    }
}

/// What the seed finds, the proposals, and what the expanded query finds.
public struct DiscoveryResult: Sendable, Hashable, Codable {
    /// Hashtags, words and link domains, strongest first.
    public var proposals: [TopicDiscovery.Proposal]
    /// Accounts the seed's authors engage with far more than others do, strongest first.
    public var accounts: [TopicDiscovery.Proposal]
    /// What each later round accepted.
    public var laterRounds: [[TopicDiscovery.Proposal]]
    public var accepted: [String]
    public var seed: Found
    public var expanded: Found
    /// The expanded query's text (the seed OR the accepted items).
    public var expandedQuery: String
    /// Original posts of the seed, and of the workspace (the counts proposals are tested on).
    public var seedDocuments: Int
    public var documents: Int

    /// The posts and accounts a query finds, measured against the truth when asked.
    public struct Found: Sendable, Hashable, Codable {
        public var query: String
        public var posts: Int
        public var accounts: Int
        public var evaluation: Evaluation?
    }

    public struct Evaluation: Sendable, Hashable, Codable {
        public var relevantPosts: Int
        public var postPrecision: Double
        public var postRecall: Double
        public var relevantAccounts: Int
        public var accountPrecision: Double
        public var accountRecall: Double
    }
}

extension Engine {
    /// From a seed query, proposes the hashtags, words, link domains and accounts a keyword
    /// search misses (co-occurrence: lift and log-likelihood against the rest of the corpus),
    /// and counts what the expanded query finds. With `acceptAll`, expands over several rounds.
    ///
    /// ```swift
    /// let result = try await engine.discover(DiscoveryRequest(seed: "velo OR cyclisme", acceptAll: true))
    /// print(result.expandedQuery, result.seed.posts, "→", result.expanded.posts)
    /// ```
    public func discover(_ request: DiscoveryRequest) async throws -> DiscoveryResult {
        try request.validate()
        let seed = try Query.parse(request.seed, options: QueryOptions(stemmed: request.stemmed))
        let truth = try request.evaluation.map { try TopicPostTruth(path: $0.path, topic: $0.topic) }
        var loader = GraphLoader(engine: self, period: request.period)
        let nodes = try await loader.nodes()
        let stemmed = request.stemmed
        func parse(_ text: String, accepted: [String]) throws -> Query {
            do {
                return try Query.parse(text, options: QueryOptions(stemmed: stemmed))
            } catch {
                throw EngineError(.invalidArgument, field: "accept",
                                  "an accepted item does not make a valid query (\(accepted.joined(separator: " "))):\n\(error)")
            }
        }
        let seedScan = try await scanDiscovery(seed, nodes: nodes, loader: &loader)
        guard !seedScan.posts.isEmpty else {
            throw EngineError(.noData, field: "query",
                              "the seed query \(seed.description) matches no post in workspace '\(workspace)': try a broader query")
        }
        let graph = try await loader.graph(nodes: nodes)
        let discovery = TopicDiscovery()
        let seedWords = Set(Tokenizer.tokenize(request.seed).map(\.folded))
        let proposals = discovery.proposals(from: seedScan.counter, excluding: seedWords)
        let accounts = try await Offload.run { discovery.accountProposals(graph: graph, seedAuthors: seedScan.authors) }

        var accepted = request.accept
        var laterRounds: [[TopicDiscovery.Proposal]] = []
        var expanded = try parse(TopicDiscovery.expandedQuery(seed: request.seed, accepted: accepted), accepted: accepted)
        var expandedScan = seedScan
        var scannedFor: [String] = [] // the accepted items `expandedScan` counted
        if request.acceptAll {
            accepted += discovery.acceptable(proposals).map(\.queryTerm).filter { !accepted.contains($0) }
            // Later rounds take the expansion so far as their seed (pseudo-relevance feedback):
            // items too rare in the keyword posts to be tested become testable.
            var recall = proposals.first?.seedRecall ?? 0
            for _ in 1..<request.rounds {
                try Task.checkCancellation()
                expanded = try parse(TopicDiscovery.expandedQuery(seed: request.seed, accepted: accepted), accepted: accepted)
                expandedScan = try await scanDiscovery(expanded, nodes: nodes, loader: &loader)
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
        let expandedText = TopicDiscovery.expandedQuery(seed: request.seed, accepted: accepted)
        if accepted != scannedFor {
            expanded = try parse(expandedText, accepted: accepted)
            expandedScan = try await scanDiscovery(expanded, nodes: nodes, loader: &loader)
        }
        let expandedAuthors = Set(expandedScan.authors.indices.filter { expandedScan.authors[$0] })
        var seedFound = DiscoveryResult.Found(query: seed.description, posts: seedScan.posts.count, accounts: seedScan.authorCount)
        var expandedFound = DiscoveryResult.Found(query: expanded.description, posts: expandedScan.posts.count,
                                                  accounts: expandedAuthors.count)
        if let truth {
            let seedAuthorIDs = Set(seedScan.authors.indices.filter { seedScan.authors[$0] }.map { nodes.accounts[$0].platformID })
            let expandedAuthorIDs = Set(expandedAuthors.map { nodes.accounts[$0].platformID })
            seedFound.evaluation = truth.evaluate(posts: seedScan.posts, authors: seedAuthorIDs)
            expandedFound.evaluation = truth.evaluate(posts: expandedScan.posts, authors: expandedAuthorIDs)
        }
        return DiscoveryResult(proposals: proposals, accounts: accounts, laterRounds: laterRounds, accepted: accepted,
                               seed: seedFound, expanded: expandedFound, expandedQuery: expandedText,
                               seedDocuments: seedScan.counter.seedDocuments, documents: seedScan.counter.documents)
    }

    /// One pass: which posts and authors `query` finds, and feature counts against it.
    private func scanDiscovery(_ query: Query, nodes: NodeIndex, loader: inout GraphLoader) async throws -> DiscoveryScan {
        let store = self.store, workspace = self.workspace, period = loader.period
        return try await loader.time("scan posts") {
            var scan = DiscoveryScan(authors: [Bool](repeating: false, count: nodes.count))
            // Tokenised one post at a time: making the page's documents on every core measured
            // 12-15% more CPU (allocations of a whole page of documents) and no faster on 2 cores.
            for try await page in store.graphPosts(workspace: workspace, nodes: nodes) {
                for row in page {
                    guard let node = row.author, period.includes(row.post) else { continue }
                    let document = QueryDocument(post: row.post)
                    let inSeed = query.matches(document)
                    if inSeed {
                        scan.posts.append(row.post.platformID)
                        scan.authors[Int(node)] = true
                    }
                    if row.post.repostOfID == nil { scan.counter.add(document, inSeed: inSeed) }
                }
            }
            return scan
        }
    }
}

/// What one discovery pass counts.
struct DiscoveryScan: Sendable {
    var counter = TopicDiscovery.Counter()
    var authors: [Bool]
    var posts: [String] = []
    var authorCount: Int { authors.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// A topic's truth from generated data: its on-topic posts (the post-truth file named in
/// ground-truth.json) and their authors.
struct TopicPostTruth: Sendable {
    var onTopicPosts: Set<String>
    /// Authors of at least one on-topic post of the topic.
    var onTopicAuthors: Set<String>

    init(path: String, topic: String) throws(EngineError) {
        let truth = try GroundTruthFile.load(path, field: "evaluate")
        guard truth.topics.contains(where: { $0.name == topic }) else {
            throw EngineError(.invalidArgument, field: "topic",
                              "topic '\(topic)' is not in \(path): topics are \(truth.topics.map(\.name).joined(separator: ", "))")
        }
        guard let postTruth = truth.files.postTruth else {
            throw EngineError(.unreadableInput, field: "evaluate",
                              "\(path) names no post-truth file: generate the data again with post truth on")
        }
        let postsPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(postTruth).path
        guard let text = try? String(contentsOfFile: postsPath, encoding: .utf8) else {
            throw EngineError(.unreadableInput, field: "evaluate", "cannot read the post truth \(postsPath)")
        }
        var posts = Set<String>(), authors = Set<String>()
        for (number, line) in text.split(separator: "\n").enumerated() where number > 0 {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count > 6 else {
                throw EngineError(.unreadableInput, field: "evaluate", "\(postsPath):\(number + 1): expected at least 7 fields")
            }
            if fields[6] == topic {
                posts.insert(String(fields[0]))
                authors.insert(String(fields[1]))
            }
        }
        onTopicPosts = posts
        onTopicAuthors = authors
    }

    func evaluate(posts: [String], authors: Set<String>) -> DiscoveryResult.Evaluation {
        let relevant = posts.filter(onTopicPosts.contains).count
        let relevantAuthors = authors.filter(onTopicAuthors.contains).count
        return DiscoveryResult.Evaluation(
            relevantPosts: relevant,
            postPrecision: posts.isEmpty ? 0 : Double(relevant) / Double(posts.count),
            postRecall: onTopicPosts.isEmpty ? 0 : Double(relevant) / Double(onTopicPosts.count),
            relevantAccounts: relevantAuthors,
            accountPrecision: authors.isEmpty ? 0 : Double(relevantAuthors) / Double(authors.count),
            accountRecall: onTopicAuthors.isEmpty ? 0 : Double(relevantAuthors) / Double(onTopicAuthors.count))
    }
}
