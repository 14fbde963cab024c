import Foundation
import VigieCore

/// Generated clicks with their truth: several links, days and classes, visitors who come back
/// the same day and on later days, replayed click ids and clicks on a code that does not exist.
/// ``traffic(of:codes:)`` counts them the way a scan of the raw clicks does, independently of
/// any store, so a store's counters can be checked against it.
public struct PlantedClicks: Sendable {
    public var clicks: [LinkClick]

    /// `perDay` clicks on each of `days` UTC days from `start`, spread over `codes` and one
    /// unknown code; visitors are drawn from a small pool so that most come back.
    public init(codes: [String], days: Int, perDay: Int, start: Date, seed: UInt64, visitorPool: Int = 25) {
        var random = SeededRandom(seed: seed)
        let sources: [ClickClass: [String?]] = [
            .privatePreview: ["whatsapp", "telegram", "slack", "discord"], .publicPreview: ["x", "linkedin", nil],
            .bot: [nil], .dark: [nil, nil, "gmail"], .social: ["instagram", "x", "tiktok"], .search: ["google", nil], .web: [nil],
        ]
        let classes: [ClickClass] = [.privatePreview, .privatePreview, .publicPreview, .bot, .dark, .dark, .dark, .social, .social,
                                     .search, .web]
        let firstDay = Date(timeIntervalSince1970: (start.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        var clicks: [LinkClick] = []
        var clickIDs: [String] = []
        for day in 0..<days {
            for _ in 0..<perDay {
                let code = Int.random(in: 0..<20, using: &random) == 0 ? "ZZZZZZZZZ9" : codes.randomElement(using: &random)!
                let kind = classes.randomElement(using: &random)!
                let at = firstDay.addingTimeInterval(Double(day * 86_400 + Int.random(in: 0..<86_400, using: &random)))
                var clickID: String?
                if kind.isHuman {
                    // One in ten replays an earlier click id: the store keeps the first only.
                    if !clickIDs.isEmpty, Int.random(in: 0..<10, using: &random) == 0 {
                        clickID = clickIDs.randomElement(using: &random)
                    } else {
                        clickID = "click-\(clickIDs.count)"
                        clickIDs.append(clickID!)
                    }
                }
                let visitor = String(format: "%032x", Int.random(in: 0..<visitorPool, using: &random))
                clicks.append(LinkClick(code: code, at: at, visitor: visitor, clickID: clickID, kind: kind,
                                        source: sources[kind]!.randomElement(using: &random)!, device: kind.isHuman ? .mobile : .bot))
            }
        }
        self.clicks = clicks
    }

    /// The clicks cut into batches of 1 to `largest`, as a redirector's group commits would be.
    public func batches(largest: Int, seed: UInt64) -> [[LinkClick]] {
        var random = SeededRandom(seed: seed)
        var batches: [[LinkClick]] = []
        var start = 0
        while start < clicks.count {
            let end = min(clicks.count, start + Int.random(in: 1...largest, using: &random))
            batches.append(Array(clicks[start..<end]))
            start = end
        }
        return batches
    }

    /// Each link of `codes`'s traffic as counted from the raw clicks: every click whose click id
    /// was not seen before on any link the store holds (`stored`: click ids are unique across
    /// workspaces), by class and source; unique visitors are distinct (UTC day, visitor key)
    /// pairs of people's visits, summed over days.
    public static func traffic(of clicks: [LinkClick], codes: [String], stored: [String]? = nil) -> [LinkTraffic] {
        let stored = Set(stored ?? codes)
        var seenClickIDs: Set<String> = []
        var counts: [String: [TrafficCount]] = [:]
        var visits: [String: Set<String>] = [:]
        for click in clicks where stored.contains(click.code) {
            if let clickID = click.clickID, !seenClickIDs.insert(clickID).inserted { continue }
            guard codes.contains(click.code) else { continue }
            var linkCounts = counts[click.code, default: []]
            if let index = linkCounts.firstIndex(where: { $0.kind == click.kind && $0.source == click.source }) {
                linkCounts[index].clicks += 1
            } else {
                linkCounts.append(TrafficCount(code: click.code, kind: click.kind, source: click.source, clicks: 1))
            }
            counts[click.code] = linkCounts
            if click.kind.isHuman {
                let day = Int64(click.at.timeIntervalSince1970) / 86_400
                visits[click.code, default: []].insert("\(day) \(click.visitor)")
            }
        }
        return codes.map { code in
            let sorted = (counts[code] ?? []).sorted { ($0.kind.rawValue, $0.source ?? "") < ($1.kind.rawValue, $1.source ?? "") }
            return LinkTraffic(code: code, counts: sorted, uniqueVisitors: visits[code]?.count ?? 0)
        }
    }
}
