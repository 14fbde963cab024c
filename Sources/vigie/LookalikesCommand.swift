import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct LookalikesCommand: AsyncParsableCommand {
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

    func run() async throws {
        let result = try await store.engine(readOnly: true).lookalikes(
            LookalikesRequest(handle: handle, period: graphOptions.period, limit: limit))
        let account = result.account
        if result.accountsNamed > 1 {
            Output.printError("note: '\(handle)' names \(result.accountsNamed) accounts; using \(account.label) (\(account.platformID))")
        }
        if json { print(try Output.json(result.matches)); return }
        guard !result.matches.isEmpty else {
            print("\(account.label): no account shares at least two engagers with it")
            return
        }
        print("Accounts like \(account.label):")
        print(Output.table(["account", "followers", "score", "engagers", "shared", "profile", "shared topics"], result.matches.map { m in
            [m.account, m.followers.map(Output.count) ?? "?", String(format: "%.3f", m.score), String(format: "%.3f", m.engagerSimilarity),
             String(m.sharedEngagers), m.profileSimilarity.map { String(format: "%.3f", $0) } ?? "-", m.sharedTopics.joined(separator: " ")]
        }))
    }
}
