import Foundation
import Testing
@testable import VigieCore

/// The core's seeded generator, with a Poisson draw for synthetic test streams.
typealias TestRandom = SeededRandom

extension SeededRandom {
    /// A Poisson draw (Knuth; fine for the small means used here).
    mutating func poisson(_ mean: Double) -> Int {
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var k = 0, p = 1.0
        repeat { k += 1; p *= unit() } while p > limit
        return k - 1
    }
}

@Suite struct PoissonTailTests {
    @Test func matchesClosedForms() {
        // P(X ≥ 1; 1) = 1 − e⁻¹; P(X ≥ 3; 0.5) = 1 − e^−0.5 (1 + 0.5 + 0.125); P(X ≥ 3; 5) = 1 − e⁻⁵ (1 + 5 + 12.5).
        #expect(abs(PoissonTail.upperTailScore(1, lambda: 1) - -log10(1 - exp(-1))) < 1e-9)
        #expect(abs(PoissonTail.upperTailScore(3, lambda: 0.5) - -log10(1 - exp(-0.5) * 1.625)) < 1e-9)
        #expect(abs(PoissonTail.upperTailScore(3, lambda: 5) - -log10(1 - exp(-5) * 18.5)) < 1e-9)
        #expect(PoissonTail.upperTailScore(0, lambda: 3) == 0)
    }

    @Test func verySmallProbabilitiesStayFinite() {
        // P(X ≥ 200; 0.01) ≈ 0.01^200 / 200!: far below Double's range, exact in log space.
        let score = PoissonTail.upperTailScore(200, lambda: 0.01)
        let expected = -(200 * log(0.01) - 0.01 - lgamma(201)) / log(10)
        #expect(score.isFinite)
        #expect(abs(score - expected) < 1e-3)
        #expect(PoissonTail.upperTailScore(20, lambda: 0.01) > PoissonTail.upperTailScore(5, lambda: 0.01))
    }
}

@Suite struct TrendItemExtractorTests {
    @Test func extractsEachKindOncePerPost() {
        let extractor = TrendItemExtractor()
        let items = extractor.items(text: "Le réseau cyclable de Lyon s'agrandit #Vélo #velo @Marie https://www.Example.fr/a?utm_source=x réseau",
                                    language: "fr")
        let byKind = Dictionary(grouping: items, by: \.kind).mapValues { $0.map(\.key) }
        #expect(byKind[.hashtag] == ["velo"])
        #expect(byKind[.mention] == ["marie"])
        #expect(byKind[.link] == ["example.fr/a"])
        #expect(byKind[.domain] == ["example.fr"])
        // "le" and "de" are stop words; "s'" is an elision; "reseau" is counted once.
        #expect(byKind[.term] == ["reseau", "cyclable", "lyon", "agrandit"])
        #expect(byKind[.phrase]?.contains("le reseau cyclable") == true)
        #expect(byKind[.phrase]?.contains("cyclable de lyon") == true)
    }

    @Test func stopWordsPlugInThroughAClosure() {
        let extractor = TrendItemExtractor(kinds: [.term], stopWords: ClosureStopWords { word, language in
            language == "fr" && word == "velo"
        })
        #expect(extractor.items(text: "velo rapide", language: "fr").map(\.key) == ["rapide"])
        #expect(extractor.items(text: "velo rapide", language: "en").map(\.key) == ["velo", "rapide"])
    }
}

@Suite struct WeakSignalDetectorTests {
    static let start = Date(timeIntervalSince1970: 1_740_787_200)   // 2025-03-01
    static let end = start.addingTimeInterval(20 * 86_400)

    /// 20 days of background from 200 authors, then bursts planted in the last 6 hours.
    static func makeIndex() -> TrendIndex {
        var random = TestRandom(seed: 7)
        var input = TrendInput(extractor: TrendItemExtractor(kinds: [.hashtag, .term]))
        let words = (0..<300).map { "mot\($0)" }
        var time = start
        while time < end {
            var items = [TrendItemExtractor.Item(.term, words[Int(random.next() % 300)])]
            if random.unit() < 0.2 { items.append(.init(.hashtag, "stable")) }
            // A weekly burst: #lundi on Monday mornings only.
            let day = Int(time.timeIntervalSince(start) / 86_400)
            let hour = Int(time.timeIntervalSince(start).truncatingRemainder(dividingBy: 86_400) / 3600)
            if day % 7 == 2, (6..<12).contains(hour), random.unit() < 0.3 { items.append(.init(.hashtag, "lundi")) }
            input.append(time: time, author: "a\(random.next() % 200)", items: items)
            time += 120   // 30 posts an hour
        }
        let last = end
        // Emerging: 30 authors over the last 5 hours.
        for i in 0..<30 {
            input.append(time: last.addingTimeInterval(-Double(i) * 600), author: "a\(i * 6)", items: [.init(.hashtag, "nouveau")])
        }
        // One account repeating itself 24 times, with three helpers.
        for i in 0..<40 {
            input.append(time: last.addingTimeInterval(-Double(i) * 300), author: i < 24 ? "spammer0" : "spammer\(1 + i % 3)",
                         items: [.init(.hashtag, "promo")])
        }
        // Twelve accounts within one minute.
        for i in 0..<12 {
            input.append(time: last.addingTimeInterval(-3600 - Double(i) * 5), author: "bot\(i)", items: [.init(.hashtag, "campagne")])
        }
        // A campaign diluted by ordinary uses: 18 posts within 3 minutes, then 22 spread over the
        // next two hours (under half within 10 minutes, but far too many for chance).
        for i in 0..<18 {
            input.append(time: last.addingTimeInterval(-7200 - Double(i) * 10), author: "relay\(i)", items: [.init(.hashtag, "dilue")])
        }
        for i in 0..<22 {
            input.append(time: last.addingTimeInterval(-Double(i) * 300), author: "a\(150 + i)", items: [.init(.hashtag, "dilue")])
        }
        // Twice only: noise.
        for i in 0..<2 {
            input.append(time: last.addingTimeInterval(-Double(i) * 900), author: "a\(i)", items: [.init(.hashtag, "rare")])
        }
        // Monday again: a recurring burst, as large as the ones before.
        for i in 0..<26 {
            input.append(time: last.addingTimeInterval(-Double(i) * 780), author: "a\(100 + i)", items: [.init(.hashtag, "lundi")])
        }
        return TrendIndex(input)
    }

    @Test func ranksTheNewItemFirstAndExplainsIt() throws {
        let report = WeakSignalDetector().report(in: Self.makeIndex())
        let first = try #require(report.signals.first)
        #expect(first.display == "#nouveau")
        #expect(first.posts == 30 && first.authors == 30)
        #expect(first.isNew && first.baselinePosts == 0)
        #expect(first.growth > 100)
        #expect(first.explanation.contains("30 posts from 30 authors in the last 6 h"))
        #expect(first.explanation.contains("14 d baseline"))
        #expect(first.buckets.reduce(0, +) == 30 && first.buckets.count == 6)
        // Nothing else emerges: the steady tag, the words and the two-post tag are not signals.
        #expect(report.signals.map(\.display) == ["#nouveau"])
    }

    @Test func flagsManufacturedAndRecurringBursts() throws {
        let report = WeakSignalDetector().report(in: Self.makeIndex())
        let flagged = Dictionary(uniqueKeysWithValues: report.flagged.map { ($0.display, Set($0.flags)) })
        #expect(flagged["#promo"]?.contains(.fewAuthors) == true)
        #expect(flagged["#promo"]?.contains(.dominantAuthor) == true)
        #expect(flagged["#campagne"] == [.synchronized])
        let dilue = try #require(report.flagged.first { $0.display == "#dilue" })
        #expect(dilue.flags == [.synchronized] && dilue.synchronizedShare < 0.5)
        #expect(flagged["#lundi"]?.contains(.recurring) == true)
        #expect(flagged["#rare"] == nil && flagged["#stable"] == nil)
        let campagne = try #require(report.flagged.first { $0.display == "#campagne" })
        #expect(campagne.explanation.contains("coordinated burst"))
    }

    @Test func needsHistoryBeforeJudging() {
        let index = Self.makeIndex()
        let early = WeakSignalDetector().report(in: index, at: Self.start.addingTimeInterval(86_400))
        #expect(early.signals.isEmpty)
        #expect(early.note?.contains("not enough history") == true)
    }

    @Test func backtestFindsWhenAnItemFirstRanks() throws {
        let index = Self.makeIndex()
        let replay = TrendBacktest.run(WeakSignalDetector(), on: index, from: Self.end.addingTimeInterval(-6 * 3600),
                                       through: Self.end, step: 1800)
        let first = try #require(replay.firstRanked[TrendBacktest.name(.hashtag, "nouveau")])
        // 30 posts at 10-minute steps: by the 5th author (40 minutes in), it must rank.
        #expect(first.authors >= 5 && first.authors < 30)
        #expect(replay.evaluations.count == 13)
        #expect(replay.firstRanked.keys.sorted() == [TrendBacktest.name(.hashtag, "nouveau")])
    }
}
