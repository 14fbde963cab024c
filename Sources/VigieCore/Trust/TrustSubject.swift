import Foundation

/// Posting behaviour of one account, accumulated post by post in one pass over a corpus.
public struct PostingActivity: Sendable, Hashable {
    public var posts = 0
    public var reposts = 0
    public var originals = 0
    public var urls = 0
    public var hashtags = 0
    public var withSource = 0
    public var automationSource = 0
    public var schedulerSource = 0
    /// Originals whose normalised text the account had already posted.
    public var duplicateTexts = 0
    /// Post times, seconds since the epoch, in arrival order (sorted when features are computed).
    public var times: [Int64] = []
    private var textHashes = Set<UInt64>()
    /// The latest originals that carry engagement counts (at most `EngagementBenchmark.recentPosts`).
    public private(set) var recentEngagement: [RecentPost] = []

    /// One original post's engagement counts.
    public struct RecentPost: Sendable, Hashable, Codable {
        public var at: Int64
        public var likes: Int
        public var replies: Int
        public var reposts: Int
        public var hasLikes: Bool
        public var hasReplies: Bool

        /// Older first; at the same time, by counts (a total order on what the features read).
        func precedes(_ other: RecentPost) -> Bool {
            (at, likes, replies, reposts, hasLikes ? 1 : 0, hasReplies ? 1 : 0)
                < (other.at, other.likes, other.replies, other.reposts, other.hasLikes ? 1 : 0, other.hasReplies ? 1 : 0)
        }
    }

    public init() {}

    /// Adds one post. `text` may be empty for reposts; `source` is the posting application.
    public mutating func add(at seconds: Int64, text: String, isRepost: Bool, urls: Int, hashtags: Int,
                             source: String?, likes: Int?, replies: Int?, reposts repostCount: Int?) {
        add(at: seconds, text: text, isRepost: isRepost, urls: urls, hashtags: hashtags,
            sourceKind: source.flatMap { $0.isEmpty ? nil : SourceApplication.classify($0) },
            likes: likes, replies: replies, reposts: repostCount)
    }

    /// Adds one post whose posting application is already classified (`nil`: not given), so a
    /// pass over millions of posts classifies each distinct application name once.
    public mutating func add(at seconds: Int64, text: String, isRepost: Bool, urls: Int, hashtags: Int,
                             sourceKind: SourceApplication?, likes: Int?, replies: Int?, reposts repostCount: Int?) {
        posts += 1
        // An undated post (``Post/undated``, the epoch) counts as a post but has no timing.
        if seconds != 0 { times.append(seconds) }
        self.urls += urls
        self.hashtags += hashtags
        if let sourceKind {
            withSource += 1
            switch sourceKind {
            case .automation: automationSource += 1
            case .scheduler: schedulerSource += 1
            case .client: break
            }
        }
        if isRepost {
            reposts += 1
            return
        }
        originals += 1
        let hash = Self.textHash(text)
        if hash != 0 && !textHashes.insert(hash).inserted { duplicateTexts += 1 }
        if likes != nil || replies != nil || repostCount != nil {
            let post = RecentPost(at: seconds, likes: likes ?? 0, replies: replies ?? 0, reposts: repostCount ?? 0,
                                  hasLikes: likes != nil, hasReplies: replies != nil)
            // The latest posts, ties broken by the counts: the same set whatever order the posts come in
            // (one account scored alone reads its posts in another order than a whole-workspace pass).
            if recentEngagement.count < EngagementBenchmark.recentPosts {
                recentEngagement.append(post)
            } else if let oldest = recentEngagement.indices.min(by: { recentEngagement[$0].precedes(recentEngagement[$1]) }),
                      recentEngagement[oldest].precedes(post) {
                recentEngagement[oldest] = post
            }
        }
    }

    /// FNV-1a over the text with ASCII letters folded to lower case, links (`http://`, `https://`,
    /// `www.` words) and digits removed and spaces collapsed, so a template with a changing
    /// number or link counts as the same text. Works on the UTF-8 bytes without allocating.
    /// 0 for a text with nothing left.
    static func textHash(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { bytes -> UInt64 in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var any = false
            var i = 0
            let n = bytes.count
            func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
            func startsWith(_ prefix: StaticString, at index: Int) -> Bool {
                let count = prefix.utf8CodeUnitCount
                guard index + count <= n else { return false }
                let p = prefix.utf8Start
                for k in 0..<count {
                    var b = bytes[index + k]
                    if b >= 65 && b <= 90 { b += 32 }
                    if b != p[k] { return false }
                }
                return true
            }
            while i < n {
                while i < n && isSpace(bytes[i]) { i += 1 }
                guard i < n else { break }
                let isLink = startsWith("http://", at: i) || startsWith("https://", at: i) || startsWith("www.", at: i)
                var wrote = false
                while i < n && !isSpace(bytes[i]) {
                    var b = bytes[i]
                    i += 1
                    if isLink || (b >= 48 && b <= 57) { continue }
                    if b >= 65 && b <= 90 { b += 32 }
                    hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3
                    wrote = true
                }
                if wrote {
                    hash = (hash ^ 32) &* 0x100_0000_01b3
                    any = true
                }
            }
            return any ? hash : 0
        }
    }
}

/// Posting applications by kind: automation tools post by themselves; schedulers post what a
/// person wrote in advance (brands, community managers) and are a weaker signal.
public enum SourceApplication: Sendable, Hashable {
    case automation, scheduler, client

    static let automationMarkers = ["bot", "auto", "dlvr.it", "ifttt", "zapier", "twittbot", "feed", "rss",
                                    "botsin.space", "cheap bots", "make.com", "integromat"]
    static let schedulerMarkers = ["buffer", "hootsuite", "later", "sprout", "sendible", "agorapulse",
                                   "tweetdeck", "socialbee", "publer", "metricool", "swello"]

    /// The kind of a posting application from its name (case folded, substring match).
    public static func classify(_ name: String) -> SourceApplication {
        let folded = name.lowercased()
        if automationMarkers.contains(where: { folded.contains($0) }) { return .automation }
        if schedulerMarkers.contains(where: { folded.contains($0) }) { return .scheduler }
        return .client
    }
}

/// Interactions around one account, from the store's interaction edges.
public struct GraphActivity: Sendable, Hashable, Codable {
    /// Distinct accounts this account replied to, reposted, quoted, mentioned, liked or followed.
    public var targets = 0
    /// Of those, how many acted on this account in return.
    public var reciprocated = 0
    /// Interactions received, by kind.
    public var received: [Interaction.Kind: Int] = [:]

    public init(targets: Int = 0, reciprocated: Int = 0, received: [Interaction.Kind: Int] = [:]) {
        self.targets = targets
        self.reciprocated = reciprocated
        self.received = received
    }
}

/// Everything known about one account for scoring: its profile, its posts' behaviour and its
/// interactions.
public struct TrustSubject: Sendable {
    public var account: Account
    /// `nil` when the corpus holds none of its posts.
    public var activity: PostingActivity?
    public var graph: GraphActivity?
    /// How many other accounts of the corpus have the same non-empty bio.
    public var bioSharedWith: Int?
    /// The time account age is measured at when the profile has no observation date: the latest post.
    public var referenceDate: Date?

    /// The profile's observation date is only the time it was imported (the source gave none).
    public var observedAtImport: Bool { account.observedAt != nil && account.observedAtIsImportTime == true }

    public init(account: Account, activity: PostingActivity? = nil, graph: GraphActivity? = nil,
                bioSharedWith: Int? = nil, referenceDate: Date? = nil) {
        self.account = account
        self.activity = activity
        self.graph = graph
        self.bioSharedWith = bioSharedWith
        self.referenceDate = referenceDate
    }

    /// The account's identity.
    public var key: AccountKey { account.key }
}

/// Computes the feature vector of an account. Every value comes from a field the source gave;
/// a field it did not give leaves its features missing.
public enum TrustFeatureExtractor {
    /// Fewest posts for a rate or share computed from the store's posts.
    public static let minimumPosts = 3
    /// Fewest posts for the regularity features (gaps and hours).
    public static let minimumPostsForTiming = 5
    /// Fewest distinct interaction targets for reciprocity.
    public static let minimumTargets = 3

    public static func features(of subject: TrustSubject) -> TrustFeatureVector {
        var v = TrustFeatureVector()
        let account = subject.account
        let activity = subject.activity

        // Counts are as of the observation; the latest post is only a lower bound of that time.
        let reference = account.observedAt ?? subject.referenceDate
            ?? activity.flatMap { $0.times.max() }.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        if let created = account.createdAt, let reference {
            v[.accountAge] = max(reference.timeIntervalSince(created) / 86_400, 0)
        }
        if let followers = account.followers { v[.followers] = Double(followers) }
        if let following = account.following { v[.following] = Double(following) }
        if let posts = account.postsCount { v[.postsCount] = Double(posts) }
        if let listed = account.listedCount { v[.listedCount] = Double(listed) }
        if let value = account.defaultProfileImage { v[.defaultImage] = value ? 1 : 0 }
        if let bio = account.bio {
            let text = bio.trimmingCharacters(in: .whitespacesAndNewlines)
            v[.bioLength] = Double(text.count)
            if let shared = subject.bioSharedWith { v[.sharedBio] = !text.isEmpty && shared > 0 ? 1 : 0 }
            let words = text.split(whereSeparator: \.isWhitespace)
            v[.bioLinks] = Double(words.filter {
                let w = $0.lowercased()
                return w.contains("http://") || w.contains("https://") || w.hasPrefix("www.")
            }.count)
            v[.bioHashtags] = Double(words.filter { $0.hasPrefix("#") && $0.count > 1 }.count)
            v[.bioMentions] = Double(words.filter { $0.hasPrefix("@") && $0.count > 1 }.count)
        }
        if let handle = account.handle?.trimmingCharacters(in: .whitespaces), !handle.isEmpty {
            let characters = Array(handle.lowercased().unicodeScalars)
            let digits = characters.filter { $0.properties.numericType != nil }.count
            v[.handleDigits] = Double(digits) / Double(characters.count)
            v[.handleEntropy] = entropy(of: characters.map { Int($0.value) })
            let original = Array(handle.unicodeScalars)
            v[.handleLength] = Double(original.count)
            v[.handleUppercase] = Double(original.filter { $0.properties.isUppercase }.count)
            v[.handleUnderscores] = Double(original.filter { $0 == "_" }.count)
            if let name = account.displayName?.trimmingCharacters(in: .whitespacesAndNewlines) {
                // Known for every name: a name in another script than the handle's is simply not
                // the handle (0), exactly as a different Latin name is.
                let folded = alphanumerics(name)
                v[.nameEqualsHandle] = !folded.isEmpty && folded == alphanumerics(handle) ? 1 : 0
            }
        }
        if let name = account.displayName?.trimmingCharacters(in: .whitespacesAndNewlines) {
            // Digits of any script (Arabic-Indic, Devanagari…) count alike.
            v[.nameDigits] = Double(name.unicodeScalars.filter { $0.properties.numericType == .decimal }.count)
        }
        if let value = account.verified { v[.verified] = value ? 1 : 0 }
        if let value = account.declaredBot { v[.declaredBot] = value ? 1 : 0 }
        if let value = account.isPrivate { v[.isPrivate] = value ? 1 : 0 }
        // A source that gives the profile gives its link and location fields, empty or not.
        if account.url != nil || account.location != nil {
            v[.profileURL] = (account.url ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? 0 : 1
            v[.profileLocation] = (account.location ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? 0 : 1
        }

        if let activity, activity.posts >= minimumPosts {
            let posts = Double(activity.posts)
            let times = activity.times.sorted()
            if let first = times.first, let last = times.last {
                // Over the dated posts only: undated ones (`Post.undated`) have no place in time.
                v[.observedPostRate] = Double(times.count) / max(Double(last - first) / 86_400, 1)
            }
            v[.repostShare] = Double(activity.reposts) / posts
            if activity.originals >= minimumPosts {
                v[.duplicateTextShare] = Double(activity.duplicateTexts) / Double(activity.originals)
            }
            v[.urlsPerPost] = Double(activity.urls) / posts
            v[.hashtagsPerPost] = Double(activity.hashtags) / posts
            if activity.withSource >= minimumPosts {
                v[.automationApp] = Double(activity.automationSource) / Double(activity.withSource)
                v[.schedulerApp] = Double(activity.schedulerSource) / Double(activity.withSource)
            }
            if times.count >= minimumPostsForTiming {
                // Gaps binned on a log2 scale of seconds (1 s … 2^20 s ≈ 12 days).
                var gaps = [Int]()
                for i in 1..<times.count {
                    let gap = max(times[i] - times[i - 1], 1)
                    gaps.append(min(Int(log2(Double(gap))), 20))
                }
                v[.gapEntropy] = entropy(of: gaps) / log2(21)
                let hours = times.map { Int(($0 % 86_400 + 86_400) % 86_400 / 3_600) }
                v[.hourSpread] = entropy(of: hours) / log2(24)
            }
        }
        if let activity, let followers = account.followers, followers > 0, !activity.recentEngagement.isEmpty {
            let total = activity.recentEngagement.reduce(0) { $0 + $1.likes + $1.replies + $1.reposts }
            v[.engagementRate] = Double(total) / Double(activity.recentEngagement.count) / Double(followers)
        }
        if let graph = subject.graph, graph.targets >= minimumTargets {
            v[.reciprocity] = Double(graph.reciprocated) / Double(graph.targets)
        }
        return v
    }

    /// Lower-case ASCII letters and digits of a text, accents folded (`Hélène_42` → `helene42`).
    static func alphanumerics(_ text: String) -> [UInt8] {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        return folded.utf8.filter { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }

    /// Shannon entropy in bits of a sample of symbols.
    static func entropy(of symbols: [Int]) -> Double {
        guard !symbols.isEmpty else { return 0 }
        var counts: [Int: Int] = [:]
        for symbol in symbols { counts[symbol, default: 0] += 1 }
        let n = Double(symbols.count)
        // Summed in key order: a dictionary's order changes between runs, and the sum's last bits with it.
        return counts.keys.sorted().map { counts[$0]! }.reduce(0) { sum, c in
            let p = Double(c) / n
            return sum - p * log2(p)
        }
    }
}
