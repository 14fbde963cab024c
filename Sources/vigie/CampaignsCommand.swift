import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct CampaignsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns",
        abstract: "Influencer campaigns: add, list, show, report (clicks, dark social, conversions, ROI), compact old clicks.",
        discussion: "Links are made with `vigie links add`; `vigie links serve` redirects them and counts the clicks. See docs/campaigns.md.",
        subcommands: [CampaignsAddCommand.self, List.self, Show.self, CampaignsReportCommand.self, ConversionsImportCommand.self, Compact.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The workspace's campaigns.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let engine = try store.engine(readOnly: true)
            let campaigns = try await engine.campaigns()
            if json {
                print(try Output.json(campaigns))
                return
            }
            guard !campaigns.isEmpty else {
                print("no campaign in workspace \(engine.workspace): `vigie campaigns add NAME --currency EUR --influencer @handle=FEE`")
                return
            }
            print(Output.table(["campaign", "objective", "starts", "ends", "budget", "spend", "influencers", "watch"], campaigns.map { campaign in
                [campaign.name, campaign.objective.rawValue, DateParsing.iso8601(campaign.startsAt),
                 campaign.endsAt.map(DateParsing.iso8601) ?? "-", campaign.budget?.description ?? "-",
                 campaign.spend?.description ?? "-", String(campaign.influencers.count), campaign.watch ?? "-"]
            }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A campaign: its influencers, fees and links.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The campaign's name.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let engine = try store.engine(readOnly: true)
            let detail = try await engine.campaign(named: name)
            if json {
                print(try Output.json(detail))
                return
            }
            let campaign = detail.campaign
            print("campaign \(campaign.name) (\(campaign.objective.rawValue)), \(DateParsing.iso8601(campaign.startsAt)) → "
                  + (campaign.endsAt.map(DateParsing.iso8601) ?? "open") + ", currency \(campaign.currency.code)")
            print("budget \(campaign.budget?.description ?? "-"), spend \(campaign.spend?.description ?? "-"), watch \(campaign.watch ?? "-"), "
                  + "links on \(campaign.linkBase ?? "(no link origin: --link-base)")")
            if !campaign.influencers.isEmpty {
                print("")
                print(Output.table(["influencer", "account", "fee"], campaign.influencers.map {
                    [$0.handle, $0.account.description, $0.fee?.description ?? "-"]
                }))
            }
            print("")
            guard !detail.links.isEmpty else {
                print("no link yet: `vigie links add URL --campaign \(campaign.name) --influencer @handle --channel instagram`")
                return
            }
            print(LinksCommand.table(detail.links))
        }
    }

    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compact",
            abstract: "Fold clicks older than the retention into daily counts and delete them.",
            discussion: "Reports keep every count (clicks by class and source, unique visitors per day); the clicks themselves go.")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Keep clicks this many months (30-day months).", valueName: "months"))
        var retentionMonths = 13

        func run() async throws {
            guard (1...120).contains(retentionMonths) else { throw ValidationError("--retention-months must be from 1 to 120.") }
            let engine = try store.engine(mustExist: true)
            let folded = try await engine.compactClicks(retentionDays: retentionMonths * 30)
            print("\(folded) clicks older than \(retentionMonths) months folded into daily counts in workspace \(engine.workspace)")
        }
    }
}
