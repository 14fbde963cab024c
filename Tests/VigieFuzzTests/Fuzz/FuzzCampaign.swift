import Foundation
import GRDB
import VigieCore

/// What a campaign found for one format.
struct FuzzTally: Sendable {
    var format: String
    var files = 0
    var records = 0
    var mutated = 0
    var traps = 0
    var hangs = 0
    /// Records without an outcome in the importer's own report (`records ≠ imported + skipped + rejected`).
    var unbalanced = 0
    /// Rejects counted in the report but not listed by the store (or the reverse).
    var rejectsNotListed = 0
    /// Good records not found in the store after the import.
    var goodLost = 0
    var seconds = 0.0
    var mutations: [String: Int] = [:]
    /// The first failures, with what is needed to rebuild them.
    var failures: [String] = []

    var unaccounted: Int { unbalanced + rejectsNotListed + goodLost }
    var clean: Bool { traps == 0 && hangs == 0 && unaccounted == 0 }

    var summary: String {
        "\(format): \(files) files, \(records) records (\(mutated) mutated): \(traps) traps, \(hangs) hangs, "
            + "\(unaccounted) unaccounted (\(unbalanced) without outcome, \(rejectsNotListed) rejects not listed, "
            + "\(goodLost) good records lost) in " + String(format: "%.0fs", seconds)
    }
}

/// Imports generated files of one format with the built `vigie`, each in a fresh database, and
/// checks: no trap, no hang, every record has one outcome, every reject is listed, every good
/// record is stored.
struct FuzzCampaign {
    let format: FuzzFormat
    let files: Int
    let recordsPerFile: Int
    let mutationRate: Double
    let large: Bool
    let seed: UInt64
    /// Per file.
    let timeout: Double
    var workers = 2

    func run() throws -> FuzzTally {
        let builder = FuzzFileBuilder(format: format, mutationRate: mutationRate, large: large)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let lock = NSLock()
        nonisolated(unsafe) var tally = FuzzTally(format: format.name)
        let started = Date()
        let perWorker = (files + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in (worker * perWorker)..<min(files, (worker + 1) * perWorker) {
                let caseSeed = seed &+ UInt64(index) &* 0x9E37_79B9
                let file = builder.make(seed: caseSeed, records: recordsPerFile)
                let result = check(file, seed: caseSeed, root: root)
                lock.withLock {
                    tally.files += 1
                    tally.records += file.records
                    tally.mutated += file.mutated
                    for (name, count) in file.mutations { tally.mutations[name, default: 0] += count }
                    tally.traps += result.traps
                    tally.hangs += result.hangs
                    tally.unbalanced += result.unbalanced
                    tally.rejectsNotListed += result.rejectsNotListed
                    tally.goodLost += result.goodLost
                    if let failure = result.failure, tally.failures.count < 10 { tally.failures.append(failure) }
                }
            }
        }
        tally.seconds = Date().timeIntervalSince(started)
        return tally
    }

    private struct CaseResult {
        var traps = 0, hangs = 0, unbalanced = 0, rejectsNotListed = 0, goodLost = 0
        var failure: String?
    }

    private func check(_ file: FuzzFile, seed: UInt64, root: URL) -> CaseResult {
        var result = CaseResult()
        let directory = root.appendingPathComponent("case-\(seed)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("input.\(file.fileExtension)")
        let outcome: VigieProcess.Outcome
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(file.bytes).write(to: path)
            var arguments = ["ingest", path.path, "--json", "--no-language-id", "--quiet"]
            if let format = file.formatArgument { arguments += ["--format", format] }
            outcome = try VigieProcess.run(arguments, in: directory, timeout: timeout)
        } catch {
            result.failure = "seed \(seed): could not run: \(error)"
            return result
        }
        func fail(_ what: String) {
            guard result.failure == nil else { return }
            let kept = Self.keep(file, format: format.name, seed: seed)
            result.failure = "\(format.name) seed \(seed) [\(file.shape)\(file.formatArgument.map { ", --format \($0)" } ?? "")]: "
                + what + " — input kept at \(kept)"
        }
        if outcome.trapped {
            result.traps = 1
            fail("trap: " + String(outcome.stderr.prefix(400)))
            return result
        }
        if outcome.hung {
            result.hangs = 1
            fail("no answer within \(Int(timeout)) s")
            return result
        }
        guard let reports = try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]],
              let report = reports.first else {
            result.goodLost = file.goodKeys.count
            fail("no import report (exit \(outcome.status ?? -1)): " + String(outcome.stderr.prefix(400)))
            return result
        }
        let int = { (key: String) in report[key] as? Int ?? 0 }
        let skipped = (report["skipped"] as? [String: Int] ?? [:]).values.reduce(0, +)
        let balance = int("records") - int("imported") - skipped - int("recordsRejected")
        if balance != 0 {
            result.unbalanced = abs(balance)
            fail("\(int("records")) records ≠ \(int("imported")) imported + \(skipped) skipped + \(int("recordsRejected")) rejected")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let database = try DatabaseQueue(path: directory.appendingPathComponent("vigie.sqlite").path,
                                             configuration: configuration)
            try database.read { db in
                // An account deletion in the data is applied through the erasure, which also removes
                // the rejected lines naming that account: its receipt counts them.
                let erased = try Int.fetchOne(db, sql: "SELECT coalesce(sum(json_extract(counts, '$.rejects')), 0) FROM erasure_receipt") ?? 0
                let listed = (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reject") ?? 0) + erased
                if listed != int("rejected") {
                    result.rejectsNotListed = abs(listed - int("rejected"))
                    fail("\(int("rejected")) rejects counted, \(listed) listed")
                }
                // A good record naming an account that a platform deletion in the file erased is
                // erased with it (the erasure receipt names the person by a keyed hash only).
                let erasedSubjects = Set(try String.fetchAll(db, sql: "SELECT subject_hash FROM erasure_receipt"))
                let privacyKey = erasedSubjects.isEmpty ? nil : try Data.fetchOne(db, sql: "SELECT key FROM privacy_key LIMIT 1")
                func wasErased(_ key: StoredKey) -> Bool {
                    guard let privacyKey else { return false }
                    let list = SuppressionList(key: Array(privacyKey))
                    return file.goodSubjects[key, default: []].contains { erasedSubjects.contains(list.hash($0)) }
                }
                var missing: [StoredKey] = []
                for key in file.goodKeys where try !Self.isStored(key, db) && !wasErased(key) { missing.append(key) }
                if !missing.isEmpty {
                    result.goodLost = missing.count
                    fail("\(missing.count) of \(file.goodKeys.count) good records not stored, first \(missing[0])")
                }
            }
        } catch {
            result.goodLost = file.goodKeys.count
            fail("cannot read the database: \(error)")
        }
        return result
    }

    static func isStored(_ key: StoredKey, _ db: Database) throws -> Bool {
        let sql: String
        let id: String
        switch key {
        case .post(let value):
            id = value
            sql = """
                SELECT EXISTS (SELECT 1 FROM post WHERE platform_id = ?1 OR current_version_id = ?1)
                    OR EXISTS (SELECT 1 FROM post_version WHERE version_platform_id = ?1)
                    OR EXISTS (SELECT 1 FROM tombstone WHERE platform_id = ?1)
                """
        case .account(let value):
            id = value
            sql = "SELECT EXISTS (SELECT 1 FROM account WHERE platform_id = ?1)"
        case .interaction(let value):
            id = value
            sql = """
                SELECT EXISTS (SELECT 1 FROM interaction WHERE via_platform_id = ?1)
                    OR EXISTS (SELECT 1 FROM tombstone WHERE platform_id = ?1)
                """
        case .tombstone(let value):
            id = value
            sql = "SELECT EXISTS (SELECT 1 FROM tombstone WHERE platform_id = ?1)"
        }
        return try Bool.fetchOne(db, sql: sql, arguments: [id]) ?? false
    }

    /// Keeps a failing input where it can be looked at (the campaign's folder is removed).
    static func keep(_ file: FuzzFile, format: String, seed: UInt64) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-fuzz-failures")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("\(format)-\(seed).\(file.fileExtension)")
        try? Data(file.bytes).write(to: url)
        return url.path
    }
}
