import Foundation
import Testing
@testable import VigieCore

/// The byte-level fast path of link normalisation gives what the general version gives.
@Suite struct LinkNormalizationTests {
    static let examples = [
        "https://www.Example.FR/a/b/?utm_source=x&id=3#frag", "http://ex.fr", "www.site.org/page", "https://",
        "HTTPS://WWW.X.COM/Path//", "https://user:pw@Host.com:8080/p?q=1&&fbclid=abc&UTM_medium=y&b", "ex.fr/?",
        "https://ex.fr/?=x&a=1", "https://ex.fr/a?b=1?c=2#d?e", "//ex.fr/x", "a://b://c", "ex.fr#x?y", " https://ex.fr ",
        "https://exémple.fr/é", "www.", "https://www./x", "@", "https://a@b@c.fr/", "?a", "#", "/", "https://ex.fr/a\r\nb",
        "t.co/abc", "https://ex.fr/p?gclid=1&igshid=2&mc_cid=3&keep=4&utm_=5",
    ]

    @Test func agreesWithTheGeneralNormalisation() {
        for link in Self.examples {
            #expect(CoordinationText.normalizedURL(link) == CoordinationText.generalNormalizedURL(link), "\(link)")
        }
        // Random links over the characters that matter.
        var random = SeededRandom(seed: 3)
        let alphabet = Array("aAwW.:/?#&=@_-%1 \tuUtTmM_é")
        for _ in 0..<20_000 {
            let link = String((0..<Int(random.next() % 24)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            let prefixed = ["", "https://", "http://www.", "www."][Int(random.next() % 4)] + link
            #expect(CoordinationText.normalizedURL(prefixed) == CoordinationText.generalNormalizedURL(prefixed), "\(prefixed)")
        }
    }
}
