import Foundation
import VigieCore

/// Tells the format of a file from its content (the name is only a hint for nothing: a
/// `.json` may hold JSON lines, a `.txt` a CSV).
public enum FormatDetector {
    /// How many leading records to look at before giving up (a file may open with lines that
    /// belong to no format, such as error lines in a twarc stream).
    static let recordsToTry = 50

    private struct Stop: Error {}

    public static func detect(path: String) throws -> ImportFormat {
        let source: ByteSource
        do {
            source = try ByteSource(path: path, chunkSize: 1 << 16)
        } catch let error as ByteSource.OpenError {
            throw ImportError(code: .unreadable, file: path, message: error.reason)
        }
        var head: [UInt8] = []
        _ = try source.readChunk(into: &head)
        guard let first = head.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }) else {
            throw ImportError(code: .empty, file: path, message: "the file holds only blank space, nothing to import")
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            let (format, firstRecord) = try detectJSON(path: path)
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
        }
        if let format = try detectCSV(path: path) { return format }
        throw ImportError(code: .unrecognisedFormat, file: path, message:
            "not JSON, and a CSV header matching no known layout (toolkit, Instagram profiles); "
            + "for another CSV use --format csv with --map FIELD=COLUMN")
    }

    /// The format, and the first record parsed (to describe an unknown layout).
    private static func detectJSON(path: String) throws -> (ImportFormat?, JSONValue?) {
        let splitter = JSONUnitSplitter(source: try ByteSource(path: path))
        var found: ImportFormat?
        var firstRecord: JSONValue?
        var tried = 0
        do {
            try splitter.forEachUnit({ bytes, _ in
                tried += 1
                if let value = try? JSONParser.parse(bytes) {
                    if firstRecord == nil { firstRecord = value }
                    found = recognize(value)
                }
                if found != nil || tried >= recordsToTry { throw Stop() }
            }, onError: { _ in throw Stop() })
        } catch is Stop {}
        return (found, firstRecord)
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

    private static func detectCSV(path: String) throws -> ImportFormat? {
        // The header row read as the importer will read it (quotes, BOM, delimiter).
        let splitter = CSVRowSplitter(source: try ByteSource(path: path, chunkSize: 1 << 16),
                                      delimiter: try CSVRowSplitter.detectDelimiter(path: path))
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
