import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct CommunitiesCommand: AsyncParsableCommand {
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

    func run() async throws {
        let result = try await store.engine(readOnly: true).communities(CommunitiesRequest(
            period: graphOptions.period, resolution: resolution, limit: limit,
            topic: query.map { .query($0, stemmed: stemmed) }))
        if timings { Timings.print(result.timings) }
        if json {
            struct Result: Encodable {
                var resolution: Double
                var communities: Int
                var modularity: Double
                var levels: Int
                var topicCommunities: [Int]?
                var profiles: [CommunityProfiles.Profile]
            }
            print(try Output.json(Result(resolution: resolution, communities: result.communityCount, modularity: result.modularity,
                                         levels: result.levels, topicCommunities: result.topicCommunities?.map(\.community),
                                         profiles: result.profiles)))
            return
        }
        print("\(Output.count(result.communityCount)) communities over \(Output.count(result.accounts)) accounts "
              + String(format: "(modularity %.3f, resolution %g, %d levels)", result.modularity, resolution, result.levels))
        if let topicQuery = result.topicQuery, let top = result.topicCommunities?.prefix(5) {
            print("The topic \(topicQuery.description) lives in " + top.map { String(format: "#%d (%.0f%% of its posts)", $0.community, $0.share * 100) }.joined(separator: ", "))
        }
        for profile in result.profiles {
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
