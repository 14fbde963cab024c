import Foundation

/// A named, saved listening query of a workspace. A store keeps the posts it matches up to date
/// incrementally (see ``WatchStore``): everything stored when it was added, and everything
/// imported, edited or deleted since.
public struct Watch: Sendable, Hashable, Codable {
    /// Unique within the workspace: letters, digits, `-`, `_` and `.`, at most 64.
    public var name: String
    /// The query as the user wrote it (see `docs/query-language.md`).
    public var query: String
    /// Whether bare words match by their Snowball stem (``QueryOptions/stemmed``).
    public var stemmed: Bool
    public var createdAt: Date

    public init(name: String, query: String, stemmed: Bool = false, createdAt: Date = Date()) {
        self.name = name
        self.query = query
        self.stemmed = stemmed
        self.createdAt = createdAt
    }

    /// The parsed query; a stored watch always parses, since ``validate()`` ran before it was stored.
    public func parsedQuery() throws(QueryError) -> Query {
        try Query.parse(query, options: QueryOptions(stemmed: stemmed))
    }

    /// Checks the name and the query; the error says what is wrong and, for a query, at which column.
    public func validate() throws(WatchError) {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        do {
            _ = try parsedQuery()
        } catch {
            throw .invalidQuery(error)
        }
    }

    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { c in
            c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".")
        }
    }
}

/// Why a watch could not be added, found or read.
public enum WatchError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidName(String)
    case invalidQuery(QueryError)
    case alreadyExists(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            return "watch name '\(name)' is invalid: use up to 64 letters, digits, '-', '_' or '.'"
        case .invalidQuery(let error):
            return "invalid query\n" + error.description
        case .alreadyExists(let name):
            return "a watch named '\(name)' already exists: remove it first or choose another name"
        case .notFound(let name):
            return "no watch named '\(name)' in this workspace"
        }
    }
}

/// What one incremental refresh of a watch did.
public struct WatchRefresh: Sendable, Hashable, Codable {
    /// Posts newer than the watch's high-water mark that the matcher tested one by one (none when
    /// the full-text index answers the query exactly), and how many new posts matched.
    public var newPostsExamined = 0
    public var newPostsMatched = 0
    /// Edited or deleted posts (from the store's change log) that were tested again.
    public var changedPostsExamined = 0
    /// Matches of the watch after the refresh.
    public var totalMatches = 0

    public init() {}
}
