import ArgumentParser
import Foundation
import VigieEngine

struct PrivacyExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Answer an access request (Art. 15): everything held about one person, as JSON and a readable HTML page.",
        discussion: """
            The export holds the profile and its history, posts and their versions, interactions both \
            ways, posts of others naming the person, saved-search matches, alerts, deletion notices, \
            the inauthenticity score with its reasons, and the Art. 15 information (purposes, \
            categories, recipients, retention, sources, the logic of the scores, rights). Vigie keeps \
            no copy: the files are written only where you say.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var model: ModelOptions

    @Argument(help: ArgumentHelp("The person: PLATFORM:ID (twitter:12345) or @handle (default: the request's).", valueName: "subject"))
    var subject: String?

    @Option(help: ArgumentHelp("The tracked access request this answers (see `vigie privacy requests`).", valueName: "id"))
    var request: Int64?

    @Option(help: ArgumentHelp("Write the JSON export to this file (default: standard output).", valueName: "path"))
    var jsonFile: String?

    @Option(help: ArgumentHelp("Write the HTML summary to this file.", valueName: "path"))
    var htmlFile: String?

    @Option(help: ArgumentHelp("Language of the HTML page and the Art. 15 texts: en or fr.", valueName: "lang"))
    var language: DocumentLanguage = .en

    @Flag(help: "Leave out the inauthenticity score (no trust model needed).")
    var noScores = false

    @Option(help: ArgumentHelp("The request's reference, kept in the audit log.", valueName: "text"))
    var reason = ""

    func validate() throws {
        if subject == nil && request == nil {
            throw ValidationError("name the person (PLATFORM:ID or @handle) or the request it answers (--request ID).")
        }
    }

    func run() async throws {
        let engine = try store.engine(mustExist: true, trustModel: model.model)
        let result = try await engine.exportSubject(PrivacyExportRequest(
            subject: subject ?? "", language: language, includeScores: !noScores, reason: reason, requestID: request))
        if let htmlFile { try write(Data(result.html.utf8), to: htmlFile) }
        if let jsonFile {
            try write(result.json, to: jsonFile)
        } else {
            print(String(decoding: result.json, as: UTF8.self))
        }
        let records = result.export.records
        Output.printError("""
            exported \(result.export.subject): \(records.posts.count) posts, \(records.versions.count) versions, \
            \(records.interactionsMade.count + records.interactionsReceived.count) interactions, \
            \(records.alerts.count) alerts, \(records.campaigns.count) campaigns, \(records.links.count) links in \(String(format: "%.2f", result.seconds)) s
            """)
        for note in result.export.notes { Output.printError("note: \(note)") }
        if let answered = result.request {
            Output.printError("request \(answered.id) completed; export SHA-256 \(answered.exportDigest ?? "")")
        }
    }

    private func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError("cannot write \(path): \(error.localizedDescription); choose another file")
        }
    }
}

extension DocumentLanguage: ExpressibleByArgument {}
