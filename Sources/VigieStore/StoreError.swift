import GRDB

/// A storage failure, worded for the person running Vigie: which database, what went wrong and
/// what to do about it.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Another process holds the write lock longer than the busy timeout.
        case locked
        /// The file exists but is not a SQLite database, or is a database of another application.
        case notAVigieDatabase
        /// The file was migrated by a newer Vigie that knows schema changes this one does not.
        case newerSchema
        /// The file or its directory cannot be opened or written.
        case cannotOpen
        /// The disk is full.
        case diskFull
        /// The file is damaged.
        case corrupt
        /// A workspace name that is not a short slug.
        case invalidWorkspace
        /// A table or column is missing or holds values of another type: the file was changed
        /// outside vigie.
        case unexpectedSchema
        /// Any other SQLite error.
        case sqlite
    }

    public var code: Code
    /// The database file (`:memory:` for an in-memory store).
    public var path: String
    public var message: String

    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    /// Translates a GRDB error into a message that names the file and the remedy.
    static func from(_ error: any Error, path: String) -> any Error {
        if let error = error as? RowDecodingError {
            // GRDB appends the whole row ("… - row: [id:1 …]"): the column is enough.
            let text = "\(error)"
            let detail = text.components(separatedBy: " - row:").first?.components(separatedBy: ", row:").first ?? text
            return unexpectedSchema(path: path, detail: detail)
        }
        guard let error = error as? DatabaseError else { return error }
        if error.resultCode == .SQLITE_ERROR, let message = error.message,
           message.hasPrefix("no such column") || message.hasPrefix("no such table") {
            return unexpectedSchema(path: path, detail: message)
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(code: .locked, path: path, message:
                "database is locked by another vigie process; wait for it to finish or use another --database")
        case .SQLITE_NOTADB:
            return StoreError(code: .notAVigieDatabase, path: path, message:
                "file is not a Vigie database; choose another --database path")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError(code: .cannotOpen, path: path, message:
                "cannot open the database for writing (\(error.message ?? "\(error.resultCode)")); check that the directory exists and is writable")
        case .SQLITE_FULL:
            return StoreError(code: .diskFull, path: path, message:
                "the disk is full; free some space and run the import again (it resumes where it stopped)")
        case .SQLITE_CORRUPT:
            return StoreError(code: .corrupt, path: path, message:
                "the database file is damaged; restore a backup or import into a new --database")
        default:
            return StoreError(code: .sqlite, path: path, message:
                "SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")")
        }
    }

    private static func unexpectedSchema(path: String, detail: String) -> StoreError {
        StoreError(code: .unexpectedSchema, path: path, message:
            "the database does not have the layout this vigie writes (\(detail.prefix(200))); it was changed "
            + "outside vigie: restore a backup, or import into a new --database")
    }
}
