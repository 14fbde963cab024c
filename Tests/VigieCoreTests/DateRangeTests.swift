import Foundation
import Testing
import VigieCore

/// The documented rule for dates (docs/formats.md): 1970-01-01 to the end of 2099, offsets
/// within ±14:00, and Unix times whose unit is told by their size.
@Suite struct DateRangeTests {
    @Test(arguments: ["0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "9999-12-31",
                      "-1620000000", "99999999999999999999", "Wed Oct 10 20:19:24 +0000 1969"])
    func outOfRangeDatesAreRefusedWithAReason(text: String) {
        #expect(DateParsing.parse(text) == nil)
        let problem = DateParsing.problem(with: text)
        #expect(problem?.contains("outside the supported dates") == true, "\(text): \(problem ?? "nil")")
    }

    @Test(arguments: ["2021-05-18T19:24:56+99:99", "2021-05-18T19:24:56+15:00", "2021-05-18T19:24:56-14:30",
                      "Wed Oct 10 20:19:24 +9999 2018"])
    func impossibleOffsetsAreRefused(text: String) {
        #expect(DateParsing.parse(text) == nil)
        #expect(DateParsing.problem(with: text)?.contains("offset") == true)
    }

    @Test func realOffsetsAtTheEdgesAreRead() throws {
        let east = try #require(DateParsing.parse("2021-05-18T14:00:00+14:00"))
        let west = try #require(DateParsing.parse("2021-05-17T12:00:00-12:00"))
        #expect(east == west)
    }

    @Test(arguments: [
        (1_620_000_000.0, 1_620_000_000.0), (1_620_000_000_000.0, 1_620_000_000.0),
        (1_620_000_000_000_000.0, 1_620_000_000.0), (1_620_000_000_000_000_000.0, 1_620_000_000.0), (59.0, 59.0),
    ])
    func unixTimesAreReadByTheirSize(value: Double, seconds: Double) throws {
        let date = try #require(DateParsing.date(unixTime: value))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test(arguments: [-1.0, .infinity, -.infinity, .nan, 9_300_000_000_000_000, 1e20, 5e10])
    func unixTimesOutsideTheRangeAreRefused(value: Double) {
        #expect(DateParsing.date(unixTime: value) == nil)
    }

    @Test func plainWrongTextHasNoSpecialReason() {
        #expect(DateParsing.problem(with: "yesterday") == nil)
        #expect(DateParsing.explanation(for: "yesterday") == "")
        #expect(DateParsing.explanation(for: "0000-01-01").hasPrefix(" (year 0 is outside"))
    }

    @Test func iso8601OfAnyDateNeverTraps() {
        #expect(DateParsing.iso8601(Date(timeIntervalSince1970: .infinity)) == "invalid-date")
        #expect(DateParsing.iso8601(Date(timeIntervalSince1970: 1e300)) == "invalid-date")
        #expect(DateParsing.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
