import Foundation
import VigieCore

/// A listening query to run.
public struct QueryRequest: Sendable, Hashable {
    /// The query text (docs/query-language.md).
    public var text: String
    /// Match bare words by their Snowball stem (French and English).
    public var stemmed: Bool
    /// Only posts created in this range (either end open).
    public var since: Date?
    public var until: Date?
    /// How many of the newest matches to return.
    public var limit: Int

    public init(text: String, stemmed: Bool = false, since: Date? = nil, until: Date? = nil, limit: Int = 20) {
        self.text = text
        self.stemmed = stemmed
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// A query's answer: the parsed query as understood, the counts and the newest matches.
public struct QueryResult: Sendable {
    /// The query as parsed (its canonical form).
    public var query: Query
    public var page: QueryResultPage
    public var seconds: Double
}

extension Engine {
    /// Runs a listening query over the workspace: every match counted, the newest returned.
    /// Throws ``QueryError`` (with its column) for a malformed query.
    ///
    /// ```swift
    /// let result = try await engine.query(QueryRequest(text: "(velo OR cyclisme) NOT lyon lang:fr", limit: 50))
    /// print(result.page.matched, result.page.authors)
    /// ```
    public func query(_ request: QueryRequest) async throws -> QueryResult {
        guard request.limit >= 0 else { throw EngineError(.invalidArgument, field: "limit", "the limit must not be negative") }
        if let since = request.since, let until = request.until, since >= until {
            throw EngineError(.invalidArgument, field: "since", "the start of the period must be before its end")
        }
        let query = try Query.parse(request.text, options: QueryOptions(stemmed: request.stemmed))
        let started = ContinuousClock.now
        let page = try await store.query(query, workspace: workspace, since: request.since, until: request.until,
                                         limit: request.limit)
        return QueryResult(query: query, page: page, seconds: (ContinuousClock.now - started).seconds)
    }

    /// A topic given either as a query or as a saved watch (its query and mode).
    public func topicQuery(_ topic: Topic) async throws -> Query {
        switch topic {
        case .query(let text, let stemmed):
            return try Query.parse(text, options: QueryOptions(stemmed: stemmed))
        case .watch(let name):
            guard let watch = try await store.watch(named: name, workspace: workspace) else { throw WatchError.notFound(name) }
            return try watch.parsedQuery()
        }
    }
}

/// What an analysis is about: posts a query matches, or a saved watch's.
public enum Topic: Sendable, Hashable, Codable {
    case query(String, stemmed: Bool = false)
    case watch(String)
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
