import Foundation
import Testing
import VigieCore

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
