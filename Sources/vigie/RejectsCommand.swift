import ArgumentParser
import VigieCore
import VigieEngine

struct RejectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "List the records that could not be imported, with file, line and reason."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "How many to show, newest first.")
    var limit = 50

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
    }

    func run() async throws {
        let engine = try store.engine(readOnly: true)
        let rejects = try await engine.rejects(limit: limit)
        if json {
            print(try Output.json(rejects))
            return
        }
        if rejects.isEmpty {
            print("no rejected records in workspace \(engine.workspace)")
            return
        }
        for reject in rejects {
            print("\(reject.file):\(reject.line): [\(reject.format)] \(reject.reason)")
            let excerpt = reject.excerpt.replacingOccurrences(of: "\n", with: " ")
            print("    " + (excerpt.count > 160 ? String(excerpt.prefix(160)) + "…" : excerpt))
        }
    }
}
