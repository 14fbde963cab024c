import Foundation

/// Generates a realistic social dataset with planted ground truth, deterministically for a
/// seed, in bounded memory: posts stream in time order to a buffered file; only per-account
/// and per-group state is kept.
///
/// ```swift
/// let generator = SynthGenerator(configuration: SynthConfiguration(posts: 100_000, seed: 7))
/// let summary = try generator.generate(format: .toolkitCSV, to: outputDirectory, progress: nil)
/// ```
public struct SynthGenerator: Sendable {
    public let configuration: SynthConfiguration
    /// How often `progress` is called, in posts.
    public static let progressInterval = 100_000

    public init(configuration: SynthConfiguration) {
        self.configuration = configuration
    }

    /// Writes the data file, `ground-truth.json`, `coordination-truth.csv` and (unless
    /// disabled) `post-truth.csv` into `directory`, creating it if needed. `progress` receives
    /// the number of posts written every `progressInterval` posts and at the end.
    @discardableResult
    public func generate(format: SynthFormat, to directory: URL,
                         progress: ((Int) -> Void)? = nil) throws -> SynthSummary {
        try configuration.validate()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SynthError(message: "cannot create the output directory \(directory.path): \(error.localizedDescription)")
        }
        let budgets = PostPlanner.budgets(configuration)
        let population = Population(configuration: configuration, backgroundPosts: budgets.background)
        let world = World(configuration: configuration, population: population)
        var planner = PostPlanner(world: world)
        let ids = Identifiers(population: population, seed: configuration.seed, format: format)

        let dataURL = directory.appendingPathComponent(format.dataFileName)
        let postTruthURL = directory.appendingPathComponent("post-truth.csv")
        let coordinationURL = directory.appendingPathComponent("coordination-truth.csv")
        let groundTruthURL = directory.appendingPathComponent("ground-truth.json")
        let dataFile = try OutputFile(url: dataURL)
        let truth = TruthRecorder(
            world: world, ids: ids,
            postFile: configuration.writePostTruth ? try OutputFile(url: postTruthURL) : nil,
            coordinationFile: try OutputFile(url: coordinationURL))

        var writer: any FormatWriter
        switch format {
        case .twitterV2: writer = TwitterV2Writer(ids: ids, pageSize: configuration.pageSize)
        case .twitterV1: writer = TwitterV1Writer(ids: ids)
        case .mastodon: writer = MastodonWriter(ids: ids)
        case .jetstream:
            writer = JetstreamWriter(ids: ids, seed: configuration.seed, likesPerPost: configuration.likesPerPost,
                                     followsPerPost: configuration.followsPerPost)
        case .toolkitCSV:
            let csv = ToolkitCSVWriter(ids: ids)
            csv.writeHeader(to: dataFile)
            writer = csv
        }

        var written = 0
        while let planned = planner.next() {
            try writer.write(planned, to: dataFile)
            try truth.record(planned, campaigns: planner.campaigns)
            written += 1
            if written % SynthGenerator.progressInterval == 0 { progress?(written) }
        }
        try writer.finish(to: dataFile)
        try dataFile.close()
        try truth.close()
        if written % SynthGenerator.progressInterval != 0 { progress?(written) }

        let jetstream = writer as? JetstreamWriter
        let groundTruth = makeGroundTruth(
            format: format, world: world, planner: planner, truth: truth, ids: ids,
            likes: jetstream?.likes ?? 0, follows: jetstream?.follows ?? 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(groundTruth).write(to: groundTruthURL)
        } catch {
            throw SynthError(message: "cannot write \(groundTruthURL.path): \(error.localizedDescription)")
        }
        let kinds = truth.kinds
        return SynthSummary(
            format: format, posts: written, originals: kinds[0], replies: kinds[1], quotes: kinds[3],
            reposts: kinds[2], accounts: population.count,
            bots: population.role.lazy.filter { $0 == .bot }.count,
            coordinatedAccounts: population.group.lazy.filter { $0 >= 0 }.count,
            likes: jetstream?.likes ?? 0, follows: jetstream?.follows ?? 0,
            dataLines: writer.lines, onTopicPosts: truth.onTopicPosts.reduce(0, +),
            dataFile: dataURL, groundTruthFile: groundTruthURL,
            postTruthFile: configuration.writePostTruth ? postTruthURL : nil,
            coordinationTruthFile: coordinationURL)
    }

    private func makeGroundTruth(format: SynthFormat, world: World, planner: PostPlanner, truth: TruthRecorder,
                                 ids: Identifiers, likes: Int, follows: Int) -> GroundTruth {
        let population = world.population
        func iso(_ millis: Int64) -> String {
            var buffer = ByteBuffer(capacity: 24)
            buffer.appendISO8601(millis: millis)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
        func ref(_ index: Int) -> GroundTruth.AccountRef {
            GroundTruth.AccountRef(id: ids.accountID(index), handle: ids.handle(index),
                                   followers: Int(population.followers[index]))
        }
        let platform: String = switch format {
        case .twitterV2, .twitterV1, .toolkitCSV: "twitter"
        case .mastodon: "mastodon"
        case .jetstream: "bluesky"
        }

        var topics: [GroundTruth.TopicTruth] = []
        for (t, topic) in world.topics.enumerated() {
            var relevant: [GroundTruth.RelevantAccount] = []
            for index in 0..<population.count where Int(population.topic[index]) == t {
                let role = population.role[index]
                let onTopic = Int(truth.onTopicByAccount[index])
                guard role == .expert || (role == .enthusiast && onTopic >= 2) else { continue }
                relevant.append(GroundTruth.RelevantAccount(
                    id: ids.accountID(index), handle: ids.handle(index), followers: Int(population.followers[index]),
                    relevance: Int(population.grade[index]), role: role.name,
                    posts: Int(truth.postsByAccount[index]), onTopicPosts: onTopic))
            }
            relevant.sort { ($0.relevance, $0.onTopicPosts, $0.id) > ($1.relevance, $1.onTopicPosts, $1.id) }
            // Enthusiasts are many at scale; the most active ones are enough for NDCG at any
            // practical depth, and keep the file (and the encoder's memory) small.
            let expertCount = relevant.filter { $0.relevance >= 2 }.count
            relevant = Array(relevant.prefix(expertCount + GroundTruth.enthusiastsListed))
            let onTopicPosts = truth.onTopicPosts[t]
            topics.append(GroundTruth.TopicTruth(
                name: topic.name, keywords: [topic.keywordFrench, topic.keywordEnglish],
                vocabularyFrench: topic.vocabularyFrench, vocabularyEnglish: topic.vocabularyEnglish,
                hashtags: topic.hashtags, domains: topic.domains, onTopicPosts: onTopicPosts,
                postsWithKeyword: truth.keywordPosts[t],
                shareWithoutKeyword: onTopicPosts == 0 ? 1
                    : Double(onTopicPosts - truth.keywordPosts[t]) / Double(onTopicPosts),
                relevantAccounts: relevant))
        }

        var bots: [GroundTruth.BotTruth] = []
        var hardNegatives: [GroundTruth.HardNegative] = []
        var members = [[Int]](repeating: [], count: population.groupCount)
        for index in 0..<population.count {
            if population.role[index] == .bot {
                bots.append(GroundTruth.BotTruth(
                    id: ids.accountID(index), handle: ids.handle(index),
                    kind: population.amplifierBot[index] ? "amplifier" : "spam",
                    source: population.sourceName(index), posts: Int(truth.postsByAccount[index])))
            } else if !population.traits[index].isEmpty {
                hardNegatives.append(GroundTruth.HardNegative(
                    id: ids.accountID(index), handle: ids.handle(index), traits: population.traits[index].names))
            }
            if population.group[index] >= 0 { members[Int(population.group[index])].append(index) }
        }

        var groups: [GroundTruth.GroupTruth] = []
        for (g, groupMembers) in members.enumerated() {
            let campaigns = planner.campaigns.filter { Int($0.group) == g }
            let behaviours = Set(campaigns.map(\.behaviour))
            var behaviourNames = CoordinationBehaviour.allCases.filter { behaviours.contains($0) }.map(\.name)
            if !campaigns.isEmpty { behaviourNames += ["co-link", "co-hashtag"] }
            let topic = groupMembers.first.map { world.topics[Int(population.topic[$0])].name } ?? ""
            groups.append(GroundTruth.GroupTruth(
                group: g, topic: topic, members: groupMembers.map(ref), behaviours: behaviourNames,
                hashtags: world.groupTags[g].map { world.tagNames[Int($0)] },
                domain: world.domainNames[Int(world.groupDomains[g])],
                posts: campaigns.reduce(0) { $0 + $1.posts },
                campaigns: campaigns.map { campaign in
                    GroundTruth.CampaignTruth(
                        id: Int(campaign.id), behaviour: campaign.behaviour.name, start: iso(campaign.startMillis),
                        end: iso(campaign.endMillis), posts: campaign.posts,
                        originalPostID: campaign.originalAuthor >= 0
                            ? ids.postID(campaign.originalID, author: Int(campaign.originalAuthor)) : nil,
                        link: truth.campaignLink(campaign))
                }))
        }

        let emerging = planner.emerging.map { record in
            GroundTruth.EmergingHashtag(
                tag: world.tagNames[Int(record.tag)], onset: iso(record.onsetMillis), peak: iso(record.peakMillis),
                firstUse: record.firstUseMillis >= 0 ? iso(record.firstUseMillis) : nil,
                posts: record.posts, postsNearPeak: record.postsInPeakDay)
        }
        let kinds = truth.kinds
        let sentiments = truth.sentiments
        return GroundTruth(
            generator: GroundTruth.Generator(
                seed: configuration.seed, format: format.rawValue, platform: platform, posts: configuration.posts,
                accounts: population.count, start: iso(Int64(configuration.start.timeIntervalSince1970 * 1000)),
                days: configuration.days, coordinationWindowSeconds: configuration.coordinationWindowSeconds,
                keywordShare: configuration.keywordShare),
            files: GroundTruth.Files(data: format.dataFileName,
                                     postTruth: configuration.writePostTruth ? "post-truth.csv" : nil,
                                     coordinationTruth: "coordination-truth.csv"),
            counts: GroundTruth.Counts(
                posts: kinds.reduce(0, +), originals: kinds[0], replies: kinds[1], quotes: kinds[3], reposts: kinds[2],
                onTopic: truth.onTopicPosts.reduce(0, +), positive: sentiments[2], neutral: sentiments[1],
                negative: sentiments[0], likes: likes, follows: follows),
            topics: topics,
            popularAccounts: world.popular.map { ref(Int($0)) },
            bots: bots, hardNegatives: hardNegatives, coordinatedGroups: groups, emergingHashtags: emerging)
    }
}
