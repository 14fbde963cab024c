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

/// Builds a ``TrendInput`` from pages of ``TrendRecord``s: each page's items are extracted in a
/// child task while the next page is read, several pages at once, and merged in reading order,
/// so the result is the same as appending the records one by one (same item ids, same author ids).
///
/// ```swift
/// let input = try await TrendInputBuilder(extractor: TrendItemExtractor(stopWords: stopWords))
///     .build(from: store.trendRecords(workspace: "default", includeReposts: false))
/// let index = TrendIndex(input)
/// ```
///
/// Each page is extracted into its own small table of distinct items (first-appearance order);
/// merging then interns only those, once per page, instead of every item of every post.
public struct TrendInputBuilder: Sendable {
    public let extractor: TrendItemExtractor
    public let countsReposts: Bool
    /// Pages extracted at once (default: the active cores); more are read only as these finish.
    public let concurrency: Int

    public init(extractor: TrendItemExtractor = TrendItemExtractor(), countsReposts: Bool = false,
                concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.extractor = extractor
        self.countsReposts = countsReposts
        self.concurrency = max(1, concurrency)
    }

    public func build(from pages: PagedScan<TrendRecord>) async throws -> TrendInput {
        let extractor = self.extractor
        return try await withThrowingTaskGroup(of: (Int, ExtractedBatch).self) { group in
            var input = TrendInput(extractor: extractor, countsReposts: countsReposts)
            var done: [Int: ExtractedBatch] = [:]
            var submitted = 0
            var merged = 0
            func mergeReady() {
                while let batch = done.removeValue(forKey: merged) {
                    input.append(batch)
                    merged += 1
                }
            }
            for try await page in pages where !page.isEmpty {
                let number = submitted
                submitted += 1
                group.addTask { (number, ExtractedBatch(page, extractor: extractor)) }
                // Bounds memory: at most `concurrency` pages read but not yet merged.
                while submitted - merged > concurrency, let (finished, batch) = try await group.next() {
                    done[finished] = batch
                    mergeReady()
                }
            }
            while let (finished, batch) = try await group.next() {
                done[finished] = batch
                mergeReady()
            }
            return input
        }
    }
}

/// One batch's items: distinct items in first-appearance order and, per post, their local ids.
struct ExtractedBatch: Sendable {
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
