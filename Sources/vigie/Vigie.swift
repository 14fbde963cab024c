import ArgumentParser

@main
struct Vigie: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Vigie: influence intelligence — listen, infer, analyse, measure.",
        discussion: """
            Data lives in an embedded SQLite database: ./vigie.sqlite unless --database or \
            VIGIE_DATABASE names another. Every record belongs to a workspace (one per client \
            brand), `default` unless --workspace says otherwise.
            """,
        subcommands: [
            IngestCommand.self, StatsCommand.self, RejectsCommand.self, PostsCommand.self,
            AccountsCommand.self, QueryCommand.self, CoordinationCommand.self, SynthCommand.self,
            WatchCommand.self, TrendsCommand.self, AlertsCommand.self,
        ]
    )
}
