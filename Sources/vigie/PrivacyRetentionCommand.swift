import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct PrivacyRetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show, set and apply the workspace's retention periods (storage limitation, Art. 5).",
        discussion: """
            Periods are in days per kind of data: posts (with everything derived from them), \
            interactions, profiles (no longer linked to kept data), metrics (count history), alerts, \
            rejects (raw input lines). Defaults: 395 days (13 months), rejects 90. `apply` shows what \
            would go; with --yes it deletes it, in short transactions (the same as `vigie privacy purge`, \
            which `vigie serve` runs every day once the periods were set: until then the defaults \
            are only applied by hand).
            """,
        subcommands: [Show.self, Set.self, Apply.self],
        defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the retention periods.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let engine = try store.engine(readOnly: true, mustExist: true)
            print(PrivacyRetentionCommand.table(try await engine.retentionPolicy()))
            if try await !engine.isRetentionSet() {
                print("These are the defaults, never set: `vigie serve` does not purge this workspace on its own until "
                      + "they are (`vigie privacy retention set --defaults`, or other periods).")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Change retention periods (days, or `never`).")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Posts and their derived data.", valueName: "days|never")) var posts: Period?
        @Option(help: ArgumentHelp("Explicit interactions (likes, follows, reposts).", valueName: "days|never")) var interactions: Period?
        @Option(help: ArgumentHelp("Profiles not seen since and no longer linked to kept data.", valueName: "days|never")) var profiles: Period?
        @Option(help: ArgumentHelp("Follower and post count history.", valueName: "days|never")) var metrics: Period?
        @Option(help: ArgumentHelp("Fired alerts with their evidence.", valueName: "days|never")) var alerts: Period?
        @Option(help: ArgumentHelp("Rejected input lines.", valueName: "days|never")) var rejects: Period?

        @Flag(help: "Start from the defaults (13 months; rejects 3 months).")
        var defaults = false

        @Option(help: ArgumentHelp("Why, kept in the audit log.", valueName: "text"))
        var reason = ""

        func run() async throws {
            var days: [RetentionPolicy.DataKind: Int?] = [:]
            let given: [(RetentionPolicy.DataKind, Period?)] = [(.posts, posts), (.interactions, interactions), (.profiles, profiles),
                                                                (.metrics, metrics), (.alerts, alerts), (.rejects, rejects)]
            for (kind, period) in given { if let period { days[kind] = period.days } }
            guard !days.isEmpty || defaults else {
                throw ValidationError("name at least one period (--posts 395, --rejects never…) or --defaults.")
            }
            let policy = try await store.engine().setRetention(RetentionSetRequest(days: days, resetToDefaults: defaults, reason: reason))
            print(PrivacyRetentionCommand.table(policy))
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "apply", abstract: "Delete what is older than the periods (a dry run without --yes).")

        @OptionGroup var store: StoreOptions

        @OptionGroup var purge: RetentionPurgeOptions

        func run() async throws {
            try await purge.run(on: store, command: "vigie privacy retention apply")
        }
    }

    /// `395` or `never`.
    struct Period: ExpressibleByArgument {
        var days: Int?

        init?(argument: String) {
            if argument.lowercased() == "never" { days = nil; return }
            guard let value = Int(argument), value >= 1 else { return nil }
            days = value
        }
    }

    static func table(_ policy: RetentionPolicy) -> String {
        Output.table(["data", "kept for"], RetentionPolicy.DataKind.allCases.map { kind in
            [kind.rawValue, policy.days[kind].map { "\($0) days" } ?? "no limit"]
        })
    }
}
