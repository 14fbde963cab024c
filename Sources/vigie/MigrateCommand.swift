import ArgumentParser
import Foundation
import VigieCore
import VigieMigrate

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite store into an empty PostgreSQL database, then verify the copy.",
        discussion: """
            Every table is copied with its ids (COPY), then both stores are read back through \
            Vigie's storage protocols: the counts per workspace and the checksums of every post, \
            account, watch, alert and reject must match. Watches rebuild their matches when first \
            read. The target must be empty (create it with createdb).
            """
    )

    @Option(help: ArgumentHelp("The SQLite database file to copy.", valueName: "path"))
    var from: String

    @Option(help: ArgumentHelp("The PostgreSQL database to fill: postgres://user[:password]@host[:port]/database.",
                               valueName: "url"))
    var to: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "No progress lines.")
    var quiet = false

    func validate() throws {
        guard to.hasPrefix("postgres://") || to.hasPrefix("postgresql://") else {
            throw ValidationError("--to must be a postgres:// URL (got '\(StoreOptions.printable(to))').")
        }
    }

    func run() async throws {
        let quiet = self.quiet
        let report = try await StoreCopy(from: from, to: to).run { line in
            if !quiet { Output.printError(line) }
        }
        if json {
            print(try Output.json(report))
        } else {
            for check in report.workspaces {
                print("\(check.workspace): \(Output.count(check.posts)) posts, counts \(check.countsMatch ? "match" : "DIFFER"), "
                      + "checksum \(check.targetChecksum) \(check.sourceChecksum == check.targetChecksum ? "matches" : "DIFFERS from \(check.sourceChecksum)")")
            }
            print(report.verified ? "copied and verified in \(String(format: "%.1f", report.seconds)) s"
                                  : "the copy differs from the source (see above)")
        }
        if !report.verified { throw ExitCode(1) }
    }
}
