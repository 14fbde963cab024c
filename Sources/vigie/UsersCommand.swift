import ArgumentParser
import Foundation
import VigieCore
import VigieEngine
import VigieServer

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage who may sign in to `vigie serve`, and their role in each workspace.",
        discussion: """
            Roles per workspace: owner (everything, members and audit log), analyst (reads, changes \
            watches and alerts, imports), viewer (reads only: what a client gets). Passwords are \
            stored as bcrypt hashes; changes are written to the audit log as done by `cli`.
            """,
        subcommands: [Add.self, List.self, Remove.self, Grant.self, Revoke.self, Password.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user (the password is read from the terminal, from stdin, or generated).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The login: letters, digits, '.', '_', '-', '@' (at most 64).")
        var name: String

        @Option(help: ArgumentHelp("The name shown in the dashboard.", valueName: "text"))
        var displayName: String?

        @Option(help: ArgumentHelp("Give the user this role in the workspace (with --workspace, default: default).",
                                   valueName: "owner|analyst|viewer"))
        var role: WorkspaceRole?

        @Flag(help: "Read the password from the first line of standard input.")
        var passwordStdin = false

        @Flag(help: "Generate a strong password and print it (once).")
        var generatePassword = false

        func validate() throws {
            guard !(passwordStdin && generatePassword) else {
                throw ValidationError("choose one of --password-stdin and --generate-password.")
            }
        }

        func run() async throws {
            let engine = try store.engine()
            let access = AccessControl(store: engine.store)
            let password = try PasswordInput.read(stdin: passwordStdin, generate: generatePassword)
            try await AccessFailure.translate {
                try await access.addUser(name: name, password: password, displayName: displayName, actor: "cli")
                if let role { try await access.grant(role, user: name, workspace: engine.workspace, actor: "cli") }
            }
            print("added user \(name)" + (role.map { ", \($0.rawValue) of workspace \(engine.workspace)" } ?? ""))
            if generatePassword { print("password: \(password)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users and their roles.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let engine = try store.engine(readOnly: true)
            struct Row: Encodable {
                var user: UserAccount
                var memberships: [Membership]
            }
            var rows: [Row] = []
            for user in try await engine.store.users() {
                rows.append(Row(user: user, memberships: try await engine.store.memberships(user: user.name)))
            }
            if json {
                print(try Output.json(rows))
                return
            }
            if rows.isEmpty {
                print("no users yet: add one with `vigie users add NAME --role owner`")
                return
            }
            print(Output.table(["user", "name", "workspaces"], rows.map { row in
                [row.user.name, row.user.displayName ?? "",
                 row.memberships.map { "\($0.workspace) (\($0.role.rawValue))" }.joined(separator: ", ")]
            }))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a user, their sessions and their API tokens.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The login.")
        var name: String

        func run() async throws {
            let access = AccessControl(store: try store.engine().store)
            guard try await access.removeUser(name: name, actor: "cli") else {
                throw CLIError("no user named '\(name)' (see `vigie users list`)")
            }
            print("removed user \(name)")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant",
            abstract: "Give a user a role in a workspace (replacing the role they had there).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The login.")
        var name: String

        @Argument(help: "The workspace.")
        var workspace: String

        @Argument(help: "owner, analyst or viewer.")
        var role: WorkspaceRole

        func run() async throws {
            let access = AccessControl(store: try store.engine().store)
            try await AccessFailure.translate {
                try await access.grant(role, user: name, workspace: workspace, actor: "cli")
            }
            print("\(name) is \(role.rawValue) of workspace \(workspace)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Take a user out of a workspace.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The login.")
        var name: String

        @Argument(help: "The workspace.")
        var workspace: String

        func run() async throws {
            let access = AccessControl(store: try store.engine().store)
            guard try await access.revoke(user: name, workspace: workspace, actor: "cli") else {
                throw CLIError("\(name) is not a member of workspace \(workspace) (see `vigie users list`)")
            }
            print("\(name) is no longer a member of workspace \(workspace)")
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "password", abstract: "Set a user's password (their sessions end).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The login.")
        var name: String

        @Flag(help: "Read the password from the first line of standard input.")
        var passwordStdin = false

        @Flag(help: "Generate a strong password and print it (once).")
        var generatePassword = false

        func run() async throws {
            let access = AccessControl(store: try store.engine().store)
            let password = try PasswordInput.read(stdin: passwordStdin, generate: generatePassword)
            try await AccessFailure.translate {
                try await access.setPassword(user: name, password: password, actor: "cli")
            }
            print("password of \(name) changed")
            if generatePassword { print("password: \(password)") }
        }
    }
}

extension WorkspaceRole: ExpressibleByArgument {}

/// Where a new password comes from: the terminal (not echoed), stdin, or generated.
enum PasswordInput {
    static func read(stdin: Bool, generate: Bool) throws -> String {
        if generate { return AccessControl.generatePassword() }
        if stdin {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIError("no password on standard input")
            }
            return line
        }
        guard isatty(0) != 0, let first = getpass("Password: ").map({ String(cString: $0) }),
              let second = getpass("Password again: ").map({ String(cString: $0) }) else {
            throw CLIError("no terminal to ask the password on: use --password-stdin or --generate-password")
        }
        guard first == second else { throw CLIError("the two passwords differ") }
        return first
    }
}

/// Access errors in the CLI's words.
enum AccessFailure {
    static func translate(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as AccessError {
            let hint: String
            switch (error.code, error.field) {
            case (.notFound, "user"?), (.notFound, "name"?): hint = " (see `vigie users list`)"
            case (.alreadyExists, _): hint = " (`vigie users password` changes a password)"
            default: hint = ""
            }
            throw CLIError(error.message + hint)
        }
    }
}
