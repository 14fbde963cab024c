import Foundation

/// Posts reduced to what coordination detection compares, in compact arrays with integer ids.
///
/// Account ids and the keys of each behaviour (the reposted id, the normalised text, each
/// normalised link, the hashtag set, the replied-to id) are interned to `Int32` as posts are
/// appended, so detection sorts and scans integers only. Reposts give only a co-repost key: a
/// plain rebroadcast always repeats its original's text and links, so counting those too would
/// double every co-repost (the coordination-network-toolkit excludes them the same way).
/// Co-similar keeps, per post with enough words, the sorted hashes of its word 3-shingles.
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

    public private(set) var accountIDs: [String] = []
    /// Handles where known (`Post.authorHandle` or a registered account), for labels.
    public private(set) var accountHandles: [String?] = []
    private var accountIndex: [String: Int32] = [:]

    public private(set) var postIDs: [String] = []
    private(set) var postAuthor: [Int32] = []
    /// Seconds since 1970.
    private(set) var postTime: [Double] = []

    /// Per ``CoordinationType/ordinal``: the entries and the interned key names (co-similar unused).
    private(set) var entries: [[KeyEntry]] = Array(repeating: [], count: CoordinationType.allCases.count)
    private(set) var keyNames: [[String]] = Array(repeating: [], count: CoordinationType.allCases.count)
    private var keyIndex: [[String: Int32]] = Array(repeating: [:], count: CoordinationType.allCases.count)

    /// Co-similar: posts with shingles, and their shingle hashes in one flat array
    /// (`shingles[shingleStart[i]..<shingleStart[i + 1]]` for `similarPosts[i]`).
    private(set) var similarPosts: [Int32] = []
    private(set) var shingleStart: [Int] = [0]
    private(set) var shingles: [UInt32] = []
    /// Whether appended posts get shingles (turn off when co-similar will not be asked for).
    public var keepsShingles: Bool
    public let keys: Keys

    public init(keys: Keys = .normalized, keepsShingles: Bool = true) {
        self.keys = keys
        self.keepsShingles = keepsShingles
    }

    public init(posts: some Sequence<Post>, keys: Keys = .normalized, keepsShingles: Bool = true) {
        self.init(keys: keys, keepsShingles: keepsShingles)
        for post in posts { append(post) }
    }

    public var count: Int { postIDs.count }
    public var accountCount: Int { accountIDs.count }

    /// Records the handle of an account (posts without `authorHandle` then get a label too).
    public mutating func register(_ account: Account) {
        let index = intern(account: account.platformID)
        if let handle = account.handle, !handle.isEmpty { accountHandles[Int(index)] = handle }
    }

    /// Posts left out because their source gave no date: a time window cannot place them.
    public private(set) var undatedPostsSkipped = 0

    public mutating func append(_ post: Post) {
        guard post.isDated else {
            undatedPostsSkipped += 1
            return
        }
        let postIndex = Int32(postIDs.count)
        let author = intern(account: post.authorID)
        if let handle = post.authorHandle, !handle.isEmpty, accountHandles[Int(author)] == nil {
            accountHandles[Int(author)] = handle
        }
        postIDs.append(post.platformID)
        postAuthor.append(author)
        postTime.append(post.createdAt.timeIntervalSince1970)

        if let original = post.repostOfID, !original.isEmpty {
            add(.coRepost, original, postIndex)
            return
        }
        if let target = post.replyToPostID, !target.isEmpty { add(.coReply, target, postIndex) }
        if let tags = CoordinationText.hashtagSetKey(post.hashtags) { add(.coHashtag, tags, postIndex) }
        var links: Set<String> = []
        for url in post.urls {
            let link = keys == .toolkit ? url : CoordinationText.normalizedURL(url)
            if let link, links.insert(link).inserted { add(.coLink, link, postIndex) }
        }
        // The toolkit splits an empty `urls` field into one empty link, which every post
        // without links then shares: reproduced so that the edge sets can be compared.
        if keys == .toolkit, post.urls.isEmpty { add(.coLink, "", postIndex) }
        if keys == .toolkit { add(.coPost, CoordinationText.toolkitText(post.text), postIndex) }
        // Tokens serve Vigie's co-text key and shingles; the toolkit's key needs neither.
        guard keys == .normalized || keepsShingles else { return }
        let comparable = CoordinationText.comparableTokens(post.text)
        guard comparable.wordCount >= CoordinationText.minimumWords else { return }
        if keys == .normalized { add(.coPost, comparable.tokens.joined(separator: " "), postIndex) }
        if keepsShingles {
            let hashes = MinHash.shingles(comparable.tokens)
            guard !hashes.isEmpty else { return }
            similarPosts.append(postIndex)
            shingles.append(contentsOf: hashes)
            shingleStart.append(shingles.count)
        }
    }

    /// The key name of an entry (a reposted id, a normalised text, a link…).
    func keyName(_ type: CoordinationType, _ key: Int32) -> String {
        keyNames[type.ordinal][Int(key)]
    }

    private mutating func add(_ type: CoordinationType, _ name: String, _ post: Int32) {
        let ordinal = type.ordinal
        let key: Int32
        if let known = keyIndex[ordinal][name] {
            key = known
        } else {
            key = Int32(keyNames[ordinal].count)
            keyNames[ordinal].append(name)
            keyIndex[ordinal][name] = key
        }
        entries[ordinal].append(KeyEntry(key: key, post: post))
    }

    private mutating func intern(account id: String) -> Int32 {
        if let known = accountIndex[id] { return known }
        let index = Int32(accountIDs.count)
        accountIDs.append(id)
        accountHandles.append(nil)
        accountIndex[id] = index
        return index
    }
}
