import ArgumentParser
import Foundation
import VigieCore
import VigieStore
import VigieSynth

struct InfluencersCommand: ParsableCommand {
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

    func run() throws {
        let sqlite = try store.openStore(mustExist: true)
        let parsed = try store.topicQuery(query: query, watch: watch, stemmed: stemmed, in: sqlite)
        let trust = try noTrust ? nil : ScoredWorkspace(optionalModel: modelOptions, store: sqlite, workspace: store.workspace)
        let loader = GraphLoader(store: sqlite, workspace: store.workspace, options: graphOptions)
        let nodes = try loader.nodes()
        let topicData = try loader.topic(nodes: nodes, query: parsed)
        let partition = loader.communities(topicData.graph, resolution: resolution)
        let ranked = loader.time("rank") {
            TopicalLegitimacy().rank(nodes: nodes, topicGraph: topicData.topicGraph, signals: topicData.signals,
                                     communities: partition.community, inauthenticity: trust)
        }
        if timings { loader.printTimings() }

        if let evaluate, let topic {
            try printEvaluation(ranked: ranked, truthPath: evaluate, topic: topic)
            return
        }
        if let explain {
            let wanted = Set(nodes.nodes(named: explain).map { nodes.accounts[Int($0)].platformID })
            guard !wanted.isEmpty else { throw CLIError("no account '\(explain)' in workspace '\(store.workspace)'") }
            guard let account = ranked.first(where: { wanted.contains($0.platformID) }) else {
                throw CLIError("\(explain) neither posts on this topic nor receives on-topic engagement: it is not ranked for \(parsed.description)")
            }
            // How real its audience is: the trust model's audience analysis of this one account.
            let audience: AudienceQuality? = try trust == nil ? nil : nodes.accounts
                .first { $0.platformID == account.platformID && $0.platform == account.platform }
                .flatMap { try TrustCommand.Score.score([$0.rowID], store: sqlite, workspace: store.workspace,
                                                        model: modelOptions.load(), reasons: 0).first?.audience }
            if json {
                struct Explained: Encodable { var account: TopicalLegitimacy.RankedAccount; var audience: AudienceQuality? }
                print(try Output.json(Explained(account: account, audience: audience)))
            } else {
                print(Self.explanation(account, of: ranked.count))
                if let audience {
                    lines(ofAudience: audience).forEach { print("  " + $0) }
                } else {
                    print("  audience quality: not assessed (no trust model or --no-trust)")
                }
            }
            return
        }
        let tierFilter = tier.flatMap { InfluenceTier(rawValue: $0.lowercased()) }
        let shown = Array(ranked.filter { tierFilter == nil || $0.tier == tierFilter }.prefix(limit))
        // Where the topic lives: on-topic authors by community.
        var authorsByCommunity: [Int32: Int] = [:]
        for v in 0..<nodes.count where topicData.signals.onTopicPosts[v] > 0 { authorsByCommunity[partition.community[v], default: 0] += 1 }
        let topicCommunities = authorsByCommunity.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)

        if json {
            struct CommunityCount: Encodable { var community: Int32; var onTopicAuthors: Int }
            struct Result: Encodable {
                var query: String
                var matchedPosts: Int
                var onTopicAuthors: Int
                var onTopicInteractions: Int
                var ranked: Int
                var topicCommunities: [CommunityCount]
                var accounts: [TopicalLegitimacy.RankedAccount]
            }
            print(try Output.json(Result(query: parsed.description, matchedPosts: topicData.signals.matchedPosts,
                                         onTopicAuthors: topicData.signals.onTopicAuthors,
                                         onTopicInteractions: topicData.onTopicInteractions, ranked: ranked.count,
                                         topicCommunities: topicCommunities.map { CommunityCount(community: $0.key, onTopicAuthors: $0.value) },
                                         accounts: shown)))
            return
        }
        if csv {
            print("rank,account,platform_id,followers,tier,score,authority,on_topic_posts,own_posts,topic_share,on_topic_engagers,engager_diversity,engagement_rate,benchmark_rate,er_ratio")
            for a in shown {
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
        print("\(Output.count(topicData.signals.matchedPosts)) posts by \(Output.count(topicData.signals.onTopicAuthors)) accounts match \(parsed.description); "
              + "\(Output.count(topicData.onTopicInteractions)) on-topic interactions; \(Output.count(ranked.count)) accounts ranked")
        print("The topic lives in communities " + topicCommunities.map { "#\($0.key) (\($0.value) authors)" }.joined(separator: ", ")
              + " — see `vigie communities`.")
        print("")
        print(Output.table(
            ["rank", "account", "tier", "followers", "score", "on-topic", "share", "engagers", "diversity", "ER", "ER/bench"],
            shown.map { a in
                [String(a.rank), a.account, a.tier?.rawValue ?? "?", a.followers.map(Output.count) ?? "?",
                 String(format: "%.3f", a.score), "\(a.onTopicPosts)/\(a.ownPosts)", String(format: "%.0f%%", a.topicShare * 100),
                 String(a.onTopicEngagers), String(format: "%.1f", a.engagerDiversity),
                 a.engagementRate.map { String(format: "%.2f%%", $0 * 100) } ?? "-",
                 a.engagementRateRatio.map { String(format: "%.2fx", $0) } ?? "-"]
            }))
        print("\n`vigie influencers --query ... --explain HANDLE` shows the posts, engagers and communities behind a score.")
    }

    static func number(_ value: Double) -> String { String(format: "%.6g", value) }

    private func lines(ofAudience audience: AudienceQuality) -> [String] {
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

    private func printEvaluation(ranked: [TopicalLegitimacy.RankedAccount], truthPath: String, topic: String) throws {
        let truth: GroundTruth
        do {
            truth = try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: URL(fileURLWithPath: truthPath)))
        } catch {
            throw CLIError("cannot read the ground truth \(truthPath): \(error.localizedDescription) — give the ground-truth.json that `vigie synth` wrote")
        }
        guard let entry = truth.topics.first(where: { $0.name == topic }) else {
            throw CLIError("--topic '\(topic)' is not in \(truthPath): topics are \(truth.topics.map(\.name).joined(separator: ", "))")
        }
        let grades = Dictionary(entry.relevantAccounts.map { ($0.id, $0.relevance) }, uniquingKeysWith: max)
        let popular = Set(truth.popularAccounts.map(\.id))
        let vigie = ranked.map(\.platformID)
        let byFollowers = ranked.sorted { ($0.followers ?? -1) != ($1.followers ?? -1) ? ($0.followers ?? -1) > ($1.followers ?? -1) : $0.rank < $1.rank }.map(\.platformID)
        struct Evaluation: Encodable {
            var topic: String
            var query: String
            var ranked: Int
            var relevantAccounts: Int
            var ndcgAt20: Double
            var followersNdcgAt20: Double
            var popularInTop20: Int
            var followersPopularInTop20: Int
        }
        let result = Evaluation(
            topic: topic, query: query ?? "", ranked: ranked.count, relevantAccounts: grades.count,
            ndcgAt20: RankingEvaluation.ndcg(ranking: vigie, grades: grades, k: 20),
            followersNdcgAt20: RankingEvaluation.ndcg(ranking: byFollowers, grades: grades, k: 20),
            popularInTop20: vigie.prefix(20).filter(popular.contains).count,
            followersPopularInTop20: byFollowers.prefix(20).filter(popular.contains).count)
        if json { print(try Output.json(result)); return }
        print(String(format: "topic %@: NDCG@20 Vigie %.3f, follower count %.3f; popular off-topic accounts in the top 20: %d (Vigie), %d (followers); %d ranked, %d relevant",
                     topic, result.ndcgAt20, result.followersNdcgAt20, result.popularInTop20, result.followersPopularInTop20,
                     result.ranked, result.relevantAccounts))
    }
}
