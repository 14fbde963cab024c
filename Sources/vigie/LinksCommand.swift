import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct LinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "First-party short links of campaigns: add, list, serve (the redirector that counts clicks without keeping addresses).",
        subcommands: [Add.self, List.self, LinksServeCommand.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Make a short link to URL for a campaign, an influencer and a channel.",
            discussion: """
                The code is 10 random characters (unguessable). UTM parameters default to the campaign \
                (utm_campaign), the channel or the influencer's platform (utm_source), influencer \
                (utm_medium) and the handle (utm_content); --utm-* options replace them. A click id \
                (vgclid) is appended so the brand's site can report conversions against its click.

                Examples:
                  vigie links add https://brand.example/spring --campaign spring --influencer @marie --channel instagram
                  vigie links add https://brand.example/ --campaign spring --channel newsletter --utm-medium email
                """
        )

        @OptionGroup var store: StoreOptions

        @Argument(help: "The target URL (http or https).")
        var url: String

        @Option(help: ArgumentHelp("The campaign.", valueName: "name"))
        var campaign: String

        @Option(help: ArgumentHelp("An influencer of the campaign.", valueName: "@handle"))
        var influencer: String?

        @Option(help: ArgumentHelp("Where the link is posted (instagram, story, newsletter…).", valueName: "name"))
        var channel: String?

        @Option var utmSource: String?
        @Option var utmMedium: String?
        @Option var utmCampaign: String?
        @Option var utmContent: String?
        @Option var utmTerm: String?

        @Flag(help: "Answer 301 (browsers then cache the redirect and later clicks go unseen) instead of 302.")
        var permanent = false

        @Flag(help: "Do not append the click id (vgclid) to the target.")
        var noClickId = false

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let engine = try store.engine()
            let link = try await engine.addLink(AddLinkRequest(
                campaign: campaign, target: url, influencer: influencer, channel: channel,
                utm: UTMParameters(source: utmSource, medium: utmMedium, campaign: utmCampaign, content: utmContent, term: utmTerm),
                permanent: permanent, appendsClickID: !noClickId))
            if json {
                print(try Output.json(link))
                return
            }
            print("\(link.shortURL ?? link.link.code) → \(link.destination)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The workspace's links (of one campaign with --campaign).")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Only this campaign's links.", valueName: "name"))
        var campaign: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let engine = try store.engine(readOnly: true)
            let links = try await engine.links(campaign: campaign)
            if json {
                print(try Output.json(links))
                return
            }
            guard !links.isEmpty else {
                print("no link in workspace \(engine.workspace): `vigie links add URL --campaign NAME`")
                return
            }
            print(LinksCommand.table(links))
        }
    }

    static func table(_ links: [LinkView]) -> String {
        Output.table(["code", "campaign", "influencer", "channel", "status", "short URL", "destination"], links.map { view in
            [view.link.code, view.link.campaign, view.influencer ?? "-", view.link.channel ?? "-", view.link.permanent ? "301" : "302",
             view.shortURL ?? "-", view.destination]
        })
    }
}
