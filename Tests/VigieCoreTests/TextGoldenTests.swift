import Foundation
import Testing
@testable import VigieCore

/// Pins what the text pipeline gives on real tweets, so that speed work cannot change it: the
/// tokens (which the query index stores), the weak-signal items, and the sentiment results
/// (label, probabilities, evidence, contributions), over every xlm-t tweet (train and
/// validation, eight languages) plus hand-made edge cases. Each check is a 64-bit FNV-1a digest
/// of a canonical dump, recorded from the implementation before the single-pass rewrite
/// (commit 853e2a0); on a mismatch, the test prints the first texts' dumps to compare by hand.
@Suite struct TextGoldenTests {
    /// Texts that exercise the tokeniser's corners, on top of the tweets.
    static let edgeCases: [String] = [
        "Bravo @Jean.Dupont et @marie@piaille.fr 👏🏽 #Écologie https://ex.fr/a?b=1. ❤️ 🇫🇷 👨‍👩‍👧",
        "a#b &#39; mail@example.com https://x.fr/page#section #2024 #tag2024",
        "l'influenceuse d’Instagram qu'il jusqu'à Lorsqu’on s'abonne, puisqu'elle n'aime c'est m'a t'as j'ai",
        "aujourd'hui don't students' peut-être 3.5 ÇA VA à LA PLAGE cœur Straße",
        "(voir https://fr.wikipedia.org/wiki/Vélo_(homonymie)) et [www.exemple.fr/x]… fin.",
        "e\u{0301}te\u{0301} \u{FF03}tag \u{FF20}handle x\r\ny\tz  #a\u{200D}b 1️⃣ ☀️ ❤ 🏳️‍🌈",
        "C'est pas terrible, mais j'adore la musique 😍 !!! ??? :) <3 :-( ;)",
        "RT @user: http t.co/abc www.site.com/path?q=1&r=2, WWW.Upper.COM. https://",
        "",
        "   ",
        "ПРИВЕТ мир مرحبا 日本語 Tiếng Việt #日本 @ab_c",
    ]

    static func corpus() throws -> [(language: String, text: String)] {
        let root = try LanguageTestSupport.labelledTweets()
        var texts: [(String, String)] = edgeCases.map { ("fr", $0) }
        for split in LabelledTweets.Split.allCases {
            for folder in try LabelledTweets.folders(root: root, split: split) {
                let language = LabelledTweets.folderLanguages[folder] ?? folder
                for example in try LabelledTweets.load(root: root, language: folder, split: split).examples {
                    texts.append((language, example.text))
                }
            }
        }
        return texts
    }

    struct Digest {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
        private(set) var lines = 0
        mutating func add(_ line: String) {
            for byte in line.utf8 {
                value ^= UInt64(byte)
                value = value &* 0x100_0000_01b3
            }
            value ^= 0x0A
            value = value &* 0x100_0000_01b3
            lines += 1
        }
    }

    static func dump(_ tokens: [Token]) -> String {
        tokens.map { "\($0.kind)|\($0.text)|\($0.folded)|\($0.position)" }.joined(separator: "\u{1F}")
    }

    static func dump(_ items: [TrendItemExtractor.Item]) -> String {
        items.map { "\($0.kind.rawValue):\($0.key)" }.joined(separator: "\u{1F}")
    }

    @Test(.enabled(if: LanguageTestSupport.hasLabelledTweets, LanguageTestSupport.missingLabelledTweets))
    func tokensAreUnchanged() throws {
        let corpus = try Self.corpus()
        var digest = Digest()
        for (_, text) in corpus { digest.add(Self.dump(Tokenizer.tokenize(text))) }
        print("tokens: \(digest.lines) texts, digest \(String(digest.value, radix: 16))")
        #expect(digest.lines == 17_304 + Self.edgeCases.count)
        #expect(digest.value == Self.tokenDigest, "first: \(corpus.prefix(3).map { Self.dump(Tokenizer.tokenize($0.text)) })")
    }

    @Test(.enabled(if: LanguageTestSupport.hasLabelledTweets, LanguageTestSupport.missingLabelledTweets))
    func trendItemsAreUnchanged() throws {
        let corpus = try Self.corpus()
        let stopWords = try StopWords(lexicons: LanguageTestSupport.lexicons())
        let extractors = [TrendItemExtractor(), TrendItemExtractor(stopWords: stopWords)]
        var digest = Digest()
        for (position, (language, text)) in corpus.enumerated() {
            // Every text with the per-language lists; a sample also without a known language, as
            // a reply, with source entities and with the built-in list (kept short: debug builds).
            digest.add(Self.dump(extractors[1].items(text: text, language: language)))
            guard position % 8 == 0 else { continue }
            for extractor in extractors {
                digest.add(Self.dump(extractor.items(text: text, language: nil, isReply: true)))
                digest.add(Self.dump(extractor.items(text: text, language: language, hashtags: ["Écologie"],
                                                     mentions: ["Jean"], urls: ["https://www.exemple.fr/a"])))
            }
            digest.add(Self.dump(extractors[0].items(text: text, language: language)))
        }
        print("trend items: \(digest.lines) extractions, digest \(String(digest.value, radix: 16))")
        #expect(digest.value == Self.itemDigest)
    }

    @Test(.enabled(if: LanguageTestSupport.hasLabelledTweets, LanguageTestSupport.missingLabelledTweets))
    func sentimentIsUnchanged() throws {
        let root = try LanguageTestSupport.labelledTweets()
        let analyzer = try LanguageTestSupport.analyzer.get()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var analyzed = Digest()
        var classified = Digest()
        var texts = Self.edgeCases.map { ("fr", $0) } + Self.edgeCases.map { ("en", $0) }
        for (folder, language) in [("french", "fr"), ("english", "en")] {
            texts += try LabelledTweets.load(root: root, language: folder, split: .validation).examples.map { (language, $0.text) }
        }
        texts += [("de", "Das ist gut 😍"), ("und", "super :)")]
        for (language, text) in texts {
            analyzed.add(try Self.dump(analyzer.analyze(text, language: language), encoder))
            let quick = analyzer.classify(text, language: language)
            classified.add("\(quick.label)|\(quick.score.bitPattern)")
        }
        // The language left to the lexicons.
        for (_, text) in texts.prefix(200) {
            analyzed.add(try Self.dump(analyzer.analyze(text, language: nil), encoder))
        }
        print("sentiment: \(analyzed.lines) results, digests \(String(analyzed.value, radix: 16)) \(String(classified.value, radix: 16))")
        #expect(analyzed.value == Self.sentimentDigest)
        #expect(classified.value == Self.classifyDigest)
    }

    /// The result as JSON, its probabilities (a dictionary, encoded in hash order) apart and sorted.
    static func dump(_ result: SentimentResult, _ encoder: JSONEncoder) throws -> String {
        var copy = result
        copy.probabilities = [:]
        let probabilities = SentimentLabel.allCases.map { "\(result.probabilities[$0]?.bitPattern ?? 0)" }
        return String(decoding: try encoder.encode(copy), as: UTF8.self) + probabilities.joined(separator: ",")
    }

    // Recorded on 853e2a0 (before the rewrite).
    static let tokenDigest: UInt64 = 0x7d17_8f02_f69d_538b
    static let itemDigest: UInt64 = 0x9c21_11bb_0405_c2a7
    static let sentimentDigest: UInt64 = 0xd2b0_7d37_a894_93f4
    static let classifyDigest: UInt64 = 0x044b_2da5_3d75_892e
}
