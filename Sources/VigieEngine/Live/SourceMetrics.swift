import Foundation
import VigieCore

extension SourceReport {
    /// The sources' figures in Prometheus' text format, for a server's `/metrics`: state, lag,
    /// rate, events, reconnects and the time of the last error, one series per source.
    ///
    /// ```swift
    /// let text = SourceReport.prometheus(try await engine.sources())
    /// ```
    public static func prometheus(_ reports: [SourceReport]) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ value: (SourceReport) -> Double?) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for report in reports {
                guard let value = value(report) else { continue }
                let source = report.name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                lines.append("\(name){source=\"\(source)\",kind=\"\(report.kind.rawValue)\"} \(format(value))")
            }
        }
        let receiving: Set<String> = ["streaming", "polling", "backfilling"]
        family("vigie_source_up", "gauge", "1 while the source's listener receives its stream", { receiving.contains($0.state) ? 1 : 0 })
        family("vigie_source_paused", "gauge", "1 when the source is paused", { $0.paused ? 1 : 0 })
        family("vigie_source_lag_seconds", "gauge", "Now minus the time of the newest event received", \.lagSeconds)
        family("vigie_source_events_per_second", "gauge", "Events received per second over the last 10 seconds", \.eventsPerSecond)
        family("vigie_source_events_total", "counter", "Events received since the listener started", { $0.events.map(Double.init) })
        family("vigie_source_reconnects_total", "counter", "Connections opened again since the listener started", { $0.reconnects.map(Double.init) })
        family("vigie_source_last_error_timestamp_seconds", "gauge", "When the last error happened",
               { $0.lastErrorAt?.timeIntervalSince1970 })
        return lines.joined(separator: "\n") + "\n"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3f", value)
    }
}
