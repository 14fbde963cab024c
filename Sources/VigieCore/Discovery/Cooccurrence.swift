import Foundation

/// Association statistics of a 2×2 contingency table.
public enum Association {
    /// Dunning's log-likelihood ratio G² for "feature × seed": `a` seed items with the feature,
    /// `b` other items with it, out of `seedTotal` seed items and `total` items. Under
    /// independence G² follows χ² with one degree of freedom: 10.83 is p = 0.001, 15.14 p = 0.0001.
    public static func logLikelihood(a: Int, b: Int, seedTotal: Int, total: Int) -> Double {
        let c = seedTotal - a, d = total - seedTotal - b
        guard a >= 0, b >= 0, c >= 0, d >= 0, total > 0 else { return 0 }
        let n = Double(total)
        let rows = [Double(a + b), Double(c + d)], columns = [Double(a + c), Double(b + d)]
        let cells = [[Double(a), Double(b)], [Double(c), Double(d)]]
        var g = 0.0
        for i in 0..<2 {
            for j in 0..<2 where cells[i][j] > 0 {
                g += cells[i][j] * log(cells[i][j] * n / (rows[i] * columns[j]))
            }
        }
        return max(0, 2 * g)
    }

    /// How much more often the feature occurs in the seed than overall: P(f | seed) / P(f).
    public static func lift(a: Int, b: Int, seedTotal: Int, total: Int) -> Double {
        guard seedTotal > 0, a + b > 0 else { return 0 }
        return (Double(a) / Double(seedTotal)) / (Double(a + b) / Double(total))
    }
}

/// Discovery ("social inference"): from the posts a seed query matches, the hashtags, words and
/// link domains that are strongly associated with them — over-represented (lift) and
/// significantly so (log-likelihood G²) — and the accounts the seed's authors engage with.
///
/// Counting is per post (document frequency), over original posts only: a repost repeats its
/// original's words and would count one voice many times.
public struct TopicDiscovery: Sendable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case hashtag, term, domain, account
    }

    public struct Proposal: Sendable, Hashable, Codable {
        public var kind: Kind
        public var value: String
        /// What to add to a query to accept it (`#tag`, `word`, `site:domain`, `author:handle`).
        public var queryTerm: String
        /// Seed posts (or, for accounts, seed authors engaging with it) that have it, and others.
        public var inSeed: Int
        public var outsideSeed: Int
        public var lift: Double
        public var logLikelihood: Double
        /// Estimated share of on-topic posts among those the item would add: its seed share
        /// P(seed | item) over the seed share of the topic's strongest items (the seed's recall).
        /// A word common everywhere has a low seed share even when it is over-represented.
        public var estimatedPrecision: Double
        /// The seed's estimated recall of the topic that `estimatedPrecision` divides by.
        public var seedRecall: Double
    }

    public struct Thresholds: Sendable, Hashable, Codable {
        public var minimumSeedCount: Int
        public var minimumLift: Double
        /// G² at p = 0.0001 by default: many features are tested at once.
        public var minimumLogLikelihood: Double
        /// Words shorter than this are not proposed (articles, pronouns).
        public var minimumTermLength: Int
        /// `--accept-all` takes the items whose estimated precision reaches this.
        public var minimumEstimatedPrecision: Double

        public init(minimumSeedCount: Int = 3, minimumLift: Double = 3, minimumLogLikelihood: Double = 15.14,
                    minimumTermLength: Int = 4, minimumEstimatedPrecision: Double = 0.75) {
            self.minimumSeedCount = minimumSeedCount
            self.minimumLift = minimumLift
            self.minimumLogLikelihood = minimumLogLikelihood
            self.minimumTermLength = minimumTermLength
            self.minimumEstimatedPrecision = minimumEstimatedPrecision
        }
    }

    /// Per-feature document counts, seed and outside; feed every original post once.
    public struct Counter: Sendable {
        public private(set) var seedDocuments = 0
        public private(set) var documents = 0
        private var counts: [Kind: [String: (seed: Int32, other: Int32)]] = [:]
        public let minimumTermLength: Int

        public init(minimumTermLength: Int = 4) { self.minimumTermLength = minimumTermLength }

        public mutating func add(_ document: QueryDocument, inSeed: Bool) {
            documents += 1
            if inSeed { seedDocuments += 1 }
            var features: Set<Feature> = []
            for tag in document.post.hashtags { features.insert(Feature(kind: .hashtag, value: TextFolding.fold(tag))) }
            for url in document.post.urls {
                if let domain = Self.domain(of: url) { features.insert(Feature(kind: .domain, value: domain)) }
            }
            for token in document.tokens where token.kind == .word && token.folded.count >= minimumTermLength
                && !token.folded.allSatisfy(\.isNumber) {
                features.insert(Feature(kind: .term, value: token.folded))
            }
            for feature in features {
                var entry = counts[feature.kind, default: [:]][feature.value] ?? (0, 0)
                if inSeed { entry.seed += 1 } else { entry.other += 1 }
                counts[feature.kind, default: [:]][feature.value] = entry
            }
        }

        struct Feature: Hashable { var kind: Kind; var value: String }

        /// The host of a link without `www.`, lowercased.
        public static func domain(of url: String) -> String? {
            var rest = Substring(url)
            if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" }.lowercased()
            let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
            return bare.contains(".") ? bare : nil
        }

        func entries(_ kind: Kind) -> [String: (seed: Int32, other: Int32)] { counts[kind] ?? [:] }
    }

    public var thresholds: Thresholds

    public init(thresholds: Thresholds = Thresholds()) { self.thresholds = thresholds }

    /// Hashtags, words and domains associated with the seed, strongest (G²) first. Features the
    /// seed query already names are left out (`excluding`: folded values or query terms such as
    /// `#tag`, `site:domain`): inside the seed by construction, they say nothing about it.
    ///
    /// `recallFloor`: a seed that grew from an earlier round's seed has at least that round's
    /// recall; the floor stops the estimate from falling — and imprecise items from passing —
    /// once the topic's own items are all in the seed and only generic ones remain to test.
    public func proposals(from counter: Counter, excluding: Set<String> = [], recallFloor: Double = 0) -> [Proposal] {
        var result: [Proposal] = []
        for kind in [Kind.hashtag, .term, .domain] {
            for (value, entry) in counter.entries(kind) {
                let a = Int(entry.seed), b = Int(entry.other)
                let term: String
                switch kind {
                case .hashtag: term = "#" + value
                case .domain: term = "site:" + value
                default: term = value
                }
                guard a >= thresholds.minimumSeedCount, !excluding.contains(value), !excluding.contains(term) else { continue }
                if kind == .term && value.count < thresholds.minimumTermLength { continue }
                let lift = Association.lift(a: a, b: b, seedTotal: counter.seedDocuments, total: counter.documents)
                guard lift >= thresholds.minimumLift else { continue }
                let g2 = Association.logLikelihood(a: a, b: b, seedTotal: counter.seedDocuments, total: counter.documents)
                guard g2 >= thresholds.minimumLogLikelihood else { continue }
                result.append(Proposal(kind: kind, value: value, queryTerm: term, inSeed: a, outsideSeed: b,
                                       lift: lift, logLikelihood: g2, estimatedPrecision: 0, seedRecall: 0))
            }
        }
        result.sort { $0.logLikelihood != $1.logLikelihood ? $0.logLikelihood > $1.logLikelihood : $0.value < $1.value }
        let recall = max(recallFloor, Self.seedRecall(result))
        for i in result.indices {
            let share = Double(result[i].inSeed) / Double(result[i].inSeed + result[i].outsideSeed)
            result[i].estimatedPrecision = recall > 0 ? min(1, share / recall) : 0
            result[i].seedRecall = recall
        }
        return result
    }

    /// The seed's recall of the topic, estimated as the median seed share P(seed | item) of the
    /// ten strongest items seen in at least 20 posts: an item that only on-topic posts use is in
    /// the seed as often as the topic is.
    static func seedRecall(_ sorted: [Proposal]) -> Double {
        var strong = sorted.filter { $0.inSeed + $0.outsideSeed >= 20 }.prefix(10)
        if strong.isEmpty { strong = sorted.prefix(10) }
        let shares = strong.map { Double($0.inSeed) / Double($0.inSeed + $0.outsideSeed) }.sorted()
        guard !shares.isEmpty else { return 0 }
        return shares.count % 2 == 1 ? shares[shares.count / 2] : (shares[shares.count / 2 - 1] + shares[shares.count / 2]) / 2
    }

    /// The items `--accept-all` takes: hashtags, words and domains estimated precise enough.
    public func acceptable(_ proposals: [Proposal]) -> [Proposal] {
        proposals.filter { $0.kind != .account && $0.estimatedPrecision >= thresholds.minimumEstimatedPrecision }
    }

    /// Accounts the seed's authors engage with far more than everyone else does: for each
    /// account, its engagers among the seed authors against its other engagers (G², lift),
    /// over the interaction graph. Seed authors themselves are left out: the seed finds them.
    public func accountProposals(graph: InteractionGraph, seedAuthors: [Bool]) -> [Proposal] {
        let n = graph.nodeCount
        let seedTotal = seedAuthors.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard seedTotal > 0 else { return [] }
        var result: [Proposal] = []
        let incoming = graph.incoming
        for v in 0..<n where !seedAuthors[v] {
            var a = 0, b = 0
            for slot in incoming.offsets[v]..<incoming.offsets[v + 1] {
                if seedAuthors[Int(incoming.targets[slot])] { a += 1 } else { b += 1 }
            }
            guard a >= thresholds.minimumSeedCount else { continue }
            let lift = Association.lift(a: a, b: b, seedTotal: seedTotal, total: n)
            guard lift >= thresholds.minimumLift else { continue }
            let g2 = Association.logLikelihood(a: a, b: b, seedTotal: seedTotal, total: n)
            guard g2 >= thresholds.minimumLogLikelihood else { continue }
            let account = graph.nodes.accounts[v]
            result.append(Proposal(kind: .account, value: account.label,
                                   queryTerm: "author:" + (account.handle ?? account.platformID),
                                   inSeed: a, outsideSeed: b, lift: lift, logLikelihood: g2,
                                   estimatedPrecision: Double(a) / Double(a + b), seedRecall: 0))
        }
        return result.sorted { $0.logLikelihood != $1.logLikelihood ? $0.logLikelihood > $1.logLikelihood : $0.value < $1.value }
    }

    /// `(seed) OR item OR item…`, as query text.
    public static func expandedQuery(seed: String, accepted: [String]) -> String {
        guard !accepted.isEmpty else { return seed }
        return "(\(seed)) OR " + accepted.joined(separator: " OR ")
    }
}
