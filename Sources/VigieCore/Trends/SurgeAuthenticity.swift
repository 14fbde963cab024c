import Foundation

/// How much of a surge (a spike's buckets, a weak signal's recent posts) comes from likely fake
/// accounts and from coordinated clusters: a surge carried by them is flagged as manufactured.
///
/// ```swift
/// let breakdown = SurgeAuthenticity.analyse(posts: surgePosts, from: start, until: end,
///                                           isLikelyFake: { scores[$0] }, network: network)
/// print(breakdown.summary)   // "58% of the 60 posts (31% of the accounts) … manufactured"
/// ```
public struct SurgeAuthenticity: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// Less than a fifth of the posts come from likely fake or coordinated accounts.
        case organic
        /// A fifth to a half.
        case partlyManufactured = "partly manufactured"
        /// Half or more.
        case manufactured
    }

    /// Posts and accounts of one kind, and their share of the surge.
    public struct Share: Sendable, Hashable, Codable {
        public var posts: Int
        public var accounts: Int
        public var postShare: Double
        public var accountShare: Double
    }

    /// A coordinated group active in the surge, with what ties it.
    public struct Cluster: Sendable, Hashable, Codable {
        /// Handles (else ids) of its members, at most 10.
        public var members: [String]
        public var size: Int
        /// Its members' posts in the surge.
        public var posts: Int
        /// Behaviours that tie it (`co-post`, `co-repost`, `co-link`…).
        public var behaviours: [String]
        /// What its members shared most.
        public var shared: [String]
        /// Post pairs that prove ties (`post A ↔ post B: what`), at most 5.
        public var evidence: [String]
        public var density: Double
        public var first: Date
        public var last: Date
    }

    public var from: Date
    public var until: Date
    public var posts: Int
    public var accounts: Int
    /// From accounts the trust model labels likely inauthentic; `nil` without a trust model.
    public var likelyFake: Share?
    /// From members of coordinated clusters.
    public var coordinated: Share
    /// From either.
    public var inauthentic: Share
    /// Accounts the trust model knew too little about to label.
    public var unscoredAccounts: Int
    /// The largest clusters, by posts in the surge (at most 5).
    public var topClusters: [Cluster]
    public var verdict: Verdict
    /// One sentence for the alert.
    public var summary: String
    public var notes: [String]

    /// Breaks down `posts` (the surge). `isLikelyFake` answers per author (`nil`: not known;
    /// pass `nil` without a trust model); `network` is the coordination among the same posts.
    public static func analyse(posts: [Post], from: Date, until: Date, isLikelyFake: ((AccountKey) -> Bool?)?,
                               network: CoordinationNetwork?, notes: [String] = []) -> SurgeAuthenticity {
        var postsByAuthor: [AccountKey: Int] = [:]
        for post in posts {
            postsByAuthor[AccountKey(platform: post.platform, platformID: post.authorID), default: 0] += 1
        }
        let authors = Set(postsByAuthor.keys)
        var fake = Set<AccountKey>()
        var unscored = 0
        if let isLikelyFake {
            for author in authors {
                switch isLikelyFake(author) {
                case true?: fake.insert(author)
                case false?: break
                case nil: unscored += 1
                }
            }
        }
        // Cluster members are named by platform id in the network.
        var coordinated = Set<AccountKey>()
        var clusters: [Cluster] = []
        if let network {
            let idToKey = Dictionary(authors.map { ($0.platformID, $0) }, uniquingKeysWith: { first, _ in first })
            for cluster in network.clusters(minimumSize: 2, topKeys: 3) {
                let keys = cluster.members.compactMap { idToKey[network.accounts[$0].id] }
                coordinated.formUnion(keys)
                let memberSet = Set(cluster.members)
                let evidence = network.edges.lazy.filter { memberSet.contains($0.source) && memberSet.contains($0.target) }
                    .prefix(5).compactMap { edge -> String? in
                        guard let pair = network.evidence(of: edge).first else { return nil }
                        return "\(pair.sourcePostID) ↔ \(pair.targetPostID) (\(edge.type.rawValue): \(pair.key.prefix(80)))"
                    }
                clusters.append(Cluster(
                    members: cluster.members.prefix(10).map { network.accounts[$0].label }, size: cluster.members.count,
                    posts: keys.reduce(0) { $0 + (postsByAuthor[$1] ?? 0) },
                    behaviours: cluster.types.map(\.rawValue),
                    shared: cluster.topKeys.map { "\($0.type.rawValue): \($0.key.prefix(80)) (\($0.pairs) pairs)" },
                    evidence: Array(evidence), density: (cluster.density * 100).rounded() / 100,
                    first: cluster.first, last: cluster.last))
            }
        }
        clusters.sort { ($0.posts, $0.size) > ($1.posts, $1.size) }
        func share(_ accounts: Set<AccountKey>) -> Share {
            let count = accounts.reduce(0) { $0 + (postsByAuthor[$1] ?? 0) }
            return Share(posts: count, accounts: accounts.count, postShare: rounded(ratio(count, posts.count)),
                         accountShare: rounded(ratio(accounts.count, authors.count)))
        }
        let inauthentic = share(fake.union(coordinated))
        let verdict: Verdict = inauthentic.postShare >= 0.5 ? .manufactured : inauthentic.postShare >= 0.2 ? .partlyManufactured : .organic
        var summary = "\(percent(inauthentic.postShare)) of the \(posts.count) posts (\(percent(inauthentic.accountShare)) of the \(authors.count) accounts) come from "
        summary += isLikelyFake == nil ? "coordinated clusters" : "likely fake accounts or coordinated clusters"
        if !clusters.isEmpty { summary += " (\(clusters.count) cluster\(clusters.count == 1 ? "" : "s"), the largest of \(clusters[0].size))" }
        summary += ": \(verdict.rawValue)"
        return SurgeAuthenticity(
            from: from, until: until, posts: posts.count, accounts: authors.count,
            likelyFake: isLikelyFake == nil ? nil : share(fake), coordinated: share(coordinated), inauthentic: inauthentic,
            unscoredAccounts: unscored, topClusters: Array(clusters.prefix(5)), verdict: verdict, summary: summary, notes: notes)
    }

    private static func ratio(_ part: Int, _ whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : 0 }
    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
    private static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}
