import ArgumentParser
import Foundation
import VigieCore
import VigieStore

struct LookalikesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookalikes",
        abstract: "Accounts most similar to one: the same people engage with them, and they post about the same things.",
        discussion: """
            Score = 0.7 × cosine similarity of the weighted engager vectors (who replies to, reposts, \
            quotes, mentions, likes or follows them) + 0.3 × cosine similarity of their hashtag and \
            link-domain profiles. Accounts sharing fewer than two engagers are not proposed.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Argument(help: "The account: @handle, handle or platform id.") var handle: String
    @Option(help: "How many accounts to show.") var limit = 20
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive.") }
    }

    func run() throws {
        let opened = try store.openStore(mustExist: true)
        let loader = GraphLoader(store: opened, workspace: store.workspace, options: graphOptions)
        let nodes = try loader.nodes()
        let matches = nodes.nodes(named: handle)
        guard let target = matches.first else { throw CLIError("no account '\(handle)' in workspace '\(store.workspace)': check it with `vigie accounts show`") }
        if matches.count > 1 {
            Output.printError("note: '\(handle)' names \(matches.count) accounts; using \(nodes.accounts[Int(target)].label) (\(nodes.accounts[Int(target)].platformID))")
        }
        let graph = try loader.graph(nodes: nodes)
        let finder = Lookalikes()
        let candidates = finder.engagerNeighbours(of: target, graph: graph, limit: max(200, limit * 5))
        var wanted = Set(candidates.map(\.node))
        wanted.insert(target)
        var profiles: [Int32: [String: Double]] = [:]
        let options = graphOptions
        try opened.forEachGraphPost(workspace: store.workspace) { authorRowID, post in
            guard options.includes(post), let node = nodes.node(ofRow: authorRowID), wanted.contains(node) else { return }
            for feature in Lookalikes.profileFeatures(of: post) { profiles[node, default: [:]][feature, default: 0] += 1 }
        }
        let ranked = finder.rank(candidates, graph: graph, profiles: profiles, target: target, limit: limit)
        if json { print(try Output.json(ranked)); return }
        let account = nodes.accounts[Int(target)]
        guard !ranked.isEmpty else {
            print("\(account.label): no account shares at least two engagers with it")
            return
        }
        print("Accounts like \(account.label):")
        print(Output.table(["account", "followers", "score", "engagers", "shared", "profile", "shared topics"], ranked.map { m in
            [m.account, m.followers.map(Output.count) ?? "?", String(format: "%.3f", m.score), String(format: "%.3f", m.engagerSimilarity),
             String(m.sharedEngagers), m.profileSimilarity.map { String(format: "%.3f", $0) } ?? "-", m.sharedTopics.joined(separator: " ")]
        }))
    }
}
