import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// Pins the FTS5 form of the core's full-text plans and documents: the plans' `MATCH` texts, the
/// indexed columns of a post (a contentless entry is removed by restating them exactly, so a
/// document must never change for a stored post), and plain-search expressions. Each check is a
/// 64-bit FNV-1a digest of a canonical dump recorded from the implementation that built FTS5
/// strings in the core (commit 6656205, the parent of the change); on a mismatch the first lines of the dump are printed.
@Suite struct FTS5GoldenTests {
    static func digest(_ lines: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in lines.joined(separator: "\n").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func check(_ lines: [String], _ expected: UInt64, _ what: String) {
        let found = digest(lines)
        #expect(found == expected, "\(what) changed: digest \(String(found, radix: 16)); first lines:\n\(lines.prefix(5).joined(separator: "\n"))")
    }

    @Test func plansRenderAsBefore() throws {
        var queries = QueryCorpus.queries + QueryCorpus.nearCase().queries
        queries += ["velo", "\"pistes cyclables\" NEAR/3 \"et lyon\"", "a OR b -c lang:fr", "(velo OR lang:en) platform:twitter",
                    "influenceuse", "happy", "cat", "reseaux NOT lyon", "cyclistes OR network", "l'été 🚀", "#velo_paris", "@zoe@masto.social"]
        var lines: [String] = []
        for text in queries {
            for stemmed in [false, true] {
                let plan = QueryPlan(try Query.parse(text, options: QueryOptions(stemmed: stemmed)))
                lines.append("\(stemmed ? "S" : "P")\t\(text)\t\(plan.fullText ?? "<nil>")\t\(plan.exact)")
            }
        }
        #expect(lines[0] == "P\tvelo\t(pos : \"velo\" NOT nw : \"velo\")\ttrue")
        #expect(lines[1] == "S\tvelo\t((pos : \"velo\" NOT nw : \"velo\")) OR (fr : \"velo\") OR (en : \"velo\")\ttrue")
        #expect(lines.contains("P\trenouvel*\tsure: (pos : \"renouvel\" *) NOT (nw : \"renouvel\" *) | tested: (pos : \"renouvel\" *) AND (nw : \"renouvel\" *)\tfalse"))
        #expect(lines.contains("P\tpiste NEAR/1 cyclable\tsure: (pos : NEAR(\"piste\" \"cyclable\", 1)) NOT ((handles : \"piste\") OR (nw : \"piste\") OR (handles : \"cyclable\") OR (nw : \"cyclable\")) | tested: ((((pos : \"piste\" NOT nw : \"piste\")) AND ((pos : \"cyclable\" NOT nw : \"cyclable\"))) AND (pos : NEAR(\"piste\" \"cyclable\", 1))) AND ((handles : \"piste\") OR (nw : \"piste\") OR (handles : \"cyclable\") OR (nw : \"cyclable\"))\tfalse"))
        Self.check(lines, 0x1867_8dfd_c68b_57b8, "plans")
    }

    @Test func documentsAreIndexedAsBefore() {
        var posts = QueryCorpus.nearCase().posts
        posts += QueryCorpus.texts.enumerated().map { i, text in
            Post(platform: .twitter, platformID: "\(i)", authorID: "a", createdAt: Date(timeIntervalSince1970: 0), text: text,
                 hashtags: ["Vélo", "zèbre", "a"], mentions: [Mention(handle: "zoe@masto.social"), Mention(handle: "Zoe"), Mention(handle: "éric")],
                 urls: ["https://www.sport.lemonde.fr/x", "http://z.example.org"])
        }
        posts += StoreConformance.trendPosts()
        let lines = posts.map { "D\t" + FTS5.columnValues(of: QueryIndex.document(for: $0)).joined(separator: "\t") }
        #expect(lines[240] == "D\tle reseau cyclable sz27 agrandit a lyon velo\tsz27\ta velo z7aebre\teric z7aoe z7aoe z7aoez40mastoz2esocial\texamplez2eorg fr lemondez2efr org sportz2elemondez2efr wwwz2esportz2elemondez2efr z7az2eexamplez2eorg\tcyclabl agrand\tcyclabl")
        Self.check(lines, 0xc765_7eac_5e1b_9ee9, "documents")
    }

    @Test func searchesRenderAsBefore() throws {
        let lines = try ["velo", "l'état \"réseau\"", "Électrique PANNE", "***", "zèbre z"].map { text throws in
            "Q\t\(text)\t\(try QueryIndex.searchForms(text).map(FTS5.search) ?? "<nil>")"
        }
        #expect(lines[1] == "Q\tl'état \"réseau\"\tpos : \"lz27\" AND pos : \"etat\" AND pos : \"reseau\"")
        Self.check(lines, 0x1918_a8ad_80ca_ac1c, "searches")
    }

    @Test func columnsFollowTheFields() {
        #expect(FTS5.columns == ["pos", "nw", "tags", "handles", "sites", "fr", "en"])
        #expect(FTS5.encode("velo") == "velo" && FTS5.encode("zebre") == "z7aebre" && FTS5.encode("é") == "zc3za9" && FTS5.encode("l'") == "lz27")
    }
}
