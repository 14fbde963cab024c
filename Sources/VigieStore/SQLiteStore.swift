import Foundation
import GRDB
import VigieCore

/// The embedded store: one SQLite file (WAL mode) with a full-text index over post text.
///
/// ```swift
/// let store = try SQLiteStore(path: "vigie.sqlite")
/// let summary = try store.write(IngestBatch(items: [.post(post)]), workspace: "default")
/// let hits = try store.searchPosts(workspace: "default", text: "réseau", limit: 20)
/// ```
///
/// Writes are serialised and each batch is one transaction; reads run concurrently with them.
/// Opening runs the schema migrations, so an older file is upgraded in place.
public final class SQLiteStore: Store, Sendable {
    let writer: any DatabaseWriter
    /// The database file, for error messages (`:memory:` for an in-memory store).
    public let path: String
    let cache = WriteCache()

    /// Opens (or creates) the database file at `path` and migrates it to the current schema.
    public init(path: String) throws {
        self.path = path
        do {
            let pool = try DatabasePool(path: path, configuration: Self.makeConfiguration())
            try Self.prepare(pool, path: path)
            writer = pool
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    private init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
    }

    /// A store that lives in memory only, for tests.
    public static func inMemory() throws -> SQLiteStore {
        let path = ":memory:"
        do {
            let queue = try DatabaseQueue(configuration: makeConfiguration())
            try prepare(queue, path: path)
            return SQLiteStore(writer: queue, path: path)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    static func makeConfiguration() -> Configuration {
        var config = Configuration()
        // Another importer on the same file gets a few seconds before the "locked" error.
        config.busyMode = .timeout(10)
        config.maximumReaderCount = 2
        config.prepareDatabase { db in
            // - page_size applies when the file is created: 8 KiB pages make shallower indexes.
            // - synchronous NORMAL is durable across process crashes in WAL mode (only a power
            //   loss may undo the last commits) and saves an fsync per batch.
            // - A 64 MiB page cache per connection: at a million posts the indexes outgrow 32 MiB
            //   and imports ran 1.8x slower; 128 MiB measured no faster than 64.
            // - Checkpointing every 64 MiB of WAL instead of 4 MiB: ingest rewrites the same index
            //   pages batch after batch, and fewer checkpoints copy them fewer times (+20%).
            try db.execute(sql: """
                PRAGMA page_size = 8192;
                PRAGMA synchronous = NORMAL;
                PRAGMA cache_size = -65536;
                PRAGMA wal_autocheckpoint = 8192;
                PRAGMA temp_store = MEMORY;
                """)
            // Readers (queries, dashboards) map the file instead of copying each page into their
            // cache: a query over millions of posts reads more index pages than the cache holds.
            // Not the writer: an import's resident memory would then count the mapped file.
            if db.configuration.readonly {
                try db.execute(sql: "PRAGMA mmap_size = 2147418112")
            }
        }
        return config
    }

    /// Refuses foreign or newer files, then migrates.
    private static func prepare(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = StoreMigrations.migrator
        try writer.read { db in
            // A SQLite file with tables but no migration log belongs to another application.
            let hasTables = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')
                """) ?? false
            if hasTables, try !db.tableExists("grdb_migrations") {
                throw StoreError(code: .notAVigieDatabase, path: path, message:
                    "file is not a Vigie database (it holds other tables); choose another --database path")
            }
            if hasTables, try migrator.hasBeenSuperseded(db) {
                throw StoreError(code: .newerSchema, path: path, message:
                    "the database was written by a newer version of vigie; upgrade vigie to open it")
            }
        }
        try migrator.migrate(writer)
        // Repairs a bulk load that was interrupted before it rebuilt its indexes. Checked with a
        // read first, so that opening never waits for the write lock of a running import.
        if try writer.read(StoreMigrations.readIndexesMissing) {
            try writer.write { db in try StoreMigrations.createReadIndexes(db) }
        }
    }

    /// Runs `body` and turns SQLite errors into `StoreError`s naming this file.
    func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    static func validate(workspace: String, path: String) throws {
        guard Workspace.isValidName(workspace) else {
            throw StoreError(code: .invalidWorkspace, path: path, message:
                "workspace name '\(workspace)' is invalid: use up to 64 letters, digits, '-' or '_'")
        }
    }
}
