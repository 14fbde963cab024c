import GRDB
// The SQLite C API comes from GRDB's own system-library module, so the store links one SQLite.
import GRDBSQLite

/// A prepared statement of the ingest hot path, bound and stepped through the SQLite C API.
///
/// GRDB's `execute(arguments:)` boxes every value in an existential array; at several inserts
/// per post that was most of the Swift time. The GRDB `Statement` still owns the SQLite handle
/// (it comes from the connection's statement cache), and slow paths keep using GRDB.
struct HotStatement {
    private let statement: Statement
    private var handle: SQLiteStatement { statement.sqliteStatement }

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    /// Binds the values `bind` adds, steps to completion and resets.
    /// Returns whether the statement produced a row (for `SELECT 1 … LIMIT 1` probes).
    @discardableResult
    func run(_ bind: (inout Binder) -> Void) throws -> Bool {
        sqlite3_reset(handle)
        var binder = Binder(handle: handle)
        bind(&binder)
        var producedRow = false
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_ROW { producedRow = true; continue }
            if code == SQLITE_DONE { break }
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        sqlite3_reset(handle)
        return producedRow
    }

    /// Rows changed by the last `run` (0 when `ON CONFLICT DO NOTHING` skipped the insert).
    var changes: Int { Int(sqlite3_changes(sqlite3_db_handle(handle))) }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(handle)) }

    /// Binds positional parameters in order. Text is copied by SQLite (`SQLITE_TRANSIENT`).
    struct Binder {
        fileprivate let handle: SQLiteStatement
        private var index: Int32 = 1

        fileprivate init(handle: SQLiteStatement) {
            self.handle = handle
        }

        mutating func add(_ value: Int64?) {
            if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
            index += 1
        }

        mutating func add(_ value: Int?) {
            add(value.map(Int64.init))
        }

        mutating func add(_ value: String?) {
            if var value {
                value.withUTF8 { bytes in
                    if let start = bytes.baseAddress {
                        let text = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
                        sqlite3_bind_text(handle, index, text, Int32(bytes.count), sqliteTransient)
                    } else {
                        sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                    }
                }
            } else {
                sqlite3_bind_null(handle, index)
            }
            index += 1
        }
    }
}

private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// Lowercases for case-insensitive keys without allocating when the text is already lowercase
/// ASCII, which most handles, hashtags and domains are.
func caseFolded(_ text: String) -> String {
    var needsFolding = false
    for byte in text.utf8 where byte >= 0x80 || (byte >= 0x41 && byte <= 0x5A) {
        needsFolding = true
        break
    }
    return needsFolding ? text.lowercased() : text
}
