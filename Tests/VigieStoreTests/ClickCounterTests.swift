import Foundation
import GRDB
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// The click counters kept at write time must give what a scan of the raw clicks gives: on
/// generated clicks written in group-commit batches, after retention, and after a store made
/// before the counters is upgraded.
@Suite("Click counters")
struct ClickCounterTests {
    static let codes = ["AAAAAAAAA1", "BBBBBBBBB2", "CCCCCCCCC3"]
    static let otherCode = "DDDDDDDDD4"
    static let euro = Currency(code: "EUR")!
    static let day = 86_400.0

    static func makeStore() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await addCampaigns(store)
        return store
    }

    static func addCampaigns(_ store: SQLiteStore) async throws {
        try await store.addCampaign(Campaign(name: "spring", startsAt: Fixture.at(0), currency: euro), workspace: "brand")
        for code in codes {
            try await store.addLink(ShortLink(code: code, campaign: "spring", target: "https://brand.example/"), workspace: "brand")
        }
        try await store.addCampaign(Campaign(name: "spring", startsAt: Fixture.at(0), currency: euro), workspace: "other")
        try await store.addLink(ShortLink(code: otherCode, campaign: "spring", target: "https://brand.example/"), workspace: "other")
    }

    /// What the report read before the counters: raw clicks counted on the fly, plus (`folded`)
    /// what that version's retention had put in the daily tables (its SQL, kept as the reference).
    static func scannedTraffic(_ reader: any DatabaseReader, folded: Bool, codes: [String] = codes) throws -> [LinkTraffic] {
        try reader.read { db in
            try codes.map { code in
                let linkID = try Int64.fetchOne(db, sql: "SELECT id FROM short_link WHERE code = ?", arguments: [code])!
                var counts: [String: TrafficCount] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT kind, coalesce(source, ''), count(*) FROM link_click WHERE link_id = ? GROUP BY kind, source
                    UNION ALL
                    SELECT kind, source, sum(clicks) FROM link_click_day WHERE link_id = ? AND ? GROUP BY kind, source
                    """, arguments: [linkID, linkID, folded]) {
                    let kind = ClickClass(rawValue: row[0])!
                    let source: String = row[1]
                    counts[kind.rawValue + " " + source, default: TrafficCount(code: code, kind: kind, source: source.isEmpty ? nil : source,
                                                                              clicks: 0)].clicks += row[2] as Int
                }
                let visitors = try Int.fetchOne(db, sql: """
                    SELECT (SELECT count(*) FROM (SELECT DISTINCT at_s / 86400, visitor FROM link_click
                                                 WHERE link_id = ? AND kind IN ('dark', 'social', 'search', 'web')))
                         + (SELECT coalesce(sum(visitors), 0) FROM link_visitor_day WHERE link_id = ? AND ?)
                    """, arguments: [linkID, linkID, folded])!
                let sorted = counts.values.sorted { ($0.kind.rawValue, $0.source ?? "") < ($1.kind.rawValue, $1.source ?? "") }
                return LinkTraffic(code: code, counts: sorted, uniqueVisitors: visitors)
            }
        }
    }

    static func count(_ store: SQLiteStore, _ sql: String) throws -> Int {
        try store.writer.read { db in try Int.fetchOne(db, sql: sql)! }
    }

    @Test func countersKeptPerBatchEqualTheRawClicks() async throws {
        let store = try await Self.makeStore()
        let planted = PlantedClicks(codes: Self.codes + [Self.otherCode], days: 6, perDay: 400, start: Fixture.at(0), seed: 7)
        for batch in planted.batches(largest: 60, seed: 8) {
            _ = try await store.recordClicks(batch)
        }
        let truth = PlantedClicks.traffic(of: planted.clicks, codes: Self.codes, stored: Self.codes + [Self.otherCode])
        let traffic = try await store.linkTraffic(workspace: "brand", campaign: "spring")
        #expect(traffic == truth)
        #expect(traffic == (try Self.scannedTraffic(store.writer, folded: false)))
        // The plant has what the counters must get right: returning visitors, replayed ids, every class.
        #expect(truth.allSatisfy { link in link.uniqueVisitors < link.counts.filter(\.kind.isHuman).map(\.clicks).reduce(0, +) })
        #expect(Set(truth.flatMap(\.counts).map(\.kind)) == Set(ClickClass.allCases))
        #expect(try Self.count(store, "SELECT count(*) FROM link_click") < planted.clicks.count)
        #expect(try await store.linkTraffic(workspace: "other", campaign: "spring")
                == PlantedClicks.traffic(of: planted.clicks, codes: [Self.otherCode], stored: Self.codes + [Self.otherCode]))
    }

    @Test func retentionDeletesClicksAndKeysButNotTheirCounts() async throws {
        let store = try await Self.makeStore()
        let first = PlantedClicks(codes: Self.codes + [Self.otherCode], days: 5, perDay: 300, start: Fixture.at(0), seed: 11)
        for batch in first.batches(largest: 40, seed: 12) {
            _ = try await store.recordClicks(batch)
        }
        let before = try await store.linkTraffic(workspace: "brand", campaign: "spring")
        let otherBefore = try await store.linkTraffic(workspace: "other", campaign: "spring")
        let firstDay = Int64(Fixture.at(0).timeIntervalSince1970) / 86_400
        // Days 0 to 2 go; the limit falls inside day 3, which stays whole.
        let deleted = try await store.compactClicks(before: Fixture.at(3 * Self.day + 3_600), workspace: "brand")
        #expect(deleted > 0)
        #expect(try await store.linkTraffic(workspace: "brand", campaign: "spring") == before)
        #expect(try await store.linkTraffic(workspace: "other", campaign: "spring") == otherBefore)
        let brandLinks = "link_id IN (SELECT id FROM short_link WHERE workspace_id = (SELECT id FROM workspace WHERE name = 'brand'))"
        #expect(try Self.count(store, "SELECT count(*) FROM link_click WHERE \(brandLinks) AND at_s / 86400 < \(firstDay + 3)") == 0)
        #expect(try Self.count(store, "SELECT count(*) FROM link_visitor_key WHERE \(brandLinks) AND day < \(firstDay + 3)") == 0)
        #expect(try Self.count(store, "SELECT count(*) FROM link_visitor_key WHERE \(brandLinks) AND day = \(firstDay + 3)") > 0)
        #expect(try Self.count(store, "SELECT count(*) FROM link_click WHERE NOT \(brandLinks)") > 0)
        #expect(try await store.compactClicks(before: Fixture.at(3 * Self.day + 3_600), workspace: "brand") == 0)

        // Later clicks on the days still held: a visitor already counted on day 3 or 4 is not counted again.
        let later = PlantedClicks(codes: Self.codes, days: 2, perDay: 300, start: Fixture.at(3 * Self.day), seed: 13)
        let renumbered = later.clicks.map { click -> LinkClick in
            var click = click
            click.clickID = click.clickID.map { "later-" + $0 }
            return click
        }
        _ = try await store.recordClicks(renumbered)
        #expect(try await store.linkTraffic(workspace: "brand", campaign: "spring")
                == PlantedClicks.traffic(of: first.clicks + renumbered, codes: Self.codes, stored: Self.codes + [Self.otherCode]))
    }

    @Test func upgradingAStoreAddsItsStoredClicksToTheCounters() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vigie.sqlite").path
        let planted = PlantedClicks(codes: Self.codes, days: 6, perDay: 300, start: Fixture.at(0), seed: 21)
        let firstDay = Int64(Fixture.at(0).timeIntervalSince1970) / 86_400

        // A store as the version before the counters wrote it: raw clicks only, the first two
        // days folded by that version's retention.
        let reference: [LinkTraffic]
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreMigrations.migrator.migrate(queue, upTo: "v10-privacy-requests")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO workspace(name) VALUES ('brand');
                    INSERT INTO campaign(workspace_id, name, objective, starts_at, currency, created_at)
                    VALUES ((SELECT id FROM workspace WHERE name = 'brand'), 'spring', 'conversions', 0, 'EUR', 0);
                    """)
                for code in Self.codes {
                    try db.execute(sql: """
                        INSERT INTO short_link(workspace_id, campaign_id, code, target, utm, permanent, click_id, created_at)
                        VALUES ((SELECT id FROM workspace WHERE name = 'brand'), (SELECT id FROM campaign WHERE name = 'spring'),
                                ?, 'https://brand.example/', '{}', 0, 1, 0)
                        """, arguments: [code])
                }
                for click in planted.clicks {
                    guard let linkID = try Int64.fetchOne(db, sql: "SELECT id FROM short_link WHERE code = ?", arguments: [click.code]) else {
                        continue
                    }
                    try db.execute(sql: """
                        INSERT INTO link_click(link_id, at_s, visitor, click_id, kind, source, referrer_domain, device, country)
                        VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL) ON CONFLICT DO NOTHING
                        """, arguments: [linkID, Int64(click.at.timeIntervalSince1970), click.visitor, click.clickID, click.kind.rawValue,
                                         click.source, click.device.rawValue])
                }
                let limit = (firstDay + 2) * 86_400
                try db.execute(sql: """
                    INSERT INTO link_click_day(link_id, day, kind, source, clicks)
                    SELECT link_id, at_s / 86400, kind, coalesce(source, ''), count(*) FROM link_click WHERE at_s < ?
                    GROUP BY link_id, at_s / 86400, kind, coalesce(source, '')
                    """, arguments: [limit])
                try db.execute(sql: """
                    INSERT INTO link_visitor_day(link_id, day, visitors)
                    SELECT link_id, day, count(*) FROM (SELECT DISTINCT link_id, at_s / 86400 AS day, visitor FROM link_click
                                                        WHERE at_s < ? AND kind IN ('dark', 'social', 'search', 'web'))
                    GROUP BY link_id, day
                    """, arguments: [limit])
                try db.execute(sql: "DELETE FROM link_click WHERE at_s < ?", arguments: [limit])
            }
            try queue.close()
        }
        do {
            // Read without migrating: what that version's report showed.
            let queue = try DatabaseQueue(path: path)
            reference = try Self.scannedTraffic(queue, folded: true)
            try queue.close()
        }
        let truth = PlantedClicks.traffic(of: planted.clicks, codes: Self.codes)
        #expect(reference == truth)

        let upgraded = try SQLiteStore(path: path)
        #expect(try await upgraded.linkTraffic(workspace: "brand", campaign: "spring") == truth)
        #expect(try Self.count(upgraded, "SELECT count(*) FROM link_visitor_key WHERE day < \(firstDay + 2)") == 0)
        // Clicks written after the upgrade join the rebuilt counters: a visitor of a day still
        // held is not counted twice.
        let more = planted.clicks.suffix(200).map { click -> LinkClick in
            var click = click
            click.clickID = click.clickID.map { "after-" + $0 }
            return click
        }
        _ = try await upgraded.recordClicks(Array(more))
        #expect(try await upgraded.linkTraffic(workspace: "brand", campaign: "spring")
                == PlantedClicks.traffic(of: planted.clicks + more, codes: Self.codes))
    }
}
