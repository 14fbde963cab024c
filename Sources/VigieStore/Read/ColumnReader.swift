import GRDB
// The SQLite C API comes from GRDB's own system-library module, so the store links one SQLite.
import GRDBSQLite

/// The columns of the current row of a statement, read in order through the SQLite C API.
///
/// Bulk scans (every post of a workspace) read hundreds of thousands of rows: GRDB's `Row`
/// finds each column by name and decodes through generic witnesses, which was most of the
/// scan's CPU. Reading by position keeps the checks of the checked decoding (Row+Checked): a
/// NULL where a value is required, or a value of another type (a hand-edited store), throws an
/// error naming the column instead of trapping or being converted silently.
struct ColumnReader {
    let handle: SQLiteStatement
    private var index: Int32 = 0

    init(_ handle: SQLiteStatement) {
        self.handle = handle
    }

    mutating func int64() throws -> Int64 {
        guard let value = try optionalInt64() else { throw mismatch(index - 1, expected: "an integer") }
        return value
    }

    mutating func optionalInt64() throws -> Int64? {
        defer { index += 1 }
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return nil
        case SQLITE_INTEGER: return sqlite3_column_int64(handle, index)
        default: throw mismatch(index, expected: "an integer")
        }
    }

    mutating func int() throws -> Int {
        Int(truncatingIfNeeded: try int64())
    }

    mutating func optionalInt() throws -> Int? {
        try optionalInt64().map { Int(truncatingIfNeeded: $0) }
    }

    mutating func text() throws -> String {
        guard let value = try optionalText() else { throw mismatch(index - 1, expected: "text") }
        return value
    }

    mutating func optionalText() throws -> String? {
        defer { index += 1 }
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return nil
        case SQLITE_TEXT:
            guard let bytes = sqlite3_column_text(handle, index) else { return nil }
            let count = Int(sqlite3_column_bytes(handle, index))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        default: throw mismatch(index, expected: "text")
        }
    }

    private func mismatch(_ column: Int32, expected: String) -> DatabaseError {
        let name = sqlite3_column_name(handle, column).map { String(cString: $0) } ?? "#\(column)"
        let found = switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: "NULL"
        case SQLITE_INTEGER: "an integer"
        case SQLITE_FLOAT: "a real number"
        case SQLITE_TEXT: "text"
        default: "a blob"
        }
        return DatabaseError(resultCode: .SQLITE_MISMATCH, message: "column '\(name)' holds \(found) where \(expected) is expected")
    }

    /// Steps `statement`: `true` on a row, `false` when done, the SQLite error otherwise.
    static func step(_ statement: Statement) throws -> Bool {
        let handle = statement.sqliteStatement
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
        }
    }

    /// Binds integer parameters `?1`, `?2`, … in order.
    static func bind(_ statement: Statement, _ values: [Int64]) {
        for (offset, value) in values.enumerated() {
            sqlite3_bind_int64(statement.sqliteStatement, Int32(offset + 1), value)
        }
    }
}

/// `(post_id, values…)` rows in post-id order, consumed alongside a scan of posts (a merge
/// join), so walking every post needs no per-post query and no growing memory.
struct EntityStream<Value> {
    private let statement: Statement
    private let decode: (inout ColumnReader) throws -> Value
    private var pending: (postID: Int64, value: Value)?
    private var finished = false

    /// `sql` selects `post_id` first, then the columns `decode` reads; `bindings` fill `?1`, `?2`, ….
    init(_ db: Database, sql: String, bindings: [Int64] = [], decode: @escaping (inout ColumnReader) throws -> Value) throws {
        statement = try db.makeStatement(sql: sql)
        ColumnReader.bind(statement, bindings)
        self.decode = decode
    }

    /// The values of `postID`; ids must be asked in increasing order.
    mutating func values(for postID: Int64) throws -> [Value] {
        var values: [Value] = []
        while true {
            if pending == nil {
                guard !finished else { return values }
                guard try ColumnReader.step(statement) else {
                    finished = true
                    return values
                }
                var columns = ColumnReader(statement.sqliteStatement)
                pending = (try columns.int64(), try decode(&columns))
            }
            guard let (id, value) = pending, id <= postID else { return values }
            if id == postID { values.append(value) }
            pending = nil
        }
    }
}
