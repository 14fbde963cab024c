import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct ConversionsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-conversions",
        abstract: "Record conversions from a CSV file (orders exported by the brand's shop).",
        discussion: """
            Columns (header line first): idempotency_key, value, currency, and click_id (the vgclid the \
            link appended) or code; optional at (default: now). A key seen before is not counted again; \
            a bad line is reported with its number and the others are kept. Each conversion is \
            attributed to its click when the click is at most 7 days older.

            Example:
              vigie campaigns import-conversions orders.csv
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CLIError("\(file) cannot be read as UTF-8 text")
        }
        let engine = try store.engine(mustExist: true)
        let result = try await engine.importConversions(csv: text, file: file)
        if json {
            print(try Output.json(result))
            return
        }
        print("\(result.recorded) conversions recorded (\(result.attributed) attributed to a click), \(result.replayed) already recorded, "
              + "\(result.bad.count) bad lines")
        for bad in result.bad.prefix(20) { print("  \(file):\(bad.line): \(bad.reason)") }
        if result.bad.count > 20 { print("  … and \(result.bad.count - 20) more") }
        if !result.bad.isEmpty { throw ExitCode(2) }
    }
}
