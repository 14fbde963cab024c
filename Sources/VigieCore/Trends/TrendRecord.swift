import Foundation

/// What weak-signal detection reads of one post, and nothing more: a store can fill it from a
/// few columns without rebuilding a whole ``Post`` (see ``TrendInputBuilder``).
public struct TrendRecord: Sendable, Hashable {
    /// Milliseconds since 1970.
    public var time: Int64
    /// Any integer that is the same for the same author and differs between authors (a store's
    /// account row id): only distinct authors are counted.
    public var author: Int64
    public var text: String
    public var language: String?
    public var isReply: Bool
    /// Entities as the source gave them (hashtags without `#`, mentions as handles).
    public var hashtags: [String]
    public var mentions: [String]
    public var urls: [String]

    public init(time: Int64, author: Int64, text: String, language: String?, isReply: Bool,
                hashtags: [String] = [], mentions: [String] = [], urls: [String] = []) {
        self.time = time
        self.author = author
        self.text = text
        self.language = language
        self.isReply = isReply
        self.hashtags = hashtags
        self.mentions = mentions
        self.urls = urls
    }
}

/// Builds a ``TrendInput`` from batches of ``TrendRecord``s, extracting items on every core
/// while the caller reads the next batch, and merging in arrival order so that the result is
/// the same as appending the records one by one (same item ids, same author ids).
///
/// ```swift
/// let builder = TrendInputBuilder(extractor: TrendItemExtractor(stopWords: stopWords))
/// try store.forEachTrendRecordBatch(workspace: "default") { builder.add($0) }
/// let index = TrendIndex(builder.finish())
/// ```
///
/// Each batch is extracted into its own small table of distinct items (first-appearance order);
/// merging then interns only those, once per batch, instead of every item of every post.
public final class TrendInputBuilder: @unchecked Sendable {
    private let extractor: TrendItemExtractor
    private let lock = NSLock()
    private let group = DispatchGroup()
    /// Bounds the batches read but not yet merged (memory).
    private let slots: DispatchSemaphore
    private let queue = DispatchQueue(label: "vigie.trends.extract", attributes: .concurrent)
    private var input: TrendInput
    private var done: [Int: ExtractedBatch] = [:]
    private var submitted = 0
    private var merged = 0

    /// `concurrency`: batches extracted at once (default: the active cores).
    public init(extractor: TrendItemExtractor = TrendItemExtractor(), countsReposts: Bool = false,
                concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.extractor = extractor
        input = TrendInput(extractor: extractor, countsReposts: countsReposts)
        slots = DispatchSemaphore(value: max(1, concurrency) + 1)
    }

    /// Queues a batch for extraction; returns at once unless too many batches are in flight.
    /// Batches must come from one thread, in the order the records should be appended.
    public func add(_ records: [TrendRecord]) {
        guard !records.isEmpty else { return }
        slots.wait()
        let number = submitted
        submitted += 1
        let extractor = extractor
        queue.async(group: group) { [self] in
            let batch = ExtractedBatch(records, extractor: extractor)
            lock.withLock {
                done[number] = batch
                mergeReady()
            }
        }
    }

    /// Waits for the extraction of every batch and returns the input.
    public func finish() -> TrendInput {
        group.wait()
        return lock.withLock {
            mergeReady()
            return input
        }
    }

    /// Merges the finished batches that come next in order (under the lock).
    private func mergeReady() {
        while let batch = done.removeValue(forKey: merged) {
            input.append(batch)
            merged += 1
            slots.signal()
        }
    }
}

/// One batch's items: distinct items in first-appearance order and, per post, their local ids.
struct ExtractedBatch {
    var kinds: [TrendItemKind] = []
    var keys: [String] = []
    var times: [Int64] = []
    var authors: [Int64] = []
    /// `postItems[postItemStart[i]..<postItemStart[i + 1]]`: local item ids of post `i`, each once.
    var postItemStart: [Int] = [0]
    var postItems: [Int32] = []

    init(_ records: [TrendRecord], extractor: TrendItemExtractor) {
        var table = TrendItemTable()
        var lastPost: [Int32] = []
        times.reserveCapacity(records.count)
        authors.reserveCapacity(records.count)
        postItemStart.reserveCapacity(records.count + 1)
        for (post, record) in records.enumerated() {
            times.append(record.time)
            authors.append(record.author)
            extractor.forEachItem(text: record.text, language: record.language, hashtags: record.hashtags,
                                  mentions: record.mentions, urls: record.urls, isReply: record.isReply) { kind, key in
                let id = table.intern(kind, key)
                if Int(id) == lastPost.count { lastPost.append(-1) }
                if lastPost[Int(id)] != Int32(post) {
                    lastPost[Int(id)] = Int32(post)
                    postItems.append(id)
                }
            }
            postItemStart.append(postItems.count)
        }
        kinds = table.kinds
        keys = table.keys
    }
}

/// Items interned per kind, ids in order of first appearance.
struct TrendItemTable {
    private(set) var kinds: [TrendItemKind] = []
    private(set) var keys: [String] = []
    private var index = [[String: Int32]](repeating: [:], count: TrendItemKind.allCases.count)

    var count: Int { keys.count }

    mutating func intern(_ kind: TrendItemKind, _ key: String) -> Int32 {
        let slot = kind.ordinal
        if let id = index[slot][key] { return id }
        let id = Int32(keys.count)
        index[slot][key] = id
        kinds.append(kind)
        keys.append(key)
        return id
    }

    func id(_ kind: TrendItemKind, _ key: String) -> Int32? { index[kind.ordinal][key] }
}

extension TrendItemKind {
    /// Position in ``allCases``, for arrays indexed by kind.
    var ordinal: Int {
        switch self {
        case .term: return 0
        case .hashtag: return 1
        case .link: return 2
        case .domain: return 3
        case .mention: return 4
        case .phrase: return 5
        }
    }
}
