import Foundation

enum AccountRole: UInt8 {
    case regular, enthusiast, expert, popular, bot, coordinated

    var name: String {
        switch self {
        case .regular: return "regular"
        case .enthusiast: return "enthusiast"
        case .expert: return "expert"
        case .popular: return "popular"
        case .bot: return "bot"
        case .coordinated: return "coordinated"
        }
    }
}

/// Bot-like traits a real person may have (hard negatives for bot detection).
struct BotLikeTraits: OptionSet {
    let rawValue: UInt8
    static let defaultAvatar = BotLikeTraits(rawValue: 1)
    static let digitsInHandle = BotLikeTraits(rawValue: 2)
    static let emptyBio = BotLikeTraits(rawValue: 4)
    static let highFollowing = BotLikeTraits(rawValue: 8)
    static let youngAccount = BotLikeTraits(rawValue: 16)
    static let schedulerApp = BotLikeTraits(rawValue: 32)
    static let manyLinks = BotLikeTraits(rawValue: 64)

    static let all: [(BotLikeTraits, String)] = [
        (.defaultAvatar, "default-avatar"), (.digitsInHandle, "digits-in-handle"), (.emptyBio, "empty-bio"),
        (.highFollowing, "high-following"), (.youngAccount, "young-account"), (.schedulerApp, "scheduler-app"),
        (.manyLinks, "many-links"),
    ]

    var names: [String] { BotLikeTraits.all.filter { contains($0.0) }.map(\.1) }
}

/// Time zones of the accounts: fixed offsets, daylight saving is ignored.
enum Zone: UInt8, CaseIterable {
    case paris, london, newYork
    var offsetHours: Int { self == .paris ? 1 : self == .london ? 0 : -5 }
}

/// Every account as parallel arrays indexed by account number: a few bytes per account, and
/// nothing per post, so memory depends on the number of accounts only.
struct Population {
    let count: Int
    var role: [AccountRole]
    /// Topic of an expert or enthusiast, target topic of a coordinated member; -1 otherwise.
    var topic: [Int8]
    /// Relevance of an expert or enthusiast on its topic: 3 core expert, 2 expert, 1 enthusiast.
    var grade: [UInt8]
    var french: [Bool]
    var zone: [Zone]
    var followers: [Int32]
    var following: [Int32]
    var statuses: [Int32]
    var listed: [Int32]
    var createdSeconds: [Int64]
    var defaultAvatar: [Bool]
    var verified: [Bool]
    var handle: [String]
    var displayName: [String]
    /// Coordinated group, -1 for none.
    var group: [Int16]
    /// Index into `Lexicon` sources: 0..<humans, then schedulers, then bots.
    var source: [UInt8]
    var traits: [BotLikeTraits]
    /// Amplifier bots mostly repost; spam bots mostly post links.
    var amplifierBot: [Bool]
    var emptyBio: [Bool]
    /// Relative posting activity of people (drives who posts in the background stream).
    var activity: [Double]
    let seed: UInt64

    static let sources: [String] = Lexicon.humanSources + Lexicon.schedulerSources + Lexicon.botSources

    init(configuration: SynthConfiguration, backgroundPosts: Int) {
        let total = configuration.accountCount
        count = total
        seed = configuration.seed
        var random = SeededGenerator(seed: configuration.seed, stream: 1)
        let topicCount = configuration.topicCount
        let startSeconds = Int64(configuration.start.timeIntervalSince1970)

        // Role counts, shrunk for small populations so that people stay the majority.
        let popularCount = min(configuration.popularAccounts ?? max(5, total / 200), total / 20)
        let expertsPerTopic = max(1, min(configuration.expertsPerTopic, total / (10 * topicCount)))
        let botCount = Int(Double(total) * configuration.botShare)
        var groupSizes: [Int] = []
        var groupBudget = total / 10
        for _ in 0..<configuration.coordinatedGroups {
            let size = random.between(configuration.groupSizes)
            guard size <= groupBudget else { break }
            groupSizes.append(size)
            groupBudget -= size
        }
        var roles: [AccountRole] = []
        roles.reserveCapacity(total)
        roles += Array(repeating: .popular, count: popularCount)
        roles += Array(repeating: .expert, count: expertsPerTopic * topicCount)
        roles += Array(repeating: .bot, count: botCount)
        roles += Array(repeating: .coordinated, count: groupSizes.reduce(0, +))
        let people = total - roles.count
        let enthusiasts = people / 4
        roles += Array(repeating: .enthusiast, count: enthusiasts)
        roles += Array(repeating: .regular, count: people - enthusiasts)
        roles.shuffle(using: &random)
        role = roles

        topic = Array(repeating: -1, count: total)
        grade = Array(repeating: 0, count: total)
        group = Array(repeating: -1, count: total)
        var expertSeen = 0
        var memberSeen = 0
        var groupIndex = 0
        var groupTopic: [Int8] = groupSizes.indices.map { Int8($0 % topicCount) }
        groupTopic.shuffle(using: &random)
        for index in 0..<total {
            switch roles[index] {
            case .expert:
                topic[index] = Int8(expertSeen % topicCount)
                grade[index] = expertSeen / topicCount < max(1, expertsPerTopic / 3) ? 3 : 2
                expertSeen += 1
            case .enthusiast:
                topic[index] = Int8(random.below(topicCount))
                grade[index] = 1
            case .coordinated:
                while groupIndex < groupSizes.count, memberSeen >= groupSizes[groupIndex] {
                    memberSeen = 0
                    groupIndex += 1
                }
                group[index] = Int16(groupIndex)
                topic[index] = groupTopic[groupIndex]
                memberSeen += 1
            default: break
            }
        }

        french = Array(repeating: true, count: total)
        zone = Array(repeating: .paris, count: total)
        followers = Array(repeating: 0, count: total)
        following = Array(repeating: 0, count: total)
        statuses = Array(repeating: 0, count: total)
        listed = Array(repeating: 0, count: total)
        createdSeconds = Array(repeating: 0, count: total)
        defaultAvatar = Array(repeating: false, count: total)
        verified = Array(repeating: false, count: total)
        handle = Array(repeating: "", count: total)
        displayName = Array(repeating: "", count: total)
        source = Array(repeating: 0, count: total)
        traits = Array(repeating: [], count: total)
        amplifierBot = Array(repeating: false, count: total)
        emptyBio = Array(repeating: false, count: total)
        activity = Array(repeating: 0, count: total)

        let day: Int64 = 86_400
        let earliest = Int64(1_199_145_600) // 2008-01-01
        let groupCreated = groupSizes.map { _ in startSeconds - Int64(random.between(180...540)) * day }
        var takenHandles = Set<String>(minimumCapacity: total)
        let humanSourceCount = Lexicon.humanSources.count
        let botSourceBase = humanSourceCount + Lexicon.schedulerSources.count

        for index in 0..<total {
            let isFrench = random.chance(configuration.frenchShare)
            french[index] = isFrench
            zone[index] = isFrench ? .paris : (random.chance(0.4) ? .london : .newYork)
            let texts = isFrench ? Lexicon.french : Lexicon.english
            let first = random.pick(texts.firstNames)
            let last = random.pick(texts.lastNames)
            displayName[index] = first + " " + last
            source[index] = UInt8(random.below(humanSourceCount))
            var handleBase: String
            switch random.below(4) {
            case 0: handleBase = asciiHandle(first) + "_" + asciiHandle(last)
            case 1: handleBase = asciiHandle(first) + asciiHandle(last)
            case 2: handleBase = String(asciiHandle(first).prefix(1)) + asciiHandle(last)
            default: handleBase = asciiHandle(first) + asciiHandle(last).prefix(3) + String(random.between(1...99))
            }
            let age = random.unit()
            createdSeconds[index] = earliest + Int64(age * Double(startSeconds - 60 * day - earliest))
            followers[index] = Int32(min(random.pareto(scale: 20, alpha: 1.1), 90_000))
            following[index] = Int32(random.logUniform(30, 1500))
            defaultAvatar[index] = random.chance(0.04)
            verified[index] = random.chance(0.003)
            emptyBio[index] = random.chance(0.15)
            activity[index] = min(random.pareto(scale: 1, alpha: 1.6), 50)

            switch roles[index] {
            case .popular:
                followers[index] = Int32(random.logUniform(150_000, 6_000_000))
                following[index] = Int32(random.logUniform(50, 2000))
                verified[index] = random.chance(0.7)
                defaultAvatar[index] = false
                emptyBio[index] = false
                createdSeconds[index] = earliest + Int64(random.unit() * Double(6 * 365 * day))
            case .expert:
                followers[index] = Int32(random.logUniform(200, 25_000))
                verified[index] = random.chance(0.1)
                defaultAvatar[index] = false
                emptyBio[index] = false
            case .enthusiast:
                activity[index] *= 1.5
            case .bot:
                let word = random.pick(Lexicon.botWords)
                handleBase = word + String(random.between(100_000...999_999_999))
                displayName[index] = random.chance(0.5) ? handleBase : word.capitalized + " " + String(random.between(1...999))
                followers[index] = Int32(random.between(0...150))
                following[index] = Int32(random.between(800...5000))
                defaultAvatar[index] = random.chance(0.8)
                verified[index] = false
                emptyBio[index] = random.chance(0.5)
                createdSeconds[index] = startSeconds - Int64(random.between(3...150)) * day - Int64(random.below(Int(day)))
                source[index] = UInt8(botSourceBase + random.below(Lexicon.botSources.count))
                amplifierBot[index] = random.chance(0.4)
                activity[index] = 0
            case .coordinated:
                let g = Int(group[index])
                followers[index] = Int32(random.logUniform(40, 1500))
                following[index] = Int32(random.logUniform(200, 1500))
                createdSeconds[index] = groupCreated[g] + Int64(random.below(Int(10 * day)))
                defaultAvatar[index] = random.chance(0.2)
                activity[index] = 0.5
            case .regular:
                if random.chance(configuration.hardNegativeShare) {
                    var chosen: BotLikeTraits = []
                    while chosen.rawValue.nonzeroBitCount < 2 { chosen.insert(random.pick(BotLikeTraits.all).0) }
                    traits[index] = chosen
                    if chosen.contains(.defaultAvatar) { defaultAvatar[index] = true }
                    if chosen.contains(.digitsInHandle) {
                        handleBase = asciiHandle(first) + String(random.between(10_000...9_999_999))
                    }
                    if chosen.contains(.emptyBio) { emptyBio[index] = true }
                    if chosen.contains(.highFollowing) {
                        following[index] = Int32(random.between(2000...4500))
                        followers[index] = Int32(random.between(5...200))
                    }
                    if chosen.contains(.youngAccount) {
                        createdSeconds[index] = startSeconds - Int64(random.between(10...90)) * day
                    }
                    if chosen.contains(.schedulerApp) {
                        source[index] = UInt8(humanSourceCount + random.below(Lexicon.schedulerSources.count))
                    }
                }
            }
            // Handles are unique; a clash takes a number as people do.
            var candidate = String(handleBase.prefix(15))
            while takenHandles.contains(candidate.lowercased()) {
                candidate = String(handleBase.prefix(11)) + String(random.between(10...9999))
            }
            takenHandles.insert(candidate.lowercased())
            handle[index] = candidate
            listed[index] = Int32(Double(followers[index]) * random.unit() * 0.02)
        }

        // People who post: experts and popular accounts post several times a day, but together
        // they stay a small share of all posts whatever the population size.
        let days = Double(configuration.days)
        let peopleWeight = (0..<total).reduce(0.0) { sum, i in
            roles[i] == .regular || roles[i] == .enthusiast || roles[i] == .coordinated ? sum + activity[i] : sum
        }
        let expertCount = Double(expertsPerTopic * topicCount)
        let expertShare = min(0.15, expertCount * 8 * days / Double(max(backgroundPosts, 1)))
        let expertWeight = peopleWeight * expertShare / (1 - expertShare) / max(expertCount, 1)
        let popularShare = min(0.05, Double(popularCount) * 5 * days / Double(max(backgroundPosts, 1)))
        let popularWeight = peopleWeight * popularShare / (1 - popularShare) / Double(max(popularCount, 1))
        for index in 0..<total {
            switch roles[index] {
            case .expert: activity[index] = expertWeight * (grade[index] == 3 ? 1.3 : 0.85)
            case .popular: activity[index] = popularWeight * (0.5 + random.unit())
            default: break
            }
            let expectedPosts = activity[index] / max(peopleWeight, 1) * Double(backgroundPosts)
            statuses[index] = Int32(min(2_000_000, expectedPosts * 12 + random.logUniform(10, 5000)))
        }
    }

    var groupCount: Int { Int((group.max() ?? -1) + 1) }

    func isBot(_ index: Int) -> Bool { role[index] == .bot }

    func sourceName(_ index: Int) -> String { Population.sources[Int(source[index])] }

    /// The profile text, rebuilt from the seed when a format needs it rather than stored.
    func bio(_ index: Int) -> String {
        if emptyBio[index] { return "" }
        var random = SeededGenerator(seed: seed ^ 0xB10, stream: UInt64(index))
        let texts = french[index] ? Lexicon.french : Lexicon.english
        switch role[index] {
        case .bot:
            return random.pick(Lexicon.botBios)
        case .expert:
            let chosen = TopicCatalog.all[Int(topic[index])]
            let words = french[index] ? chosen.bioFrench : chosen.bioEnglish
            let terms = french[index] ? chosen.vocabularyFrench : chosen.vocabularyEnglish
            return random.pick(texts.expertBios)
                .replacingOccurrences(of: "{b}", with: random.pick(words).capitalizedFirst)
                .replacingOccurrences(of: "{t}", with: random.pick(terms))
                .replacingOccurrences(of: "{p}", with: random.pick(texts.places))
        default:
            return random.pick(texts.bios)
                .replacingOccurrences(of: "{o}", with: random.pick(texts.everyday))
                .replacingOccurrences(of: "{p}", with: random.pick(texts.places))
        }
    }

    func location(_ index: Int) -> String {
        if role[index] == .bot { return "" }
        let texts = french[index] ? Lexicon.french : Lexicon.english
        let places = zone[index] == .newYork ? Array(texts.places.suffix(5)) : Array(texts.places.prefix(5))
        return places[Int(SeededGenerator.hash(seed, UInt64(index)) % UInt64(places.count))]
    }
}

/// A handle-safe form of a name: ASCII letters only, lower case.
private func asciiHandle(_ name: String) -> String {
    let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    return String(folded.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic) }.map(Character.init))
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
