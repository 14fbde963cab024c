import GRDB
import VigieCore

/// Counters of clicks kept at write time, so that a report reads a few rows per link and day
/// instead of every click (44 s over 10M clicks before, see docs/campaigns.md).
///
/// - `link_click_day` counts every click ever stored by link, UTC day, class and source; the
///   raw clicks are only the detail (click ids for conversions) and retention may delete them.
/// - `link_visitor_key` holds each (link, day, visitor key) of a person's visit once, so the
///   write path knows whether a visitor is new that day; `link_visitor_day` counts them.
///   Retention deletes the keys with their clicks and keeps the counts.
///
/// A day is `at_s / 86400` in both Swift and SQL (integer division truncating toward zero), so
/// the counters written per batch and the ones rebuilt by SQL from raw clicks agree.
enum ClickCounters {
    struct DayKey: Hashable {
        var linkID: Int64
        var day: Int64
        var kind: String
        /// `''` for no source: the column is part of the primary key.
        var source: String
    }

    struct VisitorDay: Hashable {
        var linkID: Int64
        var day: Int64
    }

    /// What one group commit adds to the counters. The counts are summed in memory and written
    /// once per key at the end of the batch: a batch of 500 clicks on one link makes a handful
    /// of counter updates, not 500.
    struct Batch {
        private var clicks: [DayKey: Int] = [:]
        private var newVisitors: [VisitorDay: Int] = [:]
        private let rememberVisitor: Statement

        init(_ db: Database) throws {
            rememberVisitor = try db.cachedStatement(sql: """
                INSERT INTO link_visitor_key(link_id, day, visitor) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
                """)
        }

        /// Counts a click that was just stored (not one its click id made a duplicate).
        mutating func count(_ click: LinkClick, linkID: Int64, atSeconds: Int64, db: Database) throws {
            let day = atSeconds / 86_400
            clicks[DayKey(linkID: linkID, day: day, kind: click.kind.rawValue, source: click.source ?? ""), default: 0] += 1
            guard click.kind.isHuman else { return }
            try rememberVisitor.execute(arguments: [linkID, day, click.visitor])
            if db.changesCount > 0 { newVisitors[VisitorDay(linkID: linkID, day: day), default: 0] += 1 }
        }

        func save(_ db: Database) throws {
            let addClicks = try db.cachedStatement(sql: """
                INSERT INTO link_click_day(link_id, day, kind, source, clicks) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(link_id, day, kind, source) DO UPDATE SET clicks = clicks + excluded.clicks
                """)
            for (key, count) in clicks {
                try addClicks.execute(arguments: [key.linkID, key.day, key.kind, key.source, count])
            }
            let addVisitors = try db.cachedStatement(sql: """
                INSERT INTO link_visitor_day(link_id, day, visitors) VALUES (?, ?, ?)
                ON CONFLICT(link_id, day) DO UPDATE SET visitors = visitors + excluded.visitors
                """)
            for (key, count) in newVisitors {
                try addVisitors.execute(arguments: [key.linkID, key.day, count])
            }
        }
    }

    /// Adds the raw clicks of `link_click` to the counters: once, when a store made before the
    /// counters is upgraded. Until then `link_click_day` and `link_visitor_day` held only what
    /// retention had folded, and reports added the raw clicks on the fly; after this they hold
    /// everything. Rebuilding `link_visitor_key` from the raw clicks alone matches what those
    /// reports counted: a folded day's keys were already gone.
    static func addRawClicks(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO link_click_day(link_id, day, kind, source, clicks)
            SELECT link_id, at_s / 86400, kind, coalesce(source, ''), count(*) FROM link_click WHERE true
            GROUP BY link_id, at_s / 86400, kind, coalesce(source, '')
            ON CONFLICT(link_id, day, kind, source) DO UPDATE SET clicks = clicks + excluded.clicks
            """)
        try db.execute(sql: """
            INSERT INTO link_visitor_key(link_id, day, visitor)
            SELECT DISTINCT link_id, at_s / 86400, visitor FROM link_click WHERE kind IN (?, ?, ?, ?)
            ORDER BY 1, 2, 3
            """, arguments: SQLiteStore.humanKinds)
        try db.execute(sql: """
            INSERT INTO link_visitor_day(link_id, day, visitors)
            SELECT link_id, day, count(*) FROM link_visitor_key WHERE true GROUP BY link_id, day
            ON CONFLICT(link_id, day) DO UPDATE SET visitors = visitors + excluded.visitors
            """)
    }
}
