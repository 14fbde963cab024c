import Foundation

/// Finds accounts that act together: for each behaviour key, posts by different accounts within
/// `window` seconds of each other tie their authors; ties are counted per pair of accounts and
/// kept when frequent enough (see ``CoordinationEdge`` for the weight).
///
/// Cost, per type: sorting the key entries (`O(n log n)`), then for each post the posts with
/// the same key that follow it within the window: `O(Σ n_k · w_k)` pairs, where `w_k` is how
/// many posts of key `k` fall in one window. A viral original reposted 100 000 times over a
/// day gives about 100 000 × (reposts per minute) pairs: linear in the posts. Only keys posted
/// by many accounts *within the same minute* cost more, and those are what the method is for.
/// Co-similar bounds its work per post: see ``Options/maxSimilarCandidates``.
///
/// ```swift
/// let network = CoordinationDetector(options: .init(window: 60, minWeight: 2)).detect(in: input)
/// for cluster in network.clusters() { print(cluster.members.count, cluster.topKeys) }
/// ```
public struct CoordinationDetector: Sendable {
    public struct Options: Sendable, Hashable {
        /// Seconds: two posts co-occur when their times differ by at most this (bounds included).
        public var window: TimeInterval
        /// Minimum edge weight kept.
        public var minWeight: Int
        public var types: Set<CoordinationType>
        /// Jaccard similarity of word 3-shingles at or above which two texts are near-identical.
        public var similarityThreshold: Double
        /// Evidence post pairs kept per edge.
        public var evidencePerEdge: Int
        /// Shared keys kept per edge (the most frequent).
        public var keysPerEdge: Int
        /// Per post and LSH band, how many later posts of the same bucket within the window are
        /// compared at most. Bounds the work when thousands of copies land in one minute (exact
        /// copies are found by co-text anyway); the default is far above what campaigns do.
        public var maxSimilarCandidates: Int
        /// Stock phrases: a text (co-text, and the posts carrying it for co-similar) or a
        /// hashtag set whose co-occurrences within the window are fewer than this many times
        /// what chance gives — posts spread evenly over the data's period, `n(n-1)·window/span`
        /// pairs for `n` posts — ties nobody. "Pause café avant la réunion" posted 2,000 times a
        /// month meets itself within a minute by chance; a campaign's 20 copies in one minute
        /// are hundreds of times above chance. 0 turns the test off; it applies only to data
        /// spanning at least 100 windows, and never to the toolkit's keys
        /// (``CoordinationInput/Keys/toolkit``), which reproduce the toolkit.
        public var chanceFactor: Double

        public init(window: TimeInterval = 60, minWeight: Int = 2, types: Set<CoordinationType> = Set(CoordinationType.allCases),
                    similarityThreshold: Double = 0.7, evidencePerEdge: Int = 5, keysPerEdge: Int = 5,
                    maxSimilarCandidates: Int = 500, chanceFactor: Double = 4) {
            self.window = window
            self.minWeight = minWeight
            self.types = types
            self.similarityThreshold = similarityThreshold
            self.evidencePerEdge = evidencePerEdge
            self.keysPerEdge = keysPerEdge
            self.maxSimilarCandidates = maxSimilarCandidates
            self.chanceFactor = chanceFactor
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func detect(in input: CoordinationInput) -> CoordinationNetwork {
        var edges: [CoordinationEdge] = []
        var common: [CoordinationType: [Bool]] = [:]
        for type in Self.chanceTested where options.types.contains(type) || (type == .coPost && options.types.contains(.coSimilar)) {
            common[type] = commonKeys(type, input)
        }
        var commonText: [Bool]?
        if options.types.contains(.coSimilar), let keys = common[.coPost] {
            // Co-similar leaves out the posts whose exact text is a stock phrase.
            var flags = [Bool](repeating: false, count: input.count)
            for entry in input.entries[CoordinationType.coPost.ordinal] where keys[Int(entry.key)] { flags[Int(entry.post)] = true }
            commonText = flags
        }
        for type in CoordinationType.allCases where options.types.contains(type) {
            let pairs = type == .coSimilar ? similarPairs(input, skipping: commonText) : keyedPairs(type, input, skipping: common[type])
            edges += aggregate(pairs, type: type, input: input)
        }
        let accounts = zip(input.accountIDs, input.accountHandles).map { CoordinationAccount(id: $0, handle: $1) }
        var network = CoordinationNetwork(options: options, accounts: accounts, edges: edges)
        for (type, flags) in common where options.types.contains(type) {
            network.commonKeysIgnored[type] = flags.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        return network
    }

    /// The types whose keys are tested against chance (see ``Options/chanceFactor``).
    static let chanceTested: [CoordinationType] = [.coPost, .coHashtag]

    /// Per key of `type`, whether it is a stock phrase: co-occurring pairs (different authors,
    /// within the window) fewer than ``Options/chanceFactor`` times the pairs expected by chance.
    func commonKeys(_ type: CoordinationType, _ input: CoordinationInput) -> [Bool] {
        var common = [Bool](repeating: false, count: input.keyNames[type.ordinal].count)
        // Chance is told from intent only over a period much longer than the window.
        guard options.chanceFactor > 0, input.keys == .normalized, let first = input.postTime.min(),
              let last = input.postTime.max(), last - first >= 100 * options.window else { return common }
        let span = last - first
        let times = input.postTime
        let authors = input.postAuthor
        var timed = input.entries[type.ordinal].map { TimedEntry(key: $0.key, post: $0.post, time: times[Int($0.post)]) }
        timed.sort { ($0.key, $0.time, $0.post) < ($1.key, $1.time, $1.post) }
        var runStart = 0
        while runStart < timed.count {
            var runEnd = runStart + 1
            while runEnd < timed.count, timed[runEnd].key == timed[runStart].key { runEnd += 1 }
            let n = Double(runEnd - runStart)
            let expected = n * (n - 1) * options.window / span
            // Fewer pairs than the factor times chance: count them, stopping once above.
            if expected * options.chanceFactor >= 1 {
                let limit = expected * options.chanceFactor
                var observed = 0.0
                outer: for i in runStart..<runEnd {
                    var j = i + 1
                    while j < runEnd, timed[j].time - timed[i].time <= options.window {
                        if authors[Int(timed[i].post)] != authors[Int(timed[j].post)] {
                            observed += 1
                            if observed >= limit { break outer }
                        }
                        j += 1
                    }
                }
                if observed < limit { common[Int(timed[runStart].key)] = true }
            }
            runStart = runEnd
        }
        return common
    }

    // MARK: - Pairs of posts

    /// Co-occurring posts by different accounts: parallel arrays, one element per pair.
    struct PostPairs {
        var first: [Int32] = []
        var second: [Int32] = []
        var key: [Int32] = []
        /// Co-similar only.
        var similarity: [Float] = []

        var count: Int { first.count }
    }

    private struct TimedEntry {
        var key: Int32
        var post: Int32
        var time: Double
    }

    func keyedPairs(_ type: CoordinationType, _ input: CoordinationInput, skipping common: [Bool]? = nil) -> PostPairs {
        let times = input.postTime
        var timed = input.entries[type.ordinal].map { TimedEntry(key: $0.key, post: $0.post, time: times[Int($0.post)]) }
        timed.sort { ($0.key, $0.time, $0.post) < ($1.key, $1.time, $1.post) }
        var pairs = PostPairs()
        let authors = input.postAuthor
        var runStart = 0
        while runStart < timed.count {
            var runEnd = runStart + 1
            while runEnd < timed.count, timed[runEnd].key == timed[runStart].key { runEnd += 1 }
            if let common, common[Int(timed[runStart].key)] {
                runStart = runEnd
                continue
            }
            for i in runStart..<runEnd {
                let post = timed[i].post
                var j = i + 1
                while j < runEnd, timed[j].time - timed[i].time <= options.window {
                    let other = timed[j].post
                    if authors[Int(post)] != authors[Int(other)] {
                        pairs.first.append(post)
                        pairs.second.append(other)
                        pairs.key.append(timed[i].key)
                    }
                    j += 1
                }
            }
            runStart = runEnd
        }
        return pairs
    }

    private struct BandEntry {
        var bucket: UInt32
        var index: Int32
        var time: Double
    }

    /// Candidates from LSH buckets within the window, verified by exact Jaccard similarity. A
    /// pair that shares several buckets is examined in the first band it shares only.
    func similarPairs(_ input: CoordinationInput, skipping common: [Bool]? = nil) -> PostPairs {
        let count = input.similarPosts.count
        var bandKeys: [UInt32] = []
        bandKeys.reserveCapacity(count * MinHash.bands)
        for index in 0..<count {
            MinHash.appendBandKeys(of: input.shingles[input.shingleStart[index]..<input.shingleStart[index + 1]],
                                   to: &bandKeys)
        }
        let authors = input.postAuthor
        let times = input.postTime
        var pairs = PostPairs()
        var entries: [BandEntry] = []
        entries.reserveCapacity(count)
        for band in 0..<MinHash.bands {
            entries.removeAll(keepingCapacity: true)
            for index in 0..<count where !(common?[Int(input.similarPosts[index])] ?? false) {
                entries.append(BandEntry(bucket: bandKeys[index * MinHash.bands + band], index: Int32(index),
                                         time: times[Int(input.similarPosts[index])]))
            }
            entries.sort { ($0.bucket, $0.time, $0.index) < ($1.bucket, $1.time, $1.index) }
            var runStart = 0
            while runStart < entries.count {
                var runEnd = runStart + 1
                while runEnd < entries.count, entries[runEnd].bucket == entries[runStart].bucket { runEnd += 1 }
                guard runEnd - runStart > 1 else {
                    runStart = runEnd
                    continue
                }
                for i in runStart..<runEnd {
                    let a = Int(entries[i].index)
                    let postA = input.similarPosts[a]
                    var j = i + 1
                    while j < runEnd, j - i <= options.maxSimilarCandidates,
                          entries[j].time - entries[i].time <= options.window {
                        let b = Int(entries[j].index)
                        let postB = input.similarPosts[b]
                        j += 1
                        guard authors[Int(postA)] != authors[Int(postB)] else { continue }
                        if band > 0, sharesEarlierBand(a, b, before: band, bandKeys) { continue }
                        let similarity = MinHash.jaccard(input.shingles[input.shingleStart[a]..<input.shingleStart[a + 1]],
                                                         input.shingles[input.shingleStart[b]..<input.shingleStart[b + 1]])
                        guard similarity >= options.similarityThreshold else { continue }
                        let (early, late) = times[Int(postA)] <= times[Int(postB)] ? (postA, postB) : (postB, postA)
                        pairs.first.append(early)
                        pairs.second.append(late)
                        // The key of a near-duplicate pair is its earlier post.
                        pairs.key.append(early)
                        pairs.similarity.append(Float(similarity))
                    }
                }
                runStart = runEnd
            }
        }
        return pairs
    }

    private func sharesEarlierBand(_ a: Int, _ b: Int, before band: Int, _ keys: [UInt32]) -> Bool {
        for earlier in 0..<band where keys[a * MinHash.bands + earlier] == keys[b * MinHash.bands + earlier] {
            return true
        }
        return false
    }

    // MARK: - Edges

    private struct EdgeCounts {
        var sourceWeight: Int32 = 0
        var targetWeight: Int32 = 0
    }

    private struct EdgeDetail {
        var pairs = 0
        var first = Double.infinity
        var last = -Double.infinity
        var evidence: [Int] = []
        var keyPairs: [Int32: Int] = [:]
    }

    /// Pairs of posts to edges between accounts, weighted as the toolkit does, filtered by
    /// `minWeight`, with their evidence.
    func aggregate(_ pairs: PostPairs, type: CoordinationType, input: CoordinationInput) -> [CoordinationEdge] {
        let authors = input.postAuthor
        let times = input.postTime
        // Distinct pairs of posts: a post with two links shared with another post is one pair
        // (the first one generated is kept). Sorting packed codes beats sorting indexes.
        var order: [PairOrder] = []
        order.reserveCapacity(pairs.count)
        for index in 0..<pairs.count {
            order.append(PairOrder(code: UInt64(UInt32(pairs.first[index])) << 32 | UInt64(UInt32(pairs.second[index])),
                                   index: Int32(index)))
        }
        order.sort()
        var distinct: [Int] = []
        distinct.reserveCapacity(order.count)
        for position in order.indices where position == 0 || order[position - 1].code != order[position].code {
            distinct.append(Int(order[position].index))
        }
        order = []

        // Directed weight: the distinct posts of one account matched by the other account.
        var matched: [UInt64] = []
        matched.reserveCapacity(distinct.count * 2)
        for index in distinct {
            let p = pairs.first[index]
            let q = pairs.second[index]
            matched.append(UInt64(UInt32(p)) << 32 | UInt64(UInt32(authors[Int(q)])))
            matched.append(UInt64(UInt32(q)) << 32 | UInt64(UInt32(authors[Int(p)])))
        }
        matched.sort()
        var counts: [UInt64: EdgeCounts] = [:]
        for (position, record) in matched.enumerated() where position == 0 || matched[position - 1] != record {
            let post = Int(record >> 32)
            let partner = Int32(truncatingIfNeeded: record)
            let author = authors[post]
            let pairKey = Self.pairKey(author, partner)
            if author < partner {
                counts[pairKey, default: EdgeCounts()].sourceWeight += 1
            } else {
                counts[pairKey, default: EdgeCounts()].targetWeight += 1
            }
        }
        var detailIndex: [UInt64: Int] = [:]
        var keptKeys: [UInt64] = []
        for (key, count) in counts where Int(max(count.sourceWeight, count.targetWeight)) >= options.minWeight {
            detailIndex[key] = keptKeys.count
            keptKeys.append(key)
        }
        guard !keptKeys.isEmpty else { return [] }
        var details = [EdgeDetail](repeating: EdgeDetail(), count: keptKeys.count)

        let earliest = { (index: Int) in min(times[Int(pairs.first[index])], times[Int(pairs.second[index])]) }
        for index in distinct {
            let p = Int(pairs.first[index])
            let q = Int(pairs.second[index])
            guard let slot = detailIndex[Self.pairKey(authors[p], authors[q])] else { continue }
            details[slot].pairs += 1
            details[slot].first = min(details[slot].first, times[p], times[q])
            details[slot].last = max(details[slot].last, times[p], times[q])
            details[slot].keyPairs[pairs.key[index], default: 0] += 1
            // Keep the earliest pairs only, so a huge edge holds a few indexes, not all.
            if details[slot].evidence.count < options.evidencePerEdge {
                details[slot].evidence.append(index)
            } else if let latest = details[slot].evidence.indices.max(by: { earliest(details[slot].evidence[$0]) < earliest(details[slot].evidence[$1]) }),
                      earliest(index) < earliest(details[slot].evidence[latest]) {
                details[slot].evidence[latest] = index
            }
        }

        var edges: [CoordinationEdge] = []
        edges.reserveCapacity(details.count)
        for (slot, key) in keptKeys.enumerated() {
            let detail = details[slot]
            let source = Int(key >> 32)
            let target = Int(UInt32(truncatingIfNeeded: key))
            let count = counts[key] ?? EdgeCounts()
            let examples = detail.evidence
                .sorted { (earliest($0), $0) < (earliest($1), $1) }
                .map { evidence(pairs, $0, source: source, type: type, input: input) }
            let keys = detail.keyPairs.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(options.keysPerEdge)
                .map { SharedKey(type: type, key: keyName(type, $0.key, input), pairs: $0.value) }
            edges.append(CoordinationEdge(
                type: type, source: source, target: target,
                weight: Int(max(count.sourceWeight, count.targetWeight)),
                sourceWeight: Int(count.sourceWeight), targetWeight: Int(count.targetWeight), pairs: detail.pairs,
                first: Date(timeIntervalSince1970: detail.first), last: Date(timeIntervalSince1970: detail.last),
                evidence: examples, sharedKeys: keys))
        }
        edges.sort { ($0.source, $0.target) < ($1.source, $1.target) }
        return edges
    }

    private struct PairOrder: Comparable {
        var code: UInt64
        var index: Int32

        static func < (a: PairOrder, b: PairOrder) -> Bool { (a.code, a.index) < (b.code, b.index) }
    }

    private static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        let (low, high) = a < b ? (a, b) : (b, a)
        return UInt64(UInt32(low)) << 32 | UInt64(UInt32(high))
    }

    private func keyName(_ type: CoordinationType, _ key: Int32, _ input: CoordinationInput) -> String {
        type == .coSimilar ? input.postIDs[Int(key)] : input.keyName(type, key)
    }

    private func evidence(_ pairs: PostPairs, _ index: Int, source: Int, type: CoordinationType,
                          input: CoordinationInput) -> CoordinationEvidence {
        var p = Int(pairs.first[index])
        var q = Int(pairs.second[index])
        if Int(input.postAuthor[p]) != source { swap(&p, &q) }
        return CoordinationEvidence(
            sourcePostID: input.postIDs[p], sourceTime: Date(timeIntervalSince1970: input.postTime[p]),
            targetPostID: input.postIDs[q], targetTime: Date(timeIntervalSince1970: input.postTime[q]),
            key: keyName(type, pairs.key[index], input),
            similarity: type == .coSimilar ? Double(pairs.similarity[index]) : nil)
    }
}
