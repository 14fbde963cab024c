import GRDB

extension StoreMigrations {
    /// Campaigns, their influencers and short links, clicks, daily click aggregates and
    /// conversions. Clicks are the one large table: times in seconds (their resolution), the
    /// class and device as short text, no address anywhere.
    static func createV7Campaigns(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE campaign (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                name TEXT NOT NULL,
                objective TEXT NOT NULL,
                starts_at INTEGER NOT NULL,
                ends_at INTEGER,
                budget_minor INTEGER,
                currency TEXT NOT NULL,
                watch TEXT,
                link_base TEXT,
                created_at INTEGER NOT NULL,
                UNIQUE (workspace_id, name)
            );

            CREATE TABLE campaign_influencer (
                campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                platform TEXT NOT NULL,
                platform_id TEXT NOT NULL,
                handle TEXT NOT NULL,
                fee_minor INTEGER,
                PRIMARY KEY (campaign_id, platform, platform_id)
            ) WITHOUT ROWID;

            CREATE TABLE short_link (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                campaign_id INTEGER NOT NULL REFERENCES campaign(id),
                code TEXT NOT NULL UNIQUE,
                target TEXT NOT NULL,
                utm TEXT NOT NULL,
                influencer_platform TEXT,
                influencer_platform_id TEXT,
                channel TEXT,
                permanent INTEGER NOT NULL,
                click_id INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX short_link_campaign ON short_link(campaign_id);

            CREATE TABLE link_click (
                id INTEGER PRIMARY KEY,
                link_id INTEGER NOT NULL REFERENCES short_link(id),
                at_s INTEGER NOT NULL,
                visitor TEXT NOT NULL,
                click_id TEXT,
                kind TEXT NOT NULL,
                source TEXT,
                referrer_domain TEXT,
                device TEXT NOT NULL,
                country TEXT
            );
            CREATE INDEX link_click_link ON link_click(link_id, at_s);
            CREATE UNIQUE INDEX link_click_id ON link_click(click_id) WHERE click_id IS NOT NULL;

            CREATE TABLE link_click_day (
                link_id INTEGER NOT NULL REFERENCES short_link(id),
                day INTEGER NOT NULL,
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                clicks INTEGER NOT NULL,
                PRIMARY KEY (link_id, day, kind, source)
            ) WITHOUT ROWID;

            CREATE TABLE link_visitor_day (
                link_id INTEGER NOT NULL REFERENCES short_link(id),
                day INTEGER NOT NULL,
                visitors INTEGER NOT NULL,
                PRIMARY KEY (link_id, day)
            ) WITHOUT ROWID;

            CREATE TABLE conversion (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspace(id),
                idempotency_key TEXT NOT NULL,
                at INTEGER NOT NULL,
                value_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                link_id INTEGER REFERENCES short_link(id),
                click_at_s INTEGER,
                UNIQUE (workspace_id, idempotency_key)
            );
            CREATE INDEX conversion_link ON conversion(link_id);
            """)
    }
}

extension StoreMigrations {
    /// Click counters kept at write time (see ``ClickCounters``): the daily counts now hold every
    /// click, not only folded ones, and `link_visitor_key` remembers each day's visitors of each
    /// link so a new one is counted once. The raw clicks already stored are added once here.
    static func createV11ClickCounters(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE link_visitor_key (
                link_id INTEGER NOT NULL REFERENCES short_link(id),
                day INTEGER NOT NULL,
                visitor TEXT NOT NULL,
                PRIMARY KEY (link_id, day, visitor)
            ) WITHOUT ROWID;
            """)
        try ClickCounters.addRawClicks(db)
    }
}
