import Foundation
import Testing
@testable import VigieIngest
import VigieTestSupport

@Suite struct JSONUnitSplitterTests {
    /// Splits `text` written to a temporary file, with a tiny chunk size so units cross chunk boundaries.
    func split(_ text: String, chunkSize: Int = 7) throws -> (layout: JSONUnitSplitter.Layout?, units: [(String, Int)], errors: [UnitError]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let splitter = JSONUnitSplitter(source: try ByteSource(path: url.path, chunkSize: chunkSize))
        var units: [(String, Int)] = []
        var errors: [UnitError] = []
        try splitter.forEachUnit({ bytes, line in
            units.append((String(decoding: bytes, as: UTF8.self), line))
        }, onError: { errors.append($0) })
        return (splitter.layout, units, errors)
    }

    @Test func jsonLinesKeepBrokenLinesApart() throws {
        let result = try split("{\"a\": 1}\n{\"b\": \n\n{\"c\": \"x\\ny\"}\r\n")
        #expect(result.layout == .lines)
        #expect(result.units.map(\.0) == ["{\"a\": 1}", "{\"b\": ", "{\"c\": \"x\\ny\"}"])
        #expect(result.units.map(\.1) == [1, 2, 4])
    }

    @Test func topLevelArrayYieldsElementsWithLines() throws {
        let result = try split("[\n  {\"id\": 1,\n   \"t\": \"a]b\"},\n  {\"id\": 2}\n]\n")
        #expect(result.layout == .array)
        #expect(result.units.map(\.0) == ["{\"id\": 1,\n   \"t\": \"a]b\"}", "{\"id\": 2}"])
        #expect(result.units.map(\.1) == [2, 4])
        #expect(result.errors.isEmpty)
    }

    @Test func prettyDocumentsSplitOnValues() throws {
        let result = try split("{\n  \"a\": {\"b\": [1, 2]}\n}\n{\n  \"c\": \"}\"\n}\n")
        #expect(result.layout == .documents)
        #expect(result.units.count == 2)
        #expect(result.units.map(\.1) == [1, 4])
        for unit in result.units {
            #expect(throws: Never.self) { try JSONParser.parse(unit.0) }
        }
    }

    @Test func truncatedDocumentIsReported() throws {
        let result = try split("{\n  \"a\": [1, 2\n")
        #expect(result.units.isEmpty)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.line == 1)
        #expect(result.errors.first?.reason.contains("unterminated") == true)
    }

    @Test func textAfterArrayIsReported() throws {
        let result = try split("[{\"a\": 1}]\ngarbage\n")
        #expect(result.units.count == 1)
        #expect(result.errors.first?.line == 2)
    }

    @Test func splitsRealTwiBotArrayIntoProfiles() throws {
        let path = SharedData.path("twitter-v1-twibot20/TwiBot-20_sample.json")
        let splitter = JSONUnitSplitter(source: try ByteSource(path: path, chunkSize: 1 << 16))
        var count = 0
        try splitter.forEachUnit({ bytes, _ in
            let value = try JSONParser.parse(bytes)
            #expect(value["ID"] != nil)
            count += 1
        }, onError: { Issue.record("unexpected unit error \($0.reason)") })
        #expect(splitter.layout == .array)
        #expect(count == 100)
    }
}
