import GRDB

/// Migration `v9-speed` (issue 19): sentiment labels computed once per post.
enum SpeedSchema {
    static func createV9Speed(_ db: Database) throws {
        try db.execute(sql: """
            -- One label per post (NULL: the model left it unclassified), for the model named in
            -- `sentiment_model`; deleted with the post, and by the writer when the text changes.
            CREATE TABLE post_sentiment (
                post_id INTEGER PRIMARY KEY REFERENCES post(id) ON DELETE CASCADE,
                label TEXT
            );
            -- The model (file and lexicons) the workspace's stored labels come from.
            CREATE TABLE sentiment_model (
                workspace_id INTEGER PRIMARY KEY REFERENCES workspace(id),
                model TEXT NOT NULL
            );
            """)
    }
}
