import Foundation
import Testing

@Suite struct TrustCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Small synth data (3,000 posts) → ingest → score every account: the planted bots are found.
    @Test func plantedBotsAreFoundAndExplained() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let out = cli.directory.appendingPathComponent("synth").path
        let synth = try cli.run(["synth", "--posts", "3000", "--seed", "5", "--format", "twitter-v2", "--out", out, "--quiet"])
        try #require(synth.status == 0, "\(synth.stderr)")
        try #require(try cli.run(["ingest", out]).status == 0)

        let evaluate = try cli.run(["trust", "evaluate", "--truth", out + "/ground-truth.json", "--json"])
        try #require(evaluate.status == 0, "\(evaluate.stderr)")
        let result = try json(evaluate.stdout)
        let metrics = try #require(result["metrics"] as? [String: Any])
        let bots = try #require(result["bots"] as? Int)
        #expect(bots >= 10)
        let precision = try #require(metrics["precision"] as? Double), recall = try #require(metrics["recall"] as? Double)
        // At the calibrated threshold (0.17, best F1 on the real labelled sets) a few people scored
        // 0.18–0.24 are flagged; above 0.5 every account must be a planted bot.
        #expect(precision >= 0.8, "precision \(precision)")
        let bins = try #require(metrics["reliability"] as? [[String: Any]])
        let high = bins.filter { ($0["lower"] as? Double ?? 0) >= 0.5 }
        #expect(!high.isEmpty && high.allSatisfy { ($0["observedRate"] as? Double ?? 0) >= 0.95 }, "\(high)")
        #expect(recall >= 0.9, "recall \(recall)")
        #expect((metrics["auc"] as? Double ?? 0) >= 0.97)
        let hard = try #require(result["hardNegatives"] as? Int), hardFlagged = try #require(result["hardNegativesFlagged"] as? Int)
        #expect(hard > 0 && Double(hardFlagged) <= 0.2 * Double(hard), "\(hardFlagged) of \(hard) hard negatives flagged")

        // The report lists bots first, with reasons; CSV has a header and quoted fields.
        let truth = try json(try String(contentsOfFile: out + "/ground-truth.json", encoding: .utf8))
        let botHandles = Set((truth["bots"] as? [[String: Any]] ?? []).compactMap { $0["handle"] as? String })
        let report = try cli.run(["trust", "report", "--min-score", "0.5", "--limit", "10", "--csv"])
        try #require(report.status == 0, "\(report.stderr)")
        let lines = report.stdout.split(separator: "\n")
        #expect(lines.first == "rank,platform,account_id,handle,score,label,confidence,reasons")
        #expect(lines.count == 11)
        let handles = lines.dropFirst().map { String($0.split(separator: ",")[3]) }
        #expect(handles.filter { botHandles.contains($0) }.count >= 9)

        let handle = try #require(botHandles.sorted().first)
        let score = try cli.run(["trust", "score", "@" + handle, "--json"])
        try #require(score.status == 0, "\(score.stderr)")
        let scored = try json(score.stdout)
        #expect((scored["score"] as? Double ?? 0) >= 0.5)
        #expect(scored["label"] as? String == "likely inauthentic")
        let up = try #require(scored["reasonsUp"] as? [[String: Any]])
        #expect(!up.isEmpty && up.allSatisfy { ($0["contribution"] as? Double ?? 0) > 0 && !($0["sentence"] as? String ?? "").isEmpty })
        #expect(scored["audience"] is [String: Any])

        // Scoring one account reads only its neighbourhood, with the same result as the whole-workspace pass,
        // for bots, hard negatives and the most engaged-with accounts alike.
        let others = (truth["hardNegatives"] as? [[String: Any]] ?? []).prefix(3).compactMap { $0["handle"] as? String }
        for name in [handle] + others + botHandles.sorted().suffix(2) {
            let alone = try cli.run(["trust", "score", "@" + name, "--json"])
            let whole = try cli.runBench(["trust-score", "@" + name, "--whole-workspace"])
            try #require(alone.status == 0 && whole.status == 0, "\(alone.stderr) \(whole.stderr)")
            #expect(alone.stdout == whole.stdout, "@\(name): alone \(alone.stdout) whole \(whole.stdout)")
        }
        let text = try cli.run(["trust", "score", handle])
        #expect(text.stdout.contains("raises the score:") && text.stdout.contains("audience: tier"))

        // A query restricts the report to the authors of matching posts.
        let none = try cli.run(["trust", "report", "--query", "zzzqqq", "--min-score", "0", "--json"])
        try #require(none.status == 0, "\(none.stderr)")
        #expect((try json(none.stdout)["accounts"] as? [Any])?.isEmpty == true)
    }

    @Test func errorsNameWhatIsWrong() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let csv = try cli.write("posts.csv", "id,author,text,created_at\n1,anne,bonjour,2024-01-01T00:00:00Z\n")
        try #require(try cli.run(["ingest", csv, "--format", "csv"]).status == 0)

        let missing = try cli.run(["trust", "score", "@nobody"])
        #expect(missing.status != 0 && missing.stderr.contains("nobody"))

        let badModel = try cli.write("model.json", "{}")
        let bad = try cli.run(["trust", "score", "anne", "--model", badModel])
        #expect(bad.status != 0 && bad.stderr.contains("model.json") && bad.stderr.contains("missing field"))

        let range = try cli.run(["trust", "report", "--min-score", "2"])
        #expect(range.status != 0 && range.stderr.contains("--min-score"))

        let query = try cli.run(["trust", "report", "--query", "(velo"])
        #expect(query.status != 0 && query.stderr.contains("invalid --query"))

        // An account with one post and no profile is scored with low confidence, not as zero.
        let thin = try cli.run(["trust", "score", "anne", "--json"])
        try #require(thin.status == 0, "\(thin.stderr)")
        let scored = try json(thin.stdout)
        #expect((scored["confidence"] as? Double ?? 1) < 0.25)
        #expect(scored["label"] as? String == "not enough data")
        #expect((scored["unknown"] as? [String] ?? []).contains("followRatio"))

        let data = try cli.run(["trust", "train", "--data", cli.directory.path, "--out", cli.directory.path + "/m.json"])
        #expect(data.status != 0 && data.stderr.contains(cli.directory.path))
    }

    @Test func trainWritesAModelThatScoreLoads() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let model = cli.directory.appendingPathComponent("model.json").path
        let train = try cli.run(["trust", "train", "--data", CLI.trustData("bot-labels-twibot"),
                                 "--data", CLI.trustData("instagram-fake-followers-srf"),
                                 "--synth-posts", "1000", "--folds", "3", "--tree-rounds", "8", "--out", model])
        try #require(train.status == 0, "\(train.stderr)")
        for needle in ["cross-validated within twibot20", "cross-validated within twibot22", "cross-validated within srf",
                       "transfer twibot → srf", "transfer srf → twibot", "synth held out", "wrote " + model,
                       "at the threshold chosen inside the training folds", "majority-vote labels",
                       "operating threshold for twibot22", "family instagram (instagram, tiktok), trained on srf",
                       "family twitter (twitter, mastodon, bluesky), trained on twibot20+twibot22", "family pooled",
                       "trees d2×8", "chosen inside each training fold", "human ceiling: one expert's label"] {
            #expect(train.stdout.contains(needle), "missing '\(needle)'")
        }
        let object = try json(try String(contentsOfFile: model, encoding: .utf8))
        #expect(object["format"] as? Int == 2)
        let profiles = try #require(object["profiles"] as? [[String: Any]])
        #expect(profiles.compactMap { $0["family"] as? String } == ["instagram", "twitter", "pooled"])
        #expect(profiles.allSatisfy { ($0["learner"] as? String) == "logistic" || ($0["trees"] as? [String: Any]) != nil })
        #expect((object["behaviour"] as? [Any])?.count ?? 0 > 5)
    }
}

extension CLI {
    /// Runs the `vigie-bench` executable built beside `vigie`, on this test's database.
    func runBench(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = Self.executable.deletingLastPathComponent().appendingPathComponent("vigie-bench")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIE_DATABASE"] = database
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A labelled data folder of the shared data (see `SharedData`).
    static func trustData(_ name: String) -> String {
        SharedData.path(name)
    }
}
