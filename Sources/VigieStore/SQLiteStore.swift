import Foundation
import GRDB
import Synchronization
import VigieCore

/// The embedded store: one SQLite file (WAL mode) with a full-text index over post text. It
/// implements every storage protocol of the core (``Store``).
///
/// ```swift
/// let store = try SQLiteStore(path: "vigie.sqlite")
/// let summary = try await store.write(IngestBatch(items: [.post(post)]), workspace: "default")
/// let hits = try await store.searchPosts(workspace: "default", text: "réseau", limit: 20)
/// ```
///
/// Writes are serialised and each batch is one transaction; reads run concurrently with them,
/// each in its own snapshot. Every operation runs on GRDB's own queues: the caller suspends, its
/// executor is never blocked. Opening runs the schema migrations, so an older file is upgraded in
/// place; `readOnly` opens a file without ever writing to it (read commands, read-only files).
public final class SQLiteStore: Store, Sendable {
    let writer: any DatabaseWriter
    /// The database file (`:memory:` for an in-memory store).
    public let path: String
    public let isReadOnly: Bool
    let cache = Mutex(WriteCache())

    public var location: String { path }

    /// How a process uses the store, which decides how its writer connection is tuned.
    public enum Usage: Sendable {
        /// Imports and one-shot commands: pages go through the connection's own cache, so the
        /// process's resident memory is its real use.
        case batch
        /// A writer that runs for hours into a growing file (`vigie listen`, `vigie serve`, bus
        /// workers). Once the store outgrows the page cache, every 64 MiB checkpoint copies the
        /// same hot index pages back into the file and syncs it: on a 4.8 GB store a listener at
        /// 5,000 events/s fell 10 s behind within four minutes. Checkpointing every 512 MiB of
        /// WAL kept its lag near 2 s on the same store, with the same memory (docs/live.md).
        case continuous

        var checkpointPages: Int { self == .continuous ? 65_536 : 8_192 }
    }

    /// Opens (or creates) the database file at `path` and migrates it to the current schema.
    /// With `readOnly`, the file must exist and be at the current schema; nothing is written.
    public init(path: String, readOnly: Bool = false, usage: Usage = .batch) throws {
        self.path = path
        isReadOnly = readOnly
        do {
            if readOnly {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw StoreError(code: .missing, location: path, message:
                        "no database here: import data first, or name another database")
                }
                var configuration = Self.makeConfiguration()
                configuration.readonly = true
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Self.checkCurrent(pool, path: path)
                writer = pool
            } else {
                let pool = try DatabasePool(path: path, configuration: Self.makeConfiguration(usage))
                try Self.prepare(pool, path: path)
                writer = pool
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    private init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
        isReadOnly = false
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

    static func makeConfiguration(_ usage: Usage = .batch) -> Configuration {
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
            //   A continuous writer checkpoints every 512 MiB (see `Usage`).
            if !db.configuration.readonly {
                try db.execute(sql: """
                    PRAGMA page_size = 8192;
                    PRAGMA synchronous = NORMAL;
                    PRAGMA wal_autocheckpoint = \(usage.checkpointPages);
                    """)
            }
            try db.execute(sql: """
                PRAGMA cache_size = -65536;
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
        try writer.read { db in try refuseForeign(db, migrator: migrator, path: path) }
        try migrator.migrate(writer)
        // Repairs a bulk load that was interrupted before it rebuilt its indexes. Checked with a
        // read first, so that opening never waits for the write lock of a running import.
        if try writer.read(StoreMigrations.readIndexesMissing) {
            try writer.write { db in try StoreMigrations.createReadIndexes(db) }
        }
    }

    /// A read-only open cannot migrate: the file must be at this version's schema already.
    private static func checkCurrent(_ reader: any DatabaseReader, path: String) throws {
        let migrator = StoreMigrations.migrator
        try reader.read { db in
            try refuseForeign(db, migrator: migrator, path: path)
            guard try migrator.hasCompletedMigrations(db) else {
                throw StoreError(code: .readOnly, location: path, message:
                    "the database was written by an older version of vigie and must be upgraded: open it once with write access")
            }
        }
    }

    private static func refuseForeign(_ db: Database, migrator: DatabaseMigrator, path: String) throws {
        // A SQLite file with tables but no migration log belongs to another application.
        let hasTables = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')
            """) ?? false
        if hasTables, try !db.tableExists("grdb_migrations") {
            throw StoreError(code: .notAVigieStore, location: path, message:
                "file is not a Vigie database (it holds other tables); choose another database file")
        }
        if hasTables, try migrator.hasBeenSuperseded(db) {
            throw StoreError(code: .newerSchema, location: path, message:
                "the database was written by a newer version of vigie; upgrade vigie to open it")
        }
    }

    /// Runs a read in its own snapshot on GRDB's reader queue; SQLite errors become
    /// ``StoreError``s naming this file.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Runs a write transaction on GRDB's writer queue.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard !isReadOnly else {
            throw StoreError(code: .readOnly, location: path, message:
                "this database was opened read-only; open it with write access to change it")
        }
        do {
            return try await writer.write(body)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    func validate(workspace: String) throws {
        try StoreError.validate(workspace: workspace, location: path)
    }
}
