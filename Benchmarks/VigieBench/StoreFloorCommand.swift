import ArgumentParser
import Foundation
import VigieCore
import VigieIngest
import VigieStore

/// The SQLite floor of an import (issue 19, scripts/bench-speed): the file is decoded as
/// `vigie ingest` decodes it, and each batch's rows and full-text documents are inserted into a
/// fresh store with nothing else (``SQLiteInsertFloor``). Prints the SQLite seconds (the floor)
/// and posts per second at that floor, as TSV.
struct StoreFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-floor",
        abstract: "Insert a file's rows and full-text documents into a fresh SQLite store with nothing else; time SQLite alone."
    )

    @Argument(help: ArgumentHelp("The file to import (any format `vigie ingest` reads).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The database file to create (must not exist).", valueName: "path"))
    var database: String

    @Option(help: "Items per transaction, as `vigie ingest --batch-size`.")
    var batchSize = 10_000

    @Option(help: "FTS5 automerge.")
    var automerge = 8

    @Option(help: "FTS5 crisismerge (SQLite's default when not given).")
    var crisismerge: Int?

    @Option(help: "FTS5 hashsize in bytes (SQLite's default, 1 MiB, when not given).")
    var hashsize: Int?

    @Flag(help: "Keep the read indexes during the load instead of building them at the end.")
    var keepIndexes = false

    @Flag(help: "Insert no full-text documents (what the index costs).")
    var noFullText = false

    @Flag(help: "PRAGMA synchronous = OFF (not crash-safe; for comparison only).")
    var synchronousOff = false

    func validate() throws {
        guard !FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("\(database) exists: the floor needs a fresh database file")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1.") }
    }

    func run() async throws {
        var settings = SQLiteInsertFloor.Settings()
        settings.automerge = automerge
        settings.crisismerge = crisismerge
        settings.hashsize = hashsize
        settings.deferReadIndexes = !keepIndexes
        settings.fullText = !noFullText
        settings.synchronousOff = synchronousOff
        let writer = try FloorWriter(path: database, settings: settings)
        let started = ContinuousClock.now
        _ = try await Importer(store: writer).importFile(at: file, options: ImportOptions(batchSize: batchSize))
        let figures = try await writer.finish()
        let wall = (ContinuousClock.now - started).components
        let seconds = Double(wall.seconds) + Double(wall.attoseconds) / 1e18
        print("posts\trows\tsqlite_s\tprepare_s\twall_s\tposts_per_s_at_floor")
        print("\(figures.posts)\t\(figures.rows)\t\(String(format: "%.2f", figures.sqlite))\t\(String(format: "%.2f", figures.preparing))\t"
              + "\(String(format: "%.2f", seconds))\t\(Int(Double(figures.posts) / max(figures.sqlite, 1e-9)))")
    }
}

/// The floor behind the importer's writer interface: batches arrive one at a time.
actor FloorWriter: StoreWriter {
    private let floor: SQLiteInsertFloor

    init(path: String, settings: SQLiteInsertFloor.Settings) throws {
        floor = try SQLiteInsertFloor(path: path, settings: settings)
    }

    func write(_ batch: IngestBatch, workspace: String) async throws -> WriteSummary {
        try floor.write(batch)
        return WriteSummary()
    }

    func finish() throws -> (posts: Int, rows: Int, sqlite: Double, preparing: Double) {
        try floor.finish()
        return (floor.posts, floor.rows, floor.sqliteSeconds, floor.preparingSeconds)
    }
}
