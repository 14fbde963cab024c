import Foundation

/// Produces the posts in time order from three kinds of sources merged on a heap: people
/// posting along the daily rhythm, bots posting at regular intervals, and coordinated groups
/// running campaigns. State is per account and per group; posts are referenced only through
/// fixed-size rings of recent posts.
struct PostPlanner {
    let world: World
    private let composer: TextComposer
    private var random: SeededGenerator
    /// Draws for reply brigades only, so that planting them leaves every other post as it was.
    private var brigadeRandom: SeededGenerator
    private var rhythm: DailyRhythm
    private var zoneAuthors: [AliasTable]
    private var heap = EventHeap()

    let totalPosts: Int
    let backgroundPosts: Int
    private var backgroundDone = 0
    private let startMillis: Int64
    private let spanMillis: Int64

    private var bots: [Int32] = []
    private var botPlanned: [Int32] = []
    private var botDone: [Int32] = []
    private var botPhase: [Int64] = []
    private var groups: [GroupState] = []
    private(set) var campaigns: [CampaignRecord] = []
    private(set) var emerging: [EmergingRecord] = []

    private var general = PostRing(capacity: 8192)
    private var topicRings: [PostRing]
    private var expertRings: [PostRing]
    private var sequence = 0

    /// Posts each source gets, fixed from the configuration so the total is exact.
    static func budgets(_ configuration: SynthConfiguration) -> (background: Int, bots: Int, coordination: Int) {
        let total = configuration.posts
        let bots = Int(Double(total) * configuration.botPostShare)
        let coordination = Int(Double(total) * configuration.coordinatedPostShare)
        return (total - bots - coordination, bots, coordination)
    }

    init(world: World) {
        self.world = world
        composer = TextComposer(world: world)
        let configuration = world.configuration
        let population = world.population
        var random = SeededGenerator(seed: configuration.seed, stream: 3)
        brigadeRandom = SeededGenerator(seed: configuration.seed, stream: 11)
        startMillis = Int64(configuration.start.timeIntervalSince1970 * 1000)
        spanMillis = Int64(configuration.days) * 86_400_000
        totalPosts = configuration.posts
        var (background, botBudget, coordinationBudget) = PostPlanner.budgets(configuration)

        // People, by time zone, weighted by activity.
        var values = [[Int32]](repeating: [], count: Zone.allCases.count)
        var weights = [[Double]](repeating: [], count: Zone.allCases.count)
        for index in 0..<population.count where population.activity[index] > 0 {
            let zone = Int(population.zone[index].rawValue)
            values[zone].append(Int32(index))
            weights[zone].append(population.activity[index])
        }
        zoneAuthors = (0..<values.count).map { AliasTable(values: values[$0], weights: weights[$0]) }
        rhythm = DailyRhythm(zoneWeights: weights.map { $0.reduce(0, +) }, days: configuration.days,
                             startMillis: startMillis)
        topicRings = world.topics.map { _ in PostRing(capacity: 1024) }
        expertRings = world.topics.map { _ in PostRing(capacity: 256) }

        // Bots: regular intervals over the whole period, whatever the hour.
        bots = (0..<population.count).filter { population.role[$0] == .bot }.map { Int32($0) }
        if bots.isEmpty { background += botBudget; botBudget = 0 }
        var botWeights: [Double] = []
        for _ in bots { botWeights.append(0.5 + random.unit()) }
        let weightSum = botWeights.reduce(0, +)
        botPlanned = botWeights.map { Int32(Double(botBudget) * $0 / weightSum) }
        var leftover = botBudget - botPlanned.reduce(0) { $0 + Int($1) }
        var cursor = 0
        while leftover > 0, !bots.isEmpty {
            botPlanned[cursor % bots.count] += 1
            leftover -= 1
            cursor += 1
        }
        botDone = Array(repeating: 0, count: bots.count)
        let span = spanMillis
        var phases: [Int64] = []
        for planned in botPlanned {
            phases.append(planned > 0 ? Int64(random.unit() * Double(span / Int64(planned))) : 0)
        }
        botPhase = phases

        // Coordinated groups share their budget in proportion to their size.
        var members = [[Int32]](repeating: [], count: population.groupCount)
        for index in 0..<population.count where population.group[index] >= 0 {
            members[Int(population.group[index])].append(Int32(index))
        }
        if members.isEmpty { background += coordinationBudget; coordinationBudget = 0 }
        let memberTotal = members.reduce(0) { $0 + $1.count }
        var given = 0
        for (index, group) in members.enumerated() {
            let budget = index == members.count - 1
                ? coordinationBudget - given
                : coordinationBudget * group.count / max(memberTotal, 1)
            given += budget
            let perCampaign = max(3, group.count * 4 / 5)
            let campaignCount = max(1, (budget + perCampaign - 1) / perCampaign)
            let gap = spanMillis / Int64(campaignCount)
            groups.append(GroupState(
                index: index, members: group, budget: budget, campaignsLeft: campaignCount, campaignGap: gap,
                nextStart: startMillis + Int64((0.1 + 0.7 * random.unit()) * Double(gap))))
        }
        backgroundPosts = background
        // Emerging hashtags: onset in the middle of the period, a peak a day or two later.
        for tag in world.emergingTags {
            let onset = startMillis + Int64(Double(spanMillis) * (0.35 + 0.35 * random.unit()))
            let rise = Int64(random.between(18...48)) * 3_600_000
            let peak = min(onset + rise, startMillis + spanMillis - 3_600_000)
            emerging.append(EmergingRecord(tag: tag, onsetMillis: onset, peakMillis: max(peak, onset + 60_000),
                                           peakShare: configuration.emergingPeakShare))
        }

        self.random = random
        if backgroundPosts > 0 { heap.push(time: nextBackgroundTime(), source: 0) }
        for group in groups { if let time = group.nextTime { heap.push(time: time, source: Int32(1 + group.index)) } }
        for bot in bots.indices where botPlanned[bot] > 0 {
            heap.push(time: botTime(bot), source: Int32(1 + groups.count + bot))
        }
    }

    // MARK: - Streaming

    /// The next post in time order, or nil when all are out.
    mutating func next() -> PlannedPost? {
        guard let (time, source) = heap.pop() else { return nil }
        let planned: PlannedPost
        if source == 0 {
            planned = makeBackgroundPost(at: time)
            backgroundDone += 1
            if backgroundDone < backgroundPosts { heap.push(time: nextBackgroundTime(), source: 0) }
        } else if Int(source) <= groups.count {
            let group = Int(source) - 1
            planned = makeCampaignPost(group: group, at: time)
            if let next = groups[group].nextTime { heap.push(time: max(next, time), source: source) }
        } else {
            let bot = Int(source) - 1 - groups.count
            planned = makeBotPost(bot: bot, at: time)
            botDone[bot] += 1
            if botDone[bot] < botPlanned[bot] { heap.push(time: max(botTime(bot), time), source: source) }
        }
        if planned.post.kind != .repost { remember(planned.post) }
        return planned
    }

    private mutating func nextBackgroundTime() -> Int64 {
        rhythm.time(position: Double(backgroundDone) + random.unit(), total: backgroundPosts)
    }

    private mutating func botTime(_ bot: Int) -> Int64 {
        let interval = spanMillis / Int64(max(1, botPlanned[bot]))
        let jitter = Int64((random.unit() - 0.5) * 0.04 * Double(interval))
        return max(startMillis, startMillis + botPhase[bot] + Int64(botDone[bot]) * interval + jitter)
    }

    private mutating func remember(_ post: PostContent) {
        general.add(post)
        guard post.topic >= 0 else { return }
        topicRings[Int(post.topic)].add(post)
        if world.population.role[Int(post.author)] == .expert { expertRings[Int(post.topic)].add(post) }
    }

    private mutating func newPost(author: Int32, at millis: Int64) -> PostContent {
        var post = PostContent()
        post.sequence = sequence
        post.id = PostContent.makeID(millis: millis, sequence: sequence)
        sequence += 1
        post.millis = millis
        post.author = author
        post.french = world.population.french[Int(author)]
        post.conversationID = post.id
        post.conversationAuthor = author
        post.text.reserveCapacity(200)
        return post
    }

    // MARK: - People

    private mutating func makeBackgroundPost(at millis: Int64) -> PlannedPost {
        let population = world.population
        let minute = Int((millis - startMillis) / 60_000)
        let shares = rhythm.zoneShares(minute: minute)
        var pick = random.unit() * shares.reduce(0, +)
        var zone = 0
        while zone < shares.count - 1, pick >= shares[zone] || zoneAuthors[zone].isEmpty {
            pick -= shares[zone]
            zone += 1
        }
        if zoneAuthors[zone].isEmpty { zone = zoneAuthors.firstIndex { !$0.isEmpty } ?? 0 }
        let author = zoneAuthors[zone].draw(&random)
        let a = Int(author)
        var post = newPost(author: author, at: millis)
        if random.chance(0.05) { post.french.toggle() } // bilingual people

        let role = population.role[a]
        let onTopicChance: Double
        switch role {
        case .expert: onTopicChance = population.grade[a] == 3 ? 0.85 : 0.65
        case .enthusiast: onTopicChance = 0.25
        case .popular: onTopicChance = 0.03
        case .coordinated: onTopicChance = 0.3
        default: onTopicChance = 0.01
        }
        var topic = -1
        if random.chance(onTopicChance) {
            topic = population.topic[a] >= 0 ? Int(population.topic[a]) : random.below(world.topics.count)
        }
        let roll = random.unit()
        let isExpert = role == .expert
        var kind: PostKind = roll < (isExpert ? 0.55 : 0.5) ? .original
            : roll < (isExpert ? 0.8 : 0.7) ? .reply
            : roll < 0.92 ? .repost : .quote

        var reference: PostContent?
        if kind != .original {
            reference = pickTarget(topic: topic, author: author)
            if reference == nil { kind = .original }
        }
        post.kind = kind
        let sentiment = drawSentiment()
        let texts = world.texts(french: post.french)

        switch kind {
        case .repost:
            guard let original = reference else { break }
            makeRepost(&post, of: original)
        case .reply:
            guard let parent = reference else { break }
            post.replyToID = parent.id
            post.replyToAuthor = parent.author
            post.conversationID = parent.conversationID
            post.conversationAuthor = parent.conversationAuthor
            composer.appendMention(parent.author, to: &post)
            post.text.append(0x20)
            if topic < 0, parent.topic >= 0, random.chance(0.5) { topic = Int(parent.topic) }
            let template = random.pick(topic >= 0 ? texts.replyOnTopic : texts.replyOffTopic)
            writeBody(template, &post, topic: topic, sentiment: sentiment)
        case .quote:
            guard let quoted = reference else { break }
            post.referenceID = quoted.id
            post.referenceAuthor = quoted.author
            if topic < 0, quoted.topic >= 0, random.chance(0.5) { topic = Int(quoted.topic) }
            let template = random.pick(topic >= 0 ? texts.onTopic : texts.quote)
            writeBody(template, &post, topic: topic, sentiment: sentiment)
        case .original:
            let template = random.pick(topic >= 0 ? texts.onTopic : texts.offTopic)
            writeBody(template, &post, topic: topic, sentiment: sentiment)
            if random.chance(0.1) { composer.appendMention(mentionTarget(topic: topic, author: author), to: &post) }
        }
        if kind != .repost {
            addEntities(&post, topic: topic, linkChance: population.traits[a].contains(.manyLinks) ? 0.7 : nil)
            addEmergingTag(&post)
            setMetrics(&post)
        }
        return PlannedPost(post: post, reference: reference)
    }

    private mutating func drawSentiment() -> Int8 {
        let roll = random.unit()
        return roll < 0.35 ? 1 : roll < 0.6 ? -1 : 0
    }

    private mutating func writeBody(_ template: Template, _ post: inout PostContent, topic: Int, sentiment: Int8) {
        let keyword = topic >= 0 && random.chance(world.configuration.keywordShare)
        let result = composer.fill(template, into: &post, topic: topic, keyword: keyword, sentiment: sentiment,
                                   random: &random)
        post.topic = Int8(topic)
        post.hasKeyword = result.usedKeyword
        post.sentiment = result.sentiment
    }

    private mutating func makeRepost(_ post: inout PostContent, of original: PostContent) {
        post.kind = .repost
        post.referenceID = original.id
        post.referenceAuthor = original.author
        post.topic = original.topic
        post.hasKeyword = original.hasKeyword
        post.sentiment = original.sentiment
        post.emerging = original.emerging
        post.french = original.french
        composer.makeRetweetText(of: original, into: &post)
    }

    /// On-topic engagement goes to on-topic posts, experts' first; the rest follows popularity.
    private mutating func pickTarget(topic: Int, author: Int32) -> PostContent? {
        if topic >= 0 {
            let fromExperts = random.chance(0.6) && !expertRings[topic].isEmpty
            let ring = fromExperts ? expertRings[topic] : topicRings[topic]
            if let target = ring.recent(&random), target.author != author { return target }
        }
        return general.popular(&random, followers: world.population.followers, excluding: author)
    }

    private mutating func mentionTarget(topic: Int, author: Int32) -> Int32 {
        if topic >= 0, let expert = world.experts[topic].isEmpty ? nil : random.pick(world.experts[topic]),
           expert != author { return expert }
        if random.chance(0.5), !world.popular.isEmpty { return random.pick(world.popular) }
        return Int32(random.below(world.population.count))
    }

    private mutating func addEntities(_ post: inout PostContent, topic: Int, linkChance: Double?) {
        if topic >= 0 {
            if random.chance(0.55) {
                let tags = world.topicTags[topic]
                let first = random.below(tags.count)
                composer.appendHashtag(tags[first], to: &post)
                if random.chance(0.3) { composer.appendHashtag(tags[(first + 1) % tags.count], to: &post) }
            }
            if random.chance(linkChance ?? 0.3) {
                composer.appendLink(domain: random.pick(world.topicDomains[topic]), path: random.below(3000), to: &post)
            }
        } else {
            if random.chance(0.08) { composer.appendHashtag(random.pick(world.genericTags), to: &post) }
            if random.chance(linkChance ?? 0.1) {
                composer.appendLink(domain: random.pick(world.genericDomains), path: random.below(20_000), to: &post)
            }
        }
    }

    private mutating func addEmergingTag(_ post: inout PostContent) {
        for index in emerging.indices {
            let record = emerging[index]
            guard post.millis >= record.onsetMillis, random.chance(record.probability(at: post.millis)) else { continue }
            composer.appendHashtag(record.tag, to: &post)
            post.emerging = Int8(index)
            emerging[index].posts += 1
            if record.firstUseMillis < 0 { emerging[index].firstUseMillis = post.millis }
            if abs(post.millis - record.peakMillis) <= 12 * 3_600_000 { emerging[index].postsInPeakDay += 1 }
            return
        }
    }

    /// Engagement counts as observed: a rate by follower tier (small accounts engage more),
    /// doubled for an expert on its topic.
    private mutating func setMetrics(_ post: inout PostContent) {
        let population = world.population
        let a = Int(post.author)
        let followers = Double(population.followers[a])
        var rate = followers < 1000 ? 0.06 : followers < 10_000 ? 0.035 : followers < 100_000 ? 0.025
            : followers < 1_000_000 ? 0.02 : 0.015
        if population.role[a] == .bot { rate = 0.002 }
        if population.role[a] == .expert, post.topic >= 0 { rate *= 2 }
        let likes = followers * rate * exp(0.8 * random.normal())
        post.likes = Int32(min(likes, 5e8))
        post.reposts = Int32(min(likes * 0.15 * exp(0.5 * random.normal()), 5e8))
        post.replies = Int32(min(likes * 0.05 * exp(0.5 * random.normal()), 5e8))
        post.quotes = Int32(min(likes * 0.02 * exp(0.5 * random.normal()), 5e8))
    }

    // MARK: - Bots

    private mutating func makeBotPost(bot: Int, at millis: Int64) -> PlannedPost {
        let author = bots[bot]
        let a = Int(author)
        var post = newPost(author: author, at: millis)
        let amplifier = world.population.amplifierBot[a]
        if random.chance(amplifier ? 0.8 : 0.3) {
            let topic = random.chance(0.4) ? random.below(world.topics.count) : -1
            let target = topic >= 0 && !topicRings[topic].isEmpty
                ? topicRings[topic].recent(&random)
                : general.popular(&random, followers: world.population.followers, excluding: author)
            if let original = target {
                makeRepost(&post, of: original)
                return PlannedPost(post: post, reference: original)
            }
        }
        // Spam: the same two texts and a handful of links over and over.
        let texts = world.texts(french: post.french)
        let template = texts.spam[(a + Int(botDone[bot]) % 2) % texts.spam.count]
        _ = composer.fill(template, into: &post, topic: -1, keyword: false, sentiment: 0, random: &random)
        let bucket = Int(SeededGenerator.hash(UInt64(a)) % 1000)
        composer.appendLink(domain: world.spamDomains[bucket % world.spamDomains.count],
                            path: bucket * 10 + random.below(5), to: &post)
        if random.chance(0.5) { composer.appendHashtag(random.pick(world.spamTags), to: &post) }
        if random.chance(0.05) { composer.appendHashtag(random.pick(random.pick(world.topicTags)), to: &post) }
        setMetrics(&post)
        return PlannedPost(post: post, reference: nil)
    }

    // MARK: - Coordinated groups

    private mutating func makeCampaignPost(group g: Int, at millis: Int64) -> PlannedPost {
        if !groups[g].inCampaign { startCampaign(group: g, at: millis) }
        let member = groups[g].participants[groups[g].position]
        let time = groups[g].times[groups[g].position]
        groups[g].position += 1
        groups[g].budget -= 1
        campaigns[Int(groups[g].campaign)].posts += 1
        campaigns[Int(groups[g].campaign)].endMillis = time

        var post = newPost(author: member, at: time)
        post.group = Int16(g)
        post.campaign = groups[g].campaign
        let base = groups[g].base
        var reference: PostContent?
        switch groups[g].behaviour {
        case .coRepost where groups[g].position > 1:
            if let original = groups[g].original {
                makeRepost(&post, of: original)
                reference = original
            }
        case .coRepost, .coPost:
            copyBody(base, into: &post)
            if groups[g].behaviour == .coRepost {
                groups[g].original = post
                campaigns[Int(groups[g].campaign)].originalID = post.id
                campaigns[Int(groups[g].campaign)].originalAuthor = post.author
            }
        case .nearDuplicate:
            copyBody(base, into: &post)
            editSlightly(&post)
        case .coReply:
            if let target = groups[g].original {
                writeBrigadeReply(&post, to: target, base: base)
                reference = target
            } else {
                copyBody(base, into: &post)
            }
        }
        post.group = Int16(g)
        post.campaign = groups[g].campaign
        if !groups[g].inCampaign {
            groups[g].campaignsLeft = max(1, groups[g].campaignsLeft - 1)
            groups[g].plannedCampaigns += 1
            let planned = startMillis + Int64(groups[g].plannedCampaigns) * groups[g].campaignGap
                + Int64((0.1 + 0.7 * random.unit()) * Double(groups[g].campaignGap))
            groups[g].nextStart = max(planned, time + 1000)
        }
        return PlannedPost(post: post, reference: reference)
    }

    private mutating func startCampaign(group g: Int, at millis: Int64) {
        let members = groups[g].members
        let perCampaign = groups[g].budget / max(1, groups[g].campaignsLeft)
        let count = min(groups[g].budget, max(1, min(members.count, perCampaign)))
        var shuffled = members
        shuffled.shuffle(using: &random)
        groups[g].participants = Array(shuffled.prefix(count))
        let windowMillis = Int64(world.configuration.coordinationWindowSeconds - 1) * 1000
        var times = (1..<max(1, count)).map { _ in millis + 1000 + Int64(random.unit() * Double(windowMillis - 1000)) }
        times.sort()
        groups[g].times = [millis] + times
        groups[g].position = 0
        // Three behaviours in turn; every other co-post campaign is a reply brigade instead.
        let turn = groups[g].plannedCampaigns + g
        let cycle: [CoordinationBehaviour] = [.coRepost, .coPost, .nearDuplicate]
        var behaviour = cycle[turn % cycle.count]
        if behaviour == .coPost, (turn / cycle.count) % 2 == 1 { behaviour = .coReply }
        groups[g].behaviour = behaviour
        groups[g].original = nil
        let campaignID = Int32(campaigns.count)
        groups[g].campaign = campaignID

        // The shared message: the group's topic in its vocabulary, its rare hashtags, its site.
        let leader = Int(groups[g].participants[0])
        let topic = Int(world.population.topic[leader])
        var base = PostContent()
        base.french = world.population.french[leader]
        let template = random.pick(world.texts(french: base.french).campaign)
        _ = composer.fill(template, into: &base, topic: topic, keyword: false, sentiment: -1, random: &random)
        base.topic = Int8(topic)
        base.sentiment = -1
        let path = 100_000 + Int(campaignID)
        composer.appendLink(domain: world.groupDomains[g], path: path, to: &base)
        for tag in world.groupTags[g] { composer.appendHashtag(tag, to: &base) }
        groups[g].base = base
        campaigns.append(CampaignRecord(id: campaignID, group: Int16(g), behaviour: behaviour, startMillis: millis,
                                        endMillis: millis, originalID: 0, originalAuthor: -1,
                                        linkDomain: world.groupDomains[g], linkPath: path, posts: 0))
        // A reply brigade targets a recent post on the group's topic by someone outside it.
        // Without a target (nothing posted yet), the campaign posts its message instead.
        if behaviour == .coReply {
            if let target = brigadeTarget(topic: topic, group: g) {
                groups[g].original = target
                campaigns[Int(campaignID)].originalID = target.id
                campaigns[Int(campaignID)].originalAuthor = target.author
            } else {
                groups[g].behaviour = .coPost
                campaigns[Int(campaignID)].behaviour = .coPost
            }
        }
    }

    /// A recent post on the topic (else a popular one) by someone outside the group.
    private mutating func brigadeTarget(topic: Int, group g: Int) -> PostContent? {
        let groupOf = world.population.group
        let outsider = { (post: PostContent) in groupOf[Int(post.author)] != Int16(g) }
        if topic >= 0, let target = topicRings[topic].recent(&brigadeRandom), outsider(target) { return target }
        if let target = general.recent(&brigadeRandom), outsider(target) { return target }
        return nil
    }

    /// One member's reply in a brigade: the target's author mentioned, then a reply template of
    /// the campaign's topic filled for this member, negative; language and topic as the
    /// campaign's message.
    private mutating func writeBrigadeReply(_ post: inout PostContent, to target: PostContent, base: PostContent) {
        post.kind = .reply
        post.french = base.french
        post.replyToID = target.id
        post.replyToAuthor = target.author
        post.conversationID = target.conversationID
        post.conversationAuthor = target.conversationAuthor
        composer.appendMention(target.author, to: &post)
        post.text.append(0x20)
        let topic = Int(base.topic)
        let texts = world.texts(french: post.french)
        let template = brigadeRandom.pick(topic >= 0 ? texts.replyOnTopic : texts.replyOffTopic)
        let result = composer.fill(template, into: &post, topic: topic, keyword: false, sentiment: -1, random: &brigadeRandom)
        post.topic = base.topic
        post.hasKeyword = result.usedKeyword
        post.sentiment = result.sentiment
    }

    private func copyBody(_ base: PostContent, into post: inout PostContent) {
        post.french = base.french
        post.text = base.text
        post.entities = base.entities
        post.topic = base.topic
        post.sentiment = base.sentiment
        post.hasKeyword = false
    }

    /// A near-identical copy: a word added at the start, an emoji or punctuation at the end,
    /// as people editing a shared message do. Entities stay valid.
    private mutating func editSlightly(_ post: inout PostContent) {
        let prefixes = post.french ? ["Vraiment, ", "👉 ", "À lire : ", "Incroyable. "] : ["Seriously, ", "👉 ", "Read this: ", "Unbelievable. "]
        if random.chance(0.7) {
            let prefix = Array(random.pick(prefixes).utf8)
            post.text.insert(contentsOf: prefix, at: 0)
            for i in post.entities.indices {
                post.entities[i].start += Int32(prefix.count)
                post.entities[i].end += Int32(prefix.count)
            }
        }
        let suffixes = [" !!", " 🔥", " ‼️", " 👇"]
        post.text.append(contentsOf: random.pick(suffixes).utf8)
    }
}

/// A binary min-heap of (time, source): the next source to emit a post.
struct EventHeap {
    private var times: [Int64] = []
    private var sources: [Int32] = []

    mutating func push(time: Int64, source: Int32) {
        times.append(time)
        sources.append(source)
        var child = times.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int64, Int32)? {
        guard let time = times.first, let source = sources.first else { return nil }
        let last = times.count - 1
        swapAt(0, last)
        times.removeLast()
        sources.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < times.count, less(left, smallest) { smallest = left }
            if right < times.count, less(right, smallest) { smallest = right }
            if smallest == parent { break }
            swapAt(parent, smallest)
            parent = smallest
        }
        return (time, source)
    }

    /// Ties go to the lower source so that the order is the same on every run.
    private func less(_ a: Int, _ b: Int) -> Bool {
        times[a] < times[b] || (times[a] == times[b] && sources[a] < sources[b])
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        times.swapAt(a, b)
        sources.swapAt(a, b)
    }
}
