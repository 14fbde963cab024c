import Foundation
import VigieCore

/// A campaign report as CSV: one line for the campaign, then each influencer, channel and link,
/// with the same columns.
public enum CampaignReportCSV {
    static let header = [
        "level", "name", "clicks", "unique_visitors", "private_shares", "public_previews", "bots", "dark", "social", "search", "web",
        "dark_share", "conversions", "revenue", "other_currency_conversions", "spend", "cost_per_click", "cost_per_conversion",
        "roi", "revenue_per_unit_spent", "currency",
    ]

    public static func text(_ report: CampaignReport) -> String {
        var lines = [header.joined(separator: ",")]
        let currency = report.campaign.currency
        func line(_ level: String, _ name: String, _ figures: CampaignFigures) {
            let money: (Double?) -> String = { $0.map { String(format: "%.\(currency.exponent)f", $0) } ?? "" }
            let ratio: (Double?) -> String = { $0.map { String(format: "%.4f", $0) } ?? "" }
            let fields: [String] = [
                level, name, String(figures.clicks), String(figures.uniqueVisitors), String(figures.privateShares),
                String(figures.publicPreviews), String(figures.bots), String(figures.dark), String(figures.social), String(figures.search),
                String(figures.web), ratio(figures.darkShare), String(figures.conversions), money(figures.revenue),
                String(figures.otherCurrencyConversions), money(figures.spend), money(figures.costPerClick),
                money(figures.costPerConversion), ratio(figures.roi), ratio(figures.revenuePerUnitSpent), currency.code,
            ]
            lines.append(fields.map(escape).joined(separator: ","))
        }
        line("campaign", report.campaign.name, report.totals)
        for influencer in report.influencers { line("influencer", influencer.handle, influencer.figures) }
        for channel in report.channels { line("channel", channel.channel, channel.figures) }
        for link in report.links { line("link", link.shortURL ?? link.code, link.figures) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes a field when needed, and defuses spreadsheet formulas (a leading `=`, `+`, `-`, `@`).
    static func escape(_ field: String) -> String {
        var text = field
        if let first = text.first, "=+@".contains(first) || (first == "-" && Double(text) == nil) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
