import ArgumentParser
import VigieCore
import VigieStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count accounts, posts, interactions, deletions and rejects by platform."
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let stats = try store.openStore(mustExist: true).stats(workspace: store.workspace)
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
        print("workspace \(stats.workspace) (\(store.databasePath))")
        print(Output.table(["platform", "accounts", "posts", "versions", "interactions", "deletions"], rows))
        print("rejected records: \(Output.count(stats.rejects))")
    }
}

struct RejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "List the records that could not be imported, with file, line and reason."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "How many to show, newest first.")
    var limit = 50

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let rejects = try store.openStore(mustExist: true).rejects(workspace: store.workspace, limit: limit)
        if json {
            print(try Output.json(rejects))
            return
        }
        if rejects.isEmpty {
            print("no rejected records in workspace \(store.workspace)")
            return
        }
        for reject in rejects {
            print("\(reject.file):\(reject.line): [\(reject.format)] \(reject.reason)")
            let excerpt = reject.excerpt.replacingOccurrences(of: "\n", with: " ")
            print("    " + (excerpt.count > 160 ? String(excerpt.prefix(160)) + "…" : excerpt))
        }
    }
}
