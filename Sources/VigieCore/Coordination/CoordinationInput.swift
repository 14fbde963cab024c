import Foundation

/// Posts reduced to what coordination detection compares, in compact arrays with integer ids.
///
/// Account ids, post ids and the keys of each behaviour (the reposted id, the normalised text,
/// each normalised link, the hashtag set, the replied-to id) are interned to `Int32` as posts
/// are appended (bytes in one arena per kind, see ``ByteInterner``), so detection sorts and
/// scans integers only and a string is made again only for what is shown. Reposts give only a
/// co-repost key: a plain rebroadcast always repeats its original's text and links, so
/// counting those too would double every co-repost (the coordination-network-toolkit excludes
/// them the same way). Co-similar keeps, per post with enough words, the sorted hashes of its
/// word 3-shingles.
///
/// Two ways in, one representation: ``append(_:)`` takes a ``Post`` (the store, any importer);
/// ``beginPost(id:author:handle:time:)`` and the `add…` methods take the fields as bytes (the
/// toolkit CSV reader, which makes no `Post` and no `String` per row).
///
/// ```swift
/// var input = CoordinationInput()
/// for post in posts { input.append(post) }
/// let network = CoordinationDetector().detect(in: input)
/// ```
public struct CoordinationInput: Sendable {
    /// How co-text and co-link keys are made.
    public enum Keys: String, Sendable, Hashable {
        /// Vigie's: ``CoordinationText/normalizedText(_:)`` (folded, without links and
        /// mentions, at least ``CoordinationText/minimumWords`` words) and
        /// ``CoordinationText/normalizedURL(_:)``.
        case normalized
        /// The coordination-network-toolkit's, to compare edge sets with it: the text
        /// lowercased, every `@…` run up to whitespace removed, whitespace collapsed, links kept,
        /// no minimum length (even empty texts match each other); links exactly as given, and
        /// a post without links carries the empty link (the toolkit's `"".split(" ")` gives
        /// `[""]`, so its co-link network ties accounts that post links-free messages together).
        case toolkit
    }

    /// One post carrying one key of one behaviour.
    struct KeyEntry: Sendable {
        var key: Int32
        var post: Int32
    }

    private var accounts = ByteInterner()
    /// Per account, its handle in `handles`, or -1.
    private var accountHandle: [Int32] = []
    private var handles = ByteInterner(indexed: false)

    private var posts: ByteInterner
    private(set) var postAuthor: [Int32] = []
    /// Seconds since 1970.
    private(set) var postTime: [Double] = []

    /// Per ``CoordinationType/ordinal``: the entries and the interned key names (co-similar unused).
    private(set) var entries: [[KeyEntry]] = Array(repeating: [], count: CoordinationType.allCases.count)
    private var keyNames: [ByteInterner] = Array(repeating: ByteInterner(), count: CoordinationType.allCases.count)

    /// Co-similar: posts with shingles, and their shingle hashes in one flat array
    /// (`shingles[shingleStart[i]..<shingleStart[i + 1]]` for `similarPosts[i]`).
    private(set) var similarPosts: [Int32] = []
    private(set) var shingleStart: [Int] = [0]
    private(set) var shingles: [UInt32] = []
    /// Whether appended posts get shingles (turn off when co-similar will not be asked for).
    public var keepsShingles: Bool
    public let keys: Keys
    /// The behaviours whose keys are kept (co-text keys are also kept for co-similar: its
    /// stock-phrase test reads them).
    public let types: Set<CoordinationType>
    /// Whether a post whose id came before is left out (the first copy counts, as the
    /// toolkit's `insert or ignore`). Off for a store, whose posts are distinct already.
    public let deduplicatesPosts: Bool

    public init(keys: Keys = .normalized, keepsShingles: Bool = true,
                types: Set<CoordinationType> = Set(CoordinationType.allCases), deduplicatesPosts: Bool = false) {
        self.keys = keys
        self.types = types
        self.keepsShingles = keepsShingles && types.contains(.coSimilar)
        self.deduplicatesPosts = deduplicatesPosts
        // Indexed only once an id comes out of order (see beginPost).
        posts = ByteInterner(indexed: false)
    }

    public init(posts: some Sequence<Post>, keys: Keys = .normalized, keepsShingles: Bool = true) {
        self.init(keys: keys, keepsShingles: keepsShingles)
        for post in posts { append(post) }
    }

    public var count: Int { postAuthor.count }
    public var accountCount: Int { accountHandle.count }

    /// Account ids, in account number order.
    public var accountIDs: [String] { accounts.strings }
    /// Handles where known (`Post.authorHandle` or a registered account), for labels.
    public var accountHandles: [String?] { accountHandle.map { $0 < 0 ? nil : handles.string($0) } }

    /// The platform id of post `index`.
    public func postID(_ index: Int32) -> String { posts.string(index) }

    /// Posts left out because their source gave no date: a time window cannot place them.
    public private(set) var undatedPostsSkipped = 0
    /// Posts left out because a post with the same id came before (``deduplicatesPosts``).
    public private(set) var duplicatePostsSkipped = 0

    /// Records the handle of an account (posts without `authorHandle` then get a label too).
    public mutating func register(_ account: Account) {
        var id = account.platformID
        let index = id.withUTF8 { intern(account: $0) }
        if let handle = account.handle, !handle.isEmpty { accountHandle[Int(index)] = handles.append(handle) }
    }

    /// Adds a post and its keys; false when it is left out (undated, or a repeated id).
    @discardableResult
    public mutating func append(_ post: Post) -> Bool {
        append(post, keys: keyMaker.derivedKeys(for: post))
    }

    /// Adds a post with keys worked out before (``KeyMaker/derivedKeys(for:)``, maybe on
    /// another thread).
    @discardableResult
    public mutating func append(_ post: Post, keys derived: DerivedKeys) -> Bool {
        guard post.isDated else {
            undatedPostsSkipped += 1
            return false
        }
        var id = post.platformID
        var author = post.authorID
        var handle = post.authorHandle ?? ""
        let time = post.createdAt.timeIntervalSince1970
        let started = id.withUTF8 { id in
            author.withUTF8 { author in handle.withUTF8 { beginPost(id: id, author: author, handle: $0, time: time) } }
        }
        guard let index = started else { return false }
        add(derived, post: index)
        return true
    }

    /// Starts a post from its fields as bytes (an empty `handle` for none) and returns its
    /// number for the `add…` methods, or nil when it is left out: `time` 0 (``Post/undated``)
    /// or, with ``deduplicatesPosts``, an id that came before.
    public mutating func beginPost(id: UnsafeBufferPointer<UInt8>, author: UnsafeBufferPointer<UInt8>,
                                   handle: UnsafeBufferPointer<UInt8>, time: Double) -> Int32? {
        guard time != Post.undated.timeIntervalSince1970 else {
            undatedPostsSkipped += 1
            return nil
        }
        let index: Int32
        if deduplicatesPosts, !posts.indexed, let number = Self.decimal(id),
           postNumbers.map({ number > $0.upperBound || number < $0.lowerBound }) ?? true {
            // A decimal id above (or below) every id so far is new: no lookup (files in id order).
            index = posts.append(id)
            postNumbers = postNumbers.map { min($0.lowerBound, number)...max($0.upperBound, number) } ?? number...number
        } else if deduplicatesPosts {
            posts.buildIndex()
            let interned = posts.intern(id)
            guard interned.isNew else {
                duplicatePostsSkipped += 1
                return nil
            }
            index = interned.id
        } else {
            index = posts.append(id)
        }
        let account = intern(account: author)
        if !handle.isEmpty, accountHandle[Int(account)] < 0 { accountHandle[Int(account)] = handles.append(handle) }
        postAuthor.append(account)
        postTime.append(time)
        return index
    }

    /// The range of the decimal post ids appended while they came in order (empty at first).
    private var postNumbers: ClosedRange<UInt64>?

    /// `id` as a decimal number of at most 19 digits, or nil.
    private static func decimal(_ id: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !id.isEmpty, id.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in id {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
        }
        return value
    }

    /// What decides the keys of a post: the key mode and the types, without the input's
    /// arrays, so that threads can work keys out while the input grows.
    public var keyMaker: KeyMaker { KeyMaker(keys: keys, types: types, keepsShingles: keepsShingles) }

    /// The keys of one post, worked out from its fields without touching the input (so that
    /// several threads can work them out at once), then added with ``add(_:post:)``.
    public struct DerivedKeys: Sendable {
        var repost: String?
        var reply: String?
        var hashtags: String?
        var links: [String] = []
        var text: String?
        var shingles: [UInt32] = []
    }

    /// See ``keyMaker``.
    public struct KeyMaker: Sendable {
        let keys: Keys
        let types: Set<CoordinationType>
        let keepsShingles: Bool

        /// The keys of `post` for this key mode and these types. Pure: safe to call from
        /// several threads.
        public func derivedKeys(for post: Post) -> DerivedKeys {
            derivedKeys(repostOf: post.repostOfID, replyTo: post.replyToPostID, hashtags: post.hashtags,
                        urls: post.urls, text: post.text)
        }

        func derivedKeys(repostOf: String?, replyTo: String?, hashtags: [String], urls: [String],
                         text: String) -> DerivedKeys {
            var derived = DerivedKeys()
            if let original = repostOf, !original.isEmpty {
                if types.contains(.coRepost) { derived.repost = original }
                return derived
            }
            if let target = replyTo, !target.isEmpty, types.contains(.coReply) { derived.reply = target }
            if types.contains(.coHashtag) { derived.hashtags = CoordinationText.hashtagSetKey(hashtags) }
            if types.contains(.coLink) {
                var links: Set<String> = []
                for url in urls {
                    let link = keys == .toolkit ? url : CoordinationText.normalizedURL(url)
                    if let link, links.insert(link).inserted { derived.links.append(link) }
                }
                // The toolkit splits an empty `urls` field into one empty link, which every post
                // without links then shares: reproduced so that the edge sets can be compared.
                if keys == .toolkit, urls.isEmpty { derived.links.append("") }
            }
            let textKeys = types.contains(.coPost) || types.contains(.coSimilar)
            if keys == .toolkit, textKeys { derived.text = CoordinationText.toolkitText(text) }
            // Tokens serve Vigie's co-text key and shingles; the toolkit's key needs neither.
            guard (keys == .normalized && textKeys) || keepsShingles else { return derived }
            let comparable = CoordinationText.comparableTokens(text)
            guard comparable.wordCount >= CoordinationText.minimumWords else { return derived }
            if keys == .normalized { derived.text = comparable.tokens.joined(separator: " ") }
            if keepsShingles { derived.shingles = MinHash.shingles(comparable.tokens) }
            return derived
        }
    }

    /// Adds keys worked out by ``derivedKeys(repostOf:replyTo:hashtags:urls:text:)`` to a begun post.
    public mutating func add(_ derived: DerivedKeys, post index: Int32) {
        if let repost = derived.repost { add(.coRepost, repost, index) }
        if let reply = derived.reply { add(.coReply, reply, index) }
        if let tags = derived.hashtags { add(.coHashtag, tags, index) }
        for link in derived.links { add(.coLink, link, index) }
        if let text = derived.text { add(.coPost, text, index) }
        if !derived.shingles.isEmpty { addShingles(derived.shingles, post: index) }
    }

    /// Adds one key of `type` (bytes) to a begun post.
    public mutating func add(_ type: CoordinationType, key: UnsafeBufferPointer<UInt8>, post: Int32) {
        let interned = keyNames[type.ordinal].intern(key)
        entries[type.ordinal].append(KeyEntry(key: interned.id, post: post))
    }

    /// The toolkit's co-text key of `text` (bytes), added to a begun post: the bytes are
    /// transformed in `scratch` without a `String` when the text is ASCII.
    public mutating func addToolkitText(_ text: UnsafeBufferPointer<UInt8>, post: Int32, scratch: inout [UInt8]) {
        if CoordinationText.asciiToolkitText(text, into: &scratch) || CoordinationText.unicodeToolkitText(text, into: &scratch) {
            scratch.withUnsafeBufferPointer { add(.coPost, key: $0, post: post) }
        } else {
            add(.coPost, CoordinationText.toolkitText(String(decoding: text, as: UTF8.self)), post)
        }
    }

    func keyName(_ type: CoordinationType, _ key: Int32) -> String {
        keyNames[type.ordinal].string(key)
    }

    func keyCount(_ type: CoordinationType) -> Int { keyNames[type.ordinal].count }

    private mutating func add(_ type: CoordinationType, _ name: String, _ post: Int32) {
        let interned = keyNames[type.ordinal].intern(name)
        entries[type.ordinal].append(KeyEntry(key: interned.id, post: post))
    }

    private mutating func addShingles(_ hashes: [UInt32], post: Int32) {
        similarPosts.append(post)
        shingles.append(contentsOf: hashes)
        shingleStart.append(shingles.count)
    }

    private mutating func intern(account id: UnsafeBufferPointer<UInt8>) -> Int32 {
        let interned = accounts.intern(id)
        if interned.isNew { accountHandle.append(-1) }
        return interned.id
    }
}
