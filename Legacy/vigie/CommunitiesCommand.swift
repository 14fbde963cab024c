import ArgumentParser
import Foundation
import VigieCore
import VigieStore

struct CommunitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "communities",
        abstract: "Communities of the interaction graph (Louvain), labelled by hashtags, words and central accounts.",
        discussion: """
            Louvain maximises modularity on the undirected, weighted interaction graph. \
            --resolution above 1 finds more, smaller communities; below 1 fewer, larger ones. \
            With --query, each community also shows its share of the topic's posts: which \
            communities the topic lives in.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Option(help: "Louvain resolution (1 is classic modularity).") var resolution = 1.0
    @Option(help: "How many communities to show, largest first.") var limit = 20
    @Option(help: ArgumentHelp("A topic query: show which communities hold its posts.", valueName: "query")) var query: String?
    @Flag(help: "Match the query's words by their stem.") var stemmed = false
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print how long each step took (standard error).") var timings = false

    func validate() throws {
        guard resolution > 0 else { throw ValidationError("--resolution must be positive (1 is classic modularity).") }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
    }

    func run() throws {
        let topicQuery = try query.map { try store.parseQuery($0, stemmed: stemmed) }
        let opened = try store.openStore(mustExist: true)
        let loader = GraphLoader(store: opened, workspace: store.workspace, options: graphOptions)
        let nodes = try loader.nodes()
        let graph = try loader.graph(nodes: nodes)
        let partition = loader.communities(graph, resolution: resolution)
        var profiles = CommunityProfiles(community: partition.community, communityCount: partition.communityCount)
        let options = graphOptions
        try loader.time("label communities") {
            try opened.forEachGraphPost(workspace: store.workspace) { authorRowID, post in
                guard post.repostOfID == nil, options.includes(post), let node = nodes.node(ofRow: authorRowID) else { return }
                let document = QueryDocument(post: post)
                profiles.add(document, node: node, onTopic: topicQuery?.matches(document) ?? false)
            }
        }
        let shown = loader.time("profiles") { profiles.profiles(graph: graph, limit: limit, topic: topicQuery != nil) }
        if timings { loader.printTimings() }
        if json {
            struct Result: Encodable {
                var resolution: Double
                var communities: Int
                var modularity: Double
                var levels: Int
                var topicCommunities: [Int]?
                var profiles: [CommunityProfiles.Profile]
            }
            print(try Output.json(Result(resolution: resolution, communities: partition.communityCount, modularity: partition.modularity,
                                         levels: partition.levels,
                                         topicCommunities: topicQuery == nil ? nil : profiles.topicCommunities().prefix(10).map(\.community),
                                         profiles: shown)))
            return
        }
        print("\(Output.count(partition.communityCount)) communities over \(Output.count(graph.nodeCount)) accounts "
              + String(format: "(modularity %.3f, resolution %g, %d levels)", partition.modularity, resolution, partition.levels))
        if let topicQuery {
            let top = profiles.topicCommunities().prefix(5)
            print("The topic \(topicQuery.description) lives in " + top.map { String(format: "#%d (%.0f%% of its posts)", $0.community, $0.share * 100) }.joined(separator: ", "))
        }
        for profile in shown {
            print("")
            var head = "#\(profile.community): \(Output.count(profile.members)) accounts, \(Output.count(profile.posts)) posts, "
                + String(format: "cohesion %.0f%%", profile.cohesion * 100)
            if let share = profile.topicShare { head += String(format: ", %.0f%% of the topic's posts", share * 100) }
            print(head)
            if !profile.hashtags.isEmpty { print("  hashtags: " + profile.hashtags.map { "\($0.value) (\($0.posts), lift \(String(format: "%.1f", $0.lift)))" }.joined(separator: ", ")) }
            if !profile.terms.isEmpty { print("  words: " + profile.terms.map { "\($0.value) (lift \(String(format: "%.1f", $0.lift)))" }.joined(separator: ", ")) }
            if !profile.centralAccounts.isEmpty { print("  central: " + profile.centralAccounts.map(\.account).joined(separator: ", ")) }
        }
    }
}
