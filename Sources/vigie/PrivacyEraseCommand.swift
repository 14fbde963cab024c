import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct PrivacyEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase one person (Art. 17) through every derived record, and keep them from coming back.",
        discussion: """
            Removes the account and its profile history, its posts with their versions, index entries, \
            hashtags, mentions and links, interactions both ways, reposts of its posts, saved-search \
            matches, alerts and deletion notices naming it, and redacts other people's posts that \
            mention it. A keyed hash of the account joins the suppression list, so a re-import or a \
            live source does not store it again. The receipt names the person by that hash only. \
            It runs as short transactions, so other writers wait little; if it is stopped midway, \
            run the same command again (name the person as PLATFORM:ID) to finish it. \
            Asks for confirmation unless --yes is given.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The person: PLATFORM:ID (twitter:12345) or @handle (default: the request's).", valueName: "subject"))
    var subject: String?

    @Option(help: ArgumentHelp("The tracked erasure or objection request this answers (see `vigie privacy requests`).",
                               valueName: "id"))
    var request: Int64?

    @Option(help: ArgumentHelp("Why: the request's reference (kept in the receipt and the audit log; default with --request: request ID).",
                               valueName: "text"))
    var reason: String?

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Do not add the person to the suppression list (a platform deletion that may be undone).")
    var noSuppression = false

    @Flag(help: "Skip the rewrite of the full-text index and log (faster; the bytes stay on disk until the next compaction).")
    var noCompaction = false

    @Flag(help: "Print the receipt as JSON.")
    var json = false

    func validate() throws {
        if subject == nil && request == nil {
            throw ValidationError("name the person (PLATFORM:ID or @handle) or the request it answers (--request ID).")
        }
        if reason == nil && request == nil {
            throw ValidationError("give the reason for the erasure with --reason (the request's reference), or --request ID.")
        }
    }

    func run() async throws {
        let engine = try store.engine(mustExist: true)
        if !yes { try await confirm(engine) }
        let result = try await engine.eraseSubject(PrivacyEraseRequest(
            subject: subject ?? "", reason: reason ?? "", suppress: !noSuppression, compact: !noCompaction, requestID: request))
        if json {
            print(try Output.json(result))
        } else {
            let receipt = result.receipt
            print("erased \(subject ?? "the subject of request \(request ?? 0)") from workspace \(receipt.workspace): receipt \(receipt.id), subject \(receipt.subjectHash.prefix(16))…")
            print(Output.table(["record", "rows"], receipt.counts.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }))
            print("\(receipt.totalRows) rows in \(String(format: "%.2f", receipt.durationSeconds)) s; "
                  + (receipt.compacted ? "index and log rewritten" : "bytes not yet compacted"))
        }
        if let answered = result.request { print("request \(answered.id) completed") }
        for note in result.notes { Output.printError("note: \(note)") }
    }

    /// Shows who would be erased and waits for `yes` on a terminal; refuses without one.
    private func confirm(_ engine: Engine) async throws {
        guard isatty(STDIN_FILENO) != 0 else {
            throw CLIError("erasing cannot be undone: add --yes to confirm (standard input is not a terminal)")
        }
        var reference = subject ?? ""
        if subject == nil, let request { reference = try await engine.privacyRequest(request).subject }
        let search = SubjectReference(reference).accountKey.map { SubjectSearch(.platformID, $0.platformID, platform: $0.platform) }
            ?? SubjectSearch(.handle, reference)
        let matches = try await engine.store.findSubjects(search, workspace: engine.workspace, limit: 5)
        for match in matches {
            print("\(match.key) \(match.handle.map { "@" + $0 } ?? "") \(match.displayName ?? ""): "
                  + "\(match.posts) posts, \(match.interactions) interactions, named in \(match.mentionedIn) posts")
        }
        print("Erase this person from workspace \(engine.workspace)? This cannot be undone. Type yes: ", terminator: "")
        guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
            throw CLIError("not erased (answer was not yes)")
        }
    }
}
