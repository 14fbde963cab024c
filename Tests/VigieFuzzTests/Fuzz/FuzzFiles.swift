import Foundation
import VigieCore
import VigieIngest

/// One generated input file: good and mutated records of one format, in one layout, with the
/// keys that the good records must leave in the store.
struct FuzzFile: Sendable {
    var bytes: [UInt8] = []
    /// Records written (good and mutated).
    var records = 0
    var mutated = 0
    var mutations: [String: Int] = [:]
    /// What the good records store; each must be found after the import.
    var goodKeys: [StoredKey] = []
    /// The accounts each good record names (see ``FuzzFormat/stored(bySeed:)``).
    var goodSubjects: [StoredKey: Set<AccountKey>] = [:]
    /// `--format` to pass, or nil to let Vigie detect it.
    var formatArgument: String?
    /// Layout and whole-file changes, for failure messages.
    var shape: String = ""
    var fileExtension = "jsonl"

    mutating func addGood(_ key: StoredKey, subjects: Set<AccountKey>) {
        goodKeys.append(key)
        goodSubjects[key, default: []].formUnion(subjects)
    }
}

/// Builds fuzz files from a format's seeds; the same seed gives the same file.
struct FuzzFileBuilder {
    let format: FuzzFormat
    /// Share of records mutated.
    let mutationRate: Double
    /// Whether the slow sizes (50 MB fields, a million levels) may be drawn.
    let large: Bool
    /// Keys of the seeds, worked out once.
    let seedKeys: [StoredKey?]
    let seedSubjects: [Set<AccountKey>]

    init(format: FuzzFormat, mutationRate: Double, large: Bool) {
        self.format = format
        self.mutationRate = mutationRate
        self.large = large
        let stored = (0..<format.seedCount).map { format.stored(bySeed: $0) }
        seedKeys = stored.map(\.key)
        seedSubjects = stored.map(\.subjects)
    }

    func make(seed: UInt64, records count: Int) -> FuzzFile {
        var random = FuzzRandom(seed: seed)
        let layout = random.pick(format.layouts)
        var file = FuzzFile()
        file.shape = layout.rawValue
        file.formatArgument = random.chance(0.3) ? format.name : nil
        if format.kind == .csv {
            file.fileExtension = "csv"
            buildCSV(&file, count: count, random: &random)
        } else {
            file.fileExtension = layout == .lines ? "jsonl" : "json"
            buildJSON(&file, layout: layout, count: count, random: &random)
        }
        applyFileChanges(&file, layout: layout, random: &random)
        return file
    }

    // MARK: - JSON

    private func buildJSON(_ file: inout FuzzFile, layout: FuzzLayout, count: Int, random: inout FuzzRandom) {
        let pretty = layout == .prettyArray || layout == .prettyDocuments
        let separator: [UInt8]
        switch layout {
        case .compactArray: separator = [UInt8(ascii: ",")]
        case .prettyArray: separator = Array(",\n".utf8)
        default: separator = [0x0A]
        }
        var mutator = JSONMutator(random: FuzzRandom(seed: random.next()), large: large)
        let applicable = JSONMutation.allCases.filter { layout == .lines || !$0.needsLines }
        var parts: [[UInt8]] = []
        var joinNext = false
        var previousTouched = false
        for _ in 0..<count {
            let index = random.int(below: format.jsonSeeds.count)
            var value = format.jsonSeeds[index]
            file.records += 1
            // A record that a damaged neighbour ran into is not checked.
            let touched = previousTouched
            previousTouched = false
            guard random.chance(mutationRate) else {
                var bytes = pretty ? JSONWriter.write(value, pretty: true) : format.compactSeeds[index]
                if joinNext, !parts.isEmpty {
                    parts[parts.count - 1] += bytes
                    bytes = []
                    joinNext = false
                } else if let key = seedKeys[index], !touched {
                    file.addGood(key, subjects: seedSubjects[index])
                }
                if !bytes.isEmpty { parts.append(bytes) }
                continue
            }
            let mutation = random.pick(applicable)
            file.mutated += 1
            file.mutations[mutation.rawValue, default: 0] += 1
            value = mutator.mutate(value, mutation)
            var bytes = JSONWriter.write(value, pretty: pretty)
            bytes = mutator.mutate(bytes: bytes, mutation)
            switch mutation {
            case .duplicateRecord:
                parts.append(bytes)
                file.records += 1
            case .joinNext:
                bytes.removeLast(random.int(0...max(0, bytes.count - 1)))
                joinNext = true
                previousTouched = true
            case .newlineInside:
                bytes.insert(0x0A, at: random.int(0...bytes.count))
            default:
                // Structural damage inside an array or between documents may reach the next
                // record's first bytes only through the resynchronisation being wrong: checked.
                break
            }
            if joinNext, mutation != .joinNext, !parts.isEmpty {
                parts[parts.count - 1] += bytes
                joinNext = false
            } else {
                parts.append(bytes)
            }
        }
        switch layout {
        case .compactArray:
            file.bytes = [UInt8(ascii: "[")] + Array(parts.joined(separator: separator)) + [UInt8(ascii: "]")]
        case .prettyArray:
            file.bytes = Array("[\n".utf8) + Array(parts.joined(separator: separator)) + Array("\n]\n".utf8)
        default:
            file.bytes = Array(parts.joined(separator: separator)) + [0x0A]
        }
    }

    // MARK: - CSV

    private func buildCSV(_ file: inout FuzzFile, count: Int, random: inout FuzzRandom) {
        var mutator = CSVMutator(random: FuzzRandom(seed: random.next()), large: large)
        var lines: [[UInt8]] = [CSVMutator.write(format.csvHeader)]
        var joinNext = false
        var previousTouched = false
        for _ in 0..<count {
            let index = random.int(below: format.csvSeeds.count)
            file.records += 1
            let touched = previousTouched
            previousTouched = false
            var line: [UInt8]
            if random.chance(mutationRate) {
                let mutation = random.pick(CSVMutation.allCases)
                file.mutated += 1
                file.mutations[mutation.rawValue, default: 0] += 1
                line = mutator.mutate(format.csvSeeds[index], mutation, format: format)
                if mutation == .joinNext || mutation == .truncate && random.chance(0.3) {
                    if mutation == .joinNext, !line.isEmpty { line.removeLast(random.int(0...(line.count - 1))) }
                    previousTouched = true
                    lines.append(line)
                    joinNext = true
                    continue
                }
                // A runaway quote may cover the rows after it; recovery reads them again when
                // that is unambiguous, which the check of good rows verifies.
            } else {
                line = CSVMutator.write(format.csvSeeds[index])
                if let key = seedKeys[index], !touched { file.addGood(key, subjects: seedSubjects[index]) }
            }
            if joinNext {
                lines[lines.count - 1] += line
                joinNext = false
            } else {
                lines.append(line)
            }
        }
        file.bytes = Array(lines.joined(separator: [0x0A])) + [0x0A]
    }

    // MARK: - Whole file

    private func applyFileChanges(_ file: inout FuzzFile, layout: FuzzLayout, random: inout FuzzRandom) {
        var changes: [String] = []
        if random.chance(0.1) {
            // Blank lines between records.
            file.bytes = Array(file.bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                .joined(separator: Array("\n \n\t\n".utf8)))
            changes.append("blank lines")
        }
        if random.chance(0.15) {
            file.bytes = Array(file.bytes.split(separator: 0x0A, omittingEmptySubsequences: false).joined(separator: [0x0D, 0x0A]))
            changes.append("CRLF")
        } else if format.kind == .csv, random.chance(0.08) {
            file.bytes = file.bytes.map { $0 == 0x0A ? 0x0D : $0 }
            changes.append("CR line endings")
        }
        if random.chance(0.05) {
            file.bytes += Array(random.pick(["\ntrailing garbage", "\n}}}", "\n\"", "\u{0}\u{0}"]).utf8)
            changes.append("trailing garbage")
        }
        if random.chance(0.15) {
            file.bytes = [0xEF, 0xBB, 0xBF] + file.bytes
            changes.append("BOM")
        }
        if random.chance(0.05) {
            // UTF-16LE with a byte-order mark (what "Unicode text" exports write).
            var utf16: [UInt8] = [0xFF, 0xFE]
            for unit in String(decoding: file.bytes, as: UTF8.self).utf16 {
                utf16.append(UInt8(unit & 0xFF))
                utf16.append(UInt8(unit >> 8))
            }
            file.bytes = utf16
            changes.append("UTF-16")
        }
        file.shape = ([layout.rawValue] + changes).joined(separator: ", ")
    }
}
