import Foundation
import Testing

@Suite struct TrendsCommandTests {
    /// Ten days of 3 posts an hour from many authors, then 4 hours of 30 posts an hour carrying a
    /// new hashtag from 120 distinct authors.
    func corpus() throws -> CLI {
        let cli = try CLI()
        var lines = ["id,author,created_at,text,lang"]
        let start = Date(timeIntervalSince1970: 1_740_787_200)
        var id = 0
        for hour in 0..<240 {
            let burst = hour >= 236
            for i in 0..<(burst ? 30 : 3) {
                id += 1
                let time = start.addingTimeInterval(Double(hour) * 3600 + Double(i) * (burst ? 120 : 1200))
                let text = burst ? "Grosse affluence au départ #NouvelleLigne" : "Trajet du jour numéro \(i) en vélo"
                lines.append("\(id),user\(burst ? 1000 + id : (hour * 3 + i) % 90),\(ISO8601DateFormatter().string(from: time)),\(text),fr")
            }
        }
        let file = try cli.write("posts.csv", lines.joined(separator: "\n") + "\n")
        let result = try cli.run(["ingest", "--quiet", "--format", "csv", file])
        #expect(result.status == 0, "\(result.stderr)")
        return cli
    }

    @Test func trendsRanksTheNewHashtagWithItsEvidence() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        let text = try cli.run(["trends"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("#nouvelleligne: 120 posts from 120 authors in the last 6 h"), "\(text.stdout)")
        let json = try cli.run(["trends", "--json", "--kinds", "hashtag"])
        #expect(json.stdout.contains("\"key\" : \"nouvelleligne\""), "\(json.stdout)")
        #expect(json.stdout.contains("\"isNew\" : true"))
        let query = try cli.run(["trends", "--query", "velo", "--json"])
        #expect(query.status == 0)
        #expect(!query.stdout.contains("nouvelleligne"), "a query keeps other posts out")
        let bad = try cli.run(["trends", "--kinds", "hashtags,colours"])
        #expect(bad.status != 0 && bad.stderr.contains("unknown kind 'colours'"), "\(bad.stderr)")
        let spikes = try cli.run(["trends", "spikes"])
        #expect(spikes.stdout.contains("1 spike"), "\(spikes.stdout)")
        #expect(spikes.stdout.contains("persistence 2"))
    }

    @Test func alertRulesFireOnceAndLogFailedDeliveries() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        // Nothing listens on the discard port of the loopback address: each attempt is refused.
        let add = try cli.run(["alerts", "add", "volume", "--all", "--kind", "spike", "--webhook", "http://127.0.0.1:9/hook"])
        #expect(add.status == 0, "\(add.stderr)")
        let signals = try cli.run(["alerts", "add", "tags", "--query", "lang:fr", "--kind", "weak-signal"])
        #expect(signals.status == 0, "\(signals.stderr)")
        let duplicate = try cli.run(["alerts", "add", "volume", "--all", "--kind", "spike"])
        #expect(duplicate.status != 0 && duplicate.stderr.contains("already exists"))
        let badKind = try cli.run(["alerts", "add", "x", "--kind", "loud"])
        #expect(badKind.status != 0 && badKind.stderr.contains("--kind 'loud' is unknown"))

        let list = try cli.run(["alerts", "list"])
        #expect(list.stdout.contains("volume") && list.stdout.contains("weak-signal") && list.stdout.contains("query lang:fr"))

        let run = try cli.run(["alerts", "run", "--attempts", "2", "--backoff", "0.01", "--timeout", "2"])
        #expect(run.status == 2, "a failed delivery is an error: \(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("volume as of"), "\(run.stdout)")
        #expect(run.stdout.contains("volume spike"))
        #expect(run.stdout.contains("weak signal #nouvelleligne"), "\(run.stdout)")
        #expect(run.stdout.contains("NOT delivered after 2 attempts"))

        let log = try cli.run(["alerts", "deliveries", "--json"])
        #expect(log.stdout.components(separatedBy: "\"attempt\" : {").count - 1 == 2, "\(log.stdout)")
        let fired = try cli.run(["alerts", "fired"])
        #expect(fired.stdout.contains("[not delivered]") && fired.stdout.contains("[stored only]"), "\(fired.stdout)")

        // Evaluating again fires nothing new; only the undelivered alert is retried.
        let again = try cli.run(["alerts", "run", "--no-deliver"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 fired, 1 already fired before"), "\(again.stdout)")

        #expect(try cli.run(["alerts", "remove", "volume"]).status == 0)
        let gone = try cli.run(["alerts", "test", "volume"])
        #expect(gone.status != 0 && gone.stderr.contains("no alert named 'volume'"))
    }

    @Test func watchesAreTargetsOfTrendsAndAlerts() throws {
        let cli = try corpus()
        defer { cli.cleanUp() }
        #expect(try cli.run(["watch", "add", "transport", "velo OR #nouvelleligne"]).status == 0)
        #expect(try cli.run(["watch", "add", "bike", "velo"]).status == 0)
        let tagged = try cli.run(["trends", "--watch", "transport", "--json"])
        #expect(tagged.status == 0, "\(tagged.stderr)")
        #expect(tagged.stdout.contains("\"key\" : \"nouvelleligne\""))
        let bike = try cli.run(["trends", "--watch", "bike", "--json"])
        #expect(bike.status == 0 && !bike.stdout.contains("nouvelleligne"))
        let missing = try cli.run(["trends", "--watch", "nope"])
        #expect(missing.status != 0 && missing.stderr.contains("no watch named 'nope'"), "\(missing.stderr)")

        let unknown = try cli.run(["alerts", "add", "a", "--watch", "nope", "--kind", "spike"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no watch named 'nope'"), "\(unknown.stderr)")
        #expect(try cli.run(["alerts", "add", "a", "--watch", "transport", "--kind", "spike"]).status == 0)
        let run = try cli.run(["alerts", "test", "a", "--no-deliver"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 fired") && run.stdout.contains("volume spike"), "\(run.stdout)")
    }
}
