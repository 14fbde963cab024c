import Foundation
import VigieCore

/// Tells the format of a file from its content (the name is only a hint for nothing: a
/// `.json` may hold JSON lines, a `.txt` a CSV), and checks that a format the user named fits
/// the content before a whole file is read with it.
///
/// Both read the open ``ByteSource`` from its start and rewind it, so a file is opened once for
/// detection and import.
public enum FormatDetector {
    /// How many leading records to look at before giving up (a file may open with lines that
    /// belong to no format, such as error lines in a twarc stream, or with a damaged record).
    static let recordsToTry = 50

    private struct Stop: Error {}

    /// What the start of a file holds.
    enum Kind {
        case empty, json, text
    }

    public static func detect(path: String) throws -> ImportFormat {
        let source: ByteSource
        do {
            source = try ByteSource(path: path)
        } catch let error as ByteSource.OpenError {
            throw ImportError(code: .unreadable, file: path, message: error.reason)
        }
        return try detect(source: source)
    }

    /// The format of the file `source` reads; the source is rewound afterwards.
    public static func detect(source: ByteSource) throws -> ImportFormat {
        let path = source.path
        defer { try? source.rewind() }
        switch try kind(of: source) {
        case .empty:
            throw ImportError(code: .empty, file: path, message: "the file holds only blank space, nothing to import")
        case .json:
            let (format, firstRecord) = try detectJSON(source: source)
            if let format { return format }
            if let firstRecord, let reason = knownButEmpty(firstRecord) {
                throw ImportError(code: .nothingToImport, file: path, message: reason)
            }
            var shape = ""
            if let keys = firstRecord?.object?.keys, !keys.isEmpty {
                shape = " (its first record has the keys " + keys.prefix(8).joined(separator: ", ")
                    + (keys.count > 8 ? ", …" : "") + ")"
            }
            throw ImportError(code: .unrecognisedFormat, file: path, message:
                "JSON in no known layout\(shape); Vigie reads Twitter v2/twarc2, Twitter v1.1/TwiBot-20, "
                + "Mastodon and Bluesky Jetstream records; name the format with --format if you know it")
        case .text:
            if let format = try detectCSV(source: source) { return format }
            throw ImportError(code: .unrecognisedFormat, file: path, message:
                "not JSON, and a CSV header matching no known layout (toolkit, Instagram profiles); "
                + "for another CSV use --format csv with --map FIELD=COLUMN")
        }
    }

    /// Fails at once when the file plainly is not in `format`: JSON given a CSV format or the
    /// reverse, or JSON records that all belong to another format. The source is rewound.
    public static func check(_ format: ImportFormat, source: ByteSource) throws {
        let path = source.path
        defer { try? source.rewind() }
        let kind = try kind(of: source)
        try source.rewind()
        switch (kind, format.isCSV) {
        case (.empty, _):
            throw ImportError(code: .empty, file: path, message: "the file holds only blank space, nothing to import")
        case (.json, true):
            let found = (try? detectJSON(source: source))?.0
            throw ImportError(code: .wrongFormat, file: path, message:
                "--format \(format.rawValue) reads CSV, but the file holds JSON"
                + (found.map { " (its records look like \($0.rawValue))" } ?? "")
                + "; leave --format out to detect the format")
        case (.text, false):
            let start = try firstLine(of: source)
            let looksCSV = start.contains(",") || start.contains(";") || start.contains("\t")
            throw ImportError(code: .wrongFormat, file: path, message:
                "--format \(format.rawValue) reads JSON, but the file does not start with '{' or '[' (it starts with '"
                + start.prefix(60) + "'" + (looksCSV ? ", a CSV header" : "") + "); "
                + (looksCSV ? "use a CSV format (toolkit-csv, instagram-csv, csv) or leave --format out"
                            : "check the file, or leave --format out to detect the format"))
        case (.json, false):
            let (records, recognised) = try sampleJSON(source: source, as: format)
            if recognised == 0, let other = records.lazy.compactMap(recognize).first {
                throw ImportError(code: .wrongFormat, file: path, message:
                    "--format \(format.rawValue) does not fit: none of the first \(records.count) records is "
                    + "\(format.rawValue), they look like \(other.rawValue); use --format \(other.rawValue) "
                    + "or leave --format out")
            }
        case (.text, true):
            return
        }
    }

    /// JSON when the first character (after a byte-order mark and blanks) opens an object or
    /// array, or when most of the first lines do (a JSON-lines file whose first line is damaged).
    static func kind(of source: ByteSource) throws -> Kind {
        var head: [UInt8] = []
        while head.count < 65_536, try source.readChunk(into: &head) {}
        var index = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { index = 3 }
        func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        while index < head.count, isBlank(head[index]) { index += 1 }
        guard index < head.count else { return .empty }
        if head[index] == UInt8(ascii: "{") || head[index] == UInt8(ascii: "[") { return .json }
        // A damaged first byte: JSON's `{"key":` on the first line, which no CSV header has.
        let firstLine = head[index...].prefix { $0 != 0x0A && $0 != 0x0D }
        if firstLine.count >= 4 {
            var sawObject = false
            for k in firstLine.indices.dropLast() {
                if head[k] == UInt8(ascii: "{"), head[k + 1] == UInt8(ascii: "\"") { sawObject = true }
                if sawObject, head[k] == UInt8(ascii: "\""), head[k + 1] == UInt8(ascii: ":") { return .json }
            }
        }
        // Most of the first lines open or close a value or hold a key: JSON lines, or a pretty file
        // whose first line is damaged (a stray '}', a scalar before the first document).
        var lines = 0
        var json = 0
        var k = index
        while k < head.count, lines < 20 {
            while k < head.count, isBlank(head[k]) { k += 1 }
            guard k < head.count else { break }
            lines += 1
            let end = head[k...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? head.count
            if isJSONLine(head[k..<end]) { json += 1 }
            k = end
        }
        return lines >= 3 && json * 2 > lines ? .json : .text
    }

    /// A line that opens or closes an object or array, or starts with a quoted key and its colon.
    private static func isJSONLine(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.first else { return false }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "}") || first == UInt8(ascii: "]") {
            return true
        }
        guard first == UInt8(ascii: "\""), let close = line.dropFirst().firstIndex(of: UInt8(ascii: "\"")) else { return false }
        return line[(close + 1)...].first { $0 != 0x20 && $0 != 0x09 } == UInt8(ascii: ":")
    }

    private static func firstLine(of source: ByteSource) throws -> String {
        var head: [UInt8] = []
        _ = try source.readChunk(into: &head)
        var start = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { start = 3 }
        let end = head[start...].firstIndex(of: 0x0A) ?? head.count
        return String(decoding: head[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The format, and the first record parsed (to describe an unknown layout).
    private static func detectJSON(source: ByteSource) throws -> (ImportFormat?, JSONValue?) {
        try source.rewind()
        let splitter = JSONUnitSplitter(source: source)
        var found: ImportFormat?
        var firstRecord: JSONValue?
        var tried = 0
        var units = 0
        var lastLine = 0
        do {
            try splitter.forEachUnit(resyncing: { bytes, start -> JSONUnitSplitter.Verdict in
                // Counted by lines (the pieces of one damaged line are one try), and by units
                // for files on one line.
                if start.line != lastLine { tried += 1 }
                lastLine = start.line
                units += 1
                let verdict: JSONUnitSplitter.Verdict
                do {
                    let value = try JSONParser.parse(bytes)
                    if firstRecord == nil { firstRecord = value }
                    found = recognize(value)
                    verdict = found == nil ? .notARecord : .accepted
                } catch let error as JSONParser.Error {
                    verdict = .broken(atOffset: error.offset)
                } catch {
                    verdict = .broken(atOffset: 0)
                }
                if found != nil || tried >= recordsToTry || units >= recordsToTry * 20 { throw Stop() }
                return verdict
            }, onError: { _ in
                tried += 1
                if tried >= recordsToTry { throw Stop() }
            })
        } catch is Stop {}
        return (found, firstRecord)
    }

    /// The first records that parse, and how many of them `format` recognises.
    private static func sampleJSON(source: ByteSource, as format: ImportFormat) throws -> ([JSONValue], Int) {
        try source.rewind()
        let splitter = JSONUnitSplitter(source: source)
        var records: [JSONValue] = []
        var recognised = 0
        var tried = 0
        var units = 0
        var lastLine = 0
        do {
            try splitter.forEachUnit(resyncing: { bytes, start -> JSONUnitSplitter.Verdict in
                if start.line != lastLine { tried += 1 }
                lastLine = start.line
                units += 1
                var verdict = JSONUnitSplitter.Verdict.accepted
                do {
                    let value = try JSONParser.parse(bytes)
                    records.append(value)
                    if recognizes(value, as: format) { recognised += 1 } else { verdict = .notARecord }
                } catch let error as JSONParser.Error {
                    verdict = .broken(atOffset: error.offset)
                } catch {
                    verdict = .broken(atOffset: 0)
                }
                if recognised > 0 || tried >= recordsToTry || units >= recordsToTry * 20 { throw Stop() }
                return verdict
            }, onError: { _ in
                tried += 1
                if tried >= recordsToTry { throw Stop() }
            })
        } catch is Stop {}
        return (records, recognised)
    }

    private static func recognizes(_ value: JSONValue, as format: ImportFormat) -> Bool {
        switch format {
        case .jetstream: return JetstreamDecoder.recognizes(value)
        case .twitterV2: return TwitterV2Decoder.recognizes(value)
        case .mastodon: return MastodonDecoder.recognizes(value)
        case .twitterV1: return TwitterV1Decoder.recognizes(value)
        case .toolkitCSV, .instagramCSV, .genericCSV: return false
        }
    }

    /// The format a JSON record belongs to. The order matters: more specific shapes first.
    public static func recognize(_ value: JSONValue) -> ImportFormat? {
        if JetstreamDecoder.recognizes(value) { return .jetstream }
        if TwitterV2Decoder.recognizes(value) { return .twitterV2 }
        if MastodonDecoder.recognizes(value) { return .mastodon }
        if TwitterV1Decoder.recognizes(value) { return .twitterV1 }
        return nil
    }

    /// A record that a decoder knows but that holds nothing to store (a Mastodon instance
    /// description, a tag): the decoder's own skip reason says what it is.
    private static func knownButEmpty(_ record: JSONValue) -> String? {
        func reason<D: JSONRecordDecoder>(_ type: D.Type) -> String? {
            var decoder = D()
            var items: [IngestItem] = []
            do {
                try decoder.decode(record, into: &items)
            } catch let error as RecordError where error.kind == .skipped {
                return "\(D.format.rawValue): \(error.reason)"
            } catch {}
            return nil
        }
        return reason(MastodonDecoder.self) ?? reason(TwitterV2Decoder.self)
            ?? reason(JetstreamDecoder.self) ?? reason(TwitterV1Decoder.self)
    }

    private static func detectCSV(source: ByteSource) throws -> ImportFormat? {
        // The header row read as the importer will read it (quotes, BOM, delimiter).
        try source.rewind()
        let delimiter = try CSVRowSplitter.detectDelimiter(source: source)
        let splitter = CSVRowSplitter(source: source, delimiter: delimiter)
        var header: [String] = []
        do {
            try splitter.forEachRow({ fields, _ in
                header = fields.map { $0.trimmingCharacters(in: .whitespaces) }
                throw Stop()
            }, onError: { _ in throw Stop() })
        } catch is Stop {}
        if ToolkitCSVDecoder.recognizes(header: header) { return .toolkitCSV }
        if InstagramCSVDecoder.recognizes(header: header) { return .instagramCSV }
        if GenericCSVDecoder.recognizes(header: header) { return .genericCSV }
        return nil
    }
}
