import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct CampaignsReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A campaign's clicks, unique visitors, private shares, dark share, conversions and ROI, per influencer, channel and link.",
        discussion: """
            --format text prints the tables and how each figure is computed; csv and json export it.

            Examples:
              vigie campaigns report spring
              vigie campaigns report spring --format csv > spring.csv
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var models: ModelOptions

    @Argument(help: "The campaign's name.")
    var name: String

    @Option(help: ArgumentHelp("text, csv or json.", valueName: "format"))
    var format = "text"

    @Flag(help: "Leave out the influencers' audience quality (no trust scoring).")
    var noAudience = false

    func validate() throws {
        guard ["text", "csv", "json"].contains(format) else { throw ValidationError("--format must be text, csv or json.") }
    }

    func run() async throws {
        let engine = try store.engine(readOnly: true, trustModel: models.model)
        let report = try await engine.campaignReport(CampaignReportRequest(campaign: name, audience: !noAudience))
        switch format {
        case "json": print(try Output.json(report))
        case "csv": print(CampaignReportCSV.text(report), terminator: "")
        default: print(Self.text(report))
        }
    }

    static func text(_ report: CampaignReport) -> String {
        let campaign = report.campaign
        let currency = campaign.currency
        let money: (Double?) -> String = { $0.map { Money.format($0, currency) } ?? "-" }
        let percent: (Double?) -> String = { $0.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        let ratio: (Double?) -> String = { $0.map { String(format: "%.2f", $0) } ?? "-" }
        func row(_ name: String, _ f: CampaignFigures) -> [String] {
            [name, String(f.clicks), String(f.uniqueVisitors), String(f.privateShares), String(f.dark), percent(f.darkShare),
             String(f.bots + f.publicPreviews), String(f.conversions), money(f.revenue), money(f.spend), money(f.costPerClick),
             money(f.costPerConversion), ratio(f.roi)]
        }
        let header = ["", "clicks", "uniques", "private shares", "dark", "dark share", "bots+cards", "conversions", "revenue",
                      "spend", "cost/click", "cost/conv.", "ROI"]
        var text = "campaign \(campaign.name): \(DateParsing.iso8601(campaign.startsAt)) → \(campaign.endsAt.map(DateParsing.iso8601) ?? "open")\n\n"
        text += Output.table(header, [row("total", report.totals)]) + "\n\n"
        let benchmarks = report.benchmarks
        text += "dark share \(percent(report.totals.darkShare)) (field: \(Int(benchmarks.darkShareLow * 100))–\(Int(benchmarks.darkShareHigh * 100))%); "
        text += "revenue per 1 spent \(ratio(report.totals.revenuePerUnitSpent)) (field: \(String(format: "%.2f", benchmarks.revenuePerUnitSpent)))\n"
        text += "public shares \(report.publicShares.map(String.init) ?? "-"); private per public \(ratio(report.privateToPublicRatio)) "
        text += "(field: about \(Int(benchmarks.privatePerPublic)))\n"
        if !report.privateSharesByApp.isEmpty {
            text += "private shares by app: " + report.privateSharesByApp.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ") + "\n"
        }
        if !report.influencers.isEmpty {
            text += "\nper influencer\n" + Output.table(header, report.influencers.map { row($0.handle, $0.figures) }) + "\n"
            let audience = report.influencers.filter { $0.followers != nil }
            if !audience.isEmpty {
                text += "\n" + Output.table(["influencer", "fee", "followers", "tier", "suspicious audience", "adjusted reach",
                                             "engagement", "tier benchmark"], audience.map { line in
                    [line.handle, money(line.fee), line.followers.map(Output.count) ?? "-", line.tier?.rawValue ?? "-",
                     percent(line.suspiciousAudienceShare), line.authenticityAdjustedReach.map(Output.count) ?? "-",
                     percent(line.engagementRate), percent(line.tierBenchmarkRate)]
                }) + "\n"
            }
        }
        text += "\nper channel\n" + Output.table(header, report.channels.map { row($0.channel, $0.figures) }) + "\n"
        text += "\nper link\n" + Output.table(header, report.links.map { row(($0.influencer.map { $0 + " " } ?? "") + ($0.shortURL ?? $0.code), $0.figures) }) + "\n"
        text += "\nhow each figure is computed\n"
        for (name, explanation) in report.explanations.sorted(by: { $0.key < $1.key }) { text += "  \(name): \(explanation)\n" }
        for note in report.notes { text += "note: \(note)\n" }
        return text
    }
}
