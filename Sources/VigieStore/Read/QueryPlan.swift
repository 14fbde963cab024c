import Foundation
import GRDB
// The sure matches are stepped through the SQLite C API (GRDB's own module: one SQLite).
import GRDBSQLite
import VigieCore

/// How the store runs a listening query: FTS5 splits the posts (``QueryIndex/plan(for:)``) into
/// those that surely match and those that must be tested, SQL narrows both by the fields that every
/// match must satisfy (dates, platform, language, author: the conjuncts at the top of the query),
/// and ``Query/matches(_:)`` decides for each post to test — so results are always exactly the
/// matcher's. Only the columns and entities the query reads are loaded.
struct QueryPlan {
    let query: Query
    let index: FullTextPlan
    /// The FTS5 expressions, for display (`nil`: no narrowing at all).
    let fullText: String?
    /// The index and SQL conditions select exactly the matches: no candidate needs testing.
    var exact: Bool { index.exact }
    private(set) var since: Int64?
    private(set) var until: Int64?
    private(set) var platforms: [String] = []
    private(set) var languages: [String] = []
    private(set) var authors: [String] = []
    private let needsHashtags: Bool
    private let needsMentions: Bool
    private let needsURLs: Bool
    private let needsAuthorHandle: Bool

    init(_ query: Query, since: Date? = nil, until: Date? = nil) {
        self.query = query
        index = QueryIndex.plan(for: query)
        fullText = Self.describe(index)
        self.since = since?.unixMillis
        self.until = until?.unixMillis
        let conjuncts: [QueryExpression]
        if case .and(let operands) = query.expression { conjuncts = operands } else { conjuncts = [query.expression] }
        for conjunct in conjuncts {
            switch conjunct {
            case .since(let date): self.since = max(self.since ?? .min, date.unixMillis)
            case .until(let date): self.until = min(self.until ?? .max, date.unixMillis)
            case .platform(let platform): platforms.append(platform.rawValue)
            case .language(let code): languages.append(code)
            case .author(let handle): authors.append(handle)
            default: break
            }
        }
        var kinds = Set<String>()
        Self.collectKinds(query.expression, into: &kinds)
        needsHashtags = kinds.contains("hashtag")
        needsMentions = kinds.contains("mention")
        needsURLs = kinds.contains("url")
        needsAuthorHandle = kinds.contains("author")
    }

    private static func collectKinds(_ expression: QueryExpression, into kinds: inout Set<String>) {
        switch expression {
        case .hashtag: kinds.insert("hashtag")
        case .mention: kinds.insert("mention")
        case .url, .site: kinds.insert("url")
        case .author: kinds.insert("author")
        case .near(let left, let right, _):
            collectKinds(left, into: &kinds)
            collectKinds(right, into: &kinds)
        case .not(let operand): collectKinds(operand, into: &kinds)
        case .and(let operands), .or(let operands): operands.forEach { collectKinds($0, into: &kinds) }
        default: break
        }
    }

    /// A post that matched, with what a page and the counts need.
    struct Match {
        var id: Int64
        var createdAt: Int64
        var authorRowID: Int64
    }

    struct Counts {
        /// Posts that reached the matcher (none for an exact plan).
        var candidates = 0
        var matched = 0
    }

    static func describe(_ plan: FullTextPlan) -> String? {
        switch (plan.sure, plan.tested) {
        case (.fts(let sure), .none): return sure
        case (.fts(let sure), .fts(let tested)): return "sure: " + sure + " | tested: " + tested
        case (.none, .fts(let tested)): return tested
        case (.all, _), (_, .all), (.none, .none): return nil
        }
    }

    /// Calls `body` with every matching post of the workspace whose row id is in `ids` (all when
    /// `nil`), in no particular order. Returns how many were tested and how many matched.
    @discardableResult
    func forEachMatch(_ db: Database, workspaceID: Int64, ids: ClosedRange<Int64>? = nil,
                      _ body: (Match) throws -> Void) throws -> Counts {
        var fields = ["post.workspace_id = ?"]
        var fieldArguments: StatementArguments = [workspaceID]
        if let since {
            fields.append("post.created_at >= ?")
            fieldArguments += [since]
        }
        if let until {
            fields.append("post.created_at < ?")
            fieldArguments += [until]
        }
        for platform in platforms {
            fields.append("post.platform = ?")
            fieldArguments += [platform]
        }
        for code in languages {
            // The matcher's rule: the code itself or a subtag of it (`fr-CA`, `fr_CA`).
            fields.append("(lower(post.language) = ? OR lower(post.language) LIKE ? ESCAPE '\\' OR lower(post.language) LIKE ? ESCAPE '\\')")
            let escaped = code.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            fieldArguments += [code, escaped + "-%", escaped + "\\_%"]
        }
        for handle in authors {
            let ids = try Self.accountRowIDs(db, workspaceID: workspaceID, handle: handle)
            if ids.isEmpty { return Counts() }
            fields.append("post.author_account_id IN (\(ids.map(String.init).joined(separator: ",")))")
        }
        /// The FROM clause and conditions selecting the posts of `set`.
        func source(_ set: FullTextSet, covering: Bool) -> (from: String, conditions: [String], arguments: StatementArguments)? {
            var conditions = fields
            var arguments = fieldArguments
            switch set {
            case .none:
                return nil
            case .all:
                if let ids {
                    conditions.append("post.id BETWEEN ? AND ?")
                    arguments += [ids.lowerBound, ids.upperBound]
                }
                return ("post", conditions, arguments)
            case .fts(let text):
                conditions.insert("post_fts MATCH ?", at: 0)
                arguments = [text] + arguments
                if let ids {
                    conditions.append("post_fts.rowid BETWEEN ? AND ?")
                    arguments += [ids.lowerBound, ids.upperBound]
                }
                let post = covering ? "post INDEXED BY post_query_meta" : "post"
                return ("post_fts CROSS JOIN \(post) ON post.id = post_fts.rowid", conditions, arguments)
            }
        }
        var counts = Counts()
        if let (from, conditions, arguments) = source(index.sure, covering: true) {
            // Stepped through the C API: a large answer has tens of thousands of sure matches, and
            // GRDB's row cursor builds a `Row` and boxes each value for every one of them.
            let statement = try db.makeStatement(sql: """
                SELECT post.id, post.created_at, post.author_account_id
                FROM \(from) WHERE \(conditions.joined(separator: " AND "))
                """)
            try statement.setArguments(arguments)
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                        message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
                }
                counts.matched += 1
                try body(Match(id: sqlite3_column_int64(handle, 0), createdAt: sqlite3_column_int64(handle, 1),
                               authorRowID: sqlite3_column_int64(handle, 2)))
            }
        }
        guard let (from, conditions, arguments) = source(index.tested, covering: false) else { return counts }
        let handleColumn = needsAuthorHandle
            ? "(SELECT handle FROM account WHERE account.id = post.author_account_id)" : "NULL"
        let sql = """
            SELECT post.id, post.created_at, post.author_account_id, post.platform, post.text, post.language, \(handleColumn)
            FROM \(from) WHERE \(conditions.joined(separator: " AND "))
            """
        let hashtags = needsHashtags ? try db.cachedStatement(sql: "SELECT tag FROM post_hashtag WHERE post_id = ? ORDER BY position") : nil
        let mentions = needsMentions ? try db.cachedStatement(sql: """
            SELECT handle, account_platform_id FROM post_mention WHERE post_id = ? ORDER BY position
            """) : nil
        let urls = needsURLs ? try db.cachedStatement(sql: "SELECT url FROM post_url WHERE post_id = ? ORDER BY position") : nil
        var matcher = QueryMatcher(query)
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            counts.candidates += 1
            let id: Int64 = try row.value(at: 0)
            let createdAt: Int64 = try row.value(at: 1)
            var post = Post(platform: Platform(rawValue: try row.value(at: 3)) ?? .other, platformID: "", authorID: "",
                            authorHandle: try row.value(at: 6), createdAt: Date(unixMillis: createdAt),
                            text: try row.value(at: 4), language: try row.value(at: 5))
            if let hashtags { post.hashtags = try String.fetchAll(hashtags, arguments: [id]) }
            if let mentions {
                post.mentions = try Row.fetchAll(mentions, arguments: [id]).map {
                    Mention(accountID: try $0.value(at: 1), handle: try $0.value(at: 0))
                }
            }
            if let urls { post.urls = try String.fetchAll(urls, arguments: [id]) }
            guard matcher.matches(post) else { continue }
            counts.matched += 1
            try body(Match(id: id, createdAt: createdAt, authorRowID: try row.value(at: 2)))
        }
        return counts
    }

    /// Accounts whose handle matches `author:handle` the way the matcher does: the handle, or
    /// `handle@instance` when it names no instance. Handles are compared folded (accents too),
    /// which the lowercased index cannot do for non-ASCII handles: those are checked one by one.
    static func accountRowIDs(_ db: Database, workspaceID: Int64, handle: String) throws -> [Int64] {
        var ids = try Int64.fetchAll(db, sql: """
            SELECT id FROM account WHERE workspace_id = ?1 AND (handle_lower = ?2 OR (?3 AND handle_lower >= ?2 || '@' AND handle_lower < ?2 || 'A'))
            """, arguments: [workspaceID, handle, !handle.contains("@")])
        // Read through the partial index `account_folded_handle` (few rows: most handles are ASCII).
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, handle FROM account WHERE workspace_id = ? AND handle_lower GLOB '*[^ -~]*'
            """, arguments: [workspaceID])
        while let row = try rows.next() {
            let stored: String = try row.value(at: 1)
            let folded = TextFolding.fold(stored.hasPrefix("@") ? String(stored.dropFirst()) : stored)
            if folded == handle || (!handle.contains("@") && folded.hasPrefix(handle + "@")) { ids.append(try row.value(at: 0)) }
        }
        return Array(Set(ids)).sorted()
    }
}
