import ArgumentParser
import Foundation
import VigieCore
import VigiePostgres

/// Commands that may run while a workspace shows people by pseudonym: they pseudonymise what
/// they print, print no identity from the corpus, or are an owner's privacy operations.
protocol PseudonymAware {}

extension QueryCommand: PseudonymAware {}
extension PostsCommand.Search: PseudonymAware {}
extension GraphCommand.Export: PseudonymAware {}
extension IngestCommand: PseudonymAware {}
extension StatsCommand: PseudonymAware {}
extension MigrateCommand: PseudonymAware {}
extension LinksServeCommand: PseudonymAware {}
extension UsersCommand.Add: PseudonymAware {}
extension UsersCommand.List: PseudonymAware {}
extension UsersCommand.Remove: PseudonymAware {}
extension UsersCommand.Grant: PseudonymAware {}
extension UsersCommand.Revoke: PseudonymAware {}
extension UsersCommand.Password: PseudonymAware {}
extension TokensCommand.Create: PseudonymAware {}
extension TokensCommand.List: PseudonymAware {}
extension TokensCommand.Revoke: PseudonymAware {}
extension PrivacyFindCommand: PseudonymAware {}
extension PrivacyExportCommand: PseudonymAware {}
extension PrivacyEraseCommand: PseudonymAware {}
extension PrivacyReceiptsCommand: PseudonymAware {}
extension PrivacyRecordCommand: PseudonymAware {}
extension PrivacyRequestsCommand.List: PseudonymAware {}
extension PrivacyRequestsCommand.Add: PseudonymAware {}
extension PrivacyRequestsCommand.Show: PseudonymAware {}
extension PrivacyRequestsCommand.Verify: PseudonymAware {}
extension PrivacyRequestsCommand.Close: PseudonymAware {}
extension PrivacyRetentionCommand.Show: PseudonymAware {}
extension PrivacyRetentionCommand.Set: PseudonymAware {}
extension PrivacyRetentionCommand.Apply: PseudonymAware {}
extension PrivacyPurgeCommand: PseudonymAware {}
extension PrivacyPseudonymsCommand.Status: PseudonymAware {}
extension PrivacyPseudonymsCommand.On: PseudonymAware {}
extension PrivacyPseudonymsCommand.Off: PseudonymAware {}
extension PrivacyPseudonymsCommand.Reveal: PseudonymAware {}

/// Keeps identities out of outputs that cannot pseudonymise yet: a command with a store that
/// is not ``PseudonymAware`` refuses to run on a workspace whose pseudonymisation is on. Checked
/// once, before the command runs, for every command, so that a new command is covered too.
enum PseudonymGate {
    static func check(_ command: any ParsableCommand) async throws {
        guard !(command is PseudonymAware), let options = storeOptions(of: command) else { return }
        let configuration = options.configuration()
        // PostgreSQL cannot be put in the mode yet (docs/postgres.md); a store that does not exist
        // yet has nobody to hide. Either way the command itself reports what it needs.
        guard !PostgresStore.handles(configuration.database), FileManager.default.fileExists(atPath: configuration.database),
              Workspace.isValidName(configuration.workspace) else { return }
        // A file this version cannot open read-only (older, foreign, damaged) was never put in the
        // mode, which only this version sets; the command itself reports what is wrong.
        guard let store = try? StoreOptions.openStore(configuration, readOnly: true) else { return }
        let on = try await store.isPseudonymising(workspace: configuration.workspace)
        try await store.close()
        if on { throw refusal(workspace: configuration.workspace, what: "this command") }
    }

    static func refusal(workspace: String, what: String) -> CLIError {
        CLIError("""
            workspace '\(workspace)' shows people by pseudonym, and \(what) cannot hide identities yet: \
            `vigie query`, `vigie posts search` and `vigie graph export` can; an owner turns the mode off with `vigie privacy pseudonyms off`
            """)
    }

    /// The command's `--database` and `--workspace`, found by reflection on its option groups.
    private static func storeOptions(of command: any ParsableCommand) -> StoreOptions? {
        Mirror(reflecting: command).children.lazy.compactMap { ($0.value as? OptionGroup<StoreOptions>)?.wrappedValue }.first
    }
}
