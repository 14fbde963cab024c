import Testing
@testable import VigieIngest

@Suite struct JSONParserTests {
    @Test func parsesNestedDocument() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.5, true, null, "x"], "b": {"c": "d"}, "e": 1e3}"#)
        #expect(value["a"]?[0]?.int == 1)
        #expect(value["a"]?[1]?.double == -2.5)
        #expect(value["a"]?[2]?.bool == true)
        #expect(value["a"]?[3]?.isNull == true)
        #expect(value["a"]?[4]?.string == "x")
        #expect(value["b"]?["c"]?.string == "d")
        #expect(value["e"]?.double == 1000)
        #expect(value["missing"] == nil)
    }

    @Test func keepsLargeIntegersExact() throws {
        // Twitter v1.1 ids do not fit a Double's 53-bit mantissa.
        let value = try JSONParser.parse(#"{"id": 1394735776701816833}"#)
        #expect(value["id"]?.stringOrNumber == "1394735776701816833")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n""#)
        #expect(value.string == "café 😀 \"q\" \\ / \n")
        let raw = try JSONParser.parse("\"réseau 🚲\"")
        #expect(raw.string == "réseau 🚲")
    }

    @Test func nullMembersReadAsMissing() throws {
        let value = try JSONParser.parse(#"{"a": null}"#)
        #expect(value["a"] == nil)
        #expect(value.object?["a"]?.isNull == true)
    }

    @Test(arguments: [
        (#"{"a": 1"#, "unexpected end of input"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"[1, 2,]"#, "expected a value"),
        (#"{"a": tru}"#, "invalid literal"),
        (#"{"a": 01}"#, "leading zero"),
        (#""\x""#, "invalid escape"),
        (#"{} {}"#, "after the JSON value"),
        ("\"a\nb\"", "control character"),
    ])
    func reportsErrorsWithPosition(input: String, message: String) {
        do {
            _ = try JSONParser.parse(input)
            Issue.record("parsed invalid JSON: \(input)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.offset >= 0 && error.offset <= input.utf8.count)
        }
    }

    @Test func rejectsDeepNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
    }
}
