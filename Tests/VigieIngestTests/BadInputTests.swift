import Foundation
import Testing
@testable import VigieIngest

/// The splitters, the byte source, detection and the importer's accounting on damaged input
/// (docs/formats.md, "Bad input"): each rule on the smallest input that shows it.
@Suite struct BadInputTests {
    func file(_ bytes: [UInt8], ext: String = "json") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).\(ext)")
        try Data(bytes).write(to: url)
        return url.path
    }

    func file(_ text: String, ext: String = "json") throws -> String { try file(Array(text.utf8), ext: ext) }

    /// Units, their positions and the splitter's errors, with the importer's parse-and-resync rule.
    func split(_ text: String, chunkSize: Int = 5) throws -> (units: [String], lines: [Int], errors: [UnitError]) {
        let splitter = JSONUnitSplitter(source: try ByteSource(path: try file(text), chunkSize: chunkSize))
        var units: [String] = []
        var lines: [Int] = []
        var errors: [UnitError] = []
        try splitter.forEachUnit(resyncing: { bytes, start in
            units.append(String(decoding: bytes, as: UTF8.self))
            lines.append(start.line)
            do {
                _ = try JSONParser.parse(bytes)
                return .accepted
            } catch let error as JSONParser.Error {
                return .broken(atOffset: error.offset)
            } catch {
                return .broken(atOffset: 0)
            }
        }, onError: { errors.append($0) })
        return (units, lines, errors)
    }

    // MARK: - JSON

    @Test func strayClosersNeverStopTheSplit() throws {
        for text in ["}", "]", ",", "}}}", "{\"a\": 1}\n}\n{\"b\": 2}\n", "[{\"a\": 1}, }, {\"b\": 2}]", "[{\"a\": 1}], {\"b\": 2}]"] {
            let result = try split(text)
            #expect(!result.errors.isEmpty || result.units.count >= 2, "\(text)")
        }
        let documents = try split("{\n  \"a\": 1\n}\n}\n{\n  \"b\": 2\n}\n")
        #expect(documents.units.filter { $0.contains("\"b\"") }.count == 1)
        #expect(documents.errors.map(\.line) == [4])
        let array = try split("[{\"a\": 1}, }, {\"b\": 2}], {\"c\": 3}]")
        #expect(array.units == ["{\"a\": 1}", "{\"b\": 2}", "{\"c\": 3}"])
        #expect(array.errors.count == 2)
    }

    @Test func aDamagedFirstLineDoesNotMakeTheFileOneDocument() throws {
        let result = try split("{\"did\": \"a\", \"x\": [1, 2\n{\"did\": \"b\"}\n{\"did\": \"c\"}\n")
        #expect(result.units == ["{\"did\": \"a\", \"x\": [1, 2", "{\"did\": \"b\"}", "{\"did\": \"c\"}"])
        #expect(result.lines == [1, 2, 3])
    }

    @Test func aBrokenDocumentIsCutAtTheNextRecordStart() throws {
        // The first document lost its closing brace: the scan runs into the second one.
        let result = try split("{\n  \"a\": {\"b\": 1}\n{\n  \"c\": 2\n}\n")
        #expect(result.units.last == "{\n  \"c\": 2\n}")
        #expect(result.lines.last == 3)
    }

    @Test func twoRecordsJoinedOnALineAreBothRead() throws {
        let result = try split("{\"did\": \"a\"}\n{\"did\": \"b\", \"t\": 17{\"did\": \"c\"}\n{\"did\": \"d\"}\n")
        #expect(result.units.contains("{\"did\": \"c\"}"))
        #expect(result.units.last == "{\"did\": \"d\"}")
    }

    @Test func anUnterminatedElementGivesBackTheElementsItSwallowed() throws {
        let result = try split("[\n  {\n    \"a\": \"x\n  },\n  {\n    \"b\": 2\n  }\n]\n")
        #expect(result.units.contains("{\n    \"b\": 2\n  }"))
        #expect(result.errors.first?.reason.contains("unterminated") == true)
    }

    @Test func aLineLongerThanTheLimitIsSkippedWithoutBufferingIt() throws {
        let long = "{\"a\": \"" + String(repeating: "x", count: 5_000) + "\"}"
        let splitter = JSONUnitSplitter(source: try ByteSource(path: try file("{\"a\": 1}\n" + long + "\n{\"b\": 2}\n"), chunkSize: 64),
                                        maxUnitBytes: 1_000)
        var units: [String] = []
        var errors: [UnitError] = []
        try splitter.forEachUnit({ bytes, _ in units.append(String(decoding: bytes, as: UTF8.self)) },
                                 onError: { errors.append($0) })
        #expect(units == ["{\"a\": 1}", "{\"b\": 2}"])
        #expect(errors.map(\.line) == [2])
    }

    @Test func duplicateKeysAndDeepNestingAreParseErrors() {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse("{\"id\": 1, \"id\": 2}") }
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
        let atLimit = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try JSONParser.parse(atLimit) }
        let million = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(million) }
    }

    // MARK: - Encodings

    @Test(arguments: [ByteSource.Encoding.utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian, .utf32BigEndian])
    func wideEncodingsAreConverted(encoding: ByteSource.Encoding) throws {
        let text = "{\"t\": \"réseau 😀\"}\n{\"t\": \"ok\"}\n"
        var bytes: [UInt8] = []
        switch encoding {
        case .utf16LittleEndian: bytes = [0xFF, 0xFE]; for u in text.utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        case .utf16BigEndian: bytes = [0xFE, 0xFF]; for u in text.utf16 { bytes += [UInt8(u >> 8), UInt8(u & 0xFF)] }
        case .utf32LittleEndian:
            bytes = [0xFF, 0xFE, 0, 0]
            for s in text.unicodeScalars { let v = s.value; bytes += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), 0] }
        case .utf32BigEndian:
            bytes = [0, 0, 0xFE, 0xFF]
            for s in text.unicodeScalars { let v = s.value; bytes += [0, UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        case .utf8: break
        }
        // A chunk size that cuts characters and surrogate pairs in two.
        let source = try ByteSource(path: try file(bytes), chunkSize: 7)
        var out: [UInt8] = []
        while try source.readChunk(into: &out) {}
        #expect(source.encoding == encoding)
        #expect(String(decoding: out, as: UTF8.self) == text)
    }

    @Test func utf16WithoutAByteOrderMarkIsRecognisedButAStrayZeroByteIsNot() throws {
        var bytes: [UInt8] = []
        for u in "{\"a\": 1}\n".utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        #expect(bytes.withUnsafeBytes { ByteSource.detectEncoding($0) } == .utf16LittleEndian)
        let stray: [UInt8] = Array("{\0\"a\": 1}".utf8)
        #expect(stray.withUnsafeBytes { ByteSource.detectEncoding($0) } == .utf8)
    }

    // MARK: - CSV

    func rows(_ text: String) throws -> (rows: [[String]], lines: [Int], errors: [UnitError]) {
        var rows: [[String]] = []
        var lines: [Int] = []
        var errors: [UnitError] = []
        try CSVRowSplitter(source: try ByteSource(path: try file(text, ext: "csv"), chunkSize: 6))
            .forEachRow({ rows.append($0); lines.append($1) }, onError: { errors.append($0) })
        return (rows, lines, errors)
    }

    @Test func aStrayQuoteIsReportedWhereItOpenedAndTheRowsItSwallowedAreReadAgain() throws {
        let text = "a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n10,11,12\n13,\"x\",15\n16,17,18\n"
        let result = try rows(text)
        #expect(result.rows.map { $0[0] } == ["a", "1", "7", "10", "13", "16"])
        #expect(result.lines == [1, 2, 4, 5, 6, 7])
        let error = try #require(result.errors.first)
        #expect(error.line == 3)
        #expect(error.reason.contains("line 3, column 3"))
        #expect(error.reason.contains("lines 4–6 were read again as rows"), "\(error.reason)")
    }

    @Test func aRealMultiLineFieldIsKept() throws {
        let result = try rows("id,text,n\n1,\"first line\nsecond line, with a comma\",3\n2,plain,4\n")
        #expect(result.errors.isEmpty)
        #expect(result.rows.count == 3)
        #expect(result.rows[1][1] == "first line\nsecond line, with a comma")
    }

    @Test func carriageReturnOnlyFilesHaveRows() throws {
        let result = try rows("a,b\r1,2\r\"x\ry\",3\r4,5\r")
        #expect(result.rows == [["a", "b"], ["1", "2"], ["x\ry", "3"], ["4", "5"]])
        #expect(result.lines == [1, 2, 3, 5])
    }

    // MARK: - Detection and accounting

    @Test func aFormatThatDoesNotFitFailsAtOnce() throws {
        let csv = try file("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n1,2,u,,,hi,1740830534,\n", ext: "csv")
        #expect {
            try FormatDetector.check(.mastodon, source: ByteSource(path: csv))
        } throws: { ($0 as? ImportError)?.code == .wrongFormat }
        let json = try file("{\"did\":\"did:plc:a\",\"time_us\":1740830534574999,\"kind\":\"identity\",\"identity\":{}}\n")
        #expect {
            try FormatDetector.check(.toolkitCSV, source: ByteSource(path: json))
        } throws: { ($0 as? ImportError)?.message.contains("bluesky-jetstream") == true }
        #expect {
            try FormatDetector.check(.twitterV2, source: ByteSource(path: json))
        } throws: { ($0 as? ImportError)?.message.contains("look like bluesky-jetstream") == true }
    }

    @Test func everyRecordHasOneOutcome() async throws {
        let good = #"{"did":"did:plc:a","time_us":1740830534574999,"kind":"identity","identity":{"handle":"a.bsky.social"}}"#
        let skipped = #"{"did":"did:plc:a","time_us":1740830534574999,"kind":"other"}"#
        let text = [good, "}", skipped, "{\"did\": ", good.replacingOccurrences(of: "1740830534574999", with: "-1"), "42"]
            .joined(separator: "\n")
        let report = try await Importer(store: RecordingStore()).importFile(at: try file(text, ext: "jsonl"),
                                                                     options: ImportOptions(format: .jetstream))
        #expect(report.records == 6)
        #expect(report.imported == 1)
        #expect(report.skippedCount == 1)
        #expect(report.recordsRejected == 4)
        #expect(report.unaccounted == 0)
    }

    @Test func anExplicitDelimiterWinsOverDetection() async throws {
        // The header has more semicolons (in its last column's name) than commas.
        let path = try file("id,author_id,text,created_at,notes;a;b;c;d;e\n1,2,hello,2025-03-01T00:00:00Z,x\n", ext: "csv")
        var options = ImportOptions(format: .genericCSV)
        options.csv.delimiter = UInt8(ascii: ",")
        let report = try await Importer(store: RecordingStore()).importFile(at: path, options: options)
        #expect(report.imported == 1)
        await #expect(throws: ImportError.self) {
            try await Importer(store: RecordingStore()).importFile(at: path, options: ImportOptions(format: .genericCSV))
        }
    }
}
