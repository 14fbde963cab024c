/// Everything fixed before the first post: the accounts, and the words, hashtags and sites as
/// byte arrays with integer ids, so that composing a post copies bytes and never builds strings.
struct World {
    let configuration: SynthConfiguration
    let population: Population
    let topics: [Topic]
    let french: CompiledTexts
    let english: CompiledTexts
    /// Hashtag texts without `#`, and which ids belong to what.
    private(set) var tags: [[UInt8]] = []
    private(set) var tagNames: [String] = []
    private(set) var topicTags: [[Int32]] = []
    private(set) var emergingTags: [Int32] = []
    private(set) var groupTags: [[Int32]] = []
    private(set) var genericTags: [Int32] = []
    private(set) var spamTags: [Int32] = []
    /// Link domains and which ids belong to what.
    private(set) var domains: [[UInt8]] = []
    private(set) var domainNames: [String] = []
    private(set) var topicDomains: [[Int32]] = []
    private(set) var groupDomains: [Int32] = []
    private(set) var genericDomains: [Int32] = []
    private(set) var spamDomains: [Int32] = []
    /// Per topic: its experts, best first; and the popular accounts.
    let experts: [[Int32]]
    let popular: [Int32]
    /// Per topic, the keyword forms in each language as bytes.
    let keywordFrench: [[UInt8]]
    let keywordEnglish: [[UInt8]]
    let vocabularyFrench: [[[UInt8]]]
    let vocabularyEnglish: [[[UInt8]]]

    init(configuration: SynthConfiguration, population: Population) {
        self.configuration = configuration
        self.population = population
        topics = Array(TopicCatalog.all.prefix(configuration.topicCount))
        french = CompiledTexts(Lexicon.french)
        english = CompiledTexts(Lexicon.english)
        keywordFrench = topics.map { Array($0.keywordPhraseFrench.utf8) }
        keywordEnglish = topics.map { Array($0.keywordEnglish.utf8) }
        vocabularyFrench = topics.map { $0.vocabularyFrench.map { Array($0.utf8) } }
        vocabularyEnglish = topics.map { $0.vocabularyEnglish.map { Array($0.utf8) } }

        var expertsByTopic = [[Int32]](repeating: [], count: configuration.topicCount)
        var popularAccounts: [Int32] = []
        for index in 0..<population.count {
            switch population.role[index] {
            case .expert: expertsByTopic[Int(population.topic[index])].append(Int32(index))
            case .popular: popularAccounts.append(Int32(index))
            default: break
            }
        }
        experts = expertsByTopic
        popular = popularAccounts

        var random = SeededGenerator(seed: configuration.seed, stream: 2)
        for topic in topics {
            var ids: [Int32] = []
            for tag in topic.hashtags { ids.append(addTag(tag)) }
            topicTags.append(ids)
        }
        var emergingNames = Lexicon.emergingTags
        emergingNames.shuffle(using: &random)
        for name in emergingNames.prefix(configuration.emergingHashtags) { emergingTags.append(addTag(name)) }
        for name in Lexicon.genericTags { genericTags.append(addTag(name)) }
        for name in Lexicon.spamTags { spamTags.append(addTag(name)) }
        var campaignNames = Lexicon.campaignTags
        campaignNames.shuffle(using: &random)
        var campaignSites = Lexicon.campaignDomains
        campaignSites.shuffle(using: &random)
        for group in 0..<population.groupCount {
            let first = campaignNames[(2 * group) % campaignNames.count] + String(random.between(10...99))
            let second = campaignNames[(2 * group + 1) % campaignNames.count] + String(random.between(10...99))
            groupTags.append([addTag(first), addTag(second)])
            let site = campaignSites[group % campaignSites.count]
            groupDomains.append(addDomain(group < campaignSites.count ? site : "\(group)." + site))
        }
        for topic in topics {
            var ids: [Int32] = []
            for domain in topic.domains { ids.append(addDomain(domain)) }
            topicDomains.append(ids)
        }
        for name in Lexicon.genericDomains { genericDomains.append(addDomain(name)) }
        for name in Lexicon.spamDomains { spamDomains.append(addDomain(name)) }

    }

    private mutating func addTag(_ name: String) -> Int32 {
        tags.append(Array(name.utf8))
        tagNames.append(name)
        return Int32(tags.count - 1)
    }

    private mutating func addDomain(_ name: String) -> Int32 {
        domains.append(Array(name.utf8))
        domainNames.append(name)
        return Int32(domains.count - 1)
    }

    func texts(french isFrench: Bool) -> CompiledTexts { isFrench ? french : english }
}

/// A template cut into literal bytes and slots once, so that filling it is a few copies.
struct Template {
    enum Slot: UInt8 { case term, secondTerm, sentiment, emoji, everyday, place }
    enum Piece {
        case literal([UInt8])
        case slot(Slot)
    }

    let pieces: [Piece]
    let hasSentiment: Bool

    init(_ text: String) {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var rest = Substring(text)
        let slots: [(String, Slot)] = [("{t}", .term), ("{t2}", .secondTerm), ("{s}", .sentiment),
                                       ("{e}", .emoji), ("{o}", .everyday), ("{p}", .place)]
        outer: while !rest.isEmpty {
            for (marker, slot) in slots where rest.hasPrefix(marker) {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
                pieces.append(.slot(slot))
                rest = rest.dropFirst(marker.count)
                continue outer
            }
            literal.append(contentsOf: rest.first.map { Array(String($0).utf8) } ?? [])
            rest = rest.dropFirst()
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
        hasSentiment = text.contains("{s}")
    }
}

struct CompiledTexts {
    let onTopic, offTopic, replyOnTopic, replyOffTopic, quote, spam, campaign: [Template]
    let everyday, places, positive, negative, neutral: [[UInt8]]

    init(_ texts: Lexicon.Texts) {
        onTopic = texts.onTopic.map(Template.init)
        offTopic = texts.offTopic.map(Template.init)
        replyOnTopic = texts.replyOnTopic.map(Template.init)
        replyOffTopic = texts.replyOffTopic.map(Template.init)
        quote = texts.quote.map(Template.init)
        spam = texts.spam.map(Template.init)
        campaign = texts.campaign.map(Template.init)
        everyday = texts.everyday.map { Array($0.utf8) }
        places = texts.places.map { Array($0.utf8) }
        positive = texts.positive.map { Array($0.utf8) }
        negative = texts.negative.map { Array($0.utf8) }
        neutral = texts.neutral.map { Array($0.utf8) }
    }
}
