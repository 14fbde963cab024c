/// A storage failure, in words that fit any front end: which store, what went wrong and what to
/// change. Front ends add their own spelling of the remedy (the CLI names its flags).
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable {
        /// Another process holds the write lock longer than the store waits.
        case locked
        /// The location holds something that is not a Vigie store.
        case notAVigieStore
        /// The store was migrated by a newer Vigie that knows schema changes this one does not.
        case newerSchema
        /// The store cannot be opened (missing folder, permissions, unreachable server).
        case cannotOpen
        /// A write was asked of a store opened read-only (or of a read-only file).
        case readOnly
        /// The store does not exist and the operation only reads.
        case missing
        case diskFull
        case corrupt
        /// A workspace name that is not a short slug.
        case invalidWorkspace
        /// A named thing (watch, rule, account) is not in the workspace.
        case notFound
        /// A named thing already exists.
        case alreadyExists
        /// Stored data that this version cannot read (a schema changed by hand).
        case unreadableData
        /// Any other failure of the backend, with its own message.
        case backend
    }

    public var code: Code
    /// The store's location (a file path, or a server URL without credentials).
    public var location: String
    public var message: String

    public init(code: Code, location: String, message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }

    /// A workspace name check every backend runs before touching its data.
    public static func validate(workspace: String, location: String) throws(StoreError) {
        guard Workspace.isValidName(workspace) else {
            throw StoreError(code: .invalidWorkspace, location: location, message:
                "workspace name '\(workspace)' is invalid: use up to 64 letters, digits, '-' or '_'")
        }
    }
}
