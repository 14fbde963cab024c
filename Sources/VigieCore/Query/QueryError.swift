/// Why a query could not be parsed, and where.
///
/// `message` reads `column 12: expected ')' to close the '(' at column 3, found end of query`;
/// `description` adds the query with a caret under the column.
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based, in characters of the query text; one past the end for "end of query".
    public var column: Int
    /// What was found there: `'AND'`, `')'`, `end of query`.
    public var found: String
    /// What the parser expected instead.
    public var expected: String
    /// The query as given.
    public var query: String

    public init(column: Int, found: String, expected: String, query: String) {
        self.column = column
        self.found = found
        self.expected = expected
        self.query = query
    }

    public var message: String { "column \(column): expected \(expected), found \(found)" }

    public var description: String {
        let line = query.map { $0.isNewline ? " " : String($0) }.joined()
        return message + "\n  " + line + "\n  " + String(repeating: " ", count: max(column - 1, 0)) + "^"
    }
}
