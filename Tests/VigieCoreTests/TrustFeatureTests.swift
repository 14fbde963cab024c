import Foundation
import Testing
@testable import VigieCore

@Suite struct TrustFeatureTests {
    static let day: Int64 = 86_400

    @Test func profileFeaturesComeFromKnownFieldsOnly() {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let account = Account(platform: .twitter, platformID: "1", handle: "deals48213907", bio: "  ",
                              createdAt: created, followers: 12, following: 3_000, postsCount: 900,
                              defaultProfileImage: true)
        let subject = TrustSubject(account: account, referenceDate: created.addingTimeInterval(30 * 86_400))
        let v = TrustFeatureExtractor.features(of: subject)
        #expect(v[.accountAge] == 30)
        #expect(v[.followers] == 12 && v[.following] == 3_000 && v[.postsCount] == 900)
        #expect(v[.defaultImage] == 1)
        #expect(v[.bioLength] == 0)
        #expect(v[.handleDigits] == 8.0 / 13)
        // Unknown fields stay missing, never zero.
        for feature in [TrustFeature.listedCount, .verified, .declaredBot, .isPrivate, .profileURL, .profileLocation,
                        .sharedBio, .nameDigits, .nameEqualsHandle, .repostShare, .gapEntropy, .engagementRate, .reciprocity] {
            #expect(v[feature] == nil, "\(feature) should be missing")
        }
    }

    @Test func observationDateWinsOverTheLatestPostForAccountAge() {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        var account = Account(platform: .twitter, platformID: "1", createdAt: created,
                              observedAt: created.addingTimeInterval(100 * 86_400))
        let subject = TrustSubject(account: account, referenceDate: created.addingTimeInterval(10 * 86_400))
        #expect(TrustFeatureExtractor.features(of: subject)[.accountAge] == 100)
        account.observedAt = nil
        #expect(TrustFeatureExtractor.features(of: TrustSubject(account: account,
                                                                referenceDate: created.addingTimeInterval(10 * 86_400)))[.accountAge] == 10)
        #expect(TrustFeatureExtractor.features(of: TrustSubject(account: account))[.accountAge] == nil)
    }

    @Test func nameHandleAndBioFeaturesEachOnce() {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let account = Account(platform: .twitter, platformID: "1", handle: "Helene_Dupont42", displayName: "Hélène Dupont 🚲",
                              bio: "Cycliste #velo @lyon https://x.test #climat", createdAt: created, followers: 400,
                              following: 100, postsCount: 10, listedCount: 2, location: "", url: "https://x.test")
        let v = TrustFeatureExtractor.features(of: TrustSubject(account: account,
                                                                referenceDate: created.addingTimeInterval(200 * 86_400)))
        #expect(v[.handleLength] == 15 && v[.handleUppercase] == 2 && v[.handleUnderscores] == 1)
        #expect(v[.nameDigits] == 0 && v[.nameEqualsHandle] == 0)
        #expect(v[.bioHashtags] == 2 && v[.bioMentions] == 1 && v[.bioLinks] == 1 && v[.bioLength] == 43)
        #expect(v[.profileURL] == 1 && v[.profileLocation] == 0)
        // A name that is the handle (case and accents folded), and a name in another script: both known.
        let same = Account(platform: .twitter, platformID: "2", handle: "deal_bot77", displayName: "Deal Bot 77")
        #expect(TrustFeatureExtractor.features(of: TrustSubject(account: same))[.nameEqualsHandle] == 1)
        let other = Account(platform: .twitter, platformID: "3", handle: "abc", displayName: "محمد ٤٢")
        let w = TrustFeatureExtractor.features(of: TrustSubject(account: other))
        #expect(w[.nameEqualsHandle] == 0 && w[.nameDigits] == 2)
        #expect(w[.bioLength] == nil && w[.accountAge] == nil)
    }

    @Test func instagramStyleRecordLacksAgeAndBio() {
        // The SRF export has counts and the picture flag, no creation date and no bio.
        let account = Account(platform: .instagram, platformID: "x", handle: "oo.romio.3", followers: 14, following: 87,
                              postsCount: 1, defaultProfileImage: false, isPrivate: false)
        let v = TrustFeatureExtractor.features(of: TrustSubject(account: account))
        #expect(v[.accountAge] == nil && v[.bioLength] == nil)
        #expect(v[.postsCount] == 1 && v[.defaultImage] == 0 && v[.isPrivate] == 0)
        #expect(v.missing.contains(.accountAge))
    }

    @Test func handleEntropyIsHigherForRandomHandles() {
        func entropy(_ handle: String) -> Double {
            TrustFeatureExtractor.features(of: TrustSubject(account: Account(platform: .twitter, platformID: "0", handle: handle)))[.handleEntropy]!
        }
        #expect(entropy("aaaaaaaa") == 0)
        #expect(entropy("x7k2q9zm4w") > entropy("annaanna"))
    }

    @Test func behaviourOfAClockworkRepeater() {
        var activity = PostingActivity()
        for i in 0..<20 {
            activity.add(at: 1_740_787_200 + Int64(i) * 3_600, text: "Best deals \(i) https://x.test/\(i) #promo",
                         isRepost: false, urls: 1, hashtags: 1, source: "AutoPoster", likes: 0, replies: 0, reposts: 0)
        }
        let account = Account(platform: .twitter, platformID: "b", handle: "b", followers: 10)
        let v = TrustFeatureExtractor.features(of: TrustSubject(account: account, activity: activity))
        // Same text with other digits and links: every post after the first repeats it.
        #expect(v[.duplicateTextShare] == 19.0 / 20)
        #expect(v[.gapEntropy] == 0) // exactly one hour apart
        #expect(v[.hourSpread]! > 0.9) // 20 distinct hours
        #expect(v[.automationApp] == 1 && v[.schedulerApp] == 0)
        #expect(v[.urlsPerPost] == 1 && v[.repostShare] == 0)
        #expect(v[.observedPostRate] == 20) // 20 posts within a day (spans count at least one day)
        #expect(v[.engagementRate] == 0)
    }

    @Test func undatedPostsCountButGiveNoTiming() {
        // TwiBot-20's tweets all carry the epoch marker (`Post.undated`).
        var activity = PostingActivity()
        for i in 0..<20 {
            activity.add(at: Int64(Post.undated.timeIntervalSince1970), text: "tweet \(i)", isRepost: false, urls: 0,
                         hashtags: 0, source: nil, likes: nil, replies: nil, reposts: nil)
        }
        let account = Account(platform: .twitter, platformID: "t", handle: "t")
        let v = TrustFeatureExtractor.features(of: TrustSubject(account: account, activity: activity))
        #expect(v[.observedPostRate] == nil && v[.gapEntropy] == nil && v[.hourSpread] == nil)
        #expect(v[.urlsPerPost] == 0 && v[.repostShare] == 0)
    }

    @Test func humanPostingIsIrregularAndFewPostsLeaveBehaviourUnknown() {
        var activity = PostingActivity()
        let gaps: [Int64] = [40, 7_200, 300, 86_000, 15, 2_000, 600_000, 90, 20_000]
        var t: Int64 = 1_740_787_200
        for (i, gap) in gaps.enumerated() {
            t += gap
            activity.add(at: t, text: "pensée numéro \(["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"][i])",
                         isRepost: i % 3 == 0, urls: 0, hashtags: 0, source: "Twitter for iPhone", likes: 5, replies: 1, reposts: 0)
        }
        let account = Account(platform: .twitter, platformID: "h", handle: "h", followers: 100)
        let v = TrustFeatureExtractor.features(of: TrustSubject(account: account, activity: activity))
        #expect(v[.gapEntropy]! > 0.5)
        #expect(v[.duplicateTextShare] == 0)
        #expect(abs(v[.repostShare]! - 3.0 / 9) < 1e-12)
        #expect(v[.automationApp] == 0)

        var few = PostingActivity()
        few.add(at: 0, text: "a", isRepost: false, urls: 0, hashtags: 0, source: nil, likes: nil, replies: nil, reposts: nil)
        few.add(at: 10, text: "b", isRepost: false, urls: 0, hashtags: 0, source: nil, likes: nil, replies: nil, reposts: nil)
        let w = TrustFeatureExtractor.features(of: TrustSubject(account: account, activity: few))
        #expect(w[.repostShare] == nil && w[.gapEntropy] == nil && w[.automationApp] == nil && w[.engagementRate] == nil)
    }

    @Test func repeatedTextHashIgnoresCaseDigitsLinksAndSpacing() {
        let a = PostingActivity.textHash("Best deals 12 today https://a.test/x")
        #expect(a == PostingActivity.textHash("best  DEALS 99 today\nHTTPS://other.test/y"))
        #expect(a == PostingActivity.textHash("Best deals today www.site.test"))
        #expect(a != PostingActivity.textHash("Best offers today"))
        #expect(PostingActivity.textHash("Élan réseau") == PostingActivity.textHash("Élan réseau 2"))
        #expect(PostingActivity.textHash("https://only.link 123") == 0)
    }

    @Test func sourceApplicationsAreClassified() {
        #expect(SourceApplication.classify("dlvr.it") == .automation)
        #expect(SourceApplication.classify("PostBot Pro") == .automation)
        #expect(SourceApplication.classify("Hootsuite Inc.") == .scheduler)
        #expect(SourceApplication.classify("Twitter for Android") == .client)
    }

    @Test func recentEngagementKeepsTheLatestTwelve() {
        var activity = PostingActivity()
        for i in 0..<30 {
            activity.add(at: Int64(i), text: "post \(String(UnicodeScalar(65 + i)!))", isRepost: false, urls: 0, hashtags: 0,
                         source: nil, likes: i, replies: 1, reposts: 0)
        }
        #expect(activity.recentEngagement.count == EngagementBenchmark.recentPosts)
        #expect(Set(activity.recentEngagement.map(\.at)) == Set((18..<30).map(Int64.init)))
    }

    @Test func tiersAndBenchmarks() {
        #expect(InfluenceTier(followers: 9_999) == .nano)
        #expect(InfluenceTier(followers: 10_000) == .micro)
        #expect(InfluenceTier(followers: 999_999) == .macro)
        #expect(InfluenceTier(followers: 1_000_000) == .mega)
        #expect(EngagementBenchmark.band(followers: 999) == nil)
        #expect(EngagementBenchmark.band(followers: 3_000)?.meanRate == 0.0721)
        #expect(EngagementBenchmark.band(followers: 20_000)?.label == "20k–100k")
        #expect(EngagementBenchmark.band(followers: 5_000_000)?.meanRate == 0.0186)
    }

    @Test func audienceQualityFindsAPodAndSuspiciousEngagers() {
        var activity = PostingActivity()
        for i in 0..<12 {
            activity.add(at: Int64(i) * 86_400, text: "photo du jour \(String(UnicodeScalar(97 + i)!))", isRepost: false,
                         urls: 0, hashtags: 0, source: nil, likes: 300, replies: 10, reposts: 0)
        }
        let account = Account(platform: .instagram, platformID: "inf", handle: "inf", followers: 50_000)
        let subject = TrustSubject(account: account, activity: activity)
        // Accounts 1–5 engage with every post; 200 others once each. Accounts 1–5 are bots.
        var engagements: [Engagement] = []
        func key(_ id: Int) -> AccountKey { AccountKey(platform: .instagram, platformID: String(id)) }
        for post in 0..<12 {
            for id in 1...5 { engagements.append(Engagement(source: key(id), kind: .like, postID: "p\(post)", at: Date())) }
        }
        for id in 1_000..<1_010 { engagements.append(Engagement(source: key(id), kind: .like, postID: "p0", at: Date())) }
        for id in 2_000..<2_020 { engagements.append(Engagement(source: key(id), kind: .follow, postID: nil, at: Date())) }
        let model = TrustModelTests.tinyModel()
        let bot = model.score(TrustFeatureVector([.followers: 1, .defaultImage: 1, .repostShare: 0.9]), platform: .other)
        let person = model.score(TrustFeatureVector([.followers: 3_000, .defaultImage: 0, .repostShare: 0.1]), platform: .other)
        let audience = AudienceAnalyzer(tierLikesPerReply: [.micro: 30]).analyse(subject, engagements: engagements) { key in
            let id = Int(key.platformID)!
            return id <= 5 ? bot : id < 2_000 ? person : nil
        }
        #expect(audience.tier == .micro)
        #expect(abs(audience.engagementRate! - 310.0 / 50_000) < 1e-12)
        #expect(abs(audience.benchmarkRatio! - (310.0 / 50_000) / 0.0247) < 1e-9)
        #expect(audience.engagersSuspicious?.suspicious == 5 && audience.engagersSuspicious?.scored == 15)
        #expect(audience.followersSuspicious?.known == 20 && audience.followersSuspicious?.scored == 0)
        #expect(audience.pod?.isLikelyPod == true && audience.pod?.recurringEngagers == 5)
        #expect(audience.findings.contains { $0.contains("likely pod") })
        #expect(audience.likesPerReply == 30)
        #expect(!audience.findings.contains { $0.contains("far from the tier") })
    }
}
