import Foundation
import Testing
import VigieCore

/// Generated listening queries, well-formed and damaged, through the parser, the index plan and
/// the matcher in this process: each must end quickly (the work is linear in the query's size
/// and bounded by `Query.maxNesting` and `Query.maxTerms`), and a parsed query prints back to
/// the same expression.
@Suite struct QueryFuzzTests {
    static let posts: [Post] = [
        Post(platform: .twitter, platformID: "1", authorID: "a", authorHandle: "marie_velo",
             createdAt: Date(timeIntervalSince1970: 1_740_830_534),
             text: "Le réseau cyclable de Lyon s'agrandit #vélo @ademe https://www.lemonde.fr/velo 🚲", language: "fr",
             hashtags: ["vélo"], urls: ["https://www.lemonde.fr/velo"]),
        Post(platform: .mastodon, platformID: "2", authorID: "b", authorHandle: "bob@masto.social",
             createdAt: Date(timeIntervalSince1970: 1_740_000_000),
             text: "Influencers and their networks: a long thread about cycling, climate and cities", language: "en"),
    ]

    @Test("generated queries parse, plan and match in linear time")
    func generatedQueries() throws {
        let done = DispatchSemaphore(value: 0)
        let report = Report()
        // A thread of its own with a large stack: a regression that recursed without bound
        // must show as a failure here, not take the test runner's stack down first.
        let thread = Thread {
            var random = FuzzRandom(seed: 4_242)
            for index in 0..<3_000 {
                let text = QueryGenerator.make(&random, large: index % 300 == 0)
                let started = Date()
                Self.exercise(text, report: report)
                let seconds = Date().timeIntervalSince(started)
                if seconds > 2 { report.add("took \(String(format: "%.1f", seconds)) s: \(text.prefix(120))") }
            }
            done.signal()
        }
        thread.stackSize = 64 << 20
        thread.start()
        let finished = done.wait(timeout: .now() + 300) == .success
        #expect(finished, "the generated queries did not finish within 5 minutes (a hang)")
        #expect(report.problems.isEmpty, "\(report.problems.prefix(10).joined(separator: "\n"))")
        #expect(report.parsed > 500 && report.refused > 200, "parsed \(report.parsed), refused \(report.refused)")
    }

    static func exercise(_ text: String, report: Report) {
        for stemmed in [false, true] {
            let query: Query
            do {
                query = try Query.parse(text, options: QueryOptions(stemmed: stemmed))
            } catch {
                report.refuse()
                if error.column < 1 || error.column > text.count + 1 {
                    report.add("column \(error.column) outside the query (\(text.count) characters): \(text.prefix(80))")
                }
                _ = error.description
                continue
            }
            report.parse()
            _ = QueryIndex.plan(for: query)
            for post in posts { _ = query.matches(post) }
            do {
                let again = try Query.parse(query.description, options: query.options)
                if again.expression != query.expression {
                    report.add("prints back differently: \(text.prefix(80)) → \(query.description.prefix(80))")
                }
            } catch {
                report.add("its description does not parse: \(text.prefix(80)) → \(query.description.prefix(80)): \(error.message)")
            }
        }
    }

    final class Report: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var problems: [String] = []
        private(set) var parsed = 0
        private(set) var refused = 0

        func add(_ problem: String) { lock.withLock { problems.append(problem) } }
        func parse() { lock.withLock { parsed += 1 } }
        func refuse() { lock.withLock { refused += 1 } }
    }
}

/// Random listening queries: terms of every kind, operators and nesting, then sometimes damaged.
enum QueryGenerator {
    static let words = ["velo", "vélo", "cyclisme", "réseau", "influenceur", "climat", "lyon", "a", "l'", "peut-être",
                        "🚲", "😀", "e\u{301}", "Δίκτυο", "東京", "x", "0", "2024", "NEARLY", "ANDROID", "ORANGE", "NOTE"]
    static let fields = ["lang:fr", "lang:en-GB", "since:2025-01-01", "until:2025-03-01T08:00:00Z", "author:marie_velo",
                         "site:lemonde.fr", "url:lemonde.fr/velo", "platform:mastodon", "unknown:x", "lang:", "since:abc"]

    static func make(_ random: inout FuzzRandom, large: Bool) -> String {
        var text = expression(&random, depth: large ? 0 : random.int(0...3), budget: large ? 1_200 : 12)
        if random.chance(0.35) { text = damage(text, &random) }
        if large, random.chance(0.5) {
            let depth = random.pick([23, 24, 25, 100, 5_000])
            text = String(repeating: random.pick(["(", "NOT (", "-("]), count: depth) + text + String(repeating: ")", count: depth)
        }
        return text
    }

    private static func expression(_ random: inout FuzzRandom, depth: Int, budget: Int) -> String {
        let count = max(1, random.int(1...max(1, min(budget, 6))))
        var parts: [String] = []
        var remaining = budget
        for _ in 0..<count where remaining > 0 {
            var part: String
            if depth < 30, random.chance(0.2) {
                part = "(" + expression(&random, depth: depth + 1, budget: max(1, remaining / 2)) + ")"
            } else {
                part = term(&random)
            }
            if random.chance(0.15) { part = random.pick(["NOT ", "-", "NOT NOT "]) + part }
            if random.chance(0.08) { part += " NEAR/\(random.int(0...12)) " + term(&random) }
            parts.append(part)
            remaining -= 1
        }
        if budget > 50 {
            // A long flat query: many terms under one operator.
            parts += (0..<budget).map { _ in term(&random) }
        }
        var text = parts[0]
        for part in parts.dropFirst() { text += random.pick([" ", " AND ", " OR ", " OR ", " "]) + part }
        return text
    }

    private static func term(_ random: inout FuzzRandom) -> String {
        switch random.int(0...9) {
        case 0: return "\"" + (0..<random.int(1...3)).map { _ in random.pick(words) }.joined(separator: " ") + "\""
        case 1: return random.pick(words) + "*"
        case 2: return "#" + random.pick(words)
        case 3: return "@" + random.pick(words)
        case 4: return random.pick(fields)
        case 5: return "https://www.lemonde.fr/" + random.pick(words)
        default: return random.pick(words)
        }
    }

    private static func damage(_ text: String, _ random: inout FuzzRandom) -> String {
        var characters = Array(text)
        for _ in 0..<random.int(1...3) {
            let at = random.int(0...characters.count)
            switch random.int(0...2) {
            case 0 where at < characters.count: characters.remove(at: at)
            default: characters.insert(random.pick(Array("()\"“”*#@:-/ \u{0}\u{202E}NEAR/ANDOR")), at: at)
            }
        }
        return String(characters)
    }
}
