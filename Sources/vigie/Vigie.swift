import ArgumentParser
import Foundation

@main
struct Vigie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Vigie: influence intelligence — listen, infer, analyse, measure.",
        discussion: """
            Data lives in an embedded SQLite database: ./vigie.sqlite unless --database or \
            VIGIE_DATABASE names another. Every record belongs to a workspace (one per client \
            brand), `default` unless --workspace or VIGIE_WORKSPACE says otherwise.
            """,
        subcommands: [
            // Listen
            IngestCommand.self, StatsCommand.self, RejectsCommand.self, PostsCommand.self,
            AccountsCommand.self, SynthCommand.self,
            WorkerCommand.self, SourcesCommand.self, ListenCommand.self, DevCommand.self,
            // Analyse
            QueryCommand.self, WatchCommand.self, LanguageCommand.self, SentimentCommand.self,
            TrendsCommand.self, AlertsCommand.self,
            TrustCommand.self,
            InfluencersCommand.self, DiscoverCommand.self, CommunitiesCommand.self, LookalikesCommand.self,
            GraphCommand.self, CoordinationCommand.self,
            // Serve
            ServeCommand.self, UsersCommand.self, TokensCommand.self,
            // Privacy
            PrivacyCommand.self,
            // Act and measure
            CampaignsCommand.self, LinksCommand.self,
            // Scale out
            MigrateCommand.self,
        ]
    )

    /// Parses, runs, and reports failures in the CLI's words (``ErrorTranslation``).
    static func main() async {
        do {
            var command = try parseAsRoot()
            try await PseudonymGate.check(command)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: ErrorTranslation.translate(error))
        }
    }
}
