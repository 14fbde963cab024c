import Foundation

/// A chart ready for a page: the SVG (drawn on the server, no script) and the same numbers as a
/// table, which screen readers read and which the page shows under a "data" disclosure.
struct RenderedChart: Sendable {
    var svg: String
    var table: ChartTable
}

struct ChartTable: Sendable {
    struct Row: Sendable {
        var label: String
        var cells: [String]
    }

    var caption: String
    var headers: [String]
    var rows: [Row]
}

/// One line of a line chart.
struct ChartSeries: Sendable {
    var name: String
    var values: [Double]
}

/// Colours that stay distinct for colour-blind readers (Okabe and Ito), each with a dash
/// pattern so series stay apart in grey print too.
enum ChartPalette {
    static let colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6100", "#56B4E9"]
    static let dashes = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2"]

    static func colour(_ index: Int) -> String { colours[index % colours.count] }
    static func dash(_ index: Int) -> String { dashes[index % dashes.count] }
}

/// Values over ordered categories (time buckets), one line per series, with a y axis of round
/// ticks, x labels thinned to fit, and a legend when there are several series.
///
/// ```swift
/// let chart = LineChart(title: "Volume", labels: days, series: [.init(name: "velo", values: counts)]).render()
/// ```
struct LineChart: Sendable {
    var title: String
    var summary: String = ""
    var labels: [String]
    var series: [ChartSeries]
    var width = 720.0
    var height = 260.0

    func render() -> RenderedChart {
        let id = ChartIdentifier.next()
        let left = 52.0, right = 12.0, top = 12.0
        let legendHeight = series.count > 1 ? 22.0 : 0
        let bottom = 34.0 + legendHeight
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let all = series.flatMap(\.values)
        let ticks = ChartScale.ticks(minimum: all.min() ?? 0, maximum: all.max() ?? 1)
        let low = ticks.first ?? 0, high = ticks.last ?? 1
        let count = max(labels.count, series.map(\.values.count).max() ?? 0)
        func x(_ index: Int) -> Double { left + (count > 1 ? Double(index) / Double(count - 1) * plotWidth : plotWidth / 2) }
        func y(_ value: Double) -> Double { top + plotHeight - (value - low) / (high - low) * plotHeight }

        var svg = ChartIdentifier.open(id: id, width: width, height: height, title: title, summary: summary)
        svg += "<g class=\"axis\" font-size=\"11\" fill=\"#333\">"
        for tick in ticks {
            let ty = Markup.number(y(tick))
            svg += "<line x1=\"\(Markup.number(left))\" x2=\"\(Markup.number(width - right))\" y1=\"\(ty)\" y2=\"\(ty)\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(Markup.number(left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
                + Markup.escape(ChartScale.label(tick)) + "</text>"
        }
        for index in ChartScale.labelIndexes(count: labels.count, maximum: max(2, Int(plotWidth / 80))) {
            svg += "<text x=\"\(Markup.number(x(index)))\" y=\"\(Markup.number(top + plotHeight + 16))\" text-anchor=\"middle\">"
                + Markup.escape(labels[index]) + "</text>"
        }
        svg += "</g>"
        for (index, line) in series.enumerated() {
            let points = line.values.enumerated().map { "\(Markup.number(x($0.offset))),\(Markup.number(y($0.element)))" }
            let dash = ChartPalette.dash(index)
            svg += "<polyline fill=\"none\" stroke=\"\(ChartPalette.colour(index))\" stroke-width=\"2\""
                + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + " points=\"\(points.joined(separator: " "))\">"
                + "<title>" + Markup.escape(line.name) + "</title></polyline>"
        }
        if series.count > 1 {
            var legendX = left
            let legendY = height - 8
            for (index, line) in series.enumerated() {
                let dash = ChartPalette.dash(index)
                svg += "<line x1=\"\(Markup.number(legendX))\" x2=\"\(Markup.number(legendX + 22))\" y1=\"\(Markup.number(legendY - 4))\" "
                    + "y2=\"\(Markup.number(legendY - 4))\" stroke=\"\(ChartPalette.colour(index))\" stroke-width=\"2\""
                    + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
                svg += "<text x=\"\(Markup.number(legendX + 26))\" y=\"\(Markup.number(legendY))\" font-size=\"11\" fill=\"#333\">"
                    + Markup.escape(line.name) + "</text>"
                legendX += 40 + Double(line.name.count) * 6.5
            }
        }
        svg += "</svg>"
        let rows = labels.indices.map { index in
            ChartTable.Row(label: labels[index],
                           cells: series.map { index < $0.values.count ? ChartScale.label($0.values[index]) : "" })
        }
        return RenderedChart(svg: svg, table: ChartTable(caption: title, headers: series.map(\.name), rows: rows))
    }
}

/// Horizontal bars, one per labelled value (counts by kind, top items), values written at the
/// end of each bar.
struct BarChart: Sendable {
    var title: String
    var summary: String = ""
    var bars: [(label: String, value: Double)]
    var width = 720.0
    var barHeight = 22.0

    func render() -> RenderedChart {
        let id = ChartIdentifier.next()
        let labelWidth = min(220, 14 + 7 * Double(bars.map(\.label.count).max() ?? 4))
        let valueWidth = 56.0
        let height = max(40, Double(bars.count) * (barHeight + 6) + 8)
        let maximum = max(bars.map(\.value).max() ?? 1, 1e-9)
        let plotWidth = width - labelWidth - valueWidth
        var svg = ChartIdentifier.open(id: id, width: width, height: height, title: title, summary: summary)
        svg += "<g font-size=\"12\" fill=\"#222\">"
        for (index, bar) in bars.enumerated() {
            let y = 4 + Double(index) * (barHeight + 6)
            let length = max(bar.value, 0) / maximum * plotWidth
            svg += "<text x=\"\(Markup.number(labelWidth - 8))\" y=\"\(Markup.number(y + barHeight / 2))\" text-anchor=\"end\" "
                + "dominant-baseline=\"middle\">" + Markup.escape(bar.label) + "</text>"
            svg += "<rect x=\"\(Markup.number(labelWidth))\" y=\"\(Markup.number(y))\" width=\"\(Markup.number(length))\" "
                + "height=\"\(Markup.number(barHeight))\" fill=\"\(ChartPalette.colour(0))\"/>"
            svg += "<text x=\"\(Markup.number(labelWidth + length + 6))\" y=\"\(Markup.number(y + barHeight / 2))\" "
                + "dominant-baseline=\"middle\">" + Markup.escape(ChartScale.label(bar.value)) + "</text>"
        }
        svg += "</g></svg>"
        let rows = bars.map { ChartTable.Row(label: $0.label, cells: [ChartScale.label($0.value)]) }
        return RenderedChart(svg: svg, table: ChartTable(caption: title, headers: [title], rows: rows))
    }
}

/// A word-sized line of a series' shape (no axes), for lists; its title and label say the range.
struct Sparkline: Sendable {
    var label: String
    var values: [Double]
    var width = 120.0
    var height = 28.0

    func render() -> String {
        let maximum = max(values.max() ?? 0, 1e-9)
        let step = values.count > 1 ? (width - 4) / Double(values.count - 1) : 0
        let points = values.enumerated().map { index, value in
            "\(Markup.number(2 + Double(index) * step)),\(Markup.number(height - 2 - max(value, 0) / maximum * (height - 4)))"
        }
        let total = ChartScale.label(values.reduce(0, +))
        let peak = ChartScale.label(values.max() ?? 0)
        let description = "\(label): \(total) (max \(peak))"
        return "<svg class=\"sparkline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Markup.number(width))\" "
            + "height=\"\(Markup.number(height))\" viewBox=\"0 0 \(Markup.number(width)) \(Markup.number(height))\" role=\"img\" "
            + "aria-label=\"\(Markup.escape(description))\"><title>\(Markup.escape(description))</title>"
            + "<polyline fill=\"none\" stroke=\"\(ChartPalette.colour(0))\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/></svg>"
    }
}

/// Unique element ids for the `<title>`/`<desc>` that label each chart, and the SVG's opening.
enum ChartIdentifier {
    private static let counter = IDCounter()

    static func next() -> String { "chart-\(counter.next())" }

    static func open(id: String, width: Double, height: Double, title: String, summary: String) -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Markup.number(width)) \(Markup.number(height))\" "
            + "width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"\(id)-title\(summary.isEmpty ? "" : " \(id)-desc")\">"
            + "<title id=\"\(id)-title\">\(Markup.escape(title))</title>"
            + (summary.isEmpty ? "" : "<desc id=\"\(id)-desc\">\(Markup.escape(summary))</desc>")
    }
}
