import ArgumentParser
import VigieEngine

struct PrivacyRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Write the workspace's record of processing (Art. 30) from its configuration, as Markdown or JSON."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Language: en or fr.", valueName: "lang"))
    var language: DocumentLanguage = .en

    @Option(help: ArgumentHelp("The controller's name (the client brand).", valueName: "name"))
    var controller: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let record = try await store.engine(readOnly: true, mustExist: true)
            .processingRecord(ProcessingRecordRequest(language: language, controller: controller))
        print(json ? try Output.json(record) : record.markdown)
    }
}
