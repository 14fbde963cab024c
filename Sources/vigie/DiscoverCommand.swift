import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct DiscoverCommand: AsyncParsableCommand {
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

    func run() async throws {
        var evaluation: GroundTruthTopic?
        if let evaluate, let topic { evaluation = GroundTruthTopic(path: evaluate, topic: topic) }
        let result = try await store.engine(readOnly: true).discover(DiscoveryRequest(
            seed: query, stemmed: stemmed, period: graphOptions.period, accept: accept, acceptAll: acceptAll,
            rounds: rounds, evaluation: evaluation))
        if json {
            struct Result: Encodable {
                var proposals: [TopicDiscovery.Proposal]
                var accounts: [TopicDiscovery.Proposal]
                var laterRounds: [[TopicDiscovery.Proposal]]
                var accepted: [String]
                var seed: DiscoveryResult.Found
                var expanded: DiscoveryResult.Found
            }
            print(try Output.json(Result(proposals: result.proposals, accounts: Array(result.accounts.prefix(limit)),
                                         laterRounds: result.laterRounds, accepted: result.accepted,
                                         seed: result.seed, expanded: result.expanded)))
            return
        }
        print("Seed \(result.seed.query): \(Output.count(result.seed.posts)) posts by \(Output.count(result.seed.accounts)) accounts "
              + "(\(Output.count(result.seedDocuments)) original posts of \(Output.count(result.documents)))")
        for kind in [TopicDiscovery.Kind.hashtag, .term, .domain] {
            let items = result.proposals.filter { $0.kind == kind }
            print("\n\(kind == .term ? "words" : kind.rawValue + "s") (\(items.count) proposed):")
            print(Self.table(Array(items.prefix(limit))))
        }
        print("\naccounts the seed's authors engage with (\(result.accounts.count) proposed):")
        print(Self.table(Array(result.accounts.prefix(limit))))
        for (index, round) in result.laterRounds.enumerated() {
            print("\nround \(index + 2) (seed: the expansion so far) accepted \(round.count) more: "
                  + round.map { "\($0.queryTerm) (\(String(format: "%.2f", $0.estimatedPrecision)))" }.joined(separator: ", "))
        }
        print("\nExpanded query: \(result.expandedQuery)")
        for (name, found) in [("seed", result.seed), ("expanded", result.expanded)] {
            var line = "  \(name): \(Output.count(found.posts)) posts, \(Output.count(found.accounts)) accounts"
            if let e = found.evaluation {
                line += String(format: " — relevant posts %d (precision %.3f, recall %.3f), relevant accounts %d (precision %.3f, recall %.3f)",
                               e.relevantPosts, e.postPrecision, e.postRecall, e.relevantAccounts, e.accountPrecision, e.accountRecall)
            }
            print(line)
        }
        if let s = result.seed.evaluation, let e = result.expanded.evaluation, s.relevantPosts > 0, s.relevantAccounts > 0 {
            print(String(format: "  the expanded query finds %.1fx the relevant posts and %.1fx the relevant accounts of the seed",
                         Double(e.relevantPosts) / Double(s.relevantPosts), Double(e.relevantAccounts) / Double(s.relevantAccounts)))
        }
        if result.accepted.isEmpty { print("Accept items with --accept ITEM (or --accept-all) to expand the query.") }
    }

    static func table(_ items: [TopicDiscovery.Proposal]) -> String {
        guard !items.isEmpty else { return "  (none)" }
        return Output.table(["item", "seed", "elsewhere", "lift", "G2", "est. precision"], items.map {
            [$0.queryTerm, String($0.inSeed), String($0.outsideSeed), String(format: "%.1f", $0.lift),
             String(format: "%.0f", $0.logLikelihood), String(format: "%.2f", $0.estimatedPrecision)]
        })
    }
}
