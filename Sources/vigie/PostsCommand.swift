import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct PostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posts",
        abstract: "Look at stored posts.",
        subcommands: [Search.self]
    )

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Full-text search over post text; case and accents are folded (reseau finds réseau)."
        )

        @OptionGroup var store: StoreOptions

        @Argument(help: "Words to find (all of them must appear).")
        var text: [String]

        @Option(help: "How many posts to show.")
        var limit = 20

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
        }

        func run() async throws {
            let query = text.joined(separator: " ")
            let engine = try store.engine(readOnly: true)
            var posts = try await engine.searchPosts(query, limit: limit)
            if let pseudonyms = try await engine.outputPseudonymizer() {
                posts = try await engine.pseudonymised(posts, with: pseudonyms)
            }
            if json {
                print(try Output.json(posts))
                return
            }
            if posts.isEmpty {
                print("no post matches \"\(query)\" in workspace \(engine.workspace)")
                return
            }
            for post in posts {
                print(Output.post(post))
            }
        }
    }
}
