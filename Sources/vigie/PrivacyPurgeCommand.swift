import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct PrivacyPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete what is older than the retention periods, with its derived data (a dry run without --yes).",
        discussion: """
            The purge `vigie serve` runs every day (--purge-interval), run by hand: the same as \
            `vigie privacy retention apply`. It deletes in short transactions (at most about 40 ms \
            each), so imports and the server keep going while it runs. See `vigie privacy retention` \
            for the periods.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var purge: RetentionPurgeOptions

    func run() async throws {
        try await purge.run(on: store, command: "vigie privacy purge")
    }
}

/// `--yes` and `--json` of a retention purge, and the purge itself: `vigie privacy purge` and
/// `vigie privacy retention apply` are one operation under two names, so they share this.
struct RetentionPurgeOptions: ParsableArguments {
    @Flag(help: "Delete; without it, only count what would go.")
    var yes = false

    @Flag(help: "Print JSON.")
    var json = false

    /// Runs the purge (or its dry run) and prints what it did; `command` is named in the dry
    /// run's hint, so each name tells its own way to delete.
    func run(on store: StoreOptions, command: String) async throws {
        let summary = try await store.engine(mustExist: true).applyRetention(RetentionApplyRequest(dryRun: !yes))
        if json {
            print(try Output.json(summary))
            return
        }
        print(Output.table(["data", "cutoff", yes ? "removed" : "would remove"], RetentionPolicy.DataKind.allCases.map { kind in
            [kind.rawValue, summary.cutoffs[kind].map { String($0.ISO8601Format().prefix(10)) } ?? "never",
             summary.removed[kind].map(String.init) ?? "—"]
        }))
        if yes {
            print("\(summary.batches) transactions, the longest \(String(format: "%.1f", summary.longestBatchMilliseconds)) ms")
        } else {
            print("dry run: nothing deleted; run `\(command) --yes` to delete")
        }
    }
}
