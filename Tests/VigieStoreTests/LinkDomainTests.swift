import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// Links are stored with their domain (lowercased, without `www.`) for per-domain reads.
@Suite("SQLiteStore link domains")
struct LinkDomainTests {
    @Test func linkDomainsAreNormalised() async {
        #expect(linkDomain("https://www.Le-Monde.fr/politique/") == "le-monde.fr")
        #expect(linkDomain("http://user@host.example:8080?q") == "host.example")
        #expect(linkDomain("example.com/path") == "example.com")
        #expect(linkDomain("https://") == nil)
    }

    @Test func storedLinksCarryTheirDomain() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.write(Fixture.batch([.post(Fixture.post("p1", urls: ["https://www.Example.org:443/x?y#z", "http://short.ly"]))]),
                              workspace: "default")
        #expect(try store.strings("SELECT domain FROM post_url ORDER BY position") == ["example.org", "short.ly"])
    }
}
