import ArgumentParser
import Foundation
import VigieCore
import VigieEngine
import VigieServer

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Manage API tokens: scripts send one as `Authorization: Bearer …` to `vigie serve`.",
        discussion: """
            A token acts as its user, in one workspace only with --workspace. The secret is printed \
            once, at creation; the store keeps only its hash. Revoke a token by its id (tok_…).
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a token and print its secret (once).")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("The user the token acts as.", valueName: "login"))
        var user: String

        @Option(help: ArgumentHelp("What the token is for.", valueName: "text"))
        var name: String

        @Option(help: ArgumentHelp("Valid for this many days (default: until revoked).", valueName: "days"))
        var expiresInDays: Int?

        @Flag(help: "Limit the token to the workspace of --workspace (default: every workspace of the user).")
        var limitToWorkspace = false

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if let expiresInDays, !(1...3650).contains(expiresInDays) {
                throw ValidationError("--expires-in-days must be from 1 to 3650.")
            }
        }

        func run() async throws {
            let engine = try store.engine()
            let access = AccessControl(store: engine.store)
            var created: AccessControl.NewToken?
            try await AccessFailure.translate {
                created = try await access.createToken(user: user, name: name, workspace: limitToWorkspace ? engine.workspace : nil,
                                                       lifetime: expiresInDays.map { .seconds($0 * 86_400) }, actor: "cli")
            }
            guard let created else { return }
            if json {
                print(try Output.json(["id": created.token.id, "secret": created.secret]))
                return
            }
            print("token \(created.token.id) for \(user)" + (created.token.workspace.map { " in workspace \($0)" } ?? ""))
            print("secret (shown once): \(created.secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a user's tokens (never their secrets).")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("The user.", valueName: "login"))
        var user: String

        func run() async throws {
            let tokens = try await store.engine(readOnly: true).store.tokens(user: user)
            func day(_ date: Date?) -> String { date.map { String(DateParsing.iso8601($0).prefix(10)) } ?? "" }
            print(Output.table(["id", "name", "workspace", "created", "last used", "expires", "revoked"], tokens.map {
                [$0.id, $0.name, $0.workspace ?? "(all)", day($0.createdAt), day($0.lastUsedAt), day($0.expiresAt), day($0.revokedAt)]
            }))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token: it stops working at once.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The token's id (tok_…).")
        var id: String

        func run() async throws {
            let access = AccessControl(store: try store.engine().store)
            try await AccessFailure.translate {
                _ = try await access.revokeToken(id: id, owner: nil, actor: "cli")
            }
            print("revoked \(id)")
        }
    }
}
