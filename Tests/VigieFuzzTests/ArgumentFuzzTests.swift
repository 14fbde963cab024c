import Foundation
import Testing

/// Hostile arguments and query strings given to the built `vigie`: each run ends (no trap, no
/// hang) and a refusal says what is wrong, without a backtrace or a raw Foundation or SQLite error.
@Suite(.serialized) struct ArgumentFuzzTests {
    /// Query strings that once trapped, hung or cost more than linear time, and their cousins.
    static let hostileQueries: [String] = [
        String(repeating: "(", count: 7_000) + "velo" + String(repeating: ")", count: 7_000),
        String(repeating: "NOT ", count: 20_000) + "velo",
        String(repeating: "NOT ", count: 1_000) + "velo",
        Array(repeating: "velo", count: 25_000).joined(separator: " "),
        (0..<2_000).map { "w\($0)" }.joined(separator: " OR "),
        (0..<1_000).map { "w\($0)" }.joined(separator: " "),
        String(repeating: "-", count: 5_000) + "velo",
        String(repeating: "(velo OR ", count: 30) + "x" + String(repeating: ")", count: 30),
        "((((((((", "))))", "NOT", "\"", "“unclosed", "a NEAR/99999999999999999999 b", "a NEAR/5 (b OR c)", "*", "a**",
        "#", "@", "lang:", "lang:zzzzzzzzz", "since:abc", "since:0000-01-01", "until:99999-01-01", "author:", "site:",
        "url:", "platform:myspace", String(repeating: "a", count: 100_000),
        "AND", "OR OR", "- -velo", "😀 NEAR/2 🚲", "\u{202E}velo", "e\u{301}\u{301}", "since:2025-03-01T00:00:00+99:99",
        "\"\" OR velo", "velo NEAR/3 NEAR/3 velo", "velo*cycl*", "(velo) (velo) (velo)", "lang:fr-" ,
    ]

    @Test("hostile query strings end with an answer or a located error")
    func hostileQueryStrings() throws {
        let workspace = try FuzzWorkspace()
        defer { workspace.cleanUp() }
        for query in Self.hostileQueries {
            for arguments in [["query", "--", query], ["query", "--stemmed", "--limit", "3", "--", query]] {
                let outcome = try workspace.run(arguments, timeout: 60)
                FuzzWorkspace.expectHandled(outcome, arguments)
                #expect(outcome.seconds < 20, "\(arguments.first ?? "") took \(outcome.seconds) s")
                if let status = outcome.status, status != 0, !query.isEmpty {
                    #expect(outcome.stderr.contains("column") || outcome.stderr.contains("query"),
                            "the error names no column: \(query.prefix(60)): \(outcome.stderr.prefix(300))")
                }
            }
        }
    }

    @Test("hostile arguments to ingest, query, posts, accounts, stats and rejects")
    func hostileArguments() throws {
        let workspace = try FuzzWorkspace(posts: 100)
        defer { workspace.cleanUp() }
        let csv = workspace.dataFile.path
        let notSQLite = try workspace.file("not-a-database.sqlite", Array("hello, I am text\n".utf8))
        let folder = workspace.directory.appendingPathComponent("empty-folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var runs: [[String]] = []
        for size in ["0", "-1", "9223372036854775807", "1000001", "abc", "1e9", "99999999999999999999"] {
            runs.append(["ingest", csv, "--batch-size", size, "--no-language-id"])
        }
        for map in ["=", "==", "text=", "=message", "text", "text==message", "bogus=message", "text=nonexistent",
                    String(repeating: "a", count: 100_000) + "=b"] {
            runs.append(["ingest", csv, "--format", "csv", "--map", map, "--no-language-id"])
        }
        for delimiter in [";;", "", "\t", "|", "tab", ","] {
            runs.append(["ingest", csv, "--delimiter", delimiter, "--no-language-id"])
        }
        runs += [
            ["ingest", csv, "--format", "nonsense"], ["ingest"], ["ingest", "/nonexistent/file.csv"], ["ingest", "/dev/null"],
            ["ingest", folder.path], ["ingest", csv, "/nonexistent/file.csv", "--no-language-id"],
            ["ingest", csv, "--platform", "myspace"], ["ingest", csv, "--workspace", "../../etc"], ["ingest", csv, "--workspace", ""],
            ["ingest", csv, "--workspace", String(repeating: "w", count: 10_000)],
            ["ingest", csv, "--database", "/nonexistent/dir/x.sqlite", "--no-language-id"],
            ["ingest", csv, "--database", folder.path, "--no-language-id"],
            ["ingest", csv, "--database", notSQLite, "--no-language-id"],
            ["ingest", csv, "--format", "twitter-v2", "--no-language-id"], ["ingest", csv, "--format", "mastodon", "--dry-run"],
            ["query", "velo", "--limit", "-1"], ["query", "velo", "--limit", "99999999999999999999"],
            ["query", "velo", "--since", "0000-01-01"], ["query", "velo", "--until", "99999"],
            ["query", "velo", "--since", "2025-01-01", "--until", "2024-01-01"], ["query", "velo", "--database", notSQLite],
            ["query", "velo", "--database", "/nonexistent/x.sqlite"], ["query", "velo", "--workspace", "nope"],
            ["posts", "search", ""], ["posts", "search", " "], ["posts", "search", "velo", "--limit", "-5"],
            ["posts", "search"] + (0..<100).map { "w\($0)" },
            ["posts", "search", String(repeating: "velo ", count: 20_000)],
            ["accounts", "show", ""], ["accounts", "show", "@"], ["accounts", "show", "@@@"],
            ["accounts", "show", String(repeating: "x", count: 100_000)], ["accounts", "show", "' OR 1=1 --"],
            ["stats", "--workspace", "a b"], ["stats", "--database", notSQLite], ["rejects", "--limit", "-1"],
            ["rejects", "--limit", "99999999999999999999"], ["watch", "add", "../x", "velo"], ["watch", "add", "", "velo"],
            ["watch", "add", "ok", "(("],
        ]
        for arguments in runs {
            let outcome = try workspace.run(arguments, timeout: 120)
            FuzzWorkspace.expectHandled(outcome, arguments)
        }
    }
}
