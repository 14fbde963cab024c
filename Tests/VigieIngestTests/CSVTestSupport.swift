import Foundation
import VigieCore
@testable import VigieIngest

/// Temporary CSV files and split helpers shared by the CSV tests.
enum CSVTestSupport {
    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-csv-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return url.path
    }

    static func temporaryFile(_ text: String) throws -> String {
        try temporaryFile(Array(text.utf8))
    }

    struct Split {
        var rows: [[String]] = []
        var lines: [Int] = []
        var errors: [UnitError] = []
    }

    /// Splits `text`, with a tiny chunk size by default so that every boundary case (a quote,
    /// a CR, a BOM cut across two reads) is exercised.
    static func split(_ text: String, chunkSize: Int = 3, delimiter: UInt8 = UInt8(ascii: ","),
                      maxRowBytes: Int = CSVRowSplitter.maxRowBytes) throws -> Split {
        try split(bytes: Array(text.utf8), chunkSize: chunkSize, delimiter: delimiter, maxRowBytes: maxRowBytes)
    }

    static func split(bytes: [UInt8], chunkSize: Int = 3, delimiter: UInt8 = UInt8(ascii: ","),
                      maxRowBytes: Int = CSVRowSplitter.maxRowBytes) throws -> Split {
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let splitter = CSVRowSplitter(source: try ByteSource(path: path, chunkSize: chunkSize),
                                      delimiter: delimiter, maxRowBytes: maxRowBytes)
        var result = Split()
        try splitter.forEachRow({ fields, line in
            result.rows.append(fields)
            result.lines.append(line)
        }, onError: { result.errors.append($0) })
        return result
    }

    /// Decodes every data row of a CSV text with a decoder, as the pipeline will: the first row
    /// is the header; rows that throw are collected with their line.
    static func decode<Decoder: CSVRecordDecoder>(
        _ type: Decoder.Type, _ text: String, options: CSVOptions = CSVOptions()
    ) throws -> (items: [IngestItem], rejects: [(line: Int, error: RecordError)]) {
        try decode(type, path: temporaryFile(text), options: options, removeAfter: true)
    }

    static func decode<Decoder: CSVRecordDecoder>(
        _ type: Decoder.Type, path: String, options: CSVOptions = CSVOptions(), removeAfter: Bool = false
    ) throws -> (items: [IngestItem], rejects: [(line: Int, error: RecordError)]) {
        defer { if removeAfter { try? FileManager.default.removeItem(atPath: path) } }
        let splitter = CSVRowSplitter(source: try ByteSource(path: path), delimiter: options.delimiter)
        var decoder: Decoder?
        var items: [IngestItem] = []
        var rejects: [(line: Int, error: RecordError)] = []
        try splitter.forEachRow({ fields, line in
            guard decoder != nil else {
                decoder = try Decoder(header: fields, options: options)
                return
            }
            do {
                try decoder?.decode(fields, into: &items)
            } catch let error as RecordError {
                rejects.append((line, error))
            }
        }, onError: { error in rejects.append((error.line, RecordError.invalid(error.reason))) })
        return (items, rejects)
    }
}
