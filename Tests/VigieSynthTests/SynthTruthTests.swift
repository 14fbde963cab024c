import Foundation
import Testing
import VigieCore
@testable import VigieSynth

/// Determinism, exact counts, and a ground truth that matches the data it describes.
@Suite struct SynthTruthTests {
    static let files = ["ground-truth.json", "post-truth.csv", "coordination-truth.csv"]

    private func contents(of directory: URL, format: SynthFormat) throws -> [Data] {
        try ([format.dataFileName] + SynthTruthTests.files).map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    }

    @Test(arguments: [SynthFormat.toolkitCSV, .jetstream, .twitterV2])
    func sameSeedGivesIdenticalBytes(format: SynthFormat) throws {
        let configuration = SynthConfiguration(posts: 2500, seed: 9)
        let (_, first) = try generate(configuration, format)
        let (_, second) = try generate(configuration, format)
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        #expect(try contents(of: first, format: format) == contents(of: second, format: format))
    }

    @Test func differentSeedGivesDifferentData() throws {
        let (_, first) = try generate(SynthConfiguration(posts: 2000, seed: 1), .toolkitCSV)
        let (_, second) = try generate(SynthConfiguration(posts: 2000, seed: 2), .toolkitCSV)
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let name = SynthFormat.toolkitCSV.dataFileName
        #expect(try Data(contentsOf: first.appendingPathComponent(name)) != Data(contentsOf: second.appendingPathComponent(name)))
    }

    @Test func countsMatchTheConfiguration() throws {
        let configuration = SynthConfiguration(posts: 4321, seed: 5, accounts: 300)
        var reported: [Int] = []
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try SynthGenerator(configuration: configuration)
            .generate(format: .toolkitCSV, to: directory) { reported.append($0) }
        #expect(summary.posts == 4321)
        #expect(summary.originals + summary.replies + summary.quotes + summary.reposts == 4321)
        #expect(summary.accounts == 300)
        #expect(reported == [4321])
        let truth = try groundTruth(in: directory)
        #expect(truth.counts.posts == 4321)
        #expect(try csvRows(directory.appendingPathComponent("post-truth.csv")).count == 4321)
        #expect(truth.bots.count == Int(300 * configuration.botShare))
    }

    @Test func invalidConfigurationIsRejectedWithItsReason() {
        #expect(throws: SynthError.self) {
            try SynthGenerator(configuration: SynthConfiguration(posts: 0)).generate(format: .mastodon, to: temporaryDirectory())
        }
        do {
            try SynthConfiguration(topicCount: 99).validate()
            Issue.record("topic count 99 accepted")
        } catch {
            #expect(error.message.contains("topic count"))
        }
    }

    /// One larger run shared by the truth checks below.
    final class Run: @unchecked Sendable {
        let directory: URL
        let truth: GroundTruth
        let messages: [[String]]
        let postTruth: [[String: String]]
        let coordination: [[String: String]]

        init() throws {
            directory = temporaryDirectory("truthRun")
            _ = try SynthGenerator(configuration: SynthConfiguration(posts: 40_000, seed: 11))
                .generate(format: .toolkitCSV, to: directory)
            truth = try groundTruth(in: directory)
            messages = try lines(of: directory.appendingPathComponent(SynthFormat.toolkitCSV.dataFileName))
                .dropFirst().map(csvFields)
            postTruth = try csvRows(directory.appendingPathComponent("post-truth.csv"))
            coordination = try csvRows(directory.appendingPathComponent("coordination-truth.csv"))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static let run = Result { try Run() }

    @Test func plantedAccountsAreAuthorsInTheData() throws {
        let run = try SynthTruthTests.run.get()
        let authors = Set(run.messages.map { $0[1] })
        #expect(!run.truth.bots.isEmpty)
        for bot in run.truth.bots where bot.posts > 0 { #expect(authors.contains(bot.id), "bot \(bot.handle) never posts") }
        #expect(run.truth.bots.filter { $0.posts > 0 }.count > run.truth.bots.count * 9 / 10)
        for topic in run.truth.topics {
            let experts = topic.relevantAccounts.filter { $0.relevance >= 2 }
            #expect(!experts.isEmpty)
            for expert in experts { #expect(authors.contains(expert.id), "expert \(expert.handle) never posts") }
        }
        #expect(!run.truth.hardNegatives.isEmpty)
        #expect(run.truth.coordinatedGroups.count >= 3)
        for group in run.truth.coordinatedGroups {
            #expect((5...30).contains(group.members.count))
            #expect(group.members.allSatisfy { authors.contains($0.id) })
        }
    }

    @Test func botsPostMoreRegularlyAndFromOneApp() throws {
        let run = try SynthTruthTests.run.get()
        let bots = Set(run.truth.bots.map(\.id))
        var times: [String: [Int]] = [:]
        for row in run.messages { times[row[1], default: []].append(Int(row[6]) ?? 0) }
        func irregularity(_ values: [Int]) -> Double {
            let gaps = zip(values.dropFirst(), values).map { Double($0 - $1) }
            guard gaps.count >= 4 else { return .nan }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)
            return variance.squareRoot() / max(mean, 1)
        }
        let botScores = times.filter { bots.contains($0.key) }.map { irregularity($0.value) }.filter { !$0.isNaN }
        let humanScores = times.filter { !bots.contains($0.key) }.map { irregularity($0.value) }.filter { !$0.isNaN }
        #expect(!botScores.isEmpty && !humanScores.isEmpty)
        let botMedian = botScores.sorted()[botScores.count / 2]
        let humanMedian = humanScores.sorted()[humanScores.count / 2]
        #expect(botMedian < 0.2 && humanMedian > 0.5, "bots \(botMedian), people \(humanMedian)")
        #expect(Set(run.truth.bots.map(\.source)).isSubset(of: ["AutoPoster", "dlvr.it", "PostBot Pro"]))
    }

    @Test func mostOnTopicPostsLackTheMainKeyword() throws {
        let run = try SynthTruthTests.run.get()
        let textByID = Dictionary(run.messages.map { ($0[0], $0[5]) }, uniquingKeysWith: { first, _ in first })
        for topic in run.truth.topics {
            let onTopic = run.postTruth.filter { $0["topic"] == topic.name }
            #expect(onTopic.count > 100)
            let withKeyword = onTopic.filter { row in
                let text = textByID[row["post_id"] ?? ""] ?? ""
                return topic.keywords.contains { containsWords(text, $0) }
            }
            let share = 1 - Double(withKeyword.count) / Double(onTopic.count)
            #expect(share >= 0.7, "\(topic.name): only \(share) of on-topic posts lack the keyword")
            // The truth flag agrees with the text.
            #expect(withKeyword.count == onTopic.filter { $0["has_keyword"] == "true" }.count)
            // A topic's hashtags mark on-topic posts, apart from spam bots hijacking them
            // (and reposts of that spam): a little noise, on purpose.
            let tagged = run.postTruth.filter { row in
                topic.hashtags.contains { (textByID[row["post_id"] ?? ""] ?? "").contains("#" + $0) }
            }
            let taggedOnTopic = tagged.filter { $0["topic"] == topic.name }.count
            #expect(Double(taggedOnTopic) >= 0.95 * Double(tagged.count), "\(topic.name): \(taggedOnTopic) of \(tagged.count)")
            #expect(!tagged.isEmpty)
        }
    }

    @Test func expertsHaveFewerFollowersButOnTopicEngagement() throws {
        let run = try SynthTruthTests.run.get()
        let experts = run.truth.topics.flatMap { $0.relevantAccounts.filter { $0.relevance >= 2 } }
        #expect(median(experts.map(\.followers)) * 10 < median(run.truth.popularAccounts.map(\.followers)))
        #expect(experts.allSatisfy { $0.followers < 100_000 })
        #expect(run.truth.popularAccounts.allSatisfy { $0.followers >= 100_000 })
        // Experts mostly post on their topic and get reposted and replied to by others.
        let core = run.truth.topics.flatMap { $0.relevantAccounts.filter { $0.relevance == 3 } }
        #expect(core.allSatisfy { Double($0.onTopicPosts) >= 0.6 * Double($0.posts) })
        let expertIDs = Set(experts.map(\.id))
        let authorByPost = Dictionary(run.messages.map { ($0[0], $0[1]) }, uniquingKeysWith: { first, _ in first })
        let engagementOnExperts = run.messages.filter { row in
            let target = row[3].isEmpty ? row[4] : row[3]
            return expertIDs.contains(authorByPost[target] ?? "") && row[1] != authorByPost[target]
        }
        #expect(engagementOnExperts.count > experts.count * 5)
    }

    @Test func coordinatedPostsShareLinksAndOriginalsWithinTheWindow() throws {
        let run = try SynthTruthTests.run.get()
        let window = TimeInterval(run.truth.generator.coordinationWindowSeconds)
        let byCampaign = Dictionary(grouping: run.coordination, by: { $0["campaign"] ?? "" })
        #expect(byCampaign.count >= 10)
        let rowsByID = Dictionary(run.messages.map { ($0[0], $0) }, uniquingKeysWith: { first, _ in first })
        for (_, rows) in byCampaign {
            let times = rows.compactMap { $0["timestamp"].flatMap { DateParsing.parse($0) } }
            #expect(times.count == rows.count)
            if let first = times.min(), let last = times.max() { #expect(last.timeIntervalSince(first) <= window) }
            let posts = rows.compactMap { rowsByID[$0["post_id"] ?? ""] }
            #expect(posts.count == rows.count)
            // Every post carries the campaign link, apart from reply brigades.
            let link = rows[0]["link"] ?? ""
            #expect(link.isEmpty == (rows[0]["behaviour"] == "co-reply"))
            if !link.isEmpty { #expect(posts.allSatisfy { $0[7].split(separator: " ").contains(Substring(link)) }) }
            switch rows[0]["behaviour"] {
            case "co-repost":
                let original = rows[0]["original_id"] ?? ""
                #expect(posts.filter { $0[3] == original }.count == posts.count - 1)
            case "co-post":
                #expect(Set(posts.map { $0[5] }).count == 1)
            case "near-duplicate":
                #expect(posts.count < 3 || Set(posts.map { $0[5] }).count > 1)
            case "co-reply":
                let target = rows[0]["original_id"] ?? ""
                #expect(!target.isEmpty && posts.allSatisfy { $0[4] == target && $0[3].isEmpty })
                #expect(rows.allSatisfy { $0["kind"] == "reply" })
            default:
                Issue.record("unknown behaviour")
            }
        }
        let members = Set(run.truth.coordinatedGroups.flatMap { $0.members.map(\.id) })
        #expect(run.coordination.allSatisfy { members.contains($0["account_id"] ?? "") })
    }

    @Test func emergingHashtagsStartAtOnsetAndPeakLater() throws {
        let run = try SynthTruthTests.run.get()
        #expect(run.truth.emergingHashtags.count == 3)
        for tag in run.truth.emergingHashtags {
            let onset = try #require(DateParsing.parse(tag.onset))
            let peak = try #require(DateParsing.parse(tag.peak))
            #expect(onset < peak)
            let times = run.messages.filter { $0[5].contains("#" + tag.tag) }
                .compactMap { Double($0[6]) }.map { Date(timeIntervalSince1970: $0) }
            #expect(times.count >= 20)
            #expect(times.allSatisfy { $0 >= onset.addingTimeInterval(-1) }, "\(tag.tag) used before its onset")
            let nearPeak = times.filter { abs($0.timeIntervalSince(peak)) <= 12 * 3600 }.count
            let firstHalfDay = times.filter { $0.timeIntervalSince(onset) <= 12 * 3600 }.count
            #expect(nearPeak > firstHalfDay, "\(tag.tag): \(nearPeak) near peak, \(firstHalfDay) after onset")
        }
    }

    @Test func sentimentIsPlantedInBothLanguages() throws {
        let run = try SynthTruthTests.run.get()
        let labels = Dictionary(grouping: run.postTruth, by: { ($0["language"] ?? "") + "/" + ($0["sentiment"] ?? "") })
        for key in ["fr/positive", "fr/negative", "fr/neutral", "en/positive", "en/negative", "en/neutral"] {
            #expect((labels[key]?.count ?? 0) > 500, "too few \(key) posts")
        }
    }
}
