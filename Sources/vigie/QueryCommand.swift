import ArgumentParser
import Foundation
import VigieCore
import VigieStore

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Find stored posts with a listening query (Boolean, phrases, NEAR/n, wildcards, fields).",
        discussion: """
            Examples: 'velo OR cyclisme', '"piste cyclable" NOT lyon', 'influenc* NEAR/3 marque', \
            '#climat lang:fr since:2024-01-01', 'author:marie_velo site:lemonde.fr'. Matching folds \
            case and accents. The grammar is in docs/query-language.md. This version reads every \
            post of the workspace; indexed watches come with the listening issue.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The query (quote it for the shell).")
    var query: String

    @Option(help: ArgumentHelp("Only posts from this date on (e.g. 2024-01-01).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only posts before this date.", valueName: "date"))
    var until: String?

    @Option(help: "How many posts to show, newest first.")
    var limit = 20

    @Flag(help: "Match words by their stem (French and English Snowball): influenceur finds influenceuses.")
    var stemmed = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV.")
    var csv = false

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv.") }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, DateParsing.parse(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a date: use 2024-01-31 or 2024-01-31T12:00:00Z.")
            }
        }
    }

    func run() throws {
        let parsed: Query
        do {
            parsed = try Query.parse(query, options: QueryOptions(stemmed: stemmed))
        } catch {
            throw CLIError("invalid query\n\(error.description)")
        }
        let sinceDate = since.flatMap(DateParsing.parse)
        let untilDate = until.flatMap(DateParsing.parse)
        var newest = NewestPosts(limit: limit)
        var matched = 0
        var authors = Set<String>()
        let started = Date()
        try store.openStore(mustExist: true).forEachPost(workspace: store.workspace) { post in
            if let sinceDate, post.createdAt < sinceDate { return }
            if let untilDate, post.createdAt >= untilDate { return }
            guard parsed.matches(post) else { return }
            matched += 1
            authors.insert(post.authorID)
            newest.offer(post)
        }
        let posts = newest.sorted
        if json {
            struct Result: Encodable {
                var query: String
                var matched: Int
                var authors: Int
                var posts: [Post]
            }
            print(try Output.json(Result(query: parsed.description, matched: matched, authors: authors.count, posts: posts)))
            return
        }
        if csv {
            print("created_at,platform,post_id,author_id,author,text")
            for post in posts {
                print([DateParsing.iso8601(post.createdAt), post.platform.rawValue, post.platformID, post.authorID,
                       post.authorHandle ?? "", post.text].map(CSVText.field).joined(separator: ","))
            }
            return
        }
        print("\(Output.count(matched)) posts by \(Output.count(authors.count)) accounts match \(parsed.description)"
              + String(format: " (%.2fs)", Date().timeIntervalSince(started)))
        for post in posts {
            print(Output.post(post))
        }
    }
}

/// The `limit` newest posts seen so far, without holding every match.
struct NewestPosts {
    let limit: Int
    private(set) var posts: [Post] = []

    init(limit: Int) { self.limit = limit }

    mutating func offer(_ post: Post) {
        guard limit > 0 else { return }
        if posts.count < limit {
            posts.append(post)
        } else if let oldest = posts.indices.min(by: { posts[$0].createdAt < posts[$1].createdAt }),
                  posts[oldest].createdAt < post.createdAt {
            posts[oldest] = post
        }
    }

    var sorted: [Post] { posts.sorted { $0.createdAt > $1.createdAt } }
}
