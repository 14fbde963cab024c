import Foundation
import Testing
import VigieTestSupport

/// `vigie privacy requests` with `export` and `erase` as a data-protection officer runs them: a
/// request recorded, refused an answer until the identity is checked, answered, listed with
/// its state; late requests warned about; bad input answered with the flag at fault.
@Suite struct PrivacyCommandTests {
    func workspace() throws -> CLI {
        let cli = try CLI()
        let posts = try cli.write("posts.csv", """
            id,author,created_at,text,lang
            1,marie,2026-03-01T10:00:00Z,Le vélo électrique de marie-marqueur,fr
            2,paul,2026-03-02T10:00:00Z,Bravo @marie pour la course,fr

            """)
        let ingest = try cli.run(["ingest", "--quiet", "--format", "csv", posts])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return cli
    }

    @Test func aRequestIsTrackedFromReceiptToAnswer() throws {
        let cli = try workspace()
        defer { cli.cleanUp() }
        let add = try cli.run(["privacy", "requests", "add", "--kind", "access", "--subject", "@marie",
                               "--requester", "Marie D. <marie@example.org>"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("request 1 (access)") && add.stdout.contains("requests verify 1"), "\(add.stdout)")

        let early = try cli.run(["privacy", "export", "--request", "1", "--no-scores"])
        #expect(early.status != 0 && early.stderr.contains("not verified"), "\(early.stderr)")

        let verify = try cli.run(["privacy", "requests", "verify", "1", "--identity-check", "ID card seen by video call"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let export = try cli.run(["privacy", "export", "--request", "1", "--no-scores", "--json-file", "dsar-1.json"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("request 1 completed; export SHA-256 "), "\(export.stderr)")
        let exported = try String(contentsOf: cli.directory.appendingPathComponent("dsar-1.json"), encoding: .utf8)
        #expect(exported.contains("marie-marqueur"))

        let show = try cli.run(["privacy", "requests", "show", "1", "--json"])
        let request = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(request["state"] as? String == "completed")
        #expect(request["identityCheck"] as? String == "ID card seen by video call")
        #expect((request["exportDigest"] as? String)?.count == 64)

        // An erasure request answered by `erase --request`: the subject comes from the request.
        let erasure = try cli.run(["privacy", "requests", "add", "--kind", "erasure", "--subject", "@marie",
                                   "--requester", "Marie D. <marie@example.org>", "--identity-check", "same address as request 1"])
        #expect(erasure.status == 0, "\(erasure.stderr)")
        let erase = try cli.run(["privacy", "erase", "--request", "2", "--yes"])
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(erase.stdout.contains("request 2 completed"), "\(erase.stdout)")
        let list = try cli.run(["privacy", "requests", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("1 ") || $0.hasPrefix("2 ") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains("completed") }, "\(list.stdout)")
        // The erased person is named by hash in their requests; the requester stays as proof.
        #expect(!list.stdout.contains("@marie") && list.stdout.contains("erased:"), "\(list.stdout)")
        #expect(list.stdout.contains("marie@example.org"))
        let receipts = try cli.run(["privacy", "receipts"])
        #expect(receipts.stdout.contains("request 2"), "\(receipts.stdout)")
    }

    @Test func lateRequestsAreWarnedAbout() throws {
        let cli = try workspace()
        defer { cli.cleanUp() }
        let received = String(DateParsingText.daysAgo(27).prefix(10))
        let old = try cli.run(["privacy", "requests", "add", "--kind", "erasure", "--subject", "@paul", "--requester", "Paul",
                               "--received", received])
        #expect(old.status == 0, "\(old.stderr)")
        _ = try cli.run(["privacy", "requests", "add", "--kind", "access", "--subject", "@marie", "--requester", "Marie"])
        let list = try cli.run(["privacy", "requests", "--open"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stderr.contains("warning: request 1 (erasure, received) is due"), "\(list.stderr)")
        #expect(!list.stderr.contains("request 2"), "\(list.stderr)")
        let refuse = try cli.run(["privacy", "requests", "close", "1", "--refused", "--note", "identity not confirmed"])
        #expect(refuse.status == 0 && refuse.stdout.contains("refused"), "\(refuse.stdout) \(refuse.stderr)")
        #expect(!(try cli.run(["privacy", "requests", "--open"]).stderr.contains("warning")))
    }

    @Test func pseudonymisedOutputsNameNobody() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let posts = try cli.write("posts.csv", """
            id,author,created_at,text,lang
            1,marie,2026-03-01T10:00:00Z,Le vélo électrique enfin,fr
            2,paul,2026-03-02T10:00:00Z,Bravo @marie pour la course à vélo,fr

            """)
        #expect(try cli.run(["ingest", "--quiet", "--format", "csv", posts]).status == 0)
        #expect(try cli.run(["privacy", "pseudonyms"]).stdout.contains("off"))
        let on = try cli.run(["privacy", "pseudonyms", "on", "--reason", "research export"])
        #expect(on.status == 0 && on.stdout.contains("on"), "\(on.stderr)")

        var shown = ""
        let nodes = cli.directory.appendingPathComponent("graph-nodes.csv")
        for arguments in [["query", "vélo"], ["query", "vélo", "--json"], ["query", "vélo", "--csv"], ["posts", "search", "vélo"],
                          ["posts", "search", "vélo", "--json"], ["graph", "export", "--format", "gexf"],
                          ["graph", "export", "--format", "graphml"], ["graph", "export", "--format", "csv", "--out", "graph.csv"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            shown += result.stdout
        }
        shown += try String(contentsOf: nodes, encoding: .utf8)
        #expect(shown.contains("p-") && shown.contains("<node id="))
        for handle in ["marie", "paul"] {
            #expect(!shown.lowercased().contains(handle), "\(handle) is shown: \(shown)")
        }
        // The same person gets the same pseudonym in every run and output.
        func newestFirst() throws -> [(author: String, text: String)] {
            let json = try cli.run(["query", "vélo", "--json"]).stdout
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            return (object["posts"] as? [[String: Any]] ?? []).map { ($0["authorHandle"] as? String ?? "", $0["text"] as? String ?? "") }
        }
        let first = try newestFirst()
        #expect(first.count == 2 && Set(first.map(\.author)).count == 2 && first.allSatisfy { $0.author.hasPrefix("p-") })
        #expect(try newestFirst().map(\.author) == first.map(\.author))
        let paul = try #require(first.first?.author)
        let marie = try #require(first.last?.author)
        // Mentioned by handle, she has the pseudonym of her account.
        #expect(first.first?.text == "Bravo @\(marie) pour la course à vélo")

        // Commands that cannot pseudonymise refuse to run, saying why.
        let refused = try cli.run(["accounts", "show", "marie"])
        #expect(refused.status != 0 && refused.stderr.contains("pseudonym"), "\(refused.stdout) \(refused.stderr)")
        #expect(!refused.stdout.contains("marie"))

        // An owner reveals a pseudonym, with a reason.
        let noReason = try cli.run(["privacy", "pseudonyms", "reveal", paul])
        #expect(noReason.status != 0 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
        let revealed = try cli.run(["privacy", "pseudonyms", "reveal", paul, "--reason", "moderation case 31"])
        #expect(revealed.status == 0 && revealed.stdout.contains("@paul"), "\(revealed.stdout) \(revealed.stderr)")

        #expect(try cli.run(["privacy", "pseudonyms", "off"]).status == 0)
        #expect(try cli.run(["query", "vélo"]).stdout.contains("@paul"))
    }

    @Test func purgeIsADryRunUntilYes() throws {
        let cli = try workspace()
        defer { cli.cleanUp() }
        let set = try cli.run(["privacy", "retention", "set", "--posts", "30", "--reason", "test"])
        #expect(set.status == 0, "\(set.stderr)")
        let dryRun = try cli.run(["privacy", "purge"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("would remove") && dryRun.stdout.contains("`vigie privacy purge --yes`"), "\(dryRun.stdout)")
        func postsRow(_ output: String) -> [Substring]? {
            output.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first == "posts" }
        }
        #expect(postsRow(dryRun.stdout)?.last == "2", "\(dryRun.stdout)")
        let purge = try cli.run(["privacy", "purge", "--yes"])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(postsRow(purge.stdout)?.last == "2" && purge.stdout.contains("transactions"), "\(purge.stdout)")
        // The same operation under its other name: nothing is left to remove.
        let apply = try cli.run(["privacy", "retention", "apply", "--json"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(apply.stdout.utf8)) as? [String: Any])
        #expect(summary["dryRun"] as? Bool == true)
        let search = try cli.run(["posts", "search", "marie"])
        #expect(!search.stdout.contains("marie-marqueur"), "\(search.stdout)")
    }

    @Test func badInputNamesTheFlag() throws {
        let cli = try workspace()
        defer { cli.cleanUp() }
        let date = try cli.run(["privacy", "requests", "add", "--kind", "access", "--subject", "@marie", "--requester", "M",
                                "--received", "yesterday"])
        #expect(date.status != 0 && date.stderr.contains("--received"), "\(date.stderr)")
        let kind = try cli.run(["privacy", "requests", "add", "--kind", "deletion", "--subject", "@marie", "--requester", "M"])
        #expect(kind.status != 0 && kind.stderr.contains("--kind"), "\(kind.stderr)")
        let requester = try cli.run(["privacy", "requests", "add", "--kind", "access", "--subject", "@marie", "--requester", " "])
        #expect(requester.status != 0 && requester.stderr.contains("--requester"), "\(requester.stderr)")
        let missing = try cli.run(["privacy", "requests", "show", "9"])
        #expect(missing.status != 0 && missing.stderr.contains("no request 9"), "\(missing.stderr)")
        let nothing = try cli.run(["privacy", "erase", "--yes"])
        #expect(nothing.status != 0 && nothing.stderr.contains("--request"), "\(nothing.stderr)")
        // Refused before the server starts.
        let interval = try cli.run(["serve", "--purge-interval", "soon"])
        #expect(interval.status != 0 && interval.stderr.contains("--purge-interval"), "\(interval.stderr)")
    }
}

/// Dates as `--received` takes them.
enum DateParsingText {
    static func daysAgo(_ days: Int) -> String {
        Date().addingTimeInterval(-Double(days) * 86_400).ISO8601Format()
    }
}
