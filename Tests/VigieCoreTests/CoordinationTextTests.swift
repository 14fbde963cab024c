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
