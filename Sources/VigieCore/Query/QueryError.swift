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

    /// The message, then the query (around the column when it is long) with a caret under the column.
    public var description: String {
        let characters = query.map { $0.isNewline ? " " : String($0) }
        let window = 72
        var start = 0
        var end = characters.count
        if characters.count > window {
            start = max(0, min(column - 1 - window / 2, characters.count - window))
            end = min(characters.count, start + window)
        }
        let prefix = start > 0 ? "…" : ""
        let line = prefix + characters[start..<end].joined() + (end < characters.count ? "…" : "")
        let caret = String(repeating: " ", count: max(column - 1 - start, 0) + prefix.count) + "^"
        return message + "\n  " + line + "\n  " + caret
    }
}
