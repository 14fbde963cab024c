import Foundation
import Testing
import VigieCore

@Suite struct TimeBucketsTests {
    let paris = TimeZone(identifier: "Europe/Paris")!

    func date(_ iso: String) -> Date { DateParsing.parse(iso)! }

    @Test func dayBucketsAreLocalDaysAcrossDaylightSaving() {
        // Summer time starts in Paris on 2025-03-30: that day lasts 23 hours.
        let buckets = TimeBuckets(size: .day, timeZone: paris, covering: date("2025-03-29T12:00:00Z")..<date("2025-03-31T12:00:00Z"))
        #expect(buckets.count == 3)
        #expect(buckets.boundaries[0] == date("2025-03-28T23:00:00Z"))
        #expect(buckets.interval(1).upperBound.timeIntervalSince(buckets.interval(1).lowerBound) == 23 * 3600)
        #expect(buckets.index(of: date("2025-03-29T23:30:00Z")) == 1)
        #expect(buckets.index(of: date("2025-03-29T22:59:59Z")) == 0)
        #expect(buckets.index(of: date("2025-04-02T00:00:00Z")) == nil)
        #expect(buckets.label(1).hasPrefix("2025-03-30T00:00:00+01:00"))
    }

    @Test func weeksStartOnMondayAndPreviousPeriodHasTheSameLength() {
        let buckets = TimeBuckets(size: .week, timeZone: TimeZone(identifier: "UTC")!, count: 2, endingAt: date("2025-03-12T10:00:00Z"))
        // 2025-03-10 is a Monday.
        #expect(buckets.boundaries == [date("2025-03-03T00:00:00Z"), date("2025-03-10T00:00:00Z"), date("2025-03-17T00:00:00Z")])
        let previous = buckets.previous
        #expect(previous.count == 2)
        #expect(previous.range.upperBound == buckets.range.lowerBound)
        #expect(previous.boundaries[0] == date("2025-02-17T00:00:00Z"))
    }

    @Test func hourBucketsCountBackFromTheEnd() {
        let buckets = TimeBuckets(size: .hour, timeZone: paris, count: 48, endingAt: date("2025-03-31T00:00:00Z"))
        #expect(buckets.count == 48)
        #expect(buckets.range.upperBound == date("2025-03-31T00:00:00Z"))
    }
}

@Suite struct DashboardBuilderTests {
    let start = DateParsing.parse("2025-03-10T00:00:00Z")!

    func post(_ day: Double, author: String, text: String, hashtags: [String] = [], likes: Int? = nil,
              urls: [String] = [], mentions: [String] = []) -> Post {
        Post(platform: .twitter, platformID: UUID().uuidString, authorID: author, authorHandle: author,
             createdAt: start.addingTimeInterval(day * 86_400), text: text, language: "fr", hashtags: hashtags,
             mentions: mentions.map { Mention(handle: $0) }, urls: urls, metrics: likes.map { PostMetrics(likes: $0) })
    }

    func makeBuilder(sentiment: DashboardAnalyzers.SentimentClassifier? = nil) -> DashboardBuilder {
        let buckets = TimeBuckets(size: .day, timeZone: TimeZone(identifier: "UTC")!, count: 7, endingAt: start.addingTimeInterval(7 * 86_400))
        return DashboardBuilder(watch: Watch(name: "velo", query: "velo"), buckets: buckets,
                                analyzers: DashboardAnalyzers(sentiment: sentiment), topCount: 3)
    }

    @Test func figuresCompareWithThePreviousPeriod() {
        var builder = makeBuilder()
        // Previous period: days -7..<0; period: days 0..<7; outside: day 8.
        builder.add(post(-3, author: "a", text: "velo lent", hashtags: ["Velo"], likes: 1))
        builder.add(post(0.5, author: "a", text: "velo rapide", hashtags: ["velo", "Paris"], likes: 4,
                         urls: ["https://www.lemonde.fr/a", "https://lemonde.fr/b"], mentions: ["Mairie"]))
        builder.add(post(1.5, author: "b", text: "velo rapide", hashtags: ["VELO"], likes: 2))
        builder.add(post(1.7, author: "b", text: "les velos", hashtags: ["climat"]))
        builder.add(post(8, author: "c", text: "velo", hashtags: ["velo"]))
        let d = builder.build()
        #expect(d.posts == .init(current: 3, previous: 1))
        #expect(d.posts.change == 2.0)
        #expect(d.uniqueAuthors == .init(current: 2, previous: 1))
        #expect(d.engagement.likes == .init(current: 6, previous: 1))
        #expect(d.volume.map(\.posts) == [1, 2, 0, 0, 0, 0, 0])
        #expect(d.top.hashtags.first == .init(value: "#velo", count: 2, previous: 1))
        #expect(d.top.hashtags.first?.change == 1.0)
        #expect(d.top.hashtags.contains { $0.value == "#paris" && $0.previous == 0 && $0.change == nil })
        // One domain per post however many links point at it; www. is dropped.
        #expect(d.top.domains == [.init(value: "lemonde.fr", count: 1, previous: 0)])
        #expect(d.top.mentions == [.init(value: "@mairie", count: 1, previous: 0)])
        #expect(d.top.authors.map(\.value) == ["@b", "@a"])
        // Terms: stop words (`les`) are left out; each term counts once per post.
        #expect(d.top.terms.contains(.init(value: "velo", count: 2, previous: 1)))
        #expect(!d.top.terms.contains { $0.value == "les" })
        #expect(d.sentiment == nil)
    }

    @Test func sentimentIsCountedWithTheInjectedClassifier() {
        var builder = makeBuilder(sentiment: { text, _ in
            text.contains("rapide") ? .positive : text.contains("lent") ? .negative : nil
        })
        builder.add(post(-3, author: "a", text: "velo lent"))
        builder.add(post(0.5, author: "a", text: "velo rapide"))
        builder.add(post(1.5, author: "b", text: "velo rapide"))
        builder.add(post(1.6, author: "b", text: "velo"))
        let sentiment = builder.build().sentiment
        #expect(sentiment?.positive == .init(current: 2, previous: 0))
        #expect(sentiment?.negative == .init(current: 0, previous: 1))
        #expect(sentiment?.unclassified == .init(current: 1, previous: 0))
    }

    /// Posts added by batches (text analyses on several threads) give the dashboard of adding
    /// them one by one, in the same order.
    @Test func batchesAnalysedInParallelGiveTheSameDashboard() async {
        let classify: DashboardAnalyzers.SentimentClassifier = { text, _ in
            text.contains("rapide") ? .positive : text.contains("lent") ? .negative : nil
        }
        let words = ["velo", "rapide", "lent", "piste", "lyon", "paris", "#velo", "climat", "train"]
        var random = SeededRandom(seed: 3)
        let posts = (0..<700).map { index in
            post(Double(random.next(in: -90...90)) / 10, author: "a\(index % 23)",
                 text: (0..<random.next(in: 1...6)).map { _ in words[random.next(in: 0...(words.count - 1))] }.joined(separator: " "),
                 hashtags: index % 5 == 0 ? ["Velo"] : [], likes: index % 3 == 0 ? index : nil)
        }
        var one = makeBuilder(sentiment: classify)
        for post in posts { one.add(post) }
        var batched = makeBuilder(sentiment: classify)
        await batched.add(Array(posts[..<300]))
        await batched.add(Array(posts[300...]))
        let expected = one.build()
        #expect(batched.build() == expected)
        #expect(expected.posts.current > 100 && expected.posts.previous > 100)
        #expect((expected.sentiment?.positive.current ?? 0) > 0)
    }

    @Test func shareOfVoiceSplitsThePeriodBetweenWatches() {
        var a = makeBuilder(), b = makeBuilder()
        for day in [0.1, 0.2, 0.3] { a.add(post(day, author: "x", text: "velo")) }
        b.add(post(0.4, author: "y", text: "train"))
        b.add(post(-1, author: "y", text: "train"))
        let share = ShareOfVoice([a.build(), b.build()])
        #expect(share.entries.map(\.share) == [0.75, 0.25])
        #expect(share.entries.map(\.previousShare) == [0, 1])
        #expect(share.entries[1].changePoints == -75)
        #expect(share.entries[0].shareByBucket.first == 0.75)
    }
}
