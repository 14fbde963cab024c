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
        guard let error = error as? DatabaseError else { return error }
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
}
