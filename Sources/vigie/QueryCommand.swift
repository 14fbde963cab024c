import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Find stored posts with a listening query (Boolean, phrases, NEAR/n, wildcards, fields).",
        discussion: """
            Examples: 'velo OR cyclisme', '"piste cyclable" NOT lyon', 'influenc* NEAR/3 marque', \
            '#climat lang:fr since:2024-01-01', 'author:marie_velo site:lemonde.fr'. Matching folds \
            case and accents. The grammar is in docs/query-language.md. The full-text index narrows \
            the posts tested; every match is counted. Save a query as a watch with `vigie watch add`.
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

    func run() async throws {
        let engine = try store.engine(readOnly: true)
        let result = try await engine.query(QueryRequest(
            text: query, stemmed: stemmed, since: since.flatMap(DateParsing.parse), until: until.flatMap(DateParsing.parse),
            limit: limit))
        var page = result.page
        if let pseudonyms = try await engine.outputPseudonymizer() {
            page.posts = try await engine.pseudonymised(page.posts, with: pseudonyms)
        }
        if json {
            struct Result: Encodable {
                var query: String
                var matched: Int
                var authors: Int
                var posts: [Post]
            }
            print(try Output.json(Result(query: result.query.description, matched: page.matched, authors: page.authors,
                                         posts: page.posts)))
            return
        }
        if csv {
            print("created_at,platform,post_id,author_id,author,text")
            for post in page.posts {
                print([DateParsing.iso8601(post.createdAt), post.platform.rawValue, post.platformID, post.authorID,
                       post.authorHandle ?? "", post.text].map(CSVText.field).joined(separator: ","))
            }
            return
        }
        print("\(Output.count(page.matched)) posts by \(Output.count(page.authors)) accounts match \(result.query.description)"
              + String(format: " (%.3fs)", result.seconds))
        for post in page.posts {
            print(Output.post(post))
        }
    }
}
