import GRDB
import VigieCore

extension StoreError {
    /// Translates a GRDB error into a message that names the file and the remedy; other errors
    /// (``StoreError``s, ``WatchError``s, cancellation) pass through.
    static func from(_ error: any Error, path: String) -> any Error {
        if let error = error as? RowDecodingError {
            // A column missing or holding another type (GRDB's checked decoding, see Row+Checked):
            // GRDB appends the whole row ("… - row: [id:1 …]"); the column is enough.
            let text = "\(error)"
            let detail = text.components(separatedBy: " - row:").first?.components(separatedBy: ", row:").first ?? text
            return StoreError(code: .unreadableData, location: path, message:
                "the database's schema was changed by hand (\(detail.prefix(200))); restore a backup or import into a new database file")
        }
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(code: .locked, location: path, message:
                "database is locked by another vigie process; wait for it to finish or use another database file")
        case .SQLITE_NOTADB:
            return StoreError(code: .notAVigieStore, location: path, message:
                "file is not a Vigie database; choose another database file")
        case .SQLITE_READONLY:
            return StoreError(code: .readOnly, location: path, message:
                "the database cannot be written (\(error.message ?? "read-only")); check the file's permissions, or use a read command")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError(code: .cannotOpen, location: path, message:
                "cannot open the database (\(error.message ?? "\(error.resultCode)")); check that the folder exists and is writable")
        case .SQLITE_FULL:
            return StoreError(code: .diskFull, location: path, message:
                "the disk is full; free some space and run the import again (it resumes where it stopped)")
        case .SQLITE_CORRUPT:
            return StoreError(code: .corrupt, location: path, message:
                "the database file is damaged; restore a backup or import into a new database file")
        case .SQLITE_MISMATCH:
            // A stored value of the wrong type or an unknown enum value (see ColumnReader).
            return StoreError(code: .unreadableData, location: path, message:
                "a stored value was changed by hand (\(error.message ?? "")); restore a backup or import into a new database file")
        case .SQLITE_ERROR where (error.message ?? "").contains("no such column") || (error.message ?? "").contains("no such table"):
            return StoreError(code: .unreadableData, location: path, message:
                "the database's schema was changed by hand (\(error.message ?? "")); restore a backup or import into a new database file")
        default:
            return StoreError(code: .backend, location: path, message:
                "the database failed (SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown"))")
        }
    }
}
