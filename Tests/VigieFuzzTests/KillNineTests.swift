import Foundation
import GRDB
import Testing
import VigieSynth

extension Tag {
    /// Tests that take tens of seconds (processes killed and run again, the long fuzz set).
    @Tag static var slow: Self
}

/// An import of a generated file killed with SIGKILL at several points (early, midway, during
/// the final index build), after each kill a store that passes SQLite's and FTS5's integrity
/// checks, and a last run that completes it to exactly what a clean import stores.
@Suite(.serialized) struct KillNineTests {
    @Test("kill -9 during an import leaves a sound store, and running it again completes it", .tags(.slow))
    func killedImportsRecover() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // twarc2 pages: 24,000 posts make about 38 MB, past the 32 MB from which an import drops the
        // read indexes and builds them again at the end, so the last kills land in that build.
        let posts = Int(ProcessInfo.processInfo.environment["VIGIE_KILL_POSTS"] ?? "") ?? 24_000
        let data = try SynthGenerator(configuration: SynthConfiguration(posts: posts, seed: 9))
            .generate(format: .twitterV2, to: directory.appendingPathComponent("data")).dataFile.path
        let clean = directory.appendingPathComponent("clean.sqlite").path
        let killed = directory.appendingPathComponent("killed.sqlite").path
        let arguments = { (database: String) in ["ingest", data, "--database", database, "--no-language-id", "--quiet"] }

        let reference = try VigieProcess.run(arguments(clean), in: directory, timeout: 600)
        #expect(reference.status == 0, "\(reference.stderr)")
        let cleanSeconds = reference.seconds

        // Early, midway, late and into the final index build (the last quarter of the run).
        var random = FuzzRandom(seed: 31)
        for fraction in [0.1, 0.45, 0.8, 0.95] {
            let delay = cleanSeconds * (fraction + Double(random.int(0...50)) / 1_000)
            let killedAt = try Self.runAndKill(arguments(killed), in: directory, after: delay)
            try Self.expectSound(killed, note: "after kill -9 at \(String(format: "%.1f", killedAt)) s")
        }
        let completion = try VigieProcess.run(arguments(killed), in: directory, timeout: 600)
        #expect(completion.status == 0, "\(completion.stderr)")
        try Self.expectSound(killed, note: "after the completing run")
        #expect(try Self.digest(killed) == Self.digest(clean))
    }

    /// Starts `vigie`, sends SIGKILL after `delay` seconds (unless it finished), returns when it was killed.
    static func runAndKill(_ arguments: [String], in directory: URL, after delay: Double) throws -> Double {
        let process = Process()
        process.executableURL = VigieProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + delay) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        return delay
    }

    /// SQLite's integrity check and FTS5's own on the file as the killed process left it.
    static func expectSound(_ path: String, note: String) throws {
        let database = try DatabaseQueue(path: path)
        try database.writeWithoutTransaction { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            #expect(integrity == ["ok"], "\(note): \(integrity.prefix(5))")
            if try db.tableExists("post_fts") {
                #expect(throws: Never.self, "\(note): FTS5 integrity-check failed") {
                    try db.execute(sql: "INSERT INTO post_fts(post_fts) VALUES('integrity-check')")
                }
            }
        }
    }

    /// What a user can see of a store: every post, account, interaction and entity, as counts and a digest.
    static func digest(_ path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: path, configuration: configuration)
        return try database.read { db in
            let queries = [
                "SELECT platform, platform_id, current_version_id, text, created_at, language, reply_to_platform_id, repost_of_platform_id FROM post ORDER BY platform, platform_id",
                "SELECT platform, platform_id, handle, followers FROM account ORDER BY platform, platform_id",
                "SELECT i.kind, i.via_platform_id, i.target_post_platform_id, s.platform_id FROM interaction i JOIN account s ON s.id = i.source_account_id ORDER BY 1, 2, 3, 4",
                "SELECT p.platform_id, h.position, h.tag FROM post_hashtag h JOIN post p ON p.id = h.post_id ORDER BY 1, 2",
                "SELECT p.platform_id, m.position, m.handle FROM post_mention m JOIN post p ON p.id = m.post_id ORDER BY 1, 2",
                "SELECT p.platform_id, u.position, u.url FROM post_url u JOIN post p ON p.id = u.post_id ORDER BY 1, 2",
                "SELECT COUNT(*) FROM post_fts",
            ]
            return try queries.map { sql in
                var hasher = Hasher()
                var rows = 0
                for row in try Row.fetchAll(db, sql: sql) {
                    rows += 1
                    for value in row.databaseValues { hasher.combine(value.description) }
                }
                return "\(rows) rows, digest \(hasher.finalize()): \(sql.prefix(40))"
            }
        }
    }
}
