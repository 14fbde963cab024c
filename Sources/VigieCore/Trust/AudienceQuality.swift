import Foundation

/// How real an account's audience looks: suspicious followers and engagers (when the store
/// knows them), engagement rate against the tier benchmark, and engagement anomalies.
public struct AudienceQuality: Sendable, Codable, Hashable {
    public struct SuspiciousShare: Sendable, Codable, Hashable {
        /// Distinct accounts known (followers, or accounts that engaged).
        public var known: Int
        /// Of those, the ones with enough data to be scored.
        public var scored: Int
        /// Of the scored, those at or above their family's threshold.
        public var suspicious: Int
        public var share: Double? { scored > 0 ? Double(suspicious) / Double(scored) : nil }
    }

    public struct Pod: Sendable, Codable, Hashable {
        /// Posts of the account that received engagement the store knows of.
        public var postsWithEngagement: Int
        public var distinctEngagers: Int
        /// Engagers present on at least half of those posts (and at least 3).
        public var recurringEngagers: Int
        /// Share of all engagement events that come from the recurring engagers.
        public var recurringShare: Double
        public var isLikelyPod: Bool
    }

    public var followers: Int?
    public var tier: InfluenceTier?
    /// Mean (likes + replies + reposts) / followers over the latest posts with counts.
    public var engagementRate: Double?
    public var postsMeasured: Int
    public var benchmark: EngagementBenchmark.Band?
    /// Engagement rate divided by the benchmark's mean.
    public var benchmarkRatio: Double?
    public var followersSuspicious: SuspiciousShare?
    public var engagersSuspicious: SuspiciousShare?
    /// Likes per reply over the measured posts, and the median of accounts of the same tier in the workspace.
    public var likesPerReply: Double?
    public var tierLikesPerReply: Double?
    public var pod: Pod?
    /// Follower jumps between consecutive snapshots of the account's counts.
    public var followerJumps: [FollowerJump]
    /// How many count snapshots the store holds for the account.
    public var snapshots: Int
    /// Readable findings, the notable ones first.
    public var findings: [String]

    public struct FollowerJump: Sendable, Codable, Hashable {
        public var from: Date
        public var to: Date
        public var before: Int
        public var after: Int
    }

    /// A jump: at least this relative growth and `jumpMinimumGain` followers between two
    /// snapshots at most `jumpMaximumDays` apart.
    public static let jumpMinimumGrowth = 0.3
    public static let jumpMinimumGain = 500
    public static let jumpMaximumDays = 30.0

    /// Follower jumps in a series of snapshots (oldest first).
    public static func followerJumps(_ snapshots: [MetricSnapshot]) -> [FollowerJump] {
        let known = snapshots.filter { $0.followers != nil }
        guard known.count >= 2 else { return [] }
        var jumps: [FollowerJump] = []
        for (a, b) in zip(known, known.dropFirst()) {
            let before = a.followers!, after = b.followers!
            let days = b.at.timeIntervalSince(a.at) / 86_400
            guard days <= jumpMaximumDays, after - before >= jumpMinimumGain,
                  Double(after - before) >= jumpMinimumGrowth * Double(max(before, 1)) else { continue }
            jumps.append(FollowerJump(from: a.at, to: b.at, before: before, after: after))
        }
        return jumps
    }

    /// Minimum posts with engagement for the pod test.
    public static let podMinimumPosts = 5
}

/// Builds `AudienceQuality` from the account's subject, the engagement it received and the
/// scores of the accounts in the workspace.
public struct AudienceAnalyzer: Sendable {
    /// Median likes-per-reply by tier, over the workspace's accounts (see `tierLikesPerReply`).
    public var tierLikesPerReply: [InfluenceTier: Double]

    public init(tierLikesPerReply: [InfluenceTier: Double]) {
        self.tierLikesPerReply = tierLikesPerReply
    }

    /// Likes per reply of one account's recent posts, when both counts are known and replies > 0.
    public static func likesPerReply(_ activity: PostingActivity?) -> Double? {
        guard let posts = activity?.recentEngagement.filter({ $0.hasLikes && $0.hasReplies }), posts.count >= 3 else { return nil }
        let replies = posts.reduce(0) { $0 + $1.replies }
        guard replies > 0 else { return nil }
        return Double(posts.reduce(0) { $0 + $1.likes }) / Double(replies)
    }

    /// The median likes-per-reply of each tier over `subjects`.
    public static func tierMedians(_ subjects: [TrustSubject]) -> [InfluenceTier: Double] {
        var byTier: [InfluenceTier: [Double]] = [:]
        for subject in subjects {
            guard let followers = subject.account.followers, let ratio = likesPerReply(subject.activity) else { continue }
            byTier[InfluenceTier(followers: followers), default: []].append(ratio)
        }
        return byTier.compactMapValues(median(of:))
    }

    /// The median likes-per-reply of the given accounts' activities (all of one tier), `nil`
    /// below 5 accounts with the ratio: what `tierMedians` gives for that tier.
    public static func tierMedian(_ activities: [PostingActivity]) -> Double? {
        median(of: activities.compactMap { likesPerReply($0) })
    }

    static func median(of values: [Double]) -> Double? {
        guard values.count >= 5 else { return nil }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// `scoreOf` gives the inauthenticity score of an account, `nil` when it cannot be scored
    /// (unknown to the store, or not enough data).
    public func analyse(_ subject: TrustSubject, engagements: [Engagement], snapshots: [MetricSnapshot] = [],
                        scoreOf: (AccountKey) -> InauthenticityScore?) -> AudienceQuality {
        var findings: [String] = []
        let jumps = AudienceQuality.followerJumps(snapshots)
        for jump in jumps {
            findings.append("followers jumped from \(TrustFormat.count(jump.before)) to \(TrustFormat.count(jump.after)) between "
                            + "\(DateParsing.iso8601(jump.from).prefix(10)) and \(DateParsing.iso8601(jump.to).prefix(10)): bought followers?")
        }
        if snapshots.count < 2 {
            findings.append("follower growth unknown: \(snapshots.count) snapshot of the counts (import the account again later to compare)")
        }
        let followers = subject.account.followers
        let tier = followers.map(InfluenceTier.init(followers:))
        var rate: Double?
        let recent = subject.activity?.recentEngagement ?? []
        if let followers, followers > 0, !recent.isEmpty {
            rate = Double(recent.reduce(0) { $0 + $1.likes + $1.replies + $1.reposts }) / Double(recent.count) / Double(followers)
        }
        let band = followers.flatMap { EngagementBenchmark.band(followers: $0) }
        var ratio: Double?
        if let rate, let band {
            ratio = rate / band.meanRate
            let text = String(format: "engagement rate %@ over %d posts, %.1f× the %@ benchmark (%@)",
                              TrustFormat.percent(rate, digits: 2), recent.count, ratio!, band.label,
                              TrustFormat.percent(band.meanRate, digits: 2))
            if ratio! < 0.3 {
                findings.append(text + ": far below — an audience that does not engage (bought followers?)")
            } else if ratio! > 3 {
                findings.append(text + ": far above — check for engagement bought or from a pod")
            } else {
                findings.append(text)
            }
        } else if rate != nil, let followers {
            findings.append("no engagement benchmark below 1,000 followers (\(TrustFormat.count(followers)) followers)")
        } else {
            findings.append("engagement rate unknown: the store has no engagement counts for this account's posts")
        }

        func share(of ids: Set<AccountKey>) -> AudienceQuality.SuspiciousShare? {
            guard !ids.isEmpty else { return nil }
            var scored = 0, suspicious = 0
            for id in ids {
                guard let score = scoreOf(id), score.label != .unsure else { continue }
                scored += 1
                if score.probability >= score.threshold { suspicious += 1 }
            }
            return .init(known: ids.count, scored: scored, suspicious: suspicious)
        }
        let followerIDs = Set(engagements.filter { $0.kind == .follow }.map(\.source))
        let engagerIDs = Set(engagements.filter { $0.kind != .follow }.map(\.source))
        let followersSuspicious = share(of: followerIDs)
        let engagersSuspicious = share(of: engagerIDs)
        for (name, value) in [("followers", followersSuspicious), ("engagers", engagersSuspicious)] {
            guard let value else {
                findings.append("\(name): none known to the store")
                continue
            }
            if let s = value.share {
                findings.append("\(TrustFormat.percent(s)) of \(name) look inauthentic (\(value.suspicious) of \(value.scored) scored, \(value.known) known)")
            } else {
                findings.append("\(name): \(value.known) known, none with enough data to score")
            }
        }

        let likesPerReply = Self.likesPerReply(subject.activity)
        let typical = tier.flatMap { tierLikesPerReply[$0] }
        if let likesPerReply, let typical, typical > 0 {
            let factor = likesPerReply / typical
            if factor > 4 || factor < 0.25 {
                findings.append(String(format: "%.0f likes per reply against %.0f typical of %@ accounts here: far from the tier's",
                                       likesPerReply, typical, tier!.rawValue))
            }
        }

        // Pod: a small recurring group engaging with most posts.
        var perPost: [String: Set<AccountKey>] = [:]
        var events: [AccountKey: Int] = [:]
        for e in engagements where e.kind != .follow {
            guard let post = e.postID else { continue }
            perPost[post, default: []].insert(e.source)
            events[e.source, default: 0] += 1
        }
        var pod: AudienceQuality.Pod?
        if perPost.count >= AudienceQuality.podMinimumPosts {
            var presence: [AccountKey: Int] = [:]
            for engagers in perPost.values { for id in engagers { presence[id, default: 0] += 1 } }
            let needed = max(3, (perPost.count + 1) / 2)
            let recurring = presence.filter { $0.value >= needed }.map(\.key)
            let total = events.values.reduce(0, +)
            let fromRecurring = recurring.reduce(0) { $0 + (events[$1] ?? 0) }
            let recurringShare = total > 0 ? Double(fromRecurring) / Double(total) : 0
            let likely = recurring.count >= 3 && recurringShare >= 0.5 && recurring.count <= max(30, presence.count / 10)
            pod = .init(postsWithEngagement: perPost.count, distinctEngagers: presence.count,
                        recurringEngagers: recurring.count, recurringShare: recurringShare, isLikelyPod: likely)
            if likely {
                findings.append("\(recurring.count) accounts engage with at least half of its \(perPost.count) posts and make "
                                + "\(TrustFormat.percent(recurringShare)) of its engagement: a likely pod")
            }
        }
        return AudienceQuality(
            followers: followers, tier: tier, engagementRate: rate, postsMeasured: recent.count, benchmark: band,
            benchmarkRatio: ratio, followersSuspicious: followersSuspicious, engagersSuspicious: engagersSuspicious,
            likesPerReply: likesPerReply, tierLikesPerReply: typical, pod: pod, followerJumps: jumps,
            snapshots: snapshots.count, findings: findings)
    }
}
