import Foundation
import VigieCore

/// Dashboards as aligned text tables and as CSV.
enum DashboardText {
    static func render(_ dashboards: [WatchDashboard], share: ShareOfVoice?) -> String {
        var out: [String] = []
        for dashboard in dashboards {
            out.append(render(dashboard))
        }
        if let share {
            out.append("share of voice")
            out.append(Output.table(["watch", "posts", "share", "previous", "change", "share by bucket"], share.entries.map { entry in
                [entry.watch, Output.count(entry.posts.current), percent(entry.share), percent(entry.previousShare),
                 String(format: "%+.1f pts", entry.changePoints), sparkline(entry.shareByBucket)]
            }))
        }
        return out.joined(separator: "\n\n")
    }

    static func render(_ d: WatchDashboard) -> String {
        var out: [String] = []
        out.append("watch \(d.watch): \(d.query)")
        out.append("period \(day(d.period.start, d.timeZone)) to \(day(d.period.end, d.timeZone)) (\(d.volume.count) \(d.bucket.rawValue) buckets, \(d.timeZone)); "
                   + "previous \(day(d.previousPeriod.start, d.timeZone)) to \(day(d.previousPeriod.end, d.timeZone))")
        out.append("")
        var rows: [[String]] = [
            figureRow("posts", d.posts),
            figureRow("unique authors", d.uniqueAuthors),
            figureRow("likes", d.engagement.likes),
            figureRow("reposts", d.engagement.reposts),
            figureRow("replies", d.engagement.replies),
            figureRow("quotes", d.engagement.quotes),
        ]
        if let sentiment = d.sentiment {
            rows += [figureRow("negative", sentiment.negative), figureRow("neutral", sentiment.neutral),
                     figureRow("positive", sentiment.positive), figureRow("unclassified", sentiment.unclassified)]
        }
        out.append(Output.table(["", "now", "previous", "change"], rows))
        if d.sentiment == nil { out.append("sentiment: not available") }
        let counts = d.volume.map { Double($0.posts) }
        let peak = d.volume.max { $0.posts < $1.posts }
        out.append("")
        out.append("volume  " + sparkline(counts) + "  peak \(Output.count(peak?.posts ?? 0)) per \(d.bucket.rawValue)"
                   + (peak.map { " at \($0.label)" } ?? ""))
        out.append(Output.table(["bucket", "posts", ""], d.volume.map { point in
            [point.label, Output.count(point.posts), bar(point.posts, max: peak?.posts ?? 0)]
        }))
        for (title, entries) in [("top hashtags", d.top.hashtags), ("top terms", d.top.terms), ("top domains", d.top.domains),
                                 ("top mentioned accounts", d.top.mentions), ("top authors", d.top.authors)] {
            out.append("")
            if entries.isEmpty {
                out.append("\(title): none")
                continue
            }
            out.append(Output.table([title, "posts", "previous", "change"], entries.map { entry in
                [entry.value, Output.count(entry.count), Output.count(entry.previous), change(entry.change)]
            }))
        }
        return out.joined(separator: "\n")
    }

    static func csv(_ dashboards: [WatchDashboard], share: ShareOfVoice?) -> String {
        var lines = ["watch,section,key,current,previous,change"]
        func add(_ watch: String, _ section: String, _ key: String, _ current: String, _ previous: String, _ change: Double?) {
            lines.append([watch, section, key, current, previous, change.map { String(format: "%.4f", $0) } ?? ""]
                .map(CSVText.field).joined(separator: ","))
        }
        for d in dashboards {
            func figure(_ key: String, _ f: WatchDashboard.Figure) { add(d.watch, "total", key, String(f.current), String(f.previous), f.change) }
            figure("posts", d.posts)
            figure("unique_authors", d.uniqueAuthors)
            figure("likes", d.engagement.likes)
            figure("reposts", d.engagement.reposts)
            figure("replies", d.engagement.replies)
            figure("quotes", d.engagement.quotes)
            if let s = d.sentiment {
                for (key, f) in [("negative", s.negative), ("neutral", s.neutral), ("positive", s.positive), ("unclassified", s.unclassified)] {
                    add(d.watch, "sentiment", key, String(f.current), String(f.previous), f.change)
                }
            }
            for point in d.volume { add(d.watch, "volume", point.label, String(point.posts), "", nil) }
            for (section, entries) in [("hashtag", d.top.hashtags), ("term", d.top.terms), ("domain", d.top.domains),
                                       ("mention", d.top.mentions), ("author", d.top.authors)] {
                for entry in entries { add(d.watch, section, entry.value, String(entry.count), String(entry.previous), entry.change) }
            }
        }
        for entry in share?.entries ?? [] {
            add(entry.watch, "share_of_voice", "share", String(format: "%.4f", entry.share),
                String(format: "%.4f", entry.previousShare), entry.share - entry.previousShare)
        }
        return lines.joined(separator: "\n")
    }

    private static func figureRow(_ name: String, _ f: WatchDashboard.Figure) -> [String] {
        [name, Output.count(f.current), Output.count(f.previous), change(f.change)]
    }

    static func change(_ value: Double?) -> String {
        guard let value else { return "new" }
        return String(format: "%+.1f%%", value * 100)
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    /// One block character per value, scaled to the largest.
    static func sparkline(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let peak = values.max() ?? 0
        return String(values.map { value in
            guard peak > 0, value > 0 else { return " " }
            return blocks[min(blocks.count - 1, Int((value / peak) * Double(blocks.count - 1) + 0.5))]
        })
    }

    private static func bar(_ value: Int, max peak: Int) -> String {
        guard peak > 0 else { return "" }
        return String(repeating: "▇", count: Int((Double(value) / Double(peak) * 30).rounded()))
    }

    private static func day(_ date: Date, _ zone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
