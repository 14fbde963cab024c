import ArgumentParser
import VigieCore
import VigieEngine

struct PrivacyFindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find the accounts a data subject may be, with what is held about each, to confirm who asks."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("A handle, platform id, name or words.", valueName: "text"))
    var text: String

    @Option(help: ArgumentHelp("What the text is: handle, platform-id, display-name or mention (named in others' posts).",
                               valueName: "kind"))
    var by: SubjectSearch.Kind = .handle

    @Option(help: ArgumentHelp("Only this platform (twitter, mastodon, bluesky…).", valueName: "platform"))
    var platform: Platform?

    @Option(help: ArgumentHelp("At most this many accounts.", valueName: "n"))
    var limit = 20

    @Option(help: ArgumentHelp("The request's reference, kept in the audit log.", valueName: "text"))
    var reason = ""

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let result = try await store.engine(mustExist: true).findSubjects(
            PrivacyFindRequest(kind: by, text: text, platform: platform, limit: limit, reason: reason))
        if json {
            print(try Output.json(result))
            return
        }
        guard !result.matches.isEmpty else {
            print("no account matches in workspace \(result.workspace)")
            return
        }
        print(Output.table(["account", "handle", "name", "posts", "interactions", "named in", "profile"], result.matches.map {
            [$0.key.description, $0.handle.map { "@" + $0 } ?? "", $0.displayName ?? "", String($0.posts),
             String($0.interactions), String($0.mentionedIn), $0.isStub ? "not imported" : "imported"]
        }))
        print("export or erase one with: vigie privacy export|erase PLATFORM:ID")
    }
}

extension SubjectSearch.Kind: ExpressibleByArgument {}
