import Foundation

/// Finds accounts that act together: for each behaviour key, posts by different accounts within
/// `window` seconds of each other tie their authors; ties are counted per pair of accounts and
/// kept when frequent enough (see ``CoordinationEdge`` for the weight).
///
/// How, per type (``EdgeAggregator`` holds the counting shared by every type):
/// 1. the entries (key, post) are sorted by key, then time: one run per key, in time order;
/// 2. **counting** — for each post `p` of account `A`, the distinct other accounts `B` with a
///    post in the same run within `window` of `p` (a sliding window over the run); each adds 1
///    to the directed count A→B ("A's post matched by at least one post of B", the toolkit's
///    `count(distinct e_1.message_id)`), in open-addressing tables of directed pair counts. A
///    post with several keys of the type (two links) is counted once per partner account
///    across its keys. The tables are split into partitions by author (each post's window is
///    scanned by its author's partition only) counted in parallel on the cores, so that memory
///    holds one partition's table per core; the counts saturate, as this pass only tells which
///    pairs reach `minWeight` in a direction;
/// 3. **details** — only for those kept edges, a second pass over the runs gathers the exact
///    directed weights, the distinct post pairs, first and last times, the earliest evidence
///    and the keys shared most.
///
/// Cost: sorting (`O(n log n)`) and `O(Σ n_k · w_k)` window steps, where `w_k` is how many posts
/// of key `k` fall in one window: linear in the posts for anything but keys posted by many
/// accounts within the same minute, which is what the method is for. Co-similar bounds its
/// work per post: see ``Options/maxSimilarCandidates``.
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
        /// Evidence post pairs kept per edge (0: none, which saves memory on huge networks).
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
        /// Threads for counting (default: the active processor count).
        public var threads: Int
        /// Pairs of accounts counted per table: when the windows hold more, the pairs are split
        /// by hash into partitions counted one after the other (one table per thread in
        /// memory). Bounds memory whatever the data: a table takes at most 64 bytes per pair.
        public var pairsPerTable: Int
        /// Whether keyed types are counted author by author in dense arrays
        /// (``AuthorPairCounter``, the default); false counts in partitioned pair tables, the
        /// method the counter falls back on (kept to compare the two).
        var countsByAuthor = true

        public init(window: TimeInterval = 60, minWeight: Int = 2, types: Set<CoordinationType> = Set(CoordinationType.allCases),
                    similarityThreshold: Double = 0.7, evidencePerEdge: Int = 5, keysPerEdge: Int = 5,
                    maxSimilarCandidates: Int = 500, chanceFactor: Double = 4,
                    threads: Int = ProcessInfo.processInfo.activeProcessorCount, pairsPerTable: Int = 4 << 20) {
            self.window = window
            self.minWeight = minWeight
            self.types = types
            self.similarityThreshold = similarityThreshold
            self.evidencePerEdge = evidencePerEdge
            self.keysPerEdge = keysPerEdge
            self.maxSimilarCandidates = maxSimilarCandidates
            self.chanceFactor = chanceFactor
            self.threads = max(1, threads)
            self.pairsPerTable = max(1, pairsPerTable)
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func detect(in input: CoordinationInput) -> CoordinationNetwork {
        let order = TimeOrder(input)
        var aggregator = EdgeAggregator(input: input, options: options)
        var common: [CoordinationType: [Bool]] = [:]
        for type in CoordinationType.allCases where type != .coSimilar {
            let testsChance = Self.chanceTested.contains(type)
                && (options.types.contains(type) || (type == .coPost && options.types.contains(.coSimilar)))
            guard options.types.contains(type) || testsChance else { continue }
            let runs = KeyRuns(type, input, order)
            if testsChance { common[type] = commonKeys(runs, input) }
            if options.types.contains(type) { aggregator.addKeyed(type, runs, skipping: common[type]) }
        }
        if options.types.contains(.coSimilar) {
            var commonText: [Bool]?
            if let keys = common[.coPost] {
                // Co-similar leaves out the posts whose exact text is a stock phrase.
                var flags = [Bool](repeating: false, count: input.count)
                for entry in input.entries[CoordinationType.coPost.ordinal] where keys[Int(entry.key)] { flags[Int(entry.post)] = true }
                commonText = flags
            }
            aggregator.addPairs(.coSimilar, similarPairs(input, skipping: commonText))
        }
        var network = aggregator.network()
        for (type, flags) in common where options.types.contains(type) {
            network.commonKeysIgnored[type] = flags.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        return network
    }

    /// The types whose keys are tested against chance (see ``Options/chanceFactor``).
    static let chanceTested: [CoordinationType] = [.coPost, .coHashtag]

    /// Per key of the runs' type, whether it is a stock phrase: co-occurring pairs (different
    /// authors, within the window) fewer than ``Options/chanceFactor`` times the pairs expected
    /// by chance.
    func commonKeys(_ runs: KeyRuns, _ input: CoordinationInput) -> [Bool] {
        var common = [Bool](repeating: false, count: input.keyCount(runs.type))
        // Chance is told from intent only over a period much longer than the window.
        guard options.chanceFactor > 0, input.keys == .normalized, let first = input.postTime.min(),
              let last = input.postTime.max(), last - first >= 100 * options.window else { return common }
        let span = last - first
        var runStart = 0
        for runEnd in runs.runEnds {
            defer { runStart = runEnd }
            let n = Double(runEnd - runStart)
            let expected = n * (n - 1) * options.window / span
            // Fewer pairs than the factor times chance: count them, stopping once above.
            guard expected * options.chanceFactor >= 1 else { continue }
            let limit = expected * options.chanceFactor
            var observed = 0.0
            outer: for i in runStart..<runEnd {
                var j = i + 1
                while j < runEnd, runs.time[j] - runs.time[i] <= options.window {
                    if runs.author[i] != runs.author[j] {
                        observed += 1
                        if observed >= limit { break outer }
                    }
                    j += 1
                }
            }
            if observed < limit { common[Int(runs.key[runStart])] = true }
        }
        return common
    }

    // MARK: - Near-identical text

    /// Co-occurring posts by different accounts: parallel arrays, one element per pair.
    struct PostPairs {
        var first: [Int32] = []
        var second: [Int32] = []
        var key: [Int32] = []
        /// Co-similar only.
        var similarity: [Float] = []

        var count: Int { first.count }
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
}

/// Posts numbered in time order (ties by post number), to sort entries by packed integers.
struct TimeOrder {
    /// Per post, its position in time order.
    let rank: [UInt32]
    /// Per position, the post.
    let post: [Int32]

    init(_ input: CoordinationInput) {
        let times = input.postTime
        var order = (0..<Int32(input.count)).map { $0 }
        order.sort { (times[Int($0)], $0) < (times[Int($1)], $1) }
        var rank = [UInt32](repeating: 0, count: order.count)
        for (position, post) in order.enumerated() { rank[Int(post)] = UInt32(position) }
        self.rank = rank
        post = order
    }
}

/// The entries of one type sorted by key, then time, then post: one run per key.
struct KeyRuns: Sendable {
    let type: CoordinationType
    private(set) var post: [Int32] = []
    private(set) var key: [Int32] = []
    private(set) var time: [Double] = []
    private(set) var author: [Int32] = []
    /// End (exclusive) of each run.
    private(set) var runEnds: [Int] = []
    /// Per post, whether it has more than one key of the type (nil: no post has).
    private(set) var multiKey: [Bool]?

    init(_ type: CoordinationType, _ input: CoordinationInput, _ order: TimeOrder) {
        self.type = type
        let entries = input.entries[type.ordinal]
        var codes = entries.map { UInt64(UInt32(bitPattern: $0.key)) << 32 | UInt64(order.rank[Int($0.post)]) }
        codes.sort()
        post.reserveCapacity(codes.count)
        key.reserveCapacity(codes.count)
        time.reserveCapacity(codes.count)
        author.reserveCapacity(codes.count)
        var keysPerPost = [UInt8](repeating: 0, count: input.count)
        var several = false
        for (index, code) in codes.enumerated() {
            // The same key twice on one post is one entry.
            if index > 0, codes[index - 1] == code { continue }
            let entryKey = Int32(bitPattern: UInt32(truncatingIfNeeded: code >> 32))
            let entryPost = order.post[Int(UInt32(truncatingIfNeeded: code))]
            if let last = key.last, last != entryKey { runEnds.append(key.count) }
            post.append(entryPost)
            key.append(entryKey)
            time.append(input.postTime[Int(entryPost)])
            author.append(input.postAuthor[Int(entryPost)])
            if keysPerPost[Int(entryPost)] > 0 { several = true }
            keysPerPost[Int(entryPost)] = 1
        }
        if !key.isEmpty { runEnds.append(key.count) }
        if several {
            var counts = [UInt8](repeating: 0, count: input.count)
            for entryPost in post where counts[Int(entryPost)] < 2 { counts[Int(entryPost)] += 1 }
            multiKey = counts.map { $0 > 1 }
        }
    }

    /// Walks the entries in run order, giving each its window: the entries of the same run
    /// (same key) within `window` seconds of it, `lower..<upper`, itself included. Every counting
    /// pass uses this one walk, so all of them agree on the same float bounds.
    @inline(__always)
    func forEachWindow(_ window: Double, _ body: (_ entry: Int, _ lower: Int, _ upper: Int) -> Void) {
        time.withUnsafeBufferPointer { time in
            var runStart = 0
            for runEnd in runEnds {
                var lo = runStart, hi = runStart
                for i in runStart..<runEnd {
                    while time[lo] < time[i] - window { lo += 1 }
                    hi = max(hi, i + 1)
                    while hi < runEnd, time[hi] <= time[i] + window { hi += 1 }
                    body(i, lo, hi)
                }
                runStart = runEnd
            }
        }
    }

    /// Drops the runs of the keys flagged in `skipping`.
    func without(_ skipping: [Bool]?) -> KeyRuns {
        guard let skipping, skipping.contains(true) else { return self }
        var kept = self
        kept.post = []
        kept.key = []
        kept.time = []
        kept.author = []
        kept.runEnds = []
        var runStart = 0
        for runEnd in runEnds {
            defer { runStart = runEnd }
            guard !skipping[Int(key[runStart])] else { continue }
            kept.post += post[runStart..<runEnd]
            kept.key += key[runStart..<runEnd]
            kept.time += time[runStart..<runEnd]
            kept.author += author[runStart..<runEnd]
            kept.runEnds.append(kept.key.count)
        }
        return kept
    }
}
