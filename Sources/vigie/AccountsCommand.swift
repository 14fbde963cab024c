import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Look at stored accounts.",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an account: profile, counts, activity and recent posts."
        )

        @OptionGroup var store: StoreOptions

        @Argument(help: "Handle (with or without @) or platform id.")
        var handle: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let details = try await store.engine(readOnly: true).accounts(named: handle)
            if json {
                print(try Output.json(details))
                return
            }
            for (index, detail) in details.enumerated() {
                if index > 0 { print("") }
                print(describe(detail))
            }
        }

        private func describe(_ detail: AccountDetail) -> String {
            let a = detail.account
            func show(_ value: Int?) -> String { value.map(Output.count) ?? "unknown" }
            func show(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "unknown" }
            var lines = ["@\(a.handle ?? a.platformID)  (\(a.platform.rawValue) id \(a.platformID))"]
            if let name = a.displayName { lines.append("name:       \(name)") }
            if let bio = a.bio, !bio.isEmpty { lines.append("bio:        \(bio.replacingOccurrences(of: "\n", with: " "))") }
            if let created = a.createdAt { lines.append("created:    \(DateParsing.iso8601(created))") }
            lines.append("followers:  \(show(a.followers))   following: \(show(a.following))   posts: \(show(a.postsCount))")
            lines.append("verified:   \(show(a.verified))   declared bot: \(show(a.declaredBot))   default image: \(show(a.defaultProfileImage))")
            if let status = a.status { lines.append("status:     \(status.rawValue)") }
            lines.append("stored:     \(Output.count(detail.postCount)) posts"
                         + (detail.firstPostAt.map { " from \(DateParsing.iso8601($0))" } ?? "")
                         + (detail.lastPostAt.map { " to \(DateParsing.iso8601($0))" } ?? ""))
            if !detail.interactionsOut.isEmpty {
                lines.append("engages:    " + detail.interactionsOut.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if !detail.interactionsIn.isEmpty {
                lines.append("engaged by: " + detail.interactionsIn.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            for post in detail.recentPosts {
                let text = post.text.replacingOccurrences(of: "\n", with: " ")
                lines.append("  \(DateParsing.iso8601(post.createdAt))  " + (text.count > 120 ? String(text.prefix(120)) + "…" : text))
            }
            return lines.joined(separator: "\n")
        }
    }
}
