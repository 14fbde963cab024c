import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct PrivacyPseudonymsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudonyms",
        abstract: "Show people by stable keyed pseudonyms instead of handles and names (per workspace).",
        discussion: """
            When on, `vigie query`, `vigie posts search` and `vigie graph export` name every author, \
            mention and @handle \
            as p-<12 hex digits> (an HMAC under the workspace's key: the same person always gets the \
            same pseudonym), without names or biographies, and every other command that would \
            print people refuses to run until it is turned off. An owner finds who a pseudonym \
            stands for with `reveal`, which is audited. See docs/privacy.md.
            """,
        subcommands: [Status.self, On.self, Off.self, Reveal.self],
        defaultSubcommand: Status.self
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Say whether the mode is on.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let status = try await store.engine(readOnly: true, mustExist: true).pseudonymisationStatus()
            print("pseudonymisation is \(status.on ? "on" : "off") in workspace \(status.workspace)")
        }
    }

    struct On: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "on", abstract: "Show people by pseudonym from now on.")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Why, kept in the audit log.", valueName: "text"))
        var reason = ""

        func run() async throws {
            let status = try await store.engine().setPseudonymisation(true, reason: reason)
            print("pseudonymisation is on in workspace \(status.workspace)")
        }
    }

    struct Off: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "off", abstract: "Show handles and names again.")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Why, kept in the audit log.", valueName: "text"))
        var reason = ""

        func run() async throws {
            let status = try await store.engine(mustExist: true).setPseudonymisation(false, reason: reason)
            print("pseudonymisation is off in workspace \(status.workspace)")
        }
    }

    struct Reveal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reveal", abstract: "Say who a pseudonym stands for (an owner's act, audited with its reason).")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The pseudonym (p-…).", valueName: "pseudonym"))
        var pseudonym: String

        @Option(help: ArgumentHelp("Why the identity is needed (kept in the audit log).", valueName: "text"))
        var reason: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let owners = try await store.engine(mustExist: true).revealPseudonym(pseudonym, reason: reason)
            if json {
                print(try Output.json(owners))
            } else if owners.isEmpty {
                print("no account or mentioned handle of this workspace has the pseudonym \(pseudonym)")
            } else {
                print(Output.table(["platform", "id", "handle"], owners.map {
                    [$0.platform.rawValue, $0.platformID ?? "(only mentioned)", $0.handle.map { "@" + $0 } ?? ""]
                }))
            }
        }
    }
}
