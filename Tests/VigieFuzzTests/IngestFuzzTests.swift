import Foundation
import Testing

/// The fuzz suite over every import format: files of real and generated records, a share of
/// them damaged in one of the ways of `JSONMutation` and `CSVMutation`, imported by the built
/// `vigie`, each file in its own database and process.
///
/// The fast set runs in CI; the long set (`scripts/fuzz`, at least 100,000 mutated records per
/// format) gives the figures in the README.
@Suite(.serialized) struct IngestFuzzTests {
    static let formats: [FuzzFormat] = (try? FuzzSeeds.load()) ?? []
    static let names = ["twitter-v2", "bluesky-jetstream", "twitter-v1", "mastodon", "toolkit-csv", "csv", "instagram-csv"]

    static func format(_ name: String) throws -> FuzzFormat {
        try #require(formats.first { $0.name == name }, "the seeds of \(name) did not load (../shared/data missing?)")
    }

    static func expectClean(_ tally: FuzzTally) {
        print(tally.summary)
        let failures = tally.failures.joined(separator: "\n")
        #expect(tally.traps == 0, "\(tally.summary)\n\(failures)")
        #expect(tally.hangs == 0, "\(tally.summary)\n\(failures)")
        #expect(tally.unaccounted == 0, "\(tally.summary)\n\(failures)")
        #expect(tally.mutated > 0)
    }

    @Test("fast set: mutated records are imported or reported, never a trap or a hang", arguments: names)
    func mutatedRecords(format name: String) throws {
        let format = try Self.format(name)
        let tally = try FuzzCampaign(format: format, files: 16, recordsPerFile: 45, mutationRate: 0.4, large: false,
                                     seed: 2026_12_07, timeout: 90).run()
        Self.expectClean(tally)
    }

    /// `scripts/fuzz`: `VIGIE_FUZZ_LONG=100000` mutated records per format (at least), with a
    /// release binary in `VIGIE_FUZZ_BINARY`; the table goes to `VIGIE_FUZZ_REPORT`.
    @Test("long set (scripts/fuzz)", .enabled(if: ProcessInfo.processInfo.environment["VIGIE_FUZZ_LONG"] != nil))
    func longSet() throws {
        let environment = ProcessInfo.processInfo.environment
        let target = Int(environment["VIGIE_FUZZ_LONG"] ?? "") ?? 100_000
        let only = environment["VIGIE_FUZZ_FORMATS"].flatMap { $0.isEmpty ? nil : Set($0.split(separator: ",").map(String.init)) }
        let recordsPerFile = 400
        let rate = 0.5
        let files = Int((Double(target) / (Double(recordsPerFile) * rate) * 1.05).rounded(.up))
        var rows: [String] = []
        for name in Self.names where only?.contains(name) ?? true {
            let format = try Self.format(name)
            let tally = try FuzzCampaign(format: format, files: files, recordsPerFile: recordsPerFile, mutationRate: rate,
                                         large: true, seed: 7_000_003, timeout: 600).run()
            Self.expectClean(tally)
            #expect(tally.mutated >= target, "\(tally.mutated) mutated records, fewer than \(target)")
            rows.append("| \(name) | \(tally.files) | \(tally.records) | \(tally.mutated) | \(tally.traps) | \(tally.hangs) | "
                        + "\(tally.unaccounted) | " + String(format: "%.0f", tally.seconds) + " |")
            // Each format's row as soon as it is done: a run stopped midway still tells what it covered.
            FileHandle.standardOutput.write(Data("long set, \(rows[rows.count - 1])\n".utf8))
        }
        let table = (["| format | files | records | mutated | traps | hangs | unaccounted | seconds |",
                      "|---|---|---|---|---|---|---|---|"] + rows).joined(separator: "\n")
        print(table)
        if let path = environment["VIGIE_FUZZ_REPORT"] {
            try (table + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
