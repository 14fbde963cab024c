import Foundation

/// Posts reduced to what weak-signal detection counts, in compact arrays with integer ids:
/// a time and an author per post, and the ids of the items it carries.
///
/// Items are interned per kind as posts are appended; ``TrendIndex`` then sorts the posts by
/// time and builds one posting list per item.
///
/// ```swift
/// var input = TrendInput()
/// for post in posts { input.append(post) }
/// let signals = WeakSignalDetector().signals(in: TrendIndex(input), at: now)
/// ```
public struct TrendInput: Sendable {
    public let extractor: TrendItemExtractor

    private var items = TrendItemTable()
    var itemKinds: [TrendItemKind] { items.kinds }
    var itemKeys: [String] { items.keys }
    /// Authors by name (``append(_:)``) and by number (``TrendRecord/author``): two separate
    /// spaces, since one input is filled one way or the other.
    private var authorIndex: [String: Int32] = [:]
    private var authorNumberIndex: [Int64: Int32] = [:]
    private(set) var authorCount = 0
    /// Per item, the last post that counted it (so that a post counts an item once).
    private var lastPost: [Int32] = []

    /// Milliseconds since 1970, per post.
    private(set) var postTime: [Int64] = []
    private(set) var postAuthor: [Int32] = []
    /// `postItems[postItemStart[i]..<postItemStart[i + 1]]` are the items of post `i`.
    private(set) var postItemStart: [Int] = [0]
    private(set) var postItems: [Int32] = []

    /// Whether reposts count. By default they do not: a repost repeats its original's text,
    /// links and mentions, so one popular post would look like an emerging link, phrase and
    /// account; weak signals count independent uses.
    public let countsReposts: Bool

    public init(extractor: TrendItemExtractor = TrendItemExtractor(), countsReposts: Bool = false) {
        self.extractor = extractor
        self.countsReposts = countsReposts
    }

    public var postCount: Int { postTime.count }
    public var itemCount: Int { items.count }

    /// Appends a post's items; skips reposts unless ``countsReposts``.
    public mutating func append(_ post: Post) {
        if post.repostOfID != nil && !countsReposts { return }
        beginPost(time: post.createdAt.unixMillis, author: authorID(post.authorID))
        extractor.forEachItem(text: post.text, language: post.language, hashtags: post.hashtags,
                              mentions: post.mentions.map(\.handle), urls: post.urls, isReply: post.replyToPostID != nil) {
            count(items.intern($0, $1))
        }
        postItemStart.append(postItems.count)
    }

    /// Appends one post given as its time, author and items; items are counted once per post.
    public mutating func append(time: Date, author: String, items: [TrendItemExtractor.Item]) {
        beginPost(time: time.unixMillis, author: authorID(author))
        for item in items { count(self.items.intern(item.kind, item.key)) }
        postItemStart.append(postItems.count)
    }

    /// Appends a record (``TrendInputBuilder`` does this for many at once, on every core).
    public mutating func append(_ record: TrendRecord) {
        append(ExtractedBatch([record], extractor: extractor))
    }

    /// Appends an extracted batch: its distinct items are interned once, then its posts.
    mutating func append(_ batch: ExtractedBatch) {
        var global = [Int32](); global.reserveCapacity(batch.keys.count)
        for (kind, key) in zip(batch.kinds, batch.keys) { global.append(items.intern(kind, key)) }
        if lastPost.count < items.count { lastPost.append(contentsOf: repeatElement(-1, count: items.count - lastPost.count)) }
        for post in batch.times.indices {
            let author = batch.authors[post]
            let id: Int32
            if let known = authorNumberIndex[author] {
                id = known
            } else {
                id = Int32(authorCount)
                authorNumberIndex[author] = id
                authorCount += 1
            }
            postTime.append(batch.times[post])
            postAuthor.append(id)
            // Batch items are already distinct per post.
            for slot in batch.postItemStart[post]..<batch.postItemStart[post + 1] {
                let item = global[Int(batch.postItems[slot])]
                lastPost[Int(item)] = Int32(postAuthor.count - 1)
                postItems.append(item)
            }
            postItemStart.append(postItems.count)
        }
    }

    private mutating func authorID(_ author: String) -> Int32 {
        if let known = authorIndex[author] { return known }
        let id = Int32(authorCount)
        authorIndex[author] = id
        authorCount += 1
        return id
    }

    private mutating func beginPost(time: Int64, author: Int32) {
        postTime.append(time)
        postAuthor.append(author)
    }

    /// Counts `item` for the post being appended, once.
    private mutating func count(_ item: Int32) {
        if Int(item) >= lastPost.count { lastPost.append(contentsOf: repeatElement(-1, count: Int(item) + 1 - lastPost.count)) }
        let post = Int32(postTime.count - 1)
        guard lastPost[Int(item)] != post else { return }
        lastPost[Int(item)] = post
        postItems.append(item)
    }

    /// The id of an item already seen, for tests and tools.
    public func itemID(_ kind: TrendItemKind, _ key: String) -> Int32? { items.id(kind, key) }
}

/// ``TrendInput`` frozen for queries: posts sorted by time, and for every item the sorted list
/// of the posts that carry it, so that a count over any time range is two binary searches.
public struct TrendIndex: Sendable {
    public let itemKinds: [TrendItemKind]
    public let itemKeys: [String]
    /// Distinct authors (ids `0..<authorCount`).
    public let authorCount: Int
    /// Sorted ascending (milliseconds).
    let postTime: [Int64]
    let postAuthor: [Int32]
    let postItemStart: [Int]
    let postItems: [Int32]
    /// `postings[postingStart[item]..<postingStart[item + 1]]`: indexes of the posts carrying the
    /// item, ascending (so also in time order).
    let postingStart: [Int]
    let postings: [Int32]

    public init(_ input: TrendInput) {
        itemKinds = input.itemKinds
        itemKeys = input.itemKeys
        authorCount = input.authorCount
        let count = input.postTime.count
        var order = Array(0..<count)
        let times = input.postTime
        if !zip(times, times.dropFirst()).allSatisfy({ $0 <= $1 }) {
            order.sort { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
        }
        var sortedTime = [Int64](); sortedTime.reserveCapacity(count)
        var sortedAuthor = [Int32](); sortedAuthor.reserveCapacity(count)
        var itemStart = [Int](); itemStart.reserveCapacity(count + 1)
        itemStart.append(0)
        var items = [Int32](); items.reserveCapacity(input.postItems.count)
        for old in order {
            sortedTime.append(input.postTime[old])
            sortedAuthor.append(input.postAuthor[old])
            items.append(contentsOf: input.postItems[input.postItemStart[old]..<input.postItemStart[old + 1]])
            itemStart.append(items.count)
        }
        // Counting sort of (item, post) pairs into posting lists.
        var start = [Int](repeating: 0, count: input.itemKeys.count + 1)
        for item in items { start[Int(item) + 1] += 1 }
        for i in 0..<input.itemKeys.count { start[i + 1] += start[i] }
        var fill = start
        var lists = [Int32](repeating: 0, count: items.count)
        for post in 0..<count {
            for slot in itemStart[post]..<itemStart[post + 1] {
                let item = Int(items[slot])
                lists[fill[item]] = Int32(post)
                fill[item] += 1
            }
        }
        postTime = sortedTime
        postAuthor = sortedAuthor
        postItemStart = itemStart
        postItems = items
        postingStart = start
        postings = lists
    }

    public var postCount: Int { postTime.count }
    public var itemCount: Int { itemKeys.count }
    /// Time of the oldest and newest post.
    public var timeRange: ClosedRange<Date>? {
        guard let first = postTime.first, let last = postTime.last else { return nil }
        return Date(unixMillis: first)...Date(unixMillis: last)
    }

    /// The id of an item, for tests and tools.
    public func itemID(_ kind: TrendItemKind, _ key: String) -> Int32? {
        itemKeys.indices.first { itemKinds[$0] == kind && itemKeys[$0] == key }.map(Int32.init)
    }

    /// Index of the first post at or after `millis`.
    func firstPost(atOrAfter millis: Int64) -> Int {
        var low = 0, high = postTime.count
        while low < high {
            let mid = (low + high) / 2
            if postTime[mid] < millis { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Number of postings of `item` whose post index is in `range`.
    func count(of item: Int, posts range: Range<Int>) -> Int {
        slot(of: item, atOrAfter: range.upperBound) - slot(of: item, atOrAfter: range.lowerBound)
    }

    /// The first posting slot of `item` whose post index is at least `post`.
    func slot(of item: Int, atOrAfter post: Int) -> Int {
        var low = postingStart[item], high = postingStart[item + 1]
        let target = Int32(post)
        while low < high {
            let mid = (low + high) / 2
            if postings[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
