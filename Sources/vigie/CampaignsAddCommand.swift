import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct CampaignsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a campaign with its influencers and their fees.",
        discussion: """
            Influencers are accounts already in the workspace (import their posts or profile first), \
            written @handle or @handle=FEE in the campaign's currency; platform:@handle when the handle \
            exists on several platforms.

            Examples:
              vigie campaigns add spring --currency EUR --budget 5000 --influencer @marie=800 --influencer @paul=1200 \\
                --starts 2026-03-01 --ends 2026-04-01 --watch spring-talk --link-base https://go.brand.example
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The campaign's name (letters, digits, '-' and '_').")
    var name: String

    @Option(help: ArgumentHelp("awareness, engagement, traffic or conversions.", valueName: "objective"))
    var objective = "traffic"

    @Option(help: ArgumentHelp("Start date (default: now).", valueName: "date"))
    var starts: String?

    @Option(help: ArgumentHelp("End date.", valueName: "date"))
    var ends: String?

    @Option(help: ArgumentHelp("Planned spend, in the currency.", valueName: "amount"))
    var budget: String?

    @Option(help: ArgumentHelp("ISO 4217 code of the budget, fees and revenue.", valueName: "code"))
    var currency = "EUR"

    @Option(help: ArgumentHelp("An influencer, @handle or @handle=FEE (repeatable).", valueName: "@handle[=fee]"))
    var influencer: [String] = []

    @Option(help: ArgumentHelp("The watch following the campaign's public conversation.", valueName: "name"))
    var watch: String?

    @Option(help: ArgumentHelp("The brand's short-link origin, where `vigie links serve` answers.", valueName: "https://…"))
    var linkBase: String?

    func run() async throws {
        guard let objective = Campaign.Objective(rawValue: objective) else {
            throw ValidationError("--objective must be one of \(Campaign.Objective.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let engine = try store.engine()
        let campaign = try await engine.addCampaign(AddCampaignRequest(
            name: name, objective: objective, startsAt: try starts.map { try Self.date($0, option: "--starts") },
            endsAt: try ends.map { try Self.date($0, option: "--ends") }, budget: budget, currency: currency, influencers: influencer,
            watch: watch, linkBase: linkBase))
        print("campaign \(campaign.name) added with \(campaign.influencers.count) influencers"
              + (campaign.spend.map { ", spend \($0)" } ?? "") + "; `vigie links add URL --campaign \(campaign.name)` makes its links")
    }

    static func date(_ text: String, option: String) throws -> Date {
        guard let date = DateParsing.parse(text) else {
            throw ValidationError("\(option) '\(text)' is not a date: use 2026-03-01 or 2026-03-01T09:00:00Z.")
        }
        return date
    }
}
