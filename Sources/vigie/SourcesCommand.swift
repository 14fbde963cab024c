import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Live sources: add, list (state, lag, rate, reconnects, last error), pause, resume, remove.",
        discussion: "`vigie listen` runs every source that is not paused; changes made here reach it within seconds.",
        subcommands: [SourcesAddCommand.self, List.self, Pause.self, Resume.self, Remove.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The sources, with what their listener last reported.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let engine = try store.engine(readOnly: true)
            let reports = try await engine.sources()
            if json {
                print(try Output.json(reports))
                return
            }
            guard !reports.isEmpty else {
                print("no source in workspace \(engine.workspace): `vigie sources add jetstream` or `vigie sources add mastodon --instance URL --hashtag TAG`")
                return
            }
            let rows = reports.map { report in
                [report.name, report.kind.rawValue, report.state,
                 report.lagSeconds.map(Self.lag) ?? "-",
                 report.eventsPerSecond.map { String(format: "%.1f", $0) } ?? "-",
                 report.events.map(Output.count) ?? "-",
                 report.reconnects.map(String.init) ?? "-",
                 report.target]
            }
            print(Output.table(["name", "kind", "state", "lag", "events/s", "events", "reconnects", "listening to"], rows))
            for report in reports {
                if let detail = report.detail, report.state != "paused" { print("\(report.name): \(detail)") }
                if let error = report.lastError {
                    let when = report.lastErrorAt.map { " (\(DateParsing.iso8601($0)))" } ?? ""
                    print("\(report.name): last error\(when): \(error)")
                }
                if let cursor = report.cursor { print("\(report.name): stored up to \(cursor)") }
            }
        }

        static func lag(_ seconds: Double) -> String {
            seconds < 120 ? String(format: "%.1f s", seconds) : TrendDuration.format((seconds / 60).rounded() * 60)
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pause", abstract: "Stop listening to a source (its data and cursor stay).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The source's name.")
        var name: String

        func run() async throws {
            try await store.engine().setSourcePaused(true, name: name)
            print("source \(name) paused")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Listen to a paused source again, from where its data stops.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The source's name.")
        var name: String

        func run() async throws {
            try await store.engine().setSourcePaused(false, name: name)
            print("source \(name) resumed")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a source, its token and cursor (what it stored stays).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The source's name.")
        var name: String

        func run() async throws {
            try await store.engine().removeSource(named: name)
            print("source \(name) removed")
        }
    }
}
