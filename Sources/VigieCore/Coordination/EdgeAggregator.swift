import Foundation

/// Turns co-occurring posts into weighted edges between accounts, for every type: the counting
/// core of ``CoordinationDetector`` (see its documentation for the method).
///
/// Keyed types come as ``KeyRuns`` (sliding windows over each key's time-sorted run);
/// co-similar comes as explicit post pairs. Both go through the same two steps: directed
/// weights counted per pair of accounts, then, for the kept edges only,
/// their details (exact directed weights, distinct post pairs, first and last time, earliest
/// evidence, top keys). Keyed types count in ``DirectedCountTable``s partitioned by author;
/// co-similar, with few pairs, in one ``PairCountTable``.
struct EdgeAggregator: Sendable {
    let input: CoordinationInput
    let options: CoordinationDetector.Options
    private(set) var edges: [CoordinationEdge] = []
    private(set) var details = EdgeDetails()

    init(input: CoordinationInput, options: CoordinationDetector.Options) {
        self.input = input
        self.options = options
    }

    func network() -> CoordinationNetwork {
        let accounts = zip(input.accountIDs, input.accountHandles).map { CoordinationAccount(id: $0, handle: $1) }
        return CoordinationNetwork(options: options, accounts: accounts, edges: edges, details: details, input: input)
    }

    // MARK: - Keyed types

    mutating func addKeyed(_ type: CoordinationType, _ allRuns: KeyRuns, skipping common: [Bool]?) {
        let runs = allRuns.without(common)
        let kept: [(key: UInt64, counts: UInt64)]
        // Whether the kept pairs come with their exact directed weights (the second pass then
        // only looks at post pairs, from their earlier post).
        let weightsKnown: Bool
        if options.countsByAuthor, let counted = AuthorPairCounter(runs, input: input, options: options).keptPairs() {
            guard !counted.isEmpty else { return }
            // The counter gives exact weights, pairs and times: a second pass only for evidence and keys.
            guard options.evidencePerEdge > 0 || options.keysPerEdge > 0 else { return append(type, counted: counted) }
            kept = counted.map { (key: $0.key, counts: $0.weights) }
            weightsKnown = true
        } else {
            kept = strongPairs(runs).map { (key: $0, counts: UInt64(0)) }
            weightsKnown = false
        }
        guard !kept.isEmpty else { return }
        var collector = DetailCollector(kept: kept, type: type, options: options)
        let window = options.window
        let multiKey = runs.multiKey
        var repeated = Set<UInt64>()
        var multiRecords: [UInt64] = []
        // Per partner account: the post it was last met for (a stamp) and the edge slot (-1: none).
        var seen = [Int32](repeating: -1, count: input.accountCount)
        var slotOf = [Int32](repeating: -1, count: input.accountCount)
        runs.time.withUnsafeBufferPointer { time in
            runs.author.withUnsafeBufferPointer { author in
                runs.forEachWindow(window) { i, lo, hi in
                    let a = author[i]
                    let p = runs.post[i]
                    let stamp = Int32(truncatingIfNeeded: i)
                    let several = multiKey?[Int(p)] ?? false
                    for j in (weightsKnown ? i + 1 : lo)..<max(hi, i + 1) {
                        let b = author[j]
                        guard b != a else { continue }
                        if seen[Int(b)] != stamp {
                            // First post of b in p's window: p counts once towards a→b.
                            seen[Int(b)] = stamp
                            let slot = collector.slot(of: Self.pairKey(a, b)).map(Int32.init) ?? -1
                            slotOf[Int(b)] = slot
                            if slot >= 0, !weightsKnown {
                                if several {
                                    multiRecords.append(UInt64(UInt32(p)) << 32 | UInt64(UInt32(b)))
                                } else {
                                    collector.count(slot: Int(slot), from: a, to: b)
                                }
                            }
                        }
                        // Each pair of posts once, from its earlier post.
                        guard j > i, time[j] - time[i] <= window else { continue }
                        let slot = slotOf[Int(b)]
                        guard slot >= 0 else { continue }
                        let q = runs.post[j]
                        // Two posts sharing two keys (two links) are one pair.
                        if let multiKey, multiKey[Int(p)], multiKey[Int(q)],
                           !repeated.insert(UInt64(UInt32(min(p, q))) << 32 | UInt64(UInt32(max(p, q)))).inserted {
                            continue
                        }
                        collector.add(slot: Int(slot), p, q, key: runs.key[i], similarity: 0, time[i], time[j], input)
                    }
                }
            }
        }
        // A post with several keys: once per partner account over all its keys.
        multiRecords.sort()
        for (index, record) in multiRecords.enumerated() where index == 0 || multiRecords[index - 1] != record {
            let a = input.postAuthor[Int(record >> 32)]
            let b = Int32(truncatingIfNeeded: record & 0xFFFF_FFFF)
            if let slot = collector.slot(of: Self.pairKey(a, b)) { collector.count(slot: slot, from: a, to: b) }
        }
        append(collector)
    }

    /// The pairs of accounts with a directed weight of at least `minWeight` in one direction,
    /// sorted by pair key. Counted per author partition (each post's window is scanned by the
    /// partition of its author only), partitions on the cores; counts saturate, as only
    /// "at least `minWeight`" matters here (the exact weights come from the second pass).
    private func strongPairs(_ runs: KeyRuns) -> [UInt64] {
        // Window sizes give an upper bound of the directed pairs: the number of partitions.
        var events = 0
        runs.forEachWindow(options.window) { _, lo, hi in events += hi - lo - 1 }
        guard events > 0 else { return [] }
        let perTable = options.pairsPerTable
        var needed = min(256, max(1, (events + perTable - 1) / perTable))
        if needed > 1 { needed = (needed + options.threads - 1) / options.threads * options.threads }
        let partitions = needed
        let capacity = min(events / partitions + 1, perTable)
        let results = PartitionResults(count: partitions)
        let work: @Sendable (Int) -> Void = { [self] part in
            results.set(part, strongPartition(runs, part: part, of: partitions, capacity: capacity))
        }
        if options.threads > 1, partitions > 1 {
            DispatchQueue.concurrentPerform(iterations: partitions, execute: work)
        } else {
            for part in 0..<partitions { work(part) }
        }
        var strong = results.all.flatMap { $0 }
        strong.sortAndRemoveDuplicates()
        return strong
    }

    private func strongPartition(_ runs: KeyRuns, part: Int, of partitions: Int, capacity: Int) -> [UInt64] {
        var table = DirectedCountTable(capacity: capacity)
        var seen = [Int32](repeating: -1, count: input.accountCount)
        var multiRecords: [UInt64] = []
        let window = options.window
        let multiKey = runs.multiKey
        runs.author.withUnsafeBufferPointer { author in
            seen.withUnsafeMutableBufferPointer { seen in
                runs.forEachWindow(window) { i, lo, hi in
                    let a = author[i]
                    guard partitions == 1 || Self.partition(a, partitions) == part else { return }
                    let stamp = Int32(truncatingIfNeeded: i)
                    let post = runs.post[i]
                    let several = multiKey?[Int(post)] ?? false
                    for j in lo..<hi {
                        let b = author[j]
                        // The same account (and the post itself), or a partner already
                        // counted for this post.
                        guard b != a, seen[Int(b)] != stamp else { continue }
                        seen[Int(b)] = stamp
                        if several {
                            multiRecords.append(UInt64(UInt32(post)) << 32 | UInt64(UInt32(b)))
                        } else {
                            table.increment(UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)))
                        }
                    }
                }
            }
        }
        // A post with several keys: once per partner account over all its keys.
        multiRecords.sort()
        for (index, record) in multiRecords.enumerated() where index == 0 || multiRecords[index - 1] != record {
            let a = input.postAuthor[Int(record >> 32)]
            table.increment(UInt64(UInt32(a)) << 32 | (record & 0xFFFF_FFFF))
        }
        var strong: [UInt64] = []
        table.forEach(atLeast: min(options.minWeight, Int(UInt16.max))) { directed in
            strong.append(Self.pairKey(Int32(truncatingIfNeeded: directed >> 32), Int32(truncatingIfNeeded: directed & 0xFFFF_FFFF)))
        }
        return strong
    }

    private static func keptPairs(_ table: PairCountTable, minWeight: Int) -> [(key: UInt64, counts: UInt64)] {
        var kept: [(key: UInt64, counts: UInt64)] = []
        let minimum = UInt64(minWeight)
        table.forEach { key, counts in
            if max(counts & 0xFFFF_FFFF, counts >> 32) >= minimum { kept.append((key, counts)) }
        }
        return kept
    }

    // MARK: - Explicit pairs (co-similar)

    mutating func addPairs(_ type: CoordinationType, _ pairs: CoordinationDetector.PostPairs) {
        let authors = input.postAuthor
        // Distinct pairs of posts, then each post once per partner account.
        var order = (0..<pairs.count).map { UInt64(UInt32(pairs.first[$0])) << 32 | UInt64(UInt32(pairs.second[$0])) }
        var distinct: [Int] = []
        do {
            var indexed = order.enumerated().map { ($0.element, $0.offset) }
            indexed.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            for (position, item) in indexed.enumerated() where position == 0 || indexed[position - 1].0 != item.0 {
                distinct.append(item.1)
            }
            distinct.sort()
        }
        order = []
        var records: [UInt64] = []
        records.reserveCapacity(distinct.count * 2)
        for index in distinct {
            let p = pairs.first[index], q = pairs.second[index]
            records.append(UInt64(UInt32(p)) << 32 | UInt64(UInt32(authors[Int(q)])))
            records.append(UInt64(UInt32(q)) << 32 | UInt64(UInt32(authors[Int(p)])))
        }
        records.sort()
        var table = PairCountTable(capacity: max(16, records.count / 2))
        for (position, record) in records.enumerated() where position == 0 || records[position - 1] != record {
            let a = authors[Int(record >> 32)]
            let b = Int32(truncatingIfNeeded: record & 0xFFFF_FFFF)
            table.add(Self.pairKey(a, b), a < b ? 1 : 1 << 32)
        }
        var kept = Self.keptPairs(table, minWeight: options.minWeight)
        guard !kept.isEmpty else { return }
        kept.sort { $0.key < $1.key }
        var collector = DetailCollector(kept: kept, type: type, options: options)
        let times = input.postTime
        for index in distinct {
            let p = pairs.first[index], q = pairs.second[index]
            guard let slot = collector.slot(of: Self.pairKey(authors[Int(p)], authors[Int(q)])) else { continue }
            collector.add(slot: slot, p, q, key: pairs.key[index], similarity: pairs.similarity[index],
                          times[Int(p)], times[Int(q)], input)
        }
        append(collector)
    }

    // MARK: - Edges

    private mutating func append(_ collector: DetailCollector) {
        let base = Int32(details.evidenceStart.count - 1)
        details.append(collector, options: options, times: input.postTime)
        for (slot, pair) in collector.kept.enumerated() {
            let low = Int(collector.weights[slot] & 0xFFFF_FFFF), high = Int(collector.weights[slot] >> 32)
            guard max(low, high) >= options.minWeight else { continue }
            edges.append(CoordinationEdge(
                type: collector.type, source: Int(pair.key >> 32), target: Int(UInt32(truncatingIfNeeded: pair.key)),
                weight: max(low, high), sourceWeight: low, targetWeight: high, pairs: Int(collector.pairs[slot]),
                first: Date(timeIntervalSince1970: collector.first[slot]),
                last: Date(timeIntervalSince1970: collector.last[slot]),
                detail: base + Int32(slot)))
        }
    }

    /// Edges counted by ``AuthorPairCounter`` (no evidence, no keys: empty details).
    private mutating func append(_ type: CoordinationType, counted: [AuthorPairCounter.Kept]) {
        let base = Int32(details.evidenceStart.count - 1)
        details.appendEmpty(counted.count)
        edges.reserveCapacity(edges.count + counted.count)
        for (slot, pair) in counted.enumerated() {
            let low = Int(pair.weights & 0xFFFF_FFFF), high = Int(pair.weights >> 32)
            edges.append(CoordinationEdge(
                type: type, source: Int(pair.key >> 32), target: Int(UInt32(truncatingIfNeeded: pair.key)),
                weight: max(low, high), sourceWeight: low, targetWeight: high, pairs: Int(pair.pairs),
                first: Date(timeIntervalSince1970: pair.first), last: Date(timeIntervalSince1970: pair.last),
                detail: base + Int32(slot)))
        }
    }

    @inline(__always)
    static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        let (low, high) = a < b ? (a, b) : (b, a)
        return UInt64(UInt32(low)) << 32 | UInt64(UInt32(high))
    }

    @inline(__always)
    private static func partition(_ account: Int32, _ partitions: Int) -> Int {
        Int(truncatingIfNeeded: ((UInt64(UInt32(account)) &* 0x9E37_79B9_7F4A_7C15) >> 32) % UInt64(partitions))
    }
}

/// Per-partition results written from the counting threads.
private final class PartitionResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [[UInt64]]

    init(count: Int) { results = Array(repeating: [], count: count) }

    func set(_ part: Int, _ value: [UInt64]) { lock.withLock { results[part] = value } }

    var all: [[UInt64]] { lock.withLock { results } }
}

/// The details of the kept edges of one type, gathered from their post pairs.
struct DetailCollector {
    let type: CoordinationType
    /// Kept pairs of accounts sorted by pair key, with their directed counts.
    let kept: [(key: UInt64, counts: UInt64)]
    private var index: PairCountTable
    /// Per edge: low 32 bits, the lower account's posts matched by the higher; high 32 bits,
    /// the reverse (the toolkit's two directed weights).
    private(set) var weights: [UInt64]
    private(set) var pairs: [Int32]
    private(set) var first: [Double]
    private(set) var last: [Double]
    let evidencePerEdge: Int
    /// `evidencePerEdge` slots per edge.
    private(set) var evidence: [EvidencePair]
    private(set) var evidenceCount: [UInt8]
    /// (edge slot << 32 | key) → post pairs.
    private(set) var keyPairs: PairCountTable
    private var sequence: UInt32 = 0

    struct EvidencePair {
        var first: Int32
        var second: Int32
        var key: Int32
        var similarity: Float
        var sequence: UInt32
    }

    init(kept: [(key: UInt64, counts: UInt64)], type: CoordinationType, options: CoordinationDetector.Options) {
        self.type = type
        self.kept = kept
        index = PairCountTable(capacity: kept.count)
        for (slot, pair) in kept.enumerated() { index.add(pair.key, UInt64(slot)) }
        weights = kept.map(\.counts)
        pairs = Array(repeating: 0, count: kept.count)
        first = Array(repeating: .infinity, count: kept.count)
        last = Array(repeating: -.infinity, count: kept.count)
        evidencePerEdge = min(options.evidencePerEdge, 255)
        evidence = Array(repeating: EvidencePair(first: 0, second: 0, key: 0, similarity: 0, sequence: 0),
                         count: kept.count * evidencePerEdge)
        evidenceCount = Array(repeating: 0, count: evidencePerEdge > 0 ? kept.count : 0)
        keyPairs = PairCountTable(capacity: options.keysPerEdge > 0 ? kept.count : 1)
        self.keysPerEdge = options.keysPerEdge
    }

    let keysPerEdge: Int

    @inline(__always)
    func slot(of pairKey: UInt64) -> Int? {
        index.find(pairKey).map { Int(index.counts[$0]) }
    }

    /// One more post of `from` matched by a post of `to`.
    @inline(__always)
    mutating func count(slot: Int, from: Int32, to: Int32) {
        weights[slot] &+= from < to ? 1 : 1 << 32
    }

    mutating func add(slot: Int, _ p: Int32, _ q: Int32, key: Int32, similarity: Float, _ timeP: Double, _ timeQ: Double,
                      _ input: CoordinationInput) {
        pairs[slot] += 1
        let early = min(timeP, timeQ)
        first[slot] = min(first[slot], early)
        last[slot] = max(last[slot], timeP, timeQ)
        if keysPerEdge > 0 { keyPairs.add(UInt64(slot) << 32 | UInt64(UInt32(key)), 1) }
        guard evidencePerEdge > 0 else { return }
        sequence &+= 1
        let pair = EvidencePair(first: p, second: q, key: key, similarity: similarity, sequence: sequence)
        let base = slot * evidencePerEdge
        let held = Int(evidenceCount[slot])
        if held < evidencePerEdge {
            evidence[base + held] = pair
            evidenceCount[slot] += 1
            return
        }
        // Keep the earliest pairs only, so a huge edge holds a few, not all.
        let times = input.postTime
        func earliest(_ e: EvidencePair) -> Double { min(times[Int(e.first)], times[Int(e.second)]) }
        var latest = base
        for position in base..<(base + held) where
            (earliest(evidence[position]), evidence[position].sequence) > (earliest(evidence[latest]), evidence[latest].sequence) {
            latest = position
        }
        if early < earliest(evidence[latest]) { evidence[latest] = pair }
    }
}

/// Evidence and shared keys of every edge of a network, in flat arrays (an edge's
/// ``CoordinationEdge/detail`` indexes them); strings are made only when asked for.
struct EdgeDetails: Sendable {
    /// `evidence[evidenceStart[d]..<evidenceStart[d + 1]]` for detail `d`, earliest first.
    var evidenceStart: [Int] = [0]
    var evidenceFirst: [Int32] = []
    var evidenceSecond: [Int32] = []
    var evidenceKey: [Int32] = []
    var evidenceSimilarity: [Float] = []
    /// `sharedKey[keysStart[d]..<keysStart[d + 1]]`, most pairs first.
    var keysStart: [Int] = [0]
    var sharedKey: [Int32] = []
    var sharedPairs: [Int32] = []

    /// `count` details without evidence or keys.
    mutating func appendEmpty(_ count: Int) {
        evidenceStart.append(contentsOf: repeatElement(evidenceFirst.count, count: count))
        keysStart.append(contentsOf: repeatElement(sharedKey.count, count: count))
    }

    mutating func append(_ collector: DetailCollector, options: CoordinationDetector.Options, times: [Double]) {
        var keys: [(slot: Int, key: Int32, pairs: Int32)] = []
        collector.keyPairs.forEach { code, count in
            keys.append((Int(code >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: code)), Int32(truncatingIfNeeded: count)))
        }
        keys.sort { ($0.slot, $1.pairs, $0.key) < ($1.slot, $0.pairs, $1.key) }
        var next = 0
        func earliest(_ e: DetailCollector.EvidencePair) -> Double { min(times[Int(e.first)], times[Int(e.second)]) }
        for slot in 0..<collector.kept.count {
            if collector.evidencePerEdge > 0 {
                let base = slot * collector.evidencePerEdge
                let held = collector.evidence[base..<(base + Int(collector.evidenceCount[slot]))]
                for pair in held.sorted(by: { (earliest($0), $0.sequence) < (earliest($1), $1.sequence) }) {
                    evidenceFirst.append(pair.first)
                    evidenceSecond.append(pair.second)
                    evidenceKey.append(pair.key)
                    evidenceSimilarity.append(pair.similarity)
                }
            }
            evidenceStart.append(evidenceFirst.count)
            var taken = 0
            while next < keys.count, keys[next].slot == slot {
                if taken < options.keysPerEdge {
                    sharedKey.append(keys[next].key)
                    sharedPairs.append(keys[next].pairs)
                    taken += 1
                }
                next += 1
            }
            keysStart.append(sharedKey.count)
        }
    }
}
