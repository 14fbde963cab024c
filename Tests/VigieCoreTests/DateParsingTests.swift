import Foundation
import Testing
import VigieCore

@Suite struct DateParsingTests {
    @Test(arguments: [
        ("2021-05-18T19:24:56.000Z", 1_621_365_896.0),
        ("2021-05-18T19:24:56Z", 1_621_365_896.0),
        ("2013-06-04T16:25:04+00:00", 1_370_363_104.0),
        ("2013-06-04T18:25:04+02:00", 1_370_363_104.0),
        ("2021-05-18 19:24:56", 1_621_365_896.0),
        ("Tue May 18 19:24:56 +0000 2021", 1_621_365_896.0),
        ("1621365896", 1_621_365_896.0),
        ("1621365896000", 1_621_365_896.0),
        ("2024-02-29", 1_709_164_800.0),
    ])
    func parsesSupportedForms(text: String, expected: Double) throws {
        let date = try #require(DateParsing.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.001)
    }

    @Test func keepsFractionalSeconds() throws {
        let date = try #require(DateParsing.parse("2026-05-25T14:23:28.778Z"))
        #expect(abs(date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) - 0.778) < 0.0005)
    }

    @Test(arguments: ["2021-13-01T00:00:00Z", "2023-02-29", "2021-05-18T25:00:00Z", "yesterday", "", "12",
                      "2021-05-18T19:24:56.Z", "Tue Foo 18 19:24:56 +0000 2021"])
    func rejectsImpossibleOrUnknown(text: String) {
        #expect(DateParsing.parse(text) == nil)
    }

    @Test func formatsISO8601RoundTrip() throws {
        let text = "2021-05-18T19:24:56.123Z"
        let date = try #require(DateParsing.parse(text))
        #expect(DateParsing.iso8601(date) == text)
        #expect(DateParsing.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    }
}
