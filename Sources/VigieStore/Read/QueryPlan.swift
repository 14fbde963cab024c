import Foundation
import GRDB
// The sure matches are stepped through the SQLite C API (GRDB's own module: one SQLite).
import GRDBSQLite
import VigieCore

/// How the store runs a listening query: the core's full-text plan (``QueryIndex/plan(for:)``),
/// rendered in FTS5 (``FTS5``), splits the posts into those that surely match and those that
/// must be tested; SQL narrows both by the fields that every match must satisfy
/// (``QueryFieldConditions``: dates, platform, language, author, with the matcher's own rules);
/// and ``Query/matches(_:)`` decides for each post to test — so results are always exactly the
/// matcher's. Only the columns and entities the query reads are loaded.
struct QueryPlan {
    let query: Query
    let index: FullTextPlan
    /// The FTS5 expressions, for display (`nil`: no narrowing at all).
    let fullText: String?
    /// The index and SQL conditions select exactly the matches: no candidate needs testing.
    var exact: Bool { index.exact }
    let fields: QueryFieldConditions
    private let sure: String?
    private let tested: String?

    init(_ query: Query, since: Date? = nil, until: Date? = nil) {
        self.query = query
        index = QueryIndex.plan(for: query)
        fullText = FTS5.describe(index)
        sure = FTS5.render(index.sure)
        tested = FTS5.render(index.tested)
        fields = QueryFieldConditions(query, since: since, until: until)
    }

    /// A post that matched, with what a page and the counts need.
    struct Match: TimedMatch {
        var id: Int64
        var createdAt: Int64
        var authorRowID: Int64
    }

    struct Counts {
        /// Posts that reached the matcher (none for an exact plan).
        var candidates = 0
        var matched = 0
    }

    /// Calls `body` with every matching post of the workspace whose row id is in `ids` (all when
    /// `nil`), in no particular order. Returns how many were tested and how many matched.
    @discardableResult
    func forEachMatch(_ db: Database, workspaceID: Int64, ids: ClosedRange<Int64>? = nil,
                      _ body: (Match) throws -> Void) throws -> Counts {
        // With an author filter, `+` keeps SQLite off the workspace's time index (every post of
        // the workspace) so that it reads the authors' posts through `post_author` (issue 19).
        var fields = [self.fields.authors.isEmpty ? "post.workspace_id = ?" : "+post.workspace_id = ?"]
        var fieldArguments: StatementArguments = [workspaceID]
        if let since = self.fields.since {
            fields.append("post.created_at >= ?")
            fieldArguments += [since.unixMillis]
        }
        if let until = self.fields.until {
            fields.append("post.created_at < ?")
            fieldArguments += [until.unixMillis]
        }
        for platform in self.fields.platforms {
            fields.append("post.platform = ?")
            fieldArguments += [platform.rawValue]
        }
        for code in self.fields.languages {
            // The matcher's rule: the code itself, or a subtag of it (`fr-CA`, `fr_CA`).
            let prefixes = QueryFieldConditions.languageSubtagPrefixes(of: code)
            let likes = prefixes.map { _ in " OR lower(post.language) LIKE ? ESCAPE '\\'" }.joined()
            fields.append("(lower(post.language) = ?" + likes + ")")
            fieldArguments += [code]
            for prefix in prefixes { fieldArguments += [Self.escapedForLike(prefix) + "%"] }
        }
        for handle in self.fields.authors {
            let ids = try Self.accountRowIDs(db, workspaceID: workspaceID, handle: handle)
            if ids.isEmpty { return Counts() }
            fields.append("post.author_account_id IN (\(ids.map(String.init).joined(separator: ",")))")
        }
        /// The FROM clause and conditions selecting the posts of `set`.
        func source(_ set: FullTextSet, match: String?, covering: Bool) -> (from: String, conditions: [String], arguments: StatementArguments)? {
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
            case .match:
                conditions.insert("post_fts MATCH ?", at: 0)
                arguments = [match] + arguments
                if let ids {
                    conditions.append("post_fts.rowid BETWEEN ? AND ?")
                    arguments += [ids.lowerBound, ids.upperBound]
                }
                let post = covering ? "post INDEXED BY post_query_meta" : "post"
                return ("post_fts CROSS JOIN \(post) ON post.id = post_fts.rowid", conditions, arguments)
            }
        }
        var counts = Counts()
        if let (from, conditions, arguments) = source(index.sure, match: sure, covering: true) {
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
        guard let (from, conditions, arguments) = source(index.tested, match: tested, covering: false) else { return counts }
        let handleColumn = self.fields.readsAuthorHandle
            ? "(SELECT handle FROM account WHERE account.id = post.author_account_id)" : "NULL"
        let sql = """
            SELECT post.id, post.created_at, post.author_account_id, post.platform, post.text, post.language, \(handleColumn)
            FROM \(from) WHERE \(conditions.joined(separator: " AND "))
            """
        let hashtags = self.fields.readsHashtags ? try db.cachedStatement(sql: "SELECT tag FROM post_hashtag WHERE post_id = ? ORDER BY position") : nil
        let mentions = self.fields.readsMentions ? try db.cachedStatement(sql: """
            SELECT handle, account_platform_id FROM post_mention WHERE post_id = ? ORDER BY position
            """) : nil
        let urls = self.fields.readsLinks ? try db.cachedStatement(sql: "SELECT url FROM post_url WHERE post_id = ? ORDER BY position") : nil
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

    /// Accounts whose handle satisfies `author:handle` by the matcher's rules
    /// (``QueryFieldConditions``): the handle, or `handle@instance` when it names no instance.
    /// Handles are compared folded (accents too), which the lowercased index cannot do for
    /// non-ASCII handles: those are checked one by one.
    static func accountRowIDs(_ db: Database, workspaceID: Int64, handle: String) throws -> [Int64] {
        var ids: [Int64]
        if let prefix = QueryFieldConditions.instancePrefix(of: handle), let end = prefixEnd(prefix) {
            ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM account WHERE workspace_id = ?1 AND (handle_lower = ?2 OR (handle_lower >= ?3 AND handle_lower < ?4))
                """, arguments: [workspaceID, handle, prefix, end])
        } else {
            ids = try Int64.fetchAll(db, sql: "SELECT id FROM account WHERE workspace_id = ? AND handle_lower = ?",
                                     arguments: [workspaceID, handle])
        }
        // Read through the partial index `account_folded_handle` (few rows: most handles are ASCII).
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, handle FROM account WHERE workspace_id = ? AND handle_lower GLOB '*[^ -~]*'
            """, arguments: [workspaceID])
        while let row = try rows.next() {
            let stored: String = try row.value(at: 1)
            if QueryFieldConditions.handle(QueryFieldConditions.comparableHandle(stored), matches: handle) { ids.append(try row.value(at: 0)) }
        }
        return Array(Set(ids)).sorted()
    }

    /// The least string greater than every string starting with `prefix` (its last character
    /// incremented), for a range scan; `nil` when there is none to build.
    static func prefixEnd(_ prefix: String) -> String? {
        var scalars = prefix.unicodeScalars
        guard let last = scalars.popLast(), let next = Unicode.Scalar(last.value + 1) else { return nil }
        scalars.append(next)
        return String(scalars)
    }

    /// `text` as a literal in a `LIKE … ESCAPE '\'` pattern.
    static func escapedForLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
