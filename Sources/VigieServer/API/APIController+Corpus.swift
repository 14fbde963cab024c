import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Queries, search, accounts, rejected records and watches of a workspace.
extension APIController {
    static let queryFields: Set<String> = ["query", "stemmed", "since", "until", "limit", "cursor", "format"]

    /// `GET …/query?query=…`: the newest matches, a page at a time, with the totals on the first
    /// page; `format=csv` exports the page as CSV (audited as an export).
    @Sendable func query(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(Self.queryFields)
        let text = try fields.require("query")
        let format = fields.text("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw Problem.invalidArgument("format must be json or csv", field: "format")
        }
        let page = try PageRequest<QueryCursor>(fields)
        var result = try await QueryPaging.run(engine: scope.engine, text: text, stemmed: try fields.bool("stemmed") ?? false,
                                               since: try fields.date("since"), until: try fields.date("until"), page: page)
        result.posts = try await scope.shown(result.posts)
        if format == "csv" {
            try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "export.query",
                                                target: text, detail: "\(result.posts.count) posts as CSV")
            return QueryPaging.csv(result.posts)
        }
        return try result.response(from: request, context: context)
    }

    @Sendable func search(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> PostsView {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(["text", "limit"])
        let text = try fields.require("text")
        let limit = try fields.int("limit", in: 1...PageRequest<String>.maximumLimit) ?? 20
        return PostsView(posts: try await scope.shown(try await scope.engine.searchPosts(text, limit: limit)))
    }

    @Sendable func account(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> AccountsView {
        try FormFields(query: request).refuseUnknown([])
        let handle = try context.parameters.decoded("handle")
        var details = try await scope.engine.accounts(named: handle)
        if let pseudonyms = scope.pseudonyms {
            // The caller typed the handle; the answer adds no identity to it: counts, flags and
            // posts by pseudonym.
            for index in details.indices {
                details[index].account = pseudonyms.account(details[index].account)
                details[index].recentPosts = try await scope.shown(details[index].recentPosts)
            }
        }
        return AccountsView(accounts: details)
    }

    /// Rejected records, newest first. The store reads the newest N only, so the cursor is a
    /// count of records already seen (the engine will offer a keyset read; the cursor's shape can
    /// change without clients noticing).
    @Sendable func rejects(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<RejectView> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<Int>.fields)
        let page = try PageRequest<Int>(fields)
        let skip = max(0, page.after ?? 0)
        let records = try await scope.engine.rejects(limit: skip + page.limit + 1)
        let items = records.dropFirst(skip).prefix(page.limit)
            .map { RejectView($0, uploadFolder: dependencies.configuration.uploadFolder) }
        return Page(items: Array(items), nextCursor: records.count > skip + page.limit ? Cursor.encode(skip + page.limit) : nil)
    }

    // Watches are read from the store until the engine's watch use cases land.

    @Sendable func listWatches(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Page<WatchView> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(PageRequest<String>.fields)
        let watches = try await dependencies.store.watches(workspace: scope.name).map(WatchView.init)
        return try PageRequest<String>(fields).page(of: watches, position: \.name)
    }

    @Sendable func watch(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> WatchView {
        try FormFields(query: request).refuseUnknown([])
        let name = try context.parameters.decoded("watch")
        guard let watch = try await dependencies.store.watch(named: name, workspace: scope.name) else {
            throw Problem.notFound("no watch named '\(name)' in workspace '\(scope.name)'", field: "watch")
        }
        return WatchView(watch)
    }
}

/// Where a page of query results stops: the creation time of its last post (milliseconds) and
/// how many posts of that very millisecond were shown, so the next page starts right after it.
struct QueryCursor: Codable, Sendable, Hashable {
    var before: Int64
    var shownAtBefore: Int
}

/// Reads a query's results page by page on top of the engine's "newest N before a date": the
/// store orders matches by creation date then storage order, so re-reading up to the last
/// millisecond shown and skipping what was shown of it continues exactly where the page ended.
enum QueryPaging {
    static func run(engine: Engine, text: String, stemmed: Bool, since: Date?, until: Date?,
                    page: PageRequest<QueryCursor>) async throws -> QueryView {
        var effectiveUntil = until
        var skip = 0
        if let cursor = page.after {
            guard cursor.shownAtBefore >= 0, cursor.shownAtBefore < 100_000 else {
                throw Problem.invalidArgument("the cursor is not one this server gave: start again without it", field: "cursor")
            }
            let resume = Date(timeIntervalSince1970: Double(cursor.before + 1) / 1000)
            effectiveUntil = min(until ?? resume, resume)
            skip = cursor.shownAtBefore
            if let since, let effectiveUntil, effectiveUntil <= since {
                return QueryView(query: try Query.parse(text, options: QueryOptions(stemmed: stemmed)).description, posts: [])
            }
        }
        let result = try await engine.query(QueryRequest(text: text, stemmed: stemmed, since: since, until: effectiveUntil,
                                                         limit: page.limit + skip + 1))
        let candidates = Array(result.page.posts.dropFirst(skip))
        let posts = Array(candidates.prefix(page.limit))
        var next: String?
        if candidates.count > page.limit, let last = posts.last {
            let millis = Self.millis(last.createdAt)
            // Posts of the last millisecond shown on this page, plus those skipped before it.
            let sameMillisecond = posts.reversed().prefix { Self.millis($0.createdAt) == millis }.count
            let carried = page.after.map { $0.before == millis ? $0.shownAtBefore : 0 } ?? 0
            next = Cursor.encode(QueryCursor(before: millis,
                                             shownAtBefore: sameMillisecond + (sameMillisecond == posts.count ? carried : 0)))
        }
        let first = page.after == nil
        return QueryView(query: result.query.description, matched: first ? result.page.matched : nil,
                         authors: first ? result.page.authors : nil, posts: posts, nextCursor: next)
    }

    static func millis(_ date: Date) -> Int64 { date.unixMillis }

    /// Posts as CSV, the CLI's columns.
    static func csv(_ posts: [Post]) -> Response {
        var text = "created_at,platform,post_id,author_id,author,text\n"
        for post in posts {
            text += [DateParsing.iso8601(post.createdAt), post.platform.rawValue, post.platformID, post.authorID,
                     post.authorHandle ?? "", post.text].map(CSVText.field).joined(separator: ",") + "\n"
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"query.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
