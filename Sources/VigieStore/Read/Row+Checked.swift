import GRDB

extension Row {
    /// A column's value, or a thrown `RowDecodingError` naming it. GRDB's subscripts trap when a
    /// column is missing or holds another type, which a database changed outside vigie (a
    /// renamed column, a hand-edited value) makes possible: read paths use this instead, and
    /// `StoreError` words the error.
    @inline(__always)
    func value<T: DatabaseValueConvertible>(_ column: String) throws -> T {
        try decode(T.self, forColumn: column)
    }

    /// The value at `index` of a statement whose columns Vigie chose.
    @inline(__always)
    func value<T: DatabaseValueConvertible>(at index: Int) throws -> T {
        try decode(T.self, atIndex: index)
    }
}
