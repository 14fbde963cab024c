import Foundation
import PostgresNIO
import VigieCore

/// How the PostgreSQL store runs a listening query: the core's full-text plan
/// (``QueryIndex/plan(for:)``), rendered as `tsquery` (``PostgresFullText``), splits the posts
/// into those that surely match and those to test; SQL narrows both by the fields every match
/// must satisfy (``QueryFieldConditions``); ``QueryMatcher`` decides for each post to test, so
/// results are exactly the matcher's.
struct PostgresQueryPlan {
    let query: Query
    let index: FullTextPlan
    let fullText: String?
    let fields: QueryFieldConditions
    private let sure: String?
    private let tested: String?
    var exact: Bool { index.exact }

    init(_ query: Query, since: Date? = nil, until: Date? = nil) {
        self.query = query
        index = QueryIndex.plan(for: query)
        fullText = PostgresFullText.describe(index)
        sure = PostgresFullText.render(index.sure)
        tested = PostgresFullText.render(index.tested)
        fields = QueryFieldConditions(query, since: since, until: until)
    }

    struct Match: Sendable, TimedMatch {
        var id: Int64
        var createdAt: Int64
        var authorRowID: Int64
    }

    struct Counts {
        var candidates = 0
        var matched = 0
    }

    /// The SQL conditions (with their bindings) every match satisfies: the workspace, the
    /// fields, the id range; `nil` when no post can match (an `author:` nobody has).
    private func fieldConditions(_ connection: PostgresConnection, store: PostgresStore, workspaceID: Int64,
                                 ids: ClosedRange<Int64>?) async throws -> (conditions: [String], binds: PostgresBindings)? {
        var conditions = ["p.workspace_id = $1"]
        var binds = PostgresBindings()
        binds.append(workspaceID)
        func bind<T: PostgresDynamicTypeEncodable>(_ value: T) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let since = fields.since { conditions.append("p.created_at >= " + bind(since.pgMillis)) }
        if let until = fields.until { conditions.append("p.created_at < " + bind(until.pgMillis)) }
        for platform in fields.platforms { conditions.append("p.platform = " + bind(platform.rawValue)) }
        for code in fields.languages {
            // The matcher's rule: the code itself, or a subtag of it (`fr-CA`, `fr_CA`).
            var alternatives = ["lower(p.language) = " + bind(code)]
            for prefix in QueryFieldConditions.languageSubtagPrefixes(of: code) {
                alternatives.append("starts_with(lower(p.language), " + bind(prefix) + ")")
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        for handle in fields.authors {
            let accounts = try await Self.accountRowIDs(connection, store: store, workspaceID: workspaceID, handle: handle)
            if accounts.isEmpty { return nil }
            conditions.append("p.author_account_id = ANY(" + bind(accounts) + ")")
        }
        if let ids {
            conditions.append("p.id BETWEEN " + bind(ids.lowerBound) + " AND " + bind(ids.upperBound))
        }
        return (conditions, binds)
    }

    /// One statement over the posts of `set` that satisfy `fields`; `nil` for no post.
    private func statement(_ set: FullTextSet, match: String?, columns: String, fields: (conditions: [String], binds: PostgresBindings),
                           suffix: String = "") -> PostgresQuery? {
        var binds = fields.binds
        var conditions = fields.conditions
        switch set {
        case .none: return nil
        case .all: break
        case .match:
            binds.append(match ?? "")
            conditions.append("p.document @@ $\(binds.count)::tsquery")
        }
        return PostgresQuery(unsafeSQL: "SELECT \(columns) FROM post p WHERE \(conditions.joined(separator: " AND "))" + suffix,
                             binds: binds)
    }

    /// When nothing is left to test (the index answers exactly), the count, the distinct
    /// authors and the `limit` newest matches, all computed by the server: no match crosses the
    /// wire but the page's. `nil` when posts must be tested, or for no post at all.
    func exactPage(_ connection: PostgresConnection, store: PostgresStore, workspaceID: Int64,
                   limit: Int) async throws -> (matched: Int, authors: Int, newest: [Match])? {
        guard case .none = index.tested,
              let scope = try await fieldConditions(connection, store: store, workspaceID: workspaceID, ids: nil),
              let counting = statement(index.sure, match: sure, columns: "count(*), count(DISTINCT p.author_account_id)", fields: scope),
              let newest = statement(index.sure, match: sure, columns: "p.id, p.created_at, p.author_account_id", fields: scope,
                                     suffix: " ORDER BY p.created_at DESC, p.id DESC LIMIT \(max(0, limit))")
        else { return nil }
        var matched = 0, authors = 0
        for try await (count, distinct) in try await connection.query(counting, logger: store.logger).decode((Int, Int).self) {
            (matched, authors) = (count, distinct)
        }
        var page: [Match] = []
        for try await (id, createdAt, author) in try await connection.query(newest, logger: store.logger).decode((Int64, Int64, Int64).self) {
            page.append(Match(id: id, createdAt: createdAt, authorRowID: author))
        }
        return (matched, authors, page)
    }

    /// Calls `body` with every matching post of the workspace (with an id in `ids` when given).
    @discardableResult
    func forEachMatch(_ connection: PostgresConnection, store: PostgresStore, workspaceID: Int64,
                      ids: ClosedRange<Int64>? = nil, _ body: (Match) async throws -> Void) async throws -> Counts {
        guard let scope = try await fieldConditions(connection, store: store, workspaceID: workspaceID, ids: ids) else { return Counts() }
        func statement(_ set: FullTextSet, match: String?, columns: String) -> PostgresQuery? {
            self.statement(set, match: match, columns: columns, fields: scope)
        }
        var counts = Counts()
        if let sql = statement(index.sure, match: sure, columns: "p.id, p.created_at, p.author_account_id") {
            for try await (id, createdAt, author) in try await connection.query(sql, logger: store.logger)
                .decode((Int64, Int64, Int64).self) {
                counts.matched += 1
                try await body(Match(id: id, createdAt: createdAt, authorRowID: author))
            }
        }
        let handleColumn = fields.readsAuthorHandle
            ? "(SELECT handle FROM account a WHERE a.workspace_id = p.workspace_id AND a.id = p.author_account_id)" : "NULL::text"
        guard let sql = statement(index.tested, match: tested, columns: """
            p.id, p.created_at, p.author_account_id, p.platform, p.text, p.language, \(handleColumn),
            p.hashtags, p.mention_handles, p.mention_ids, p.urls
            """) else { return counts }
        var matcher = QueryMatcher(query)
        for try await row in try await connection.query(sql, logger: store.logger) {
            counts.candidates += 1
            let (id, createdAt, author, platform, text, language, handle, hashtags, mentionHandles, mentionIDs, urls) =
                try row.decode((Int64, Int64, Int64, String, String, String?, String?, [String], [String], [String], [String]).self)
            var post = Post(platform: Platform(rawValue: platform) ?? .other, platformID: "", authorID: "",
                            authorHandle: handle, createdAt: Date(pgMillis: createdAt), text: text, language: language)
            post.hashtags = hashtags
            post.mentions = PostgresPostDecoding.mentions(handles: mentionHandles, ids: mentionIDs)
            post.urls = urls
            guard matcher.matches(post) else { continue }
            counts.matched += 1
            try await body(Match(id: id, createdAt: createdAt, authorRowID: author))
        }
        return counts
    }

    /// Accounts whose handle satisfies `author:handle` by the matcher's rules: the handle, or
    /// `handle@instance` when it names no instance; non-ASCII handles compared folded.
    static func accountRowIDs(_ connection: PostgresConnection, store: PostgresStore, workspaceID: Int64,
                              handle: String) async throws -> [Int64] {
        var ids: [Int64]
        if let prefix = QueryFieldConditions.instancePrefix(of: handle) {
            ids = try await store.all(connection, """
                SELECT id FROM account WHERE workspace_id = \(workspaceID)
                AND (handle_lower = \(handle) OR starts_with(handle_lower, \(prefix)))
                """, as: Int64.self)
        } else {
            ids = try await store.all(connection, """
                SELECT id FROM account WHERE workspace_id = \(workspaceID) AND handle_lower = \(handle)
                """, as: Int64.self)
        }
        for try await (id, stored) in try await connection.query("""
            SELECT id, handle FROM account WHERE workspace_id = \(workspaceID) AND handle_lower ~ '[^ -~]'
            """, logger: store.logger).decode((Int64, String).self) {
            if QueryFieldConditions.handle(QueryFieldConditions.comparableHandle(stored), matches: handle) { ids.append(id) }
        }
        return Array(Set(ids)).sorted()
    }
}
