import Foundation
import Testing
@testable import VigieCore

@Suite struct CoordinationTextTests {
    @Test(arguments: [
        ("https://www.Example.COM/Path/?utm_source=x&id=3&fbclid=abc#top", "example.com/Path?id=3"),
        ("http://example.com/", "example.com"),
        ("example.com/a//", "example.com/a"),
        ("https://news.site.fr/article?gclid=1&utm_medium=social", "news.site.fr/article"),
        ("HTTPS://WWW.site.org/A?b=1&UTM_Campaign=z", "site.org/A?b=1"),
    ])
    func urlNormalisation(raw: String, expected: String) {
        #expect(CoordinationText.normalizedURL(raw) == expected)
    }

    @Test func emptyURLHasNoKey() {
        #expect(CoordinationText.normalizedURL("  ") == nil)
        #expect(CoordinationText.normalizedURL("https://") == nil)
    }

    @Test func textNormalisation() {
        #expect(CoordinationText.normalizedText("RT @someone: Voilà CE que l’on   nous cache https://t.co/x")
                == "voila ce que l' on nous cache")
        #expect(CoordinationText.normalizedText("Trop bien !") == nil)
        #expect(CoordinationText.normalizedText("@a @b @c @d @e @f") == nil)
        #expect(CoordinationText.normalizedText("Five words are just enough #Tag")
                == "five words are just enough #tag")
    }

    @Test func hashtagSetKey() {
        #expect(CoordinationText.hashtagSetKey(["Été", "ete", "Zut"]) == "ete zut")
        #expect(CoordinationText.hashtagSetKey([]) == nil)
    }
}

@Suite struct CoordinationToolkitKeysTests {
    typealias F = CoordinationFixture

    @Test func toolkitTextKeepsLinksAndDropsMentionRuns() {
        #expect(CoordinationText.toolkitText("RT @Bob: Hello  WORLD https://x.co/A mail@host.fr ok")
                == "rt hello world https://x.co/a mail ok")
        #expect(CoordinationText.toolkitText("  ") == "")
    }

    /// ASCII text takes a byte path; it must agree with the Unicode path, which a trailing
    /// non-ASCII word forces.
    @Test(arguments: ["RT @Bob: Hello  WORLD https://x.co/A mail@host.fr ok", "a@b c", "@x", " lead\ttab\nline @m end ",
                      "foo@bar baz", "Same TEXT", "x\r\ny", "@a@b c@d e", ""])
    func toolkitTextAsciiPathAgreesWithUnicodePath(text: String) {
        let ascii = CoordinationText.toolkitText(text)
        #expect(CoordinationText.asciiToolkitText(text) == ascii)
        let unicode = CoordinationText.toolkitText(text + " Été")
        #expect(unicode == (ascii.isEmpty ? "été" : ascii + " été"))
    }

    @Test func toolkitKeysMatchShortTextsAndRawLinks() {
        let posts = [
            F.post("1", by: "a", at: 0, text: "Merci !", urls: ["https://Site.org/x/"]),
            F.post("2", by: "b", at: 3, text: "merci !", urls: ["https://Site.org/x/"]),
            F.post("3", by: "c", at: 4, text: "MERCI ! @c", urls: ["https://site.org/x"]),
        ]
        let toolkit = CoordinationDetector(options: .init(minWeight: 1, types: [.coPost, .coLink]))
            .detect(in: CoordinationInput(posts: posts, keys: .toolkit))
        #expect(toolkit.pairs(.coPost) == ["a-b", "a-c", "b-c"])
        #expect(toolkit.pairs(.coLink) == ["a-b"])
        let normalized = F.detect(posts, types: [.coPost, .coLink])
        #expect(normalized.pairs(.coPost).isEmpty)
        #expect(normalized.pairs(.coLink) == ["a-b", "a-c", "b-c"])
    }

    @Test func coTextWorksWithoutShingles() {
        let text = "the very same words in both of these posts"
        let posts = [F.post("1", by: "a", at: 0, text: text), F.post("2", by: "b", at: 5, text: text)]
        let detector = CoordinationDetector(options: .init(minWeight: 1))
        let network = detector.detect(in: CoordinationInput(posts: posts, keepsShingles: false))
        #expect(network.pairs(.coPost) == ["a-b"])
        #expect(network.pairs(.coSimilar).isEmpty)
        #expect(detector.detect(in: CoordinationInput(posts: posts)).pairs(.coSimilar) == ["a-b"])
    }
}

@Suite struct ToolkitTextOnBytesTests {
    /// The scalar-by-scalar path gives the `String` path's key, or declines.
    @Test func unicodePathAgreesWithTheStringPath() {
        let texts = [
            "ÉCOLE fermée @Jean-Éric demain", "Ça va\u{00A0}bien, et TOI ?", "prix\u{202F}: 10 €", "İstanbul ÇOK güzel",
            "ΣΑΣ ΟΔΟΣ", "ǅemal ǈ", "Straße GROSS", "👍🏽 OK 👨‍👩‍👧 fine", "été \u{2003}hiver\u{3000}printemps",
            "@MarieCurie\u{00A0}bonjour", "line\u{2028}separated", "ﬁn ＡＢＣ",
        ]
        var out: [UInt8] = []
        var agreed = 0
        for text in texts {
            var copy = text
            let handled = copy.withUTF8 { CoordinationText.unicodeToolkitText($0, into: &out) }
            if handled {
                #expect(String(decoding: out, as: UTF8.self) == CoordinationText.toolkitText(text), "\(text)")
                agreed += 1
            }
        }
        #expect(agreed >= texts.count - 1)
        // A combining mark right after a space would join the space's grapheme: declined.
        var tricky = "a \u{0301}b"
        #expect(!tricky.withUTF8 { CoordinationText.unicodeToolkitText($0, into: &out) })
    }
}
