import ArgumentParser
import VigieCore
import VigieEngine

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count accounts, posts, interactions, deletions and rejects by platform."
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let engine = try store.engine(readOnly: true)
        let stats = try await engine.stats()
        if json {
            print(try Output.json(stats))
            return
        }
        var rows = stats.byPlatform.sorted { $0.key < $1.key }.map { platform, c in
            [platform, Output.count(c.accounts), Output.count(c.posts), Output.count(c.postVersions),
             Output.count(c.interactions), Output.count(c.tombstones)]
        }
        let t = stats.total
        rows.append(["total", Output.count(t.accounts), Output.count(t.posts), Output.count(t.postVersions),
                     Output.count(t.interactions), Output.count(t.tombstones)])
        print("workspace \(stats.workspace) (\(engine.store.location))")
        print(Output.table(["platform", "accounts", "posts", "versions", "interactions", "deletions"], rows))
        print("rejected records: \(Output.count(stats.rejects))")
    }
}
