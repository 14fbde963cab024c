import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct InfluencersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influencers",
        abstract: "Who really matters on a topic: accounts ranked by topical legitimacy, with the evidence.",
        discussion: """
            The topic is the posts a query matches. The score mixes a PageRank personalised on the \
            topic's authors over on-topic engagement only, the number of independent accounts that \
            engage on topic, the share of the account's own posts on topic, and the share of its \
            engagement coming from accounts that post on topic. Follower count does not enter the \
            score: it gives the tier (nano < 10k, micro < 100k, macro < 1M, mega) and the benchmark \
            the engagement rate is compared with. See docs/influence.md.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Option(help: ArgumentHelp("The topic as a listening query (see `vigie query`).", valueName: "query"))
    var query: String?

    @Option(help: ArgumentHelp("The topic as a saved watch (see `vigie watch`): its query.", valueName: "name"))
    var watch: String?

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Do not score accounts with the trust model (faster; no inauthenticity in the evidence).")
    var noTrust = false

    @Flag(help: "Match the query's words by their stem.")
    var stemmed = false

    @Option(help: ArgumentHelp("Only this tier: nano, micro, macro or mega.", valueName: "tier"))
    var tier: String?

    @Option(help: "How many accounts to show.")
    var limit = 50

    @Option(help: ArgumentHelp("Print all the evidence for one account.", valueName: "handle"))
    var explain: String?

    @Option(help: "Louvain resolution for the communities reached.")
    var resolution = 1.0

    @Option(help: ArgumentHelp(
        "Score the ranking against a `vigie synth` ground-truth.json (needs --topic): NDCG@20 of Vigie and of follower count.",
        valueName: "file"))
    var evaluate: String?

    @Option(help: ArgumentHelp("The ground-truth topic name for --evaluate.", valueName: "name"))
    var topic: String?

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV.") var csv = false
    @Flag(help: "Print how long each step took (standard error).") var timings = false

    func validate() throws {
        guard (query == nil) != (watch == nil) else {
            throw ValidationError("give the topic with --query 'QUERY' or --watch NAME (one of them).")
        }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv.") }
        guard resolution > 0 else { throw ValidationError("--resolution must be positive.") }
        if let tier, InfluenceTier(rawValue: tier.lowercased()) == nil {
            throw ValidationError("--tier '\(tier)' is not a tier: use nano, micro, macro or mega.")
        }
        if evaluate != nil, topic == nil { throw ValidationError("--evaluate needs --topic NAME (a topic of the ground truth).") }
    }

    func run() async throws {
        let engine = try store.engine(readOnly: true, trustModel: modelOptions.model)
        let request = InfluencersRequest(
            topic: watch.map { .watch($0) } ?? .query(query ?? "", stemmed: stemmed), period: graphOptions.period,
            scoreTrust: !noTrust, resolution: resolution, tier: tier.flatMap { InfluenceTier(rawValue: $0.lowercased()) },
            limit: limit)
        if let evaluate, let topic {
            try printEvaluation(try await engine.evaluateInfluencers(request, truth: evaluate, topicName: topic))
            return
        }
        if let explain {
            let explanation = try await engine.explainInfluencer(request, handle: explain)
            report(notes: explanation.notes, timings: explanation.timings)
            if json {
                struct Explained: Encodable { var account: TopicalLegitimacy.RankedAccount; var audience: AudienceQuality? }
                print(try Output.json(Explained(account: explanation.account, audience: explanation.audience)))
            } else {
                print(Self.explanation(explanation.account, of: explanation.rankedCount))
                if let audience = explanation.audience {
                    Self.lines(ofAudience: audience).forEach { print("  " + $0) }
                } else {
                    print("  audience quality: not assessed (no trust model or --no-trust)")
                }
            }
            return
        }
        let result = try await engine.influencers(request)
        report(notes: result.notes, timings: result.timings)
        if json {
            struct Result: Encodable {
                var query: String
                var matchedPosts: Int
                var onTopicAuthors: Int
                var onTopicInteractions: Int
                var ranked: Int
                var topicCommunities: [InfluencersResult.CommunityCount]
                var accounts: [TopicalLegitimacy.RankedAccount]
            }
            print(try Output.json(Result(query: result.query.description, matchedPosts: result.matchedPosts,
                                         onTopicAuthors: result.onTopicAuthors, onTopicInteractions: result.onTopicInteractions,
                                         ranked: result.rankedCount, topicCommunities: result.topicCommunities,
                                         accounts: result.accounts)))
            return
        }
        if csv {
            print("rank,account,platform_id,followers,tier,score,authority,on_topic_posts,own_posts,topic_share,on_topic_engagers,engager_diversity,engagement_rate,benchmark_rate,er_ratio")
            for a in result.accounts {
                var fields: [String] = [String(a.rank), a.account, a.platformID]
                fields.append(a.followers.map(String.init) ?? "")
                fields.append(a.tier?.rawValue ?? "")
                fields += [Self.number(a.score), Self.number(a.authority), String(a.onTopicPosts), String(a.ownPosts)]
                fields += [Self.number(a.topicShare), String(a.onTopicEngagers), Self.number(a.engagerDiversity)]
                fields.append(a.engagementRate.map(Self.number) ?? "")
                fields.append(a.benchmarkEngagementRate.map(Self.number) ?? "")
                fields.append(a.engagementRateRatio.map(Self.number) ?? "")
                print(fields.map(CSVText.field).joined(separator: ","))
            }
            return
        }
        print("\(Output.count(result.matchedPosts)) posts by \(Output.count(result.onTopicAuthors)) accounts match \(result.query.description); "
              + "\(Output.count(result.onTopicInteractions)) on-topic interactions; \(Output.count(result.rankedCount)) accounts ranked")
        print("The topic lives in communities " + result.topicCommunities.map { "#\($0.community) (\($0.onTopicAuthors) authors)" }.joined(separator: ", ")
              + " — see `vigie communities`.")
        print("")
        print(Output.table(
            ["rank", "account", "tier", "followers", "score", "on-topic", "share", "engagers", "diversity", "ER", "ER/bench"],
            result.accounts.map { a in
                [String(a.rank), a.account, a.tier?.rawValue ?? "?", a.followers.map(Output.count) ?? "?",
                 String(format: "%.3f", a.score), "\(a.onTopicPosts)/\(a.ownPosts)", String(format: "%.0f%%", a.topicShare * 100),
                 String(a.onTopicEngagers), String(format: "%.1f", a.engagerDiversity),
                 a.engagementRate.map { String(format: "%.2f%%", $0 * 100) } ?? "-",
                 a.engagementRateRatio.map { String(format: "%.2fx", $0) } ?? "-"]
            }))
        print("\n`vigie influencers --query ... --explain HANDLE` shows the posts, engagers and communities behind a score.")
    }

    private func report(notes: [String], timings stepTimings: [StepTiming]) {
        for note in notes { Output.printError("note: \(note)") }
        if timings { Timings.print(stepTimings) }
    }

    static func number(_ value: Double) -> String { String(format: "%.6g", value) }

    static func lines(ofAudience audience: AudienceQuality) -> [String] {
        ["audience quality:"] + (audience.findings.isEmpty ? ["  nothing measurable (no engagers, snapshots or engagement counts)"]
                                                             : audience.findings.map { "  " + $0 })
    }

    static func explanation(_ a: TopicalLegitimacy.RankedAccount, of total: Int) -> String {
        var lines: [String] = []
        lines.append("\(a.account) (\(a.platform) \(a.platformID)) — rank \(a.rank) of \(Output.count(total)), score \(String(format: "%.3f", a.score))")
        lines.append("  tier: \(a.tier?.rawValue ?? "unknown (no follower count)")\(a.followers.map { ", \(Output.count($0)) followers" } ?? "")")
        if let rate = a.engagementRate {
            var line = String(format: "  engagement rate: %.2f%% over the last %d posts", rate * 100, a.engagementRatePosts)
            if let bench = a.benchmarkEngagementRate, let ratio = a.engagementRateRatio {
                line += String(format: " — benchmark for %@ followers %.2f%%, ratio %.2fx", a.benchmarkBand ?? "its size", bench * 100, ratio)
            } else {
                line += " — no benchmark below 1,000 followers"
            }
            lines.append(line)
        } else {
            lines.append("  engagement rate: unknown (no follower count or no engagement counts in the data)")
        }
        lines.append(String(format: "  authority (personalised PageRank on on-topic engagement): %.3g", a.authority))
        lines.append(String(format: "  own posts on topic: %d of %d (%.0f%%)", a.onTopicPosts, a.ownPosts, a.topicShare * 100))
        lines.append(String(format: "  on-topic engagement: %.1f from %d accounts (effective number %.1f); %.0f%% from accounts that post on topic",
                            a.onTopicEngagement, a.onTopicEngagers, a.engagerDiversity, a.peerEngagementShare * 100))
        lines.append("  inauthenticity: " + (a.inauthenticity.map { String(format: "%.2f", $0) } ?? "not scored (no trust model, --no-trust, or too little data)"))
        if !a.topPosts.isEmpty {
            lines.append("  top on-topic posts:")
            for post in a.topPosts {
                let text = post.text.replacingOccurrences(of: "\n", with: " ")
                lines.append("    [\(post.id)] \(DateParsing.iso8601(post.createdAt)) engagement \(Output.count(post.engagement)): "
                             + (text.count > 120 ? String(text.prefix(120)) + "…" : text))
            }
        }
        if !a.topEngagers.isEmpty {
            lines.append("  top on-topic engagers: " + a.topEngagers.map { "\($0.account) (\(String(format: "%.1f", $0.weight)))" }.joined(separator: ", "))
        }
        if !a.communities.isEmpty {
            lines.append("  communities reached: " + a.communities.map { "#\($0.community) \(String(format: "%.0f%%", $0.share * 100))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private func printEvaluation(_ result: InfluenceEvaluation) throws {
        if json { print(try Output.json(result)); return }
        print(String(format: "topic %@: NDCG@20 Vigie %.3f, follower count %.3f; popular off-topic accounts in the top 20: %d (Vigie), %d (followers); %d ranked, %d relevant",
                     result.topic, result.ndcgAt20, result.followersNdcgAt20, result.popularInTop20, result.followersPopularInTop20,
                     result.ranked, result.relevantAccounts))
    }
}
