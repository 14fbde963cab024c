import ArgumentParser

struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Answer data subjects (GDPR): requests, find, export, erase, pseudonyms, retention, purge, record of processing.",
        discussion: """
            Vigie stores public data about people who never signed up to it. These commands answer an \
            access request (export), an erasure request (erase, through every derived record, with a \
            suppression so later imports do not bring the person back), apply the workspace's \
            retention periods, and write the record of processing; `requests` tracks each request from \
            receipt to answer within the one-month deadline; `pseudonyms` shows people by keyed \
            pseudonyms in a workspace's outputs. Every use is audit-logged. \
            See docs/privacy.md.
            """,
        subcommands: [PrivacyFindCommand.self, PrivacyExportCommand.self, PrivacyEraseCommand.self,
                      PrivacyReceiptsCommand.self, PrivacyRequestsCommand.self, PrivacyPseudonymsCommand.self, PrivacyRetentionCommand.self,
                      PrivacyPurgeCommand.self, PrivacyRecordCommand.self]
    )
}
