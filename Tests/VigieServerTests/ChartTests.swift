import Foundation
import Testing
@testable import VigieServer

@Suite("SVG charts")
struct ChartTests {
    @Test("ticks are round, start at zero for positive data and cover the maximum",
          arguments: [(0.0, 7.0), (0, 95), (0, 1234), (3, 3), (-12, 40), (0, 0.37)])
    func ticks(minimum: Double, maximum: Double) {
        let ticks = ChartScale.ticks(minimum: minimum, maximum: maximum)
        #expect(ticks.first! <= min(minimum, 0))
        #expect(ticks.last! >= maximum)
        #expect(ticks.count >= 2 && ticks.count <= 8)
        let step = ticks[1] - ticks[0]
        let magnitude = pow(10, floor(log10(step)))
        #expect([1, 2, 2.5, 5, 10].contains { abs(step / magnitude - $0) < 1e-9 }, "step \(step) is not round")
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) < 1e-9) }
    }

    @Test("labels are short", arguments: [(0.0, "0"), (12, "12"), (9999, "9999"), (12_500, "12.5k"), (2_000_000, "2M"), (0.25, "0.25")])
    func labels(value: Double, expected: String) {
        #expect(ChartScale.label(value) == expected)
    }

    @Test("a line chart draws one line per series, labels its axes, and carries its data as a table")
    func lineChart() {
        let labels = (1...30).map { String(format: "2025-03-%02d", $0) }
        let chart = LineChart(title: "Posts <per> day", summary: "30 days", labels: labels, series: [
            ChartSeries(name: "velo", values: (1...30).map(Double.init)),
            ChartSeries(name: "climat & co", values: Array(repeating: 5, count: 30)),
        ]).render()
        #expect(chart.svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(chart.svg.contains("role=\"img\""))
        #expect(chart.svg.contains("<title id=\""))
        #expect(chart.svg.contains("Posts &lt;per&gt; day"))
        #expect(chart.svg.contains("climat &amp; co"))
        #expect(!chart.svg.contains("<per>"))
        #expect(chart.svg.contains(">2025-03-01<") && chart.svg.contains(">2025-03-30<"))
        #expect(chart.svg.contains(">30<"), "the y axis does not reach the maximum")
        // Thinned x labels: not all 30 dates are written on the axis.
        #expect(labels.filter { chart.svg.contains(">\($0)<") }.count < 30)
        #expect(chart.table.rows.count == 30)
        #expect(chart.table.headers == ["velo", "climat & co"])
        #expect(chart.table.rows[29].cells == ["30", "5"])
    }

    @Test("bars are proportional to their values")
    func barChart() throws {
        let chart = BarChart(title: "Interactions", bars: [("reply", 10), ("repost", 5), ("like", 0)]).render()
        let widths = chart.svg.components(separatedBy: "<rect ").dropFirst().compactMap { part -> Double? in
            guard let range = part.range(of: "width=\"") else { return nil }
            return Double(part[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(widths.count == 3)
        #expect(abs(widths[0] - 2 * widths[1]) < 0.2)
        #expect(widths[2] == 0)
    }

    @Test("a sparkline says its total and peak to screen readers")
    func sparkline() {
        let svg = Sparkline(label: "velo", values: [1, 4, 2]).render()
        #expect(svg.contains("aria-label=\"velo: 7 (max 4)\""))
        #expect(svg.contains("<polyline"))
    }
}
