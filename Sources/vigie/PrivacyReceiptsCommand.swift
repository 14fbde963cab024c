import ArgumentParser
import Foundation
import VigieEngine

struct PrivacyReceiptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts",
        abstract: "List erasure receipts: when, by whom, why and how many rows, naming each person by a keyed hash."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("At most this many, newest first.", valueName: "n"))
    var limit = 50

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let engine = try store.engine(readOnly: true, mustExist: true)
        let receipts = try await engine.store.erasureReceipts(workspace: engine.workspace, limit: limit)
        if json {
            print(try Output.json(receipts))
            return
        }
        print(Output.table(["id", "erased at", "subject", "by", "reason", "rows", "compacted"], receipts.map {
            [String($0.id), $0.erasedAt.ISO8601Format(), String($0.subjectHash.prefix(16)) + "…", $0.actor, $0.reason,
             String($0.totalRows), $0.compacted ? "yes" : "no"]
        }))
    }
}
